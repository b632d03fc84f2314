/**
 * One target, one kind: run every property of the kind against it, or replay a recorded
 * counterexample exactly. The kind comes in as its driver; runner/suite.ts binds the built-in ones.
 */
import fc from 'fast-check'
import { PropertyViolation } from './property.ts'
import { Bench, buildProperty, parsePins, resolveOptions, runSequence, type SequenceEdits, formatTraceLine, runCampaign, type CampaignOptions, type CampaignResult } from './campaign.ts'
import type { KindDriver, RunStats, TraceLine } from './step.ts'
import type { RecordedCall } from '../evm/recorder.ts'
import type { LoadedTarget } from './target.ts'

export type SuiteResult = CampaignResult & { compilerVersion: string; bytecodeHash: string }

export async function runTarget(target: LoadedTarget, driver: KindDriver<unknown>, options: CampaignOptions = {}): Promise<SuiteResult> {
  const res = await runCampaign(target, driver, options)
  return { ...res, compilerVersion: target.compilerVersion, bytecodeHash: target.bytecodeHash }
}

export type ReplayInput = {
  seed: number
  path: string
  replayPath?: string
  /** The properties that were enabled when the failure was found. */
  enabled: readonly string[]
  /** The run's constants dictionary; without it, one is harvested from the (possibly changed) bytecode. */
  dictionary?: readonly string[]
  /** Positions of commands dropped after shrinking (Counterexample.skip). */
  skip?: readonly number[]
  /** Amounts pinned per command position (Counterexample.pins). */
  pins?: Readonly<Record<string, readonly string[]>>
  /** Sub-steps left out per command position (Counterexample.dropSteps). */
  dropSteps?: Readonly<Record<string, readonly number[]>>
  /** Rewrites chosen per command position (Counterexample.rewrites). */
  rewrites?: Readonly<Record<string, number>>
}

export type ReplayResult = {
  /** The property that failed on replay, if any. */
  failed?: { propertyId: string; message: string; expected: string; actual: string }
  trace: TraceLine[]
  steps: string[]
  /** Calls that built the funded starting state, then the calls of the replayed run, in order. */
  setupLog: readonly RecordedCall[]
  runLog: readonly RecordedCall[]
  /** Names of the actors and contracts, for rendering the logs. */
  names: Record<string, string>
  /** The kind's contract roles (wrapper, underlying, ...) and their addresses. */
  contracts: Record<string, string>
}

/**
 * Re-executes one recorded counterexample: same seed, same path, same replayPath, same enabled
 * properties, so fast-check regenerates exactly the shrunk sequence. Returns its step-by-step trace.
 */
export async function replayTarget(target: LoadedTarget, driver: KindDriver<unknown>, input: ReplayInput, options: CampaignOptions = {}): Promise<ReplayResult> {
  const o = resolveOptions(options)
  const bench = await Bench.create({ target, driver, enabled: new Set(input.enabled), options: { ...o, dictionary: input.dictionary?.map((d) => BigInt(d)) } })
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let captured: Iterable<fc.AsyncCommand<any, any>> | undefined
  const perRun: RunStats[] = []
  const property = buildProperty(bench, driver, o.depth, perRun, input.replayPath, (cmds) => {
    captured = cmds
  })
  await fc.check(property, { seed: input.seed, path: input.path, numRuns: 1, endOnFailure: true })
  if (!captured) return { trace: [], steps: [], setupLog: bench.setupLog, runLog: [], names: {}, contracts: {} }
  const world = await bench.reset(true)
  let failed: ReplayResult['failed']
  try {
    await runSequence(world, [...captured], { skip: input.skip, pins: parsePins(input.pins), dropSteps: input.dropSteps as SequenceEdits['dropSteps'], rewrites: input.rewrites as SequenceEdits['rewrites'] })
  } catch (e) {
    if (!(e instanceof PropertyViolation)) throw e
    failed = { propertyId: e.propertyId, message: e.message.split('\n')[0].replace(`${e.propertyId}: `, ''), expected: e.expected, actual: e.actual }
  }
  const trace = world.trace ?? []
  const names: Record<string, string> = {}
  for (const a of world.accounts()) names[a.address.toLowerCase()] = a.name
  names[world.deployer.address.toLowerCase()] = world.deployer.name
  for (const [role, c] of Object.entries(world.instance.contracts)) names[c.address.toLowerCase()] ??= role
  const contracts = Object.fromEntries(Object.entries(world.instance.contracts).map(([role, c]) => [role, c.address]))
  return { failed, trace, steps: trace.map(formatTraceLine), setupLog: bench.setupLog, runLog: [...bench.runLog], names, contracts }
}
