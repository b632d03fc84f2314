/**
 * Sharding for CI matrices: shards split the exploration, not the property list. A campaign is
 * cut into chunks of CHUNK_RUNS runs (the cut depends on the run budget only); shard i of n runs
 * chunks i-1, i-1+n, i-1+2n... of every target, and its report carries those chunks' outcomes.
 * `vaultcheck merge` commits the chunks of all shards in order, as one process would, so the
 * merged report is the one a single process with the same seed and budget gives.
 *
 * A chunk's outcome depends on the properties still enabled when it starts, known for sure only
 * once every earlier chunk is committed. A shard guesses from its own earlier chunks; when a
 * guess was wrong (another shard found a failure earlier), merge runs that chunk again itself,
 * as the worker pool does, and says how many it re-ran.
 */
import fs from 'node:fs'
import path from 'node:path'
import { ChunkLedger, chunkPlan, mergeChunks, resolveOptions, selectProperties, type CampaignOptions, type ChunkOutcome } from '../engine/campaign.ts'
import { loadTarget } from '../engine/target.ts'
import { ConfigError } from '../evm/errors.ts'
import { VERSION } from '../evm/version.ts'
import { driverFor } from '../properties/drivers.ts'
import { ChunkRunner } from './chunk-runner.ts'
import { plainOptions, replayStored, withStored, type RunParams, type RunTarget } from './run.ts'
import type { TargetOutcome } from '../report/reporters.ts'
import { writeAtomic } from '../report/failures.ts'

export function parseShard(s: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s)
  const index = m ? Number(m[1]) : NaN
  const count = m ? Number(m[2]) : NaN
  if (!m || count < 1 || index < 1 || index > count) {
    throw new ConfigError({ issues: [{ path: '--shard', message: `expected i/n with 1 <= i <= n, got "${s}"` }] })
  }
  return { index, count }
}

/** What a shard report carries for merge: per target, the chunks this shard ran. */
export type ShardData = {
  version: string
  index: number
  count: number
  targets: ShardTarget[]
}

export type ShardTarget = {
  name: string
  kind: string
  bytecodeHash: string
  compilerVersion: string
  /**
   * The target as the run named it, its root relative to the run's root, and its campaign options
   * (the run's and its own, without the time limit): merge re-runs chunks from it.
   */
  spec: RunTarget
  enabled: string[]
  skipped: { id: string; reason: string }[]
  chunks: ChunkOutcome[]
  /** Whether this shard ran out of time (or was interrupted) before its last chunk. */
  cut?: string
  /** Stored failures replayed before exploring (shard 1 only: one replay is enough). */
  stored?: NonNullable<TargetOutcome['stored']>
  durationMs: number
}

/** The options that decide what a campaign explores: shards that differ in any cannot be merged. */
function budgetOf(options: CampaignOptions): string {
  const o = resolveOptions(options)
  return JSON.stringify({ runs: o.runs, depth: o.depth, seed: o.seed, checkInterval: o.checkInterval, actors: o.actors, decimals: o.decimals, properties: options.properties ?? null, optIn: options.optIn ?? null, skip: options.skip ?? null, knobs: options.knobs ?? null, stopOnFirstFailure: options.stopOnFirstFailure ?? false, evmVersion: o.evmVersion ?? null })
}

/**
 * A shard's progress on disk, one JSON line per finished chunk after a header line, so that
 * keeping it costs one append per chunk however long the campaign. A cancelled CI job started
 * again with `--resume` runs only the chunks it had not finished, and ends with the report the
 * uninterrupted shard would have written. Chunks cut short by the time limit are not kept; a torn
 * last line (the job killed mid-write) is ignored, and that chunk runs again.
 */
type CheckpointHeader = { format: 2; version: string; index: number; count: number }
/** A finished chunk of target `target` (its position in the run), with what decides its campaign. */
type CheckpointLine = { target: number; name: string; bytecodeHash: string; budget: string; chunk: ChunkOutcome }
type CheckpointTarget = { name: string; bytecodeHash: string; budget: string; chunks: Map<number, ChunkOutcome> }

export function checkpointFile(root: string, shard: { index: number; count: number }): string {
  return path.join(root, '.vaultcheck', 'checkpoints', `shard-${shard.index}-of-${shard.count}.jsonl`)
}

/** The checkpoint's chunks per target position, and its lines as read (kept when resuming). */
function readCheckpoint(file: string, shard: { index: number; count: number }): { targets: Map<number, CheckpointTarget>; lines: string[] } | undefined {
  if (!fs.existsSync(file)) return undefined
  const refuse = (message: string) => new ConfigError({ file, issues: [{ path: '--resume', message: `${message}; delete it to start over` }] })
  const text = fs.readFileSync(file, 'utf8')
  const lines = text.split('\n')
  // After the last newline: nothing, or a line a killed writer tore (its chunk runs again).
  lines.pop()
  const parsed: unknown[] = []
  for (const [i, line] of lines.entries()) {
    try {
      parsed.push(JSON.parse(line))
    } catch (cause) {
      throw refuse(`line ${i + 1} of the checkpoint cannot be read (${(cause as Error).message})`)
    }
  }
  const h = parsed[0] as CheckpointHeader | undefined
  const why =
    !h || h.format !== 2 ? 'it is not a vaultcheck checkpoint (format 2)' : h.version !== VERSION ? `it was written by vaultcheck ${h.version}` : h.index !== shard.index || h.count !== shard.count ? `it belongs to shard ${h.index}/${h.count}` : undefined
  if (why) throw refuse(`${why}, not to this run's shard ${shard.index}/${shard.count} of vaultcheck ${VERSION}`)
  const targets = new Map<number, CheckpointTarget>()
  for (const l of parsed.slice(1) as CheckpointLine[]) {
    const t = targets.get(l.target) ?? { name: l.name, bytecodeHash: l.bytecodeHash, budget: l.budget, chunks: new Map() }
    targets.set(l.target, t)
    // A chunk run again (its guess of the enabled properties changed) supersedes the earlier line.
    t.chunks.set(l.chunk.index, l.chunk)
  }
  return { targets, lines: lines.slice(1) }
}

/** Runs this shard's chunks of every target; returns what the report shows and what merge needs. */
export async function runShard(
  p: RunParams,
  shard: { index: number; count: number },
  /** Keep a checkpoint in this file; with `resume`, continue from the one there. */
  checkpoint?: { file: string; resume: boolean },
): Promise<{ results: TargetOutcome[]; data: ShardData; resumed: number }> {
  const runner = new ChunkRunner()
  const results: TargetOutcome[] = []
  const data: ShardData = { version: VERSION, index: shard.index, count: shard.count, targets: [] }
  const previous = checkpoint?.resume ? readCheckpoint(checkpoint.file, shard) : undefined
  if (checkpoint) {
    // Started over, or rewritten once without a torn last line before appending to it.
    const header: CheckpointHeader = { format: 2, version: VERSION, index: shard.index, count: shard.count }
    writeAtomic(checkpoint.file, [JSON.stringify(header), ...(previous?.lines ?? [])].map((l) => l + '\n').join(''))
  }
  let resumed = 0
  for (const [ti, spec] of p.targets.entries()) {
    if (typeof spec.kind !== 'string') throw new ConfigError({ issues: [{ path: `targets.${ti}.kind`, message: 'with --shard, name the kind by its module path (merge loads it again)' }] })
    if (p.options.signal?.aborted) break
    const loaded = await loadTarget(spec)
    const options = plainOptions(p, spec)
    const started = Date.now()
    const stored = shard.index === 1 ? await replayStored(p.root, loaded, options) : []
    const { enabled: defs, skipped } = selectProperties(loaded.kind, driverFor(loaded).properties, options)
    const plan = chunkPlan(resolveOptions(options).runs)
    // The guess: failures this shard found in its own earlier chunks stay off.
    const live = new Set(defs.map((d) => d.id))
    const chunks: ChunkOutcome[] = []
    const budget = budgetOf(options)
    const before = previous?.targets.get(ti)
    if (before && (before.name !== loaded.name || before.bytecodeHash !== loaded.bytecodeHash || before.budget !== budget)) {
      const what = before.name !== loaded.name ? `target ${ti + 1} was ${before.name}, now ${loaded.name}` : before.bytecodeHash !== loaded.bytecodeHash ? `${loaded.name}: the bytecode changed` : `${loaded.name}: the budget or options changed (${before.budget} vs ${budget})`
      throw new ConfigError({ file: checkpoint!.file, issues: [{ path: '--resume', message: `the checkpoint is of another campaign: ${what}; delete it to start over` }] })
    }
    // Finished chunks of the checkpoint stand for themselves: the same job would compute the same outcome.
    const done = [...(before?.chunks.values() ?? [])].filter((c) => !c.interrupted)
    let cut: string | undefined
    for (let index = shard.index - 1; index < plan.length && live.size > 0; index += shard.count) {
      if (p.options.signal?.aborted) {
        cut = 'interrupted'
        break
      }
      const enabled = [...live].sort()
      const kept = done.find((c) => c.index === index && c.startEnabled.join() === enabled.join())
      const outcome = kept ?? (await runner.run({ root: p.root, target: spec, options, index, enabled, started }, p.options.signal, () => {}))
      if (kept) resumed++
      chunks.push(outcome)
      if (checkpoint && !kept && !outcome.interrupted) {
        const line: CheckpointLine = { target: ti, name: loaded.name, bytecodeHash: loaded.bytecodeHash, budget, chunk: outcome }
        fs.appendFileSync(checkpoint.file, JSON.stringify(line) + '\n')
      }
      for (const f of outcome.failures) live.delete(f.counterexample.propertyId)
      if (outcome.interrupted) {
        cut = p.options.signal?.aborted ? 'interrupted' : 'time limit reached'
        break
      }
      if (options.stopOnFirstFailure && outcome.failures.length > 0) break
    }
    const durationMs = Date.now() - started
    // What this shard alone covered, for its own report (the merged report is the real one).
    const res = mergeChunks(loaded, driverFor(loaded).properties, defs, skipped, chunks, { durationMs, ...(cut ? { interrupted: cut } : {}) })
    const outcome = withStored({ ...res, compilerVersion: loaded.compilerVersion, bytecodeHash: loaded.bytecodeHash }, stored)
    results.push(outcome)
    p.onTargetDone?.(outcome)
    data.targets.push({
      name: loaded.name,
      kind: loaded.kind,
      bytecodeHash: loaded.bytecodeHash,
      compilerVersion: loaded.compilerVersion,
      // Without the time limit: a chunk merge runs again must run whole, as it would in one process.
      spec: { ...spec, root: path.relative(p.root, path.resolve(p.root, spec.root ?? p.root)) || '.', options: { ...options, timeLimitMs: undefined } },
      enabled: defs.map((d) => d.id),
      skipped: skipped.map((s) => ({ id: s.def.id, reason: s.reason })),
      chunks,
      ...(cut ? { cut } : {}),
      ...(shard.index === 1 ? { stored } : {}),
      durationMs,
    })
  }
  return { results, data, resumed }
}

/** One shard report as merge reads it: its file (for messages) and its shard data. */
export type ShardInput = { file: string; seed: number; shard?: ShardData }

/**
 * Merges shard reports into the campaign one process would have run: chunks committed in order,
 * wrong guesses run again here. Mismatched inputs (different seeds, budgets, bytecode, versions or
 * shard counts, a missing or repeated shard) are refused, naming the files.
 */
export async function mergeShards(inputs: readonly ShardInput[], root: string): Promise<{ results: TargetOutcome[]; targets: RunTarget[]; reran: number; cut: { shard: string; target: string; reason: string; chunks: number }[] }> {
  const fail = (message: string, files: readonly string[]) => new ConfigError({ issues: [{ path: files.join(', '), message }] })
  if (inputs.length === 0) throw fail('no reports to merge', [])
  const missingData = inputs.filter((r) => !r.shard)
  if (missingData.length) throw fail('not a shard report (written by `vaultcheck run --shard i/n --reporter json`)', missingData.map((r) => r.file))
  const shards = inputs as (ShardInput & { shard: ShardData })[]
  const count = shards[0].shard.count
  const other = shards.filter((r) => r.shard.count !== count)
  if (other.length) throw fail(`shard counts differ: ${shards.map((r) => `${r.file}: ${r.shard.index}/${r.shard.count}`).join(', ')}`, other.map((r) => r.file))
  const versions = new Set(shards.map((r) => r.shard.version))
  if (versions.size > 1) throw fail(`written by different vaultcheck versions: ${shards.map((r) => `${r.file}: ${r.shard.version}`).join(', ')}`, shards.map((r) => r.file))
  const seeds = new Set(shards.map((r) => r.seed))
  if (seeds.size > 1) throw fail(`seeds differ: ${shards.map((r) => `${r.file}: ${r.seed}`).join(', ')}`, shards.map((r) => r.file))
  for (let i = 1; i <= count; i++) {
    const these = shards.filter((r) => r.shard.index === i)
    if (these.length === 0) throw fail(`shard ${i}/${count} is missing`, shards.map((r) => r.file))
    if (these.length > 1) throw fail(`shard ${i}/${count} is given more than once`, these.map((r) => r.file))
  }
  const ordered = [...shards].sort((a, b) => a.shard.index - b.shard.index)
  const names = ordered[0].shard.targets.map((t) => t.name)
  for (const r of ordered) {
    if (r.shard.targets.map((t) => t.name).join('\n') !== names.join('\n')) throw fail(`the shards ran different targets: ${ordered.map((x) => `${x.file}: ${x.shard.targets.map((t) => t.name).join(', ') || '(none)'}`).join('; ')}`, [ordered[0].file, r.file])
  }

  const runner = new ChunkRunner()
  const results: TargetOutcome[] = []
  const targets: RunTarget[] = []
  const cut: { shard: string; target: string; reason: string; chunks: number }[] = []
  let reran = 0
  for (const [ti, name] of names.entries()) {
    const parts = ordered.map((r) => ({ file: r.file, t: r.shard.targets[ti], shard: `${r.shard.index}/${count}` }))
    const first = parts[0].t
    for (const x of parts) {
      if (x.t.bytecodeHash !== first.bytecodeHash) throw fail(`${name}: bytecode differs (${parts.map((y) => `${y.file}: ${y.t.bytecodeHash}`).join(', ')})`, [parts[0].file, x.file])
      const [mine, theirs] = [budgetOf(first.spec.options ?? {}), budgetOf(x.t.spec.options ?? {})]
      if (mine !== theirs) throw fail(`${name}: budgets or options differ (${mine} vs ${theirs})`, [parts[0].file, x.file])
      if (x.t.cut) cut.push({ shard: x.shard, target: name, reason: x.t.cut, chunks: x.t.chunks.length })
    }
    const spec: RunTarget = { ...first.spec, root: path.resolve(root, first.spec.root ?? '.') }
    targets.push(spec)
    const byIndex = new Map<number, ChunkOutcome>()
    for (const x of parts) for (const c of x.t.chunks) byIndex.set(c.index, c)
    const campaign: CampaignOptions = first.spec.options ?? {}
    const plan = chunkPlan(resolveOptions(campaign).runs)
    const ledger = new ChunkLedger(plan, first.enabled, campaign.stopOnFirstFailure)
    while (!ledger.done) {
      const index = ledger.outcomes.length
      const got = byIndex.get(index)
      // A shard cut short never ran this chunk: the merged campaign ends here, as a timed-out one would.
      if (!got) break
      if (ledger.commit(got)) continue
      reran++
      const again = await runner.run({ root, target: spec, options: campaign, index, enabled: ledger.enabled, started: Date.now() }, undefined, () => {})
      if (!ledger.commit(again)) throw new ConfigError({ issues: [{ path: name, message: `chunk ${index} re-ran with a different starting set` }] })
    }
    const loaded = await loadTarget(spec)
    const { enabled: defs, skipped } = selectProperties(loaded.kind, driverFor(loaded).properties, campaign)
    const shortOf = ledger.outcomes.length < plan.length && !ledger.done
    const interrupted = ledger.outcomes.some((c) => c.interrupted) || shortOf ? 'time limit reached' : undefined
    const res = mergeChunks(loaded, driverFor(loaded).properties, defs, skipped, ledger.outcomes, { durationMs: Math.max(...parts.map((x) => x.t.durationMs)), ...(interrupted ? { interrupted } : {}) })
    results.push(withStored({ ...res, compilerVersion: loaded.compilerVersion, bytecodeHash: loaded.bytecodeHash }, first.stored ?? []))
  }
  return { results, targets, reran, cut }
}
