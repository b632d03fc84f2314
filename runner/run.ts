/**
 * `vaultcheck run` as a library function: replay stored failures first, explore, store what is
 * new, write reproducers, and say what happened. The CLI only parses arguments around it.
 */
import { forkWorker } from '../engine/fork.ts'
import { driverFor } from '../properties/drivers.ts'
import { ChunkRunner, type ChunkJob, type Progress } from './chunk-runner.ts'
import path from 'node:path'
import { ConfigError } from '../evm/errors.ts'
import type { Kind } from '../engine/property.ts'
import { ChunkLedger, chunkPlan, interruption, mergeChunks, resolveOptions, selectProperties, type CampaignOptions, type ChunkOutcome } from '../engine/campaign.ts'
import { listFailures, saveFailure, toStoredFailure, type StoredFailure } from '../report/failures.ts'
import { writeReproducers } from '../report/reproducers.ts'
import type { TargetOutcome } from '../report/reporters.ts'
import { replay, runSuite, type SuiteResult } from './suite.ts'
import type { PropertyDef } from '../engine/property.ts'
import { isKindPath, kindName } from '../engine/kinds.ts'
import { loadTarget, type LoadedTarget, type TargetSpec } from '../engine/target.ts'
import { HarnessError, VaultcheckError } from '../evm/errors.ts'

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

export type RunOutcome = {
  results: TargetOutcome[]
  newFailureFiles: string[]
  reproducerFiles: string[]
  /** With workers: chunks run, and how many of them ran again because they started on a wrong guess. */
  pool?: PoolStats
}

export type PoolStats = { chunks: number; reruns: number }

export function targetName(t: RunTarget, loaded?: LoadedTarget): string {
  return loaded?.name ?? t.name ?? t.contract ?? (typeof t.kind === 'string' ? t.kind : kindName(t.kind))
}

/** Replays every stored failure of a target: a regression stays caught; a fix is reported as "fixed?". */
export async function replayStored(root: string, target: LoadedTarget, options: CampaignOptions): Promise<NonNullable<TargetOutcome['stored']>> {
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
  return withStored(res, stored)
}

/**
 * A target's campaign options as plain data: the same options go to a child process (over IPC),
 * into a shard report, and key each worker's deployed targets. Signal and callbacks stay here.
 */
export function plainOptions(p: Pick<RunParams, 'options'>, t: RunTarget): CampaignOptions {
  const { signal: _signal, onRun: _onRun, onFailure: _onFailure, ...options } = { ...p.options, ...(t.options ?? {}) } as CampaignOptions
  return options
}

/** A stored failure that still reproduces fails its property even if exploration missed it this time. */
export function withStored(res: SuiteResult, stored: NonNullable<TargetOutcome['stored']>): TargetOutcome {
  for (const s of stored) {
    if (s.status !== 'reproduced') continue
    const p = res.properties.find((x) => x.id === s.propertyId)
    if (p && p.status === 'passed') p.status = 'failed'
  }
  return { ...res, stored }
}

export async function runTargets(p: RunParams): Promise<RunOutcome> {
  const pool: PoolStats | undefined = (p.workers ?? 1) > 1 ? { chunks: 0, reruns: 0 } : undefined
  // A definition is functions: it cannot travel to a worker process, its module path can.
  const inline = pool ? p.targets.findIndex((t) => typeof t.kind !== 'string') : -1
  if (inline >= 0) throw new ConfigError({ issues: [{ path: `targets.${inline}.kind`, message: 'with workers, name the kind by its module path (a definition object cannot be sent to a worker process)' }] })
  const results: (TargetOutcome | undefined)[] = pool ? await runPooled(p, pool) : await runInProcess(p)
  const done = results.filter((r): r is TargetOutcome => r !== undefined)
  const stored = p.store !== false ? await storeFailures(p, results) : { newFailureFiles: [], reproducerFiles: [] }
  return { results: done, ...stored, ...(pool ? { pool } : {}) }
}

/** Writes each counterexample of `results` (aligned with `p.targets`) to the store, with its reproducers. */
export async function storeFailures(p: Pick<RunParams, 'root' | 'targets' | 'options'>, results: readonly (TargetOutcome | undefined)[]): Promise<{ newFailureFiles: string[]; reproducerFiles: string[] }> {
  const newFailureFiles: string[] = []
  const reproducerFiles: string[] = []
  for (const [i, r] of results.entries()) {
    if (!r) continue
    const t = p.targets[i]
    for (const prop of r.properties) {
      if (!prop.counterexample) continue
      const merged = { ...p.options, ...(t.options ?? {}) }
      const f: StoredFailure = toStoredFailure({
        target: r.target,
        kind: r.kind as Kind,
        ...(typeof t.kind === 'string' && isKindPath(t.kind) ? { kindModule: relativeToRoot(p.root, path.resolve(t.root ?? p.root, t.kind)) } : {}),
        cx: prop.counterexample,
        bytecodeHash: r.bytecodeHash,
        compilerVersion: r.compilerVersion,
        options: {
          depth: merged.depth ?? 25,
          actors: merged.actors ?? 3,
          decimals: merged.decimals ?? 18,
          checkInterval: merged.checkInterval ?? 8,
          ...(merged.tokenQuirk ? { tokenQuirk: merged.tokenQuirk } : {}),
        },
      })
      const file = saveFailure(p.root, f)
      newFailureFiles.push(file)
      reproducerFiles.push(...(await writeReproducers(p.root, file, f, t)))
    }
  }
  return { newFailureFiles, reproducerFiles }
}

function progressOptions(p: RunParams, t: RunTarget): CampaignOptions['onRun'] {
  const name = targetName(t)
  return (x) => p.onProgress?.(name, { ...x, totalRuns: t.options?.runs ?? p.options.runs ?? 40 })
}

async function runInProcess(p: RunParams): Promise<(TargetOutcome | undefined)[]> {
  const results: (TargetOutcome | undefined)[] = new Array(p.targets.length)
  for (const [i, t] of p.targets.entries()) {
    if (p.options.signal?.aborted) break
    results[i] = await runOne(p.root, t, { ...p.options, onRun: progressOptions(p, t) })
    p.onTargetDone?.(results[i]!)
  }
  return results
}

/** One target's campaign as the pool sees it: chunks committed, finished ahead, running. */
type PooledCampaign = {
  spec: RunTarget
  loaded: LoadedTarget
  options: CampaignOptions
  stored: NonNullable<TargetOutcome['stored']>
  defs: PropertyDef[]
  skipped: { def: PropertyDef; reason: string }[]
  ledger: ChunkLedger
  /** Finished chunks not yet committed (an earlier one is still running). */
  ahead: Map<number, ChunkOutcome>
  running: Set<number>
  /** Chunks to run again: their starting set was a wrong guess. */
  again: Set<number>
  next: number
  started?: number
  progress: Map<number, Progress>
  onProgress: CampaignOptions['onRun']
  finished: boolean
  /** Workers that have run a chunk of it: they have it deployed. */
  workers: Set<number>
}

/**
 * `--workers n`: chunks of every campaign are dealt to n workers, this process and n-1 children.
 * A chunk's result depends on the properties still enabled when it starts, known for sure only
 * once every earlier chunk is committed; a worker that would idle runs the next chunk on the best
 * guess (no new failures), and a chunk whose guess was wrong runs again. Without failures nothing
 * is ever re-run; either way the committed chunks are the ones one process would have run, so the
 * result is the same.
 */
async function runPooled(p: RunParams, stats: PoolStats): Promise<(TargetOutcome | undefined)[]> {
  // This process is one of the workers: its core would idle otherwise, and it is loaded already.
  // Children start first: their start-up (module loading) overlaps the parent's preparation.
  const children: PoolWorker[] = [
    ...Array.from({ length: Math.max(1, (p.workers ?? 1) - 1) }, () => new ChildWorker(p.options.signal)),
    new LocalWorker(p.options.signal),
  ]
  try {
    return await dealChunks(p, children, stats)
  } finally {
    for (const c of children) c.close()
  }
}

async function dealChunks(p: RunParams, children: PoolWorker[], stats: PoolStats): Promise<(TargetOutcome | undefined)[]> {
  const campaigns: PooledCampaign[] = []
  for (const spec of p.targets) {
    const loaded = await loadTarget(spec)
    const options = plainOptions(p, spec)
    const stored = await replayStored(p.root, loaded, options)
    const { enabled: defs, skipped } = selectProperties(loaded.kind, driverFor(loaded).properties, options)
    const ledger = new ChunkLedger(chunkPlan(resolveOptions(options).runs), defs.map((d) => d.id), options.stopOnFirstFailure)
    campaigns.push({ spec, loaded, options, stored, defs, skipped, ledger, ahead: new Map(), running: new Set(), again: new Set(), next: 0, progress: new Map(), onProgress: progressOptions(p, spec), finished: false, workers: new Set() })
  }
  const results: (TargetOutcome | undefined)[] = new Array(p.targets.length)
  let failure: Error | undefined
  let wake: () => void = () => {}
  let changed = new Promise<void>((r) => (wake = r))
  const notify = () => {
    wake()
    changed = new Promise<void>((r) => (wake = r))
  }

  let reported = 0
  const finish = (i: number, force = false) => {
    const c = campaigns[i]
    if (c.finished || (!force && !c.ledger.done) || c.running.size > 0) return
    c.finished = true
    const res = mergeChunks(c.loaded, driverFor(c.loaded).properties, c.defs, c.skipped, c.ledger.outcomes, {
      durationMs: Date.now() - (c.started ?? Date.now()),
      interrupted: interruption({ ...c.options, signal: p.options.signal }, c.started ?? Date.now(), c.ledger.outcomes),
    })
    results[i] = withStored({ ...res, compilerVersion: c.loaded.compilerVersion, bytecodeHash: c.loaded.bytecodeHash }, c.stored)
    // Targets finish in any order; they are announced in the order given, as one process would.
    for (; reported < campaigns.length && results[reported]; reported++) p.onTargetDone?.(results[reported]!)
  }
  const report = (c: PooledCampaign) => {
    let runs = 0
    let actions = 0
    let failures = 0
    for (const x of c.progress.values()) {
      runs += x.runs
      actions += x.actions
      failures += x.failures
    }
    c.onProgress?.({ runs, actions, failures })
  }

  /**
   * The next chunk for worker `w`, with the properties it should start with. A worker keeps to
   * the campaigns it has deployed, then takes one nobody has started, and only then shares
   * another's: many short campaigns (a token-quirk matrix) then run side by side instead of each
   * being deployed by every worker. Which worker runs a chunk never changes its outcome.
   */
  const pick = (w: number): { i: number; index: number; enabled: string[] } | undefined => {
    if (p.options.signal?.aborted || failure) return undefined
    const rank = (c: PooledCampaign) => (c.workers.has(w) ? 0 : c.workers.size === 0 ? 1 : 2)
    const order = [...campaigns.entries()].sort(([a, x], [b, y]) => rank(x) - rank(y) || a - b)
    for (const [i, c] of order) {
      if (c.ledger.done) continue
      const first = c.ledger.outcomes.length
      if (c.again.has(first) && !c.running.has(first)) {
        c.again.delete(first)
        return { i, index: first, enabled: c.ledger.enabled }
      }
      if (c.next >= c.ledger.plan.length) continue
      // Guess: failures of finished, uncommitted earlier chunks stay off; nothing else changes.
      const guess = new Set(c.ledger.enabled)
      let stop = false
      for (let k = first; k < c.next; k++) {
        const done = c.ahead.get(k)
        for (const f of done?.failures ?? []) guess.delete(f.counterexample.propertyId)
        if (done?.interrupted || (c.options.stopOnFirstFailure && (done?.failures.length ?? 0) > 0)) stop = true
      }
      if (stop || guess.size === 0) continue
      return { i, index: c.next++, enabled: [...guess].sort() }
    }
    return undefined
  }

  const settle = (i: number, outcome: ChunkOutcome) => {
    const c = campaigns[i]
    c.ahead.set(outcome.index, outcome)
    for (let k = c.ledger.outcomes.length; c.ahead.has(k) && !c.ledger.done; k = c.ledger.outcomes.length) {
      const o = c.ahead.get(k)!
      c.ahead.delete(k)
      if (!c.ledger.commit(o)) {
        stats.reruns++
        c.again.add(k)
        c.progress.delete(k)
        // Later chunks guessed from this one: their guesses are checked again when they commit.
        break
      }
    }
  }

  const loop = async (child: PoolWorker, w: number): Promise<void> => {
    for (;;) {
      const job = pick(w)
      if (!job) {
        // Nothing to start: done when nothing runs either, else wait for a chunk to finish.
        if (!campaigns.some((c) => c.running.size > 0)) return
        await changed
        continue
      }
      const c = campaigns[job.i]
      c.started ??= Date.now()
      c.workers.add(w)
      c.running.add(job.index)
      stats.chunks++
      try {
        const outcome = await child.chunk(
          { root: p.root, target: c.spec, options: c.options, index: job.index, enabled: job.enabled, started: c.started },
          (x) => {
            c.progress.set(job.index, x)
            report(c)
          },
        )
        c.running.delete(job.index)
        settle(job.i, outcome)
        finish(job.i)
      } catch (e) {
        c.running.delete(job.index)
        failure ??= e as Error
      }
      notify()
    }
  }
  await Promise.all(children.map((child, w) => loop(child, w)))
  if (failure) throw failure
  // Interrupted before some targets started: they are not reported, as with one process.
  for (const [i, c] of campaigns.entries()) if (c.started !== undefined) finish(i, true)
  // Interrupted: a target that never started leaves a gap; announce what follows it anyway.
  for (; reported < campaigns.length; reported++) if (results[reported]) p.onTargetDone?.(results[reported]!)
  return results
}

type PoolWorker = { chunk(job: ChunkJob, onRun: (p: Progress) => void): Promise<ChunkOutcome>; close(): void }

/** The parent's share of the pool. */
class LocalWorker implements PoolWorker {
  private readonly runner = new ChunkRunner()
  constructor(private readonly signal?: AbortSignal) {}

  chunk(job: ChunkJob, onRun: (p: Progress) => void): Promise<ChunkOutcome> {
    return this.runner.run(job, this.signal, onRun)
  }

  close(): void {}
}

/**
 * A long-lived child process running chunks one after another; it keeps each target deployed, so
 * start-up, JIT warm-up and deployment are paid once per worker and target, not per chunk.
 */
class ChildWorker implements PoolWorker {
  private readonly child
  private pending: { resolve: (r: ChunkOutcome) => void; reject: (e: Error) => void; onRun?: (p: Progress) => void; name: string } | undefined
  private exited = false

  constructor(signal?: AbortSignal) {
    this.child = forkWorker('runner/worker')
    const onAbort = () => {
      if (!this.exited) this.child.send({ type: 'abort' })
    }
    signal?.addEventListener('abort', onAbort)
    this.child.on('message', (m: { type: string; result?: ChunkOutcome; progress?: Progress; error?: WorkerError }) => {
      const job = this.pending
      if (!job) return
      if (m.type === 'progress' && m.progress) job.onRun?.(m.progress)
      if (m.type === 'result' && m.result) {
        this.pending = undefined
        job.resolve(m.result)
      }
      if (m.type === 'error' && m.error) {
        this.pending = undefined
        job.reject(reviveError(m.error))
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

  chunk(job: ChunkJob, onRun: (p: Progress) => void): Promise<ChunkOutcome> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject, onRun, name: targetName(job.target) }
      this.child.send({ type: 'chunk', job })
    })
  }

  close(): void {
    if (!this.exited) this.child.send({ type: 'exit' })
  }
}

export type WorkerError = { name: string; message: string; kind: string; stack?: string }

function reviveError(e: WorkerError): Error {
  return e.kind === 'usage' ? new VaultcheckError(e.message) : new HarnessError(e.message, { details: e.stack ? [e.stack] : [] })
}

/** A path as stored files keep it: relative to the project root, with forward slashes. */
function relativeToRoot(root: string, file: string): string {
  const r = path.relative(root, file).split(path.sep).join('/')
  return r.startsWith('.') ? r : `./${r}`
}
