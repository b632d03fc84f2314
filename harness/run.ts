/**
 * `vaultcheck run` as a library function: replay stored failures first, explore, store what is
 * new, write reproducers, and say what happened. The CLI only parses arguments around it.
 */
import { fork } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Kind } from '../properties/types.ts'
import type { CampaignOptions } from './campaign.ts'
import { listFailures, saveFailure, toStoredFailure, type StoredFailure } from './failures.ts'
import { writeReproducers } from './reproducers.ts'
import type { TargetOutcome } from './reporters.ts'
import { replay, runSuite } from './suite.ts'
import { loadTarget, type LoadedTarget, type TargetSpec } from './target.ts'
import { HarnessError, VaultcheckError } from './errors.ts'

export type RunTarget = TargetSpec & {
  options?: Omit<CampaignOptions, 'signal' | 'onRun'>
}

export type RunParams = {
  targets: readonly RunTarget[]
  /** Where `.vaultcheck/` lives (stored failures, reproducers). */
  root: string
  options: Omit<CampaignOptions, 'onRun'>
  workers?: number
  /** Write new failures to the store and reproducers next to them (default true). */
  store?: boolean
  onProgress?: (target: string, p: { runs: number; actions: number; failures: number; totalRuns: number }) => void
  onTargetDone?: (r: TargetOutcome) => void
}

export type RunOutcome = { results: TargetOutcome[]; newFailureFiles: string[]; reproducerFiles: string[] }

function targetName(t: RunTarget, loaded?: LoadedTarget): string {
  return loaded?.name ?? t.name ?? t.contract ?? t.kind
}

/** Replays every stored failure of a target: a regression stays caught; a fix is reported as "fixed?". */
async function replayStored(root: string, target: LoadedTarget, options: CampaignOptions): Promise<NonNullable<TargetOutcome['stored']>> {
  const out: NonNullable<TargetOutcome['stored']> = []
  for (const entry of listFailures(root, target.name)) {
    const rel = path.relative(root, entry.file)
    if (!entry.failure) {
      out.push({ file: rel, propertyId: '?', status: 'error', note: entry.error })
      continue
    }
    const f = entry.failure
    if (f.kind !== target.kind) {
      out.push({ file: rel, propertyId: f.propertyId, status: 'error', note: `stored for kind ${f.kind}, target is ${target.kind}` })
      continue
    }
    const r = await replay(target, f, { ...options, ...f.options })
    const changed = f.bytecodeHash !== target.bytecodeHash
    if (r.failed) out.push({ file: rel, propertyId: f.propertyId, status: 'reproduced', note: r.failed.propertyId === f.propertyId ? undefined : `now fails ${r.failed.propertyId}` })
    else
      out.push({
        file: rel,
        propertyId: f.propertyId,
        status: 'fixed?',
        note: changed ? 'no longer reproduces on the changed bytecode; kept until you run `vaultcheck clear`' : 'no longer reproduces on the same bytecode; kept until you run `vaultcheck clear`',
      })
  }
  return out
}

export async function runOne(root: string, t: RunTarget, options: CampaignOptions): Promise<TargetOutcome> {
  const loaded = await loadTarget(t)
  const merged: CampaignOptions = { ...options, ...(t.options ?? {}) }
  const stored = await replayStored(root, loaded, merged)
  const res = await runSuite(loaded, merged)
  // A stored failure that still reproduces fails its property even if exploration missed it this time.
  for (const s of stored) {
    if (s.status !== 'reproduced') continue
    const p = res.properties.find((x) => x.id === s.propertyId)
    if (p && p.status === 'passed') p.status = 'failed'
  }
  return { ...res, stored }
}

export async function runTargets(p: RunParams): Promise<RunOutcome> {
  const workers = Math.max(1, Math.min(p.workers ?? 1, p.targets.length))
  const results: (TargetOutcome | undefined)[] = new Array(p.targets.length)
  let next = 0
  const runNext = async (): Promise<void> => {
    const child = workers > 1 ? new ChildWorker(p.options.signal) : undefined
    try {
      await drain(child)
    } finally {
      child?.close()
    }
  }
  const drain = async (child: ChildWorker | undefined): Promise<void> => {
    while (next < p.targets.length && !p.options.signal?.aborted) {
      const i = next++
      const t = p.targets[i]
      const name = targetName(t)
      const opts: CampaignOptions = {
        ...p.options,
        onRun: (x) => p.onProgress?.(name, { ...x, totalRuns: t.options?.runs ?? p.options.runs ?? 40 }),
      }
      const r = child ? await child.run(p.root, t, opts) : await runOne(p.root, t, opts)
      results[i] = r
      p.onTargetDone?.(r)
    }
  }
  await Promise.all(Array.from({ length: workers }, runNext))
  const done = results.filter((r): r is TargetOutcome => r !== undefined)
  const newFailureFiles: string[] = []
  const reproducerFiles: string[] = []
  if (p.store !== false) {
    for (const [i, r] of results.entries()) {
      if (!r) continue
      const t = p.targets[i]
      for (const prop of r.properties) {
        if (!prop.counterexample) continue
        const merged = { ...p.options, ...(t.options ?? {}) }
        const f: StoredFailure = toStoredFailure({
          target: r.target,
          kind: r.kind as Kind,
          cx: prop.counterexample,
          bytecodeHash: r.bytecodeHash,
          compilerVersion: r.compilerVersion,
          options: {
            depth: merged.depth ?? 25,
            actors: merged.actors ?? 3,
            decimals: merged.decimals ?? 18,
            checkInterval: merged.checkInterval ?? 8,
          },
        })
        const file = saveFailure(p.root, f)
        newFailureFiles.push(file)
        reproducerFiles.push(...(await writeReproducers(p.root, file, f, t)))
      }
    }
  }
  return { results: done, newFailureFiles, reproducerFiles }
}

/**
 * A long-lived child process running targets one after another. Campaigns are deterministic per
 * target, so a pool of these gives the same results as one process, only sooner; keeping each
 * child for several targets pays tsx start-up and JIT warm-up once per worker, not per target.
 */
class ChildWorker {
  private readonly child
  private pending: { resolve: (r: TargetOutcome) => void; reject: (e: Error) => void; onRun?: CampaignOptions['onRun']; name: string } | undefined
  private exited = false

  constructor(signal?: AbortSignal) {
    const worker = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker.ts')
    this.child = fork(worker, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    const onAbort = () => {
      if (!this.exited) this.child.send({ type: 'abort' })
    }
    signal?.addEventListener('abort', onAbort)
    this.child.on('message', (m: { type: string; result?: TargetOutcome; progress?: { runs: number; actions: number; failures: number }; error?: { name: string; message: string; kind: string; stack?: string } }) => {
      const job = this.pending
      if (!job) return
      if (m.type === 'progress' && m.progress) job.onRun?.(m.progress)
      if (m.type === 'result' && m.result) {
        this.pending = undefined
        job.resolve(m.result)
      }
      if (m.type === 'error' && m.error) {
        this.pending = undefined
        job.reject(m.error.kind === 'usage' ? new VaultcheckError(m.error.message) : new HarnessError(m.error.message, { details: m.error.stack ? [m.error.stack] : [] }))
      }
    })
    this.child.on('exit', (code) => {
      this.exited = true
      signal?.removeEventListener('abort', onAbort)
      const job = this.pending
      this.pending = undefined
      if (job) job.reject(new HarnessError(`worker for ${job.name} exited with code ${code}`))
    })
  }

  run(root: string, t: RunTarget, options: CampaignOptions): Promise<TargetOutcome> {
    const { signal: _signal, onRun, ...plain } = options
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, onRun, name: targetName(t) }
      this.child.send({ type: 'run', root, target: t, options: plain })
    })
  }

  close(): void {
    if (!this.exited) this.child.send({ type: 'exit' })
  }
}
