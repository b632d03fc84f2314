/**
 * `vaultcheck diff` as a library function: what behaves differently between two versions of a vault.
 *
 * Both versions are deployed on chains of their own and driven in lockstep by the same generated
 * action sequence. After every action the two are compared: the outcome (success with its return
 * value, or a revert with its reason) and everything observed (balances, supply, allowances...).
 * The first difference fails the run; fast-check shrinks it to the shortest sequence that shows
 * it. No property is checked in the lockstep runs (each world still keeps its model in sync, so
 * recipes resolve the same way); the new version also runs the normal suite, so a change that
 * breaks a promise is reported too.
 *
 * Expected differences (a fee that is new on purpose...) are declared so that only unexpected ones
 * fail. Once an expected difference has happened in a run, the two versions are in different
 * states and every later difference may be its consequence: the rest of that run is not compared.
 */
import fc from 'fast-check'
import { driverFor } from '../properties/drivers.ts'
import type { Kind } from '../engine/property.ts'
import type { KindRef } from '../engine/kinds.ts'
import { Bench, replayPathOf, resolveOptions, type CampaignOptions } from '../engine/campaign.ts'
import type { CallResult } from '../evm/chain.ts'
import type { ActionSpec, KindDriver, World } from '../engine/step.ts'
import { HarnessError, VaultcheckError } from '../evm/errors.ts'
import type { Observation } from '../evm/observe.ts'
import { harvestDictionary } from '../engine/amounts.ts'
import { formatRevert } from '../evm/revert.ts'
import { formatCampaign } from '../report/format.ts'
import { runSuite, type SuiteResult } from '../runner/suite.ts'
import { loadTarget, type LoadedTarget, type TargetSpec } from '../engine/target.ts'

/**
 * A difference that is intended. A difference at one step is expected when every part of it is
 * matched by some entry:
 *  - a differing observation key, by an entry whose `observation` glob matches the key;
 *  - a differing return value (both versions succeed), by an entry with `returns: true`;
 *  - a different outcome (one reverts, the other not) or revert reason, by an entry with `reverts: true`;
 * and in each case the entry's `action` glob (default `*`) matches the action: its name as shown in
 * the step (`withdrawTo`, `redeem`, `donate`, `faucet`, `setup` for the funded start state) or the
 * function it calls. Globs: `*` any run of characters, `?` one character, case-insensitive.
 *
 * Example: `{ action: 'redeem', observation: 'asset.balanceOf(*)', returns: true, note: 'new 0.1% fee' }`.
 */
export type ExpectedDifference = {
  action?: string
  observation?: string
  returns?: boolean
  reverts?: boolean
  /** Why: shown when the difference is seen. */
  note?: string
}

export type DiffOptions = CampaignOptions & {
  expected?: readonly ExpectedDifference[]
  /** Compare only whether a call reverted, not why (default false: the decoded reasons must match). */
  ignoreRevertReasons?: boolean
}

export type DiffParams = {
  kind: KindRef
  old: TargetSpec | LoadedTarget
  new: TargetSpec | LoadedTarget
  options?: DiffOptions
  /** How the versions are named in the output (default: source file or contract name). */
  labels?: { old?: string; new?: string }
}

/** One part of a difference at one step. */
export type DiffItem =
  | { what: 'call'; v1: string; v2: string }
  | { what: 'outcome' | 'reason' | 'return' | 'error'; v1: string; v2: string }
  | { what: 'observation'; key: string; v1: string; v2: string }

export type FirstDifference = {
  /** 1-based index among the steps that ran (0: the funded start state, before any action). */
  step: number
  action: string
  /** The contract function the step called, when it differs from `action` (donate calls `transfer`). */
  functionName?: string
  label: string
  /** The step's result in each version: `-> true`, `reverted: InsufficientBalance(...)`. */
  v1: string
  v2: string
  items: DiffItem[]
}

export type DiffResult = {
  kind: Kind
  old: { name: string; label: string; bytecodeHash: string }
  new: { name: string; label: string; bytecodeHash: string }
  /** No unexpected difference within the budget. */
  identical: boolean
  difference?: {
    /** The shrunk sequence, side by side at the differing step. */
    steps: string[]
    seed: number
    path: string
    replayPath: string
    numShrinks: number
    firstDifference: FirstDifference
  }
  /** Expected differences that showed up, by note (or matcher when there is no note). */
  expectedSeen: { note: string; runs: number }[]
  /** The new version against the kind's properties. */
  suite: SuiteResult
  runs: number
  actions: number
  interrupted?: string
  durationMs: number
}

/** The two versions behaved differently at one step (a run's failure; shrunk by fast-check). */
export class DiffViolation extends Error {
  override name = 'DiffViolation'
  constructor(readonly difference: FirstDifference) {
    super(`step ${difference.step} (${difference.label}) differs: ${difference.items.map(formatItem).join('; ')}`)
  }
}

type StepRecord = { name: string; label: string; result: CallResult; spec: ActionSpec<unknown> }
type Side = { records: StepRecord[]; error?: unknown }

type Cmd = fc.AsyncCommand<World<unknown>, World<unknown>>

export async function runDiff(p: DiffParams): Promise<DiffResult> {
  const started = Date.now()
  const options = p.options ?? {}
  const { expected = [], ignoreRevertReasons = false, ...campaign } = options
  const o = resolveOptions(campaign)
  const oldT = await inVersion('old version', () => load(p.old, p.kind))
  const newT = await inVersion('new version', () => load(p.new, p.kind))
  const driver: KindDriver<unknown> = driverFor(newT)
  // One dictionary for both: a `dict[i]` recipe must resolve to the same amount on each side.
  const dictionary = harvestDictionary([oldT, newT].map((t) => t.vault.deployedBytecode ?? t.vault.bytecode))
  const benchOptions = { checkInterval: 0, actors: o.actors, decimals: o.decimals, evmVersion: o.evmVersion, knobs: o.knobs, dictionary }
  const none = new Set<string>()
  const a = await inVersion('old version', () => Bench.create({ target: oldT, driver, enabled: none, options: benchOptions }))
  const b = await inVersion('new version', () => Bench.create({ target: newT, driver, enabled: none, options: benchOptions }))
  // Commands are generated against world A and resolved against whichever world runs them; anything
  // they captured at generation (an address) must be the same on both chains.
  const addrs = (w: World<unknown>) => JSON.stringify([w.instance.vault, Object.values(w.instance.contracts).map((c) => c.address)])
  if (addrs(a.world) !== addrs(b.world)) throw new HarnessError('the two versions were deployed at different addresses; lockstep runs would not be comparable')

  const ctx: Ctx = { expected, ignoreRevertReasons, seen: new Map() }
  const limit = o.timeLimitMs
  // Exploration gets half of a time limit; the new version's suite the rest.
  const diffDeadline = limit !== undefined ? started + limit / 2 : Infinity
  const stopped = () => Date.now() >= diffDeadline || options.signal?.aborted === true
  // Steps per run, in order: the runs fast-check counts come first, shrinking attempts after them.
  const perRun: number[] = []
  const property = fc.asyncProperty(fc.commands(driver.commands(a.world) as fc.Arbitrary<Cmd>[], { maxCommands: o.depth, size: 'max' }), async (cmds) => {
    if (stopped()) return
    const counter = { steps: 0 }
    try {
      await lockstep(a, b, cmds, ctx, undefined, counter)
    } finally {
      perRun.push(counter.steps)
      options.onRun?.({ runs: perRun.length, actions: perRun.reduce((x, y) => x + y, 0), failures: 0 })
    }
  })
  const details = await fc.check(property, { numRuns: o.runs, seed: o.seed })
  const explored = perRun.slice(0, Math.min(details.numRuns, perRun.length))
  const runs = explored.length
  const actions = explored.reduce((x, y) => x + y, 0)
  let difference: DiffResult['difference']
  if (details.failed) {
    const err = details.errorInstance
    if (!(err instanceof DiffViolation)) {
      if (err instanceof VaultcheckError) throw err
      throw new HarnessError('an unexpected error escaped a diff run', { cause: err, details: [String(err)] })
    }
    const cmds = details.counterexample![0] as Iterable<Cmd>
    const replayPath = replayPathOf(cmds)
    const lines: string[] = []
    let first = err.difference
    try {
      await lockstep(a, b, cmds, { ...ctx, seen: new Map() }, lines)
    } catch (e) {
      if (!(e instanceof DiffViolation)) throw e
      first = e.difference
    }
    difference = { steps: lines, seed: o.seed, path: details.counterexamplePath ?? '', replayPath, numShrinks: details.numShrinks, firstDifference: first }
  }
  const remaining = limit !== undefined ? Math.max(1000, started + limit - Date.now()) : undefined
  const suite = await runSuite(newT, { ...campaign, timeLimitMs: remaining })
  const interrupted = options.signal?.aborted ? 'interrupted' : Date.now() >= diffDeadline && !details.failed && runs < o.runs ? 'time limit reached' : undefined
  return {
    kind: newT.kind,
    old: { name: oldT.name, label: p.labels?.old ?? labelOf(p.old, oldT), bytecodeHash: oldT.bytecodeHash },
    new: { name: newT.name, label: p.labels?.new ?? labelOf(p.new, newT), bytecodeHash: newT.bytecodeHash },
    identical: difference === undefined,
    ...(difference ? { difference } : {}),
    expectedSeen: [...ctx.seen.entries()].map(([note, n]) => ({ note, runs: n })),
    suite,
    runs,
    actions,
    ...(interrupted ? { interrupted } : {}),
    durationMs: Date.now() - started,
  }
}

type Ctx = { expected: readonly ExpectedDifference[]; ignoreRevertReasons: boolean; seen: Map<string, number> }

/**
 * Runs one sequence on both versions, comparing after every step. Throws DiffViolation at the first
 * unexpected difference; counts the steps run in `counter`. With `lines`, renders the run side by side.
 */
async function lockstep(a: Bench<unknown>, b: Bench<unknown>, cmds: Iterable<Cmd>, ctx: Ctx, lines?: string[], counter = { steps: 0 }): Promise<void> {
  const wa = await a.reset()
  const wb = await b.reset()
  const recA = record(wa)
  const recB = record(wb)
  const start = compareObservations(wa.last, wb.last)
  if (start.length > 0) {
    const d: FirstDifference = { step: 0, action: 'setup', label: 'funded start state (deploy and setup)', v1: 'ok', v2: 'ok', items: start }
    lines?.push(`   0. ${d.label}`, ...start.map((i) => `      ${formatItem(i)}`))
    if (!expectedAll(ctx, d)) throw new DiffViolation(d)
    return
  }
  let step = 0
  for (const c of cmds) {
    const sa = await runSide(c, wa, recA)
    const sb = await runSide(c, wb, recB)
    if (sa.records.length === 0 && sb.records.length === 0 && sa.error === undefined && sb.error === undefined) continue
    step++
    counter.steps = step
    const items: DiffItem[] = []
    const ra = sa.records[0]
    const rb = sb.records[0]
    if (sa.error !== undefined || sb.error !== undefined) {
      if (sa.error !== undefined && sb.error !== undefined) throw sa.error
      items.push({ what: 'error', v1: sa.error !== undefined ? errorText(sa.error) : 'ok', v2: sb.error !== undefined ? errorText(sb.error) : 'ok' })
    } else if (sa.records.length !== sb.records.length || ra.label !== rb.label) {
      items.push({ what: 'call', v1: sa.records.map((r) => r.label).join(', ') || '(no call)', v2: sb.records.map((r) => r.label).join(', ') || '(no call)' })
    } else {
      const outA = describe(ra, wa)
      const outB = describe(rb, wb)
      if (ra.result.ok !== rb.result.ok) items.push({ what: 'outcome', v1: outA, v2: outB })
      else if (!ra.result.ok && !ctx.ignoreRevertReasons && outA !== outB) items.push({ what: 'reason', v1: outA, v2: outB })
      else if (ra.result.ok && outA !== outB) items.push({ what: 'return', v1: outA, v2: outB })
      if (sa.error === undefined && sb.error === undefined) items.push(...compareObservations(wa.last, wb.last))
    }
    const label = ra?.label ?? rb?.label ?? String(c)
    const d: FirstDifference = {
      step,
      action: ra ? actionName(ra) : rb ? actionName(rb) : 'action',
      ...((ra ?? rb) && actionName(ra ?? rb) !== (ra ?? rb).name ? { functionName: (ra ?? rb).name } : {}),
      label,
      v1: ra ? describe(ra, wa) : sa.error !== undefined ? errorText(sa.error) : '(no call)',
      v2: rb ? describe(rb, wb) : sb.error !== undefined ? errorText(sb.error) : '(no call)',
      items,
    }
    if (lines) {
      const n = `${String(step).padStart(4)}. `
      if (items.length === 0) lines.push(`${n}${label} -> ${d.v1.replace(/^-> /, '')}`)
      else {
        lines.push(`${n}${label}`, `      v1: ${d.v1}`, `      v2: ${d.v2}`)
        for (const i of items) if (i.what === 'observation' || i.what === 'call' || i.what === 'error') lines.push(`      ${formatItem(i)}`)
      }
    }
    if (items.length === 0) continue
    if (!expectedAll(ctx, d)) throw new DiffViolation(d)
    // An expected difference: the versions are now in different states; stop comparing this run.
    if (lines) lines.push('      (expected difference: the rest of the run is not compared)')
    return
  }
}

/** Captures, per world, every step's spec and call result (without changing what the step does). */
function record(w: World<unknown>): StepRecord[] {
  const log: StepRecord[] = []
  const marked = w as World<unknown> & { __diffLog?: StepRecord[] }
  if (!marked.__diffLog) {
    const original = w.step.bind(w)
    marked.step = async (spec: ActionSpec<unknown>) => {
      const entry: StepRecord = { name: spec.name, label: spec.label, result: { ok: true } as CallResult, spec }
      marked.__diffLog!.push(entry)
      return original({
        ...spec,
        perform: async (world) => {
          const r = await spec.perform(world)
          entry.result = r
          return r
        },
      })
    }
  }
  marked.__diffLog = log
  return log
}

async function runSide(c: Cmd, w: World<unknown>, log: StepRecord[]): Promise<Side> {
  const from = log.length
  try {
    if (c.check(w)) await c.run(w, w)
    return { records: log.slice(from) }
  } catch (error) {
    return { records: log.slice(from), error }
  }
}

function describe(r: StepRecord, w: World<unknown>): string {
  if (!r.result.ok) return `reverted: ${w.withNames(formatRevert(r.result.revert))}`
  return `-> ${r.spec.formatReturn ? r.spec.formatReturn(r.result.result) : w.withNames(plainValue(r.result.result))}`
}

function plainValue(v: unknown): string {
  if (v === undefined) return 'ok'
  return typeof v === 'string' ? v : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x))
}

function compareObservations(a: Observation, b: Observation): DiffItem[] {
  const items: DiffItem[] = []
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[key] !== b[key]) items.push({ what: 'observation', key, v1: String(a[key] ?? '(not read)'), v2: String(b[key] ?? '(not read)') })
  }
  return items
}

/** The action's name as a user reads it: `alice.redeem(...)` -> redeem, `faucet: ...` -> faucet. */
function actionName(r: { name: string; label: string }): string {
  return /^\w+\.(\w+)\(/.exec(r.label)?.[1] ?? /^([\w ]+?):/.exec(r.label)?.[1] ?? r.name
}

/** True when every item of the difference is declared expected; counts what matched. */
function expectedAll(ctx: Ctx, d: FirstDifference): boolean {
  if (ctx.expected.length === 0) return false
  const names = [d.action, ...(d.functionName ? [d.functionName] : [])]
  const matched = new Set<ExpectedDifference>()
  for (const item of d.items) {
    const e = ctx.expected.find((x) => names.some((n) => glob(x.action ?? '*').test(n)) && covers(x, item))
    if (!e) return false
    matched.add(e)
  }
  for (const e of matched) {
    const note = e.note ?? describeExpected(e)
    ctx.seen.set(note, (ctx.seen.get(note) ?? 0) + 1)
  }
  return true
}

function covers(e: ExpectedDifference, item: DiffItem): boolean {
  switch (item.what) {
    case 'observation':
      return e.observation !== undefined && glob(e.observation).test(item.key)
    case 'return':
      return e.returns === true
    case 'outcome':
    case 'reason':
      return e.reverts === true
    default:
      return false
  }
}

export function describeExpected(e: ExpectedDifference): string {
  const parts = [e.observation && `observation ${e.observation}`, e.returns && 'return value', e.reverts && 'reverts'].filter(Boolean)
  return `${e.action ?? '*'}: ${parts.join(', ') || '(nothing)'}`
}

function glob(g: string): RegExp {
  return new RegExp(`^${g.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i')
}

export function formatItem(i: DiffItem): string {
  switch (i.what) {
    case 'observation':
      return `${i.key}: v1 ${i.v1}, v2 ${i.v2}`
    case 'call':
      return `the same recipe resolved to different calls: v1 ${i.v1}, v2 ${i.v2}`
    case 'error':
      return `observing failed: v1 ${i.v1}, v2 ${i.v2}`
    case 'outcome':
      return `outcome: v1 ${i.v1}, v2 ${i.v2}`
    case 'reason':
      return `revert reason: v1 ${i.v1}, v2 ${i.v2}`
    case 'return':
      return `return value: v1 ${i.v1}, v2 ${i.v2}`
  }
}

function errorText(e: unknown): string {
  if (e instanceof VaultcheckError) return `error ${e.shortMessage}`
  return `error ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`
}

async function load(spec: TargetSpec | LoadedTarget, kind: KindRef): Promise<LoadedTarget> {
  if ('mocks' in spec) return spec
  return loadTarget({ ...spec, kind })
}

function labelOf(spec: TargetSpec | LoadedTarget, t: LoadedTarget): string {
  return 'source' in spec && typeof spec.source === 'string' ? spec.source : t.name
}

/** Names the version a usage error came from; keeps the error's class name and details. */
async function inVersion<T>(which: string, body: () => Promise<T>): Promise<T> {
  try {
    return await body()
  } catch (e) {
    if (e instanceof VaultcheckError && e.kind === 'usage') {
      const w = new VaultcheckError(`${which}: ${e.shortMessage}`, { details: e.details, cause: e })
      w.name = e.name
      throw w
    }
    throw e
  }
}


/** A diff result as text: the shrunk difference side by side, then the new version's suite. */
export function formatDiff(r: DiffResult, opts: { color?: boolean; timing?: boolean } = {}): string {
  const lines = [
    `${r.new.name} (${r.kind}): v1 ${r.old.label}, v2 ${r.new.label}`,
    `  ${r.runs} runs, ${r.actions} actions in lockstep${r.interrupted ? ` (${r.interrupted})` : ''}${opts.timing === false ? '' : `, ${(r.durationMs / 1000).toFixed(1)} s`}`,
  ]
  if (r.difference) {
    const d = r.difference
    const n = d.firstDifference.step
    lines.push(
      `✗ the versions behave differently ${n === 0 ? 'before any action' : `after ${n} step${n === 1 ? '' : 's'}`} (shrunk ${d.numShrinks} time${d.numShrinks === 1 ? '' : 's'}):`,
      ...d.steps,
      `  replay: seed ${d.seed}, path "${d.path}", replayPath "${d.replayPath}"`,
    )
  } else {
    lines.push(`✓ no difference in ${r.runs} runs (${r.actions} actions)${r.old.bytecodeHash === r.new.bytecodeHash ? ' — same bytecode' : ''}`)
  }
  for (const e of r.expectedSeen) lines.push(`  expected difference seen in ${e.runs} run${e.runs === 1 ? '' : 's'}: ${e.note}`)
  lines.push('', `v2 against the ${r.kind} properties:`, formatCampaign(r.suite, opts))
  return lines.join('\n') + '\n'
}
