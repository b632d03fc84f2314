/**
 * Running one campaign chunk for the worker pool, in a child process (worker.ts) or in the parent
 * itself: targets are loaded and deployed once per process and kept for their next chunks.
 */
import { driverFor } from '../properties/drivers.ts'
import { prepareCampaign, runChunk, type CampaignOptions, type ChunkOutcome } from '../engine/campaign.ts'
import type { RunTarget } from './run.ts'
import { loadTarget } from '../engine/target.ts'

export type ChunkJob = { root: string; target: RunTarget; options: CampaignOptions; index: number; enabled: string[]; started: number }
export type Progress = { runs: number; actions: number; failures: number }

export class ChunkRunner {
  private readonly prepared = new Map<string, ReturnType<typeof prepareCampaign>>()

  async run(job: ChunkJob, signal: AbortSignal | undefined, onRun: (p: Progress) => void): Promise<ChunkOutcome> {
    const key = JSON.stringify([job.target, job.options])
    let entry = this.prepared.get(key)
    if (!entry) {
      entry = loadTarget(job.target).then((t) => prepareCampaign(t, driverFor(t), job.options, job.started))
      this.prepared.set(key, entry)
    }
    const { ctx } = await entry
    const options: CampaignOptions = { ...job.options, signal, onRun }
    return runChunk({ ...ctx, options, started: job.started }, job.index, job.enabled)
  }
}
