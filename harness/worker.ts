/** Child-process side of `--workers`: runs the campaign chunks it is sent, one after another, until told to exit. */
import { driverFor } from '../properties/drivers.ts'
import { prepareCampaign, runChunk, type CampaignOptions, type ChunkOutcome } from './campaign.ts'
import type { RunTarget, WorkerError } from './run.ts'
import { loadTarget } from './target.ts'

const controller = new AbortController()

type Job = { root: string; target: RunTarget; options: CampaignOptions; index: number; enabled: string[]; started: number }

// Deployed targets, kept for the next chunk of the same campaign (a target is deployed once per worker).
const prepared = new Map<string, ReturnType<typeof prepareCampaign>>()

async function run(job: Job): Promise<ChunkOutcome> {
  const key = JSON.stringify([job.target, job.options])
  let entry = prepared.get(key)
  if (!entry) {
    entry = loadTarget(job.target).then((t) => prepareCampaign(t, driverFor(t.kind), job.options, job.started))
    prepared.set(key, entry)
  }
  const { ctx } = await entry
  const options: CampaignOptions = { ...job.options, signal: controller.signal, onRun: (progress) => process.send!({ type: 'progress', progress }) }
  const deadline = job.options.timeLimitMs !== undefined ? job.started + job.options.timeLimitMs : Infinity
  return runChunk({ ...ctx, options, started: job.started, deadline }, job.index, job.enabled)
}

process.on('message', async (m: { type: string; job?: Job }) => {
  if (m.type === 'abort') {
    controller.abort()
    return
  }
  if (m.type === 'exit') {
    process.disconnect()
    return
  }
  if (m.type !== 'chunk' || !m.job) return
  try {
    process.send!({ type: 'result', result: await run(m.job) })
  } catch (e) {
    const err = e as Error & { kind?: string }
    const error: WorkerError = { name: err.name, message: err.message, kind: err.kind ?? 'harness', stack: err.stack }
    process.send!({ type: 'error', error })
  }
})

// Ctrl-C reaches the whole process group: the parent coordinates, the worker just stops exploring.
process.on('SIGINT', () => controller.abort())
