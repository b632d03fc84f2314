/**
 * A campaign runs every enabled property of one target. All properties are checked together (one
 * action sequence feeds them all); when one fails, its counterexample is shrunk and recorded, it is
 * switched off, and exploration goes on for the rest with the runs that are left — so one run
 * reports every promise a vault breaks, each with its own minimal counterexample.
 */
import fc from 'fast-check'
import type { Abi, Address, Hex } from 'viem'
import { PropertyViolation, type Kind, type PropertyDef } from './property.ts'
import { harvestDictionary, type AmountRecipe } from './amounts.ts'
import { createChain, type Chain } from '../evm/chain.ts'
import { mergeCoverage, type CoverageData, type CoverageRecorder } from '../evm/coverage.ts'
import { emptyStats, RunDiscarded, World, type Account, type CallSink, type FunctionCount, type FunctionReport, type KindDriver, type MockArtifacts, type RunStats, type TraceLine } from './step.ts'
import { ConfigError, DeployError, HarnessError, VaultcheckError } from '../evm/errors.ts'
import type { EvmVersion } from '../evm/evm-version.ts'
import { ObservationPlan } from '../evm/observe.ts'
import { recordingChain, type RecordedCall, type Recorder } from '../evm/recorder.ts'
import { checkRenames, countingChain, renameReads, renamingChain, type FunctionRenames } from './rename.ts'
import { discoverSystem, type CodeSource } from './system.ts'
import { globToRegExp } from './glob.ts'
import { checkExtras, extraCommands, ruleFor, type ExtrasConfig } from './extras.ts'
import { ATTACKER, DECIMAL_QUIRKS, quirkCommands, quirkNamed } from './quirks.ts'
import { bundledArtifact } from './bundled.ts'

export type CampaignOptions = {
  /** Runs (action sequences) per campaign. */
  runs?: number
  /** Actions per run at most. */
  depth?: number
  seed?: number
  /** Property IDs or globs (`ERC4626-RND-*`); default every property of the kind that is not opt-in. */
  properties?: readonly string[]
  /** Opt-in properties to enable on top. */
  optIn?: readonly string[]
  /** Properties to skip, with the reason shown in reports. */
  skip?: Readonly<Record<string, string>>
  /** Run the exit probe every k steps (0: only at the end of each run). */
  checkInterval?: number
  actors?: number
  decimals?: number
  /** Stop starting new runs after this many milliseconds. */
  timeLimitMs?: number
  evmVersion?: EvmVersion
  knobs?: Readonly<Record<string, unknown>>
  /** Stops starting new runs once aborted (Ctrl-C); what was covered is still reported. */
  signal?: AbortSignal
  /** Called after every run (progress bars). */
  onRun?: (p: { runs: number; actions: number; failures: number }) => void
  /**
   * End the campaign at the first failed property. `true` does not shrink it (mutation testing: one
   * failure is enough to kill a mutant); `'shrunk'` shrinks it first (`--fail-fast`). The other
   * properties are reported as passed so far.
   */
  stopOnFirstFailure?: boolean | 'shrunk'
  /**
   * Called once per recorded failure, after shrinking (benchmarks): `detectedMs` is when the first
   * violating run of that search ended, `shrunkMs` when shrinking finished, both since the campaign
   * started (including deploy and setup).
   */
  onFailure?: (p: { propertyId: string; detectedMs: number; shrunkMs: number }) => void
  /**
   * Count which code the campaign ran (evm/coverage.ts): the result's `coverage`. Setup and
   * exploration count; shrinking a failure does not (it replays what already ran).
   */
  coverage?: boolean
  /** Run with the asset token replaced by a quirky one (engine/quirks.ts: `fee-on-transfer`...). */
  tokenQuirk?: string
}

export const DEFAULT_CAMPAIGN = {
  runs: 40,
  depth: 25,
  seed: 1,
  checkInterval: 8,
  actors: 3,
  decimals: 18,
} as const

export type Counterexample = {
  propertyId: string
  promise: string
  message: string
  expected: string
  actual: string
  /** The shrunk sequence as the trace of a replay: one line per action, with the model's expectation. */
  trace: TraceLine[]
  steps: string[]
  seed: number
  path: string
  /** fast-check's record of which generated commands ran: needed with seed + path to replay. */
  replayPath: string
  /** Positions of shrunk commands dropped afterwards because the failure holds without them. */
  skip: number[]
  /**
   * Amounts fixed per command position (decimal strings), when dropping more commands needed them:
   * a recipe like "half of alice's collateral" means 0 once the deposit before it is gone, the
   * amount it resolved to does not.
   */
  pins?: Record<string, string[]>
  /** Sub-steps left out per command position (commands made of several steps, e.g. open = deposit + borrow). */
  dropSteps?: Record<string, number[]>
  /**
   * Rewrites chosen per command position, among those the command offers (a liquidation by the
   * position's owner instead of a third party that first had to be funded).
   */
  rewrites?: Record<string, number>
  numShrinks: number
  /** Properties that were enabled when it was found: replay needs the same set. */
  enabled: string[]
  /** The constants dictionary the run used (decimal strings). */
  dictionary: string[]
}

export type PropertyResult = {
  id: string
  promise: string
  status: 'passed' | 'failed' | 'skipped'
  skipReason?: string
  runs: number
  actions: number
  counterexample?: Counterexample
}

export type CampaignResult = {
  kind: Kind
  target: string
  properties: PropertyResult[]
  stats: RunStats & { runs: number }
  /** Set when the runs did too little to prove anything. */
  vacuous?: string
  /** Set when the campaign stopped early (Ctrl-C or time limit): its figures cover what ran. */
  interrupted?: string
  /** What the kind detected about the target (implementation family, ...); absent when nothing. */
  detected?: string[]
  /** Every state-changing function of the system with what the runs did with it; absent when none. */
  functions?: Record<string, FunctionReport>
  /** Raw block hits by code, with the coverage option (engine/coverage.ts maps them to sources). */
  coverage?: CoverageData
  durationMs: number
}

export type CampaignTarget = {
  name: string
  kind: Kind
  /** Where the kind's driver is registered when it is not a built-in (a module's path): see engine/kinds.ts. */
  kindKey?: string
  vault: { name: string; abi: Abi; bytecode: Hex; deployedBytecode?: Hex }
  /** The other contracts of the vault's compile output: the ABIs of the contracts it deploys. */
  companions?: readonly CodeSource[]
  mocks: MockArtifacts
  args?: readonly unknown[]
}

export function selectProperties(kind: Kind, all: readonly PropertyDef[], opts: Pick<CampaignOptions, 'properties' | 'optIn' | 'skip'>): {
  enabled: PropertyDef[]
  skipped: { def: PropertyDef; reason: string }[]
} {
  // Property IDs match whatever the case they are typed in.
  const patterns = opts.properties?.map((g) => globToRegExp(g, 'i'))
  const optIn = new Set(opts.optIn ?? [])
  for (const id of [...optIn, ...Object.keys(opts.skip ?? {})]) {
    if (!all.some((p) => p.id === id)) {
      throw new ConfigError({ issues: [{ path: 'properties', message: `unknown property ${id} for kind ${kind}; known: ${all.map((p) => p.id).join(', ')}` }] })
    }
  }
  const enabled: PropertyDef[] = []
  const skipped: { def: PropertyDef; reason: string }[] = []
  for (const def of all) {
    // A glob never switches on an opt-in property (`ERC4626-*` must not start failing correct
    // vaults); naming it exactly, or listing it in optIn, does.
    const named = opts.properties?.some((p) => p.toUpperCase() === def.id) ?? false
    const allowed = !def.optIn || optIn.has(def.id) || named
    const selected = (patterns ? patterns.some((r) => r.test(def.id)) : true) && allowed
    const reason = opts.skip?.[def.id]
    if (reason !== undefined) skipped.push({ def, reason })
    else if (!selected) skipped.push({ def, reason: allowed ? 'not selected' : 'opt-in property not enabled' })
    else enabled.push(def)
  }
  return { enabled, skipped }
}

/** A deployed target on its own chain, reset to the same funded state before every run. */
export class Bench<M> {
  private constructor(
    readonly world: World<M>,
    private readonly base: unknown,
    private readonly initialModel: M,
    private readonly recorder: Recorder,
    /** Every deploy and call that built the funded state each run starts from. */
    readonly setupLog: readonly RecordedCall[],
    /** The properties checked: the world reads this set, campaigns change it between chunks. */
    readonly enabled: Set<string>,
    readonly coverage?: CoverageRecorder,
    /** What deploying and setting up ran (chunk 0 reports it). */
    readonly setupCoverage?: CoverageData,
  ) {}

  /** The calls of the current run so far (recorded only when the run was reset with trace on). */
  get runLog(): readonly RecordedCall[] {
    return this.recorder.log ?? []
  }

  static async create<M>(p: {
    target: CampaignTarget
    driver: KindDriver<M>
    enabled: ReadonlySet<string>
    options: Required<Pick<CampaignOptions, 'checkInterval' | 'actors' | 'decimals'>> & {
      evmVersion?: EvmVersion
      coverage?: boolean
      tokenQuirk?: string
      knobs?: Readonly<Record<string, unknown>>
      /** A recorded dictionary: a replay must resolve `dict[i]` to the same values as the original run. */
      dictionary?: readonly bigint[]
      /**
       * Amount recipes restricted to this set (a bounded search's alphabet); a function builds it
       * from the dictionary harvested at deploy and the asset's decimals.
       */
      amountSpace?: readonly AmountRecipe[] | ((d: { dictionary: readonly bigint[]; decimals: number }) => readonly AmountRecipe[])
    }
  }): Promise<Bench<M>> {
    const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi'].slice(0, p.options.actors)
    // Deploy and setup are recorded once; runs are recorded only while tracing (see reset).
    const recorder: Recorder = { log: [] }
    const raw = await createChain({ actors: [...names, 'deployer'], evmVersion: p.options.evmVersion, coverage: p.options.coverage === true })
    const chain: Chain = recordingChain(raw, recorder)
    const actors: Account[] = names.map((name) => ({ name, address: chain.actor(name) }))
    // Not an actor: generated calls come from actors, so whatever the constructors make owned
    // (Ownable, roles) is out of their reach unless the config names the owner as a caller.
    const deployer: Account = { name: 'deployer', address: chain.actor('deployer') }
    const multiread = await chain.deploy({ artifact: p.target.mocks.Multiread })
    const quirk = p.options.tokenQuirk === undefined ? undefined : quirkNamed(p.options.tokenQuirk)
    const followed = p.driver.tokenQuirks ?? DECIMAL_QUIRKS
    if (quirk && !followed.includes(quirk.name)) {
      throw new ConfigError({ issues: [{ path: 'tokenQuirk', message: `the ${p.driver.kind} kind's models do not follow the ${quirk.name} quirk; it follows ${followed.join(', ') || 'none'}` }] })
    }
    // Every MockERC20 the kind deploys becomes the quirk token; their addresses are kept (rebases).
    const mocks = quirk?.artifact ? { ...p.target.mocks, MockERC20: await bundledArtifact(quirk.artifact, p.options.evmVersion) } : p.target.mocks
    const quirkTokens: Address[] = []
    const deployChain: Chain = quirk?.artifact
      ? Object.assign(Object.create(chain) as Chain, {
          deploy: async (d: Parameters<Chain['deploy']>[0]) => {
            const address = await chain.deploy(d)
            if (d.artifact === mocks.MockERC20) quirkTokens.push(address)
            return address
          },
        })
      : chain
    let instance: Awaited<ReturnType<KindDriver<M>['deploy']>>
    try {
      instance = await p.driver.deploy({
        chain: deployChain,
        vault: p.target.vault,
        mocks,
        decimals: quirk?.decimals ?? p.options.decimals,
        actors,
        deployer,
        args: p.target.args,
        companions: p.target.companions,
      })
    } catch (cause) {
      if (cause instanceof VaultcheckError) throw cause
      // viem rejects constructor arguments that do not fit the ABI: the target is not of this kind.
      throw new DeployError({
        contractName: p.target.vault.name,
        reason: `it does not deploy as a ${p.target.kind} vault: ${(cause as Error).message.split('\n')[0]}`,
        cause,
      })
    }
    // The attacker of a hook token: a contract actor whose hook is registered on every quirk token.
    let attacker: Address | undefined
    if (quirk?.reentrancy) {
      attacker = await chain.deploy({ artifact: await bundledArtifact('ReentrantAttacker', p.options.evmVersion), from: deployer.address })
      for (const token of quirkTokens) {
        const r = await chain.call({ address: token, abi: mocks.MockERC20.abi, functionName: 'setHook', args: [attacker], from: attacker })
        if (!r.ok) throw new HarnessError("the hook token refused the attacker's hook", { details: [String(r.revert)] })
      }
      actors.push({ name: ATTACKER, address: attacker })
    }
    const code = await chain.getCode(instance.vault)
    const dictionary = p.options.dictionary ? [...p.options.dictionary] : harvestDictionary([code])
    // The plan needs the world (for account names) and the world needs the plan: build in two steps.
    const renames = p.options.knobs?.functions as FunctionRenames | undefined
    if (renames) checkRenames(p.target.vault.abi, renames, p.target.vault.name)
    const calls: CallSink = { log: undefined }
    const counted = countingChain(chain, calls)
    const renamed = renames ? renamingChain(counted, instance.vault, renames) : counted
    const worldChain = p.driver.wrapChain ? p.driver.wrapChain(renamed, instance) : renamed
    const enabled = new Set(p.enabled)
    const space = p.options.amountSpace
    const amountSpace = typeof space === 'function' ? space({ dictionary, decimals: instance.decimals }) : space
    const world = new World<M>(worldChain, p.driver.kind, instance, actors, undefined as never, p.driver, enabled, {
      checkInterval: p.options.checkInterval,
      dictionary,
      knobs: p.options.knobs ?? {},
      ...(amountSpace ? { amountSpace } : {}),
    })
    ;(world as { plan: ObservationPlan }).plan = new ObservationPlan(multiread, [])
    if (quirk) world.tokenQuirk = { quirk, tokens: quirkTokens, ...(attacker ? { attacker } : {}) }
    world.calls = calls
    world.deployer = deployer
    const specified = Object.fromEntries(
      Object.entries(p.driver.specifiedFor?.(instance) ?? p.driver.specified).map(([role, fns]) => [role, instance.contracts[role]?.address.toLowerCase() === instance.vault.toLowerCase() ? fns.map((f) => renames?.[f] ?? f) : fns]),
    )
    world.system = await discoverSystem({
      chain,
      instance,
      sources: p.target.companions ?? [],
      mocks: Object.values(mocks),
      specified,
    })
    checkExtras(p.options.knobs?.extras as ExtrasConfig | undefined, world.system, actors)
    let model: M
    try {
      model = await p.driver.setup(world)
    } catch (cause) {
      if (cause instanceof VaultcheckError) throw cause
      throw new DeployError({ contractName: p.target.vault.name, reason: `setting up a ${p.target.kind} vault failed: ${(cause as Error).message.split('\n')[0]}`, cause })
    }
    const reads = p.driver.reads(world)
    ;(world as { plan: ObservationPlan }).plan = new ObservationPlan(multiread, renames ? renameReads(reads, instance.vault, renames) : reads)
    const setupLog = recorder.log!
    recorder.log = undefined
    const base = await chain.snapshot()
    const setupCoverage = raw.coverage?.export()
    raw.coverage?.reset()
    return new Bench(world, base, model, recorder, setupLog, enabled, raw.coverage, setupCoverage)
  }

  /** Back to the funded state; returns the world ready for a run. */
  async reset(trace = false): Promise<World<M>> {
    this.recorder.log = undefined
    await this.world.chain.revert(this.base as never)
    this.recorder.log = trace ? [] : undefined
    const obs = await this.world.observe()
    this.world.begin(this.initialModel, obs, trace)
    return this.world
  }
}

/**
 * Runs are cut into chunks of this many, each with a seed of its own: chunks are the unit that
 * `--workers` deals out. The cut depends on the run budget only, never on the worker count, so
 * any number of workers gives the result of one.
 */
export const CHUNK_RUNS = 10

/** Seeds a chunk uses after a failure in it (before one, every chunk walks the campaign seed). */
export function chunkSeed(seed: number, index: number): number {
  if (index === 0) return seed | 0
  let h = Math.imul((seed ^ 0x5bd1e995) | 0, 0x9e3779b1) ^ Math.imul(index, 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35)
  return (h ^ (h >>> 13)) | 0
}

/** Run counts of the chunks of a campaign of `runs` runs. */
export function chunkPlan(runs: number): number[] {
  const out: number[] = []
  for (let left = runs; left > 0; left -= CHUNK_RUNS) out.push(Math.min(CHUNK_RUNS, left))
  return out
}

/** What one chunk found, given the properties enabled when it started. */
export type ChunkOutcome = {
  index: number
  /** The enabled properties the chunk started with (sorted): a chunk is valid only for that set. */
  startEnabled: string[]
  /** Failures in the order found, with the runs/actions their property was active in this chunk. */
  failures: { counterexample: Counterexample; runs: number; actions: number }[]
  /** Runs/actions per property that was still enabled at the end of the chunk. */
  active: Record<string, { runs: number; actions: number }>
  stats: RunStats & { runs: number }
  interrupted: boolean
  /** What the kind detected about the target at setup (the same in every chunk). */
  detected: string[]
  /** Per system function, what this chunk's runs did with it (every function listed, in system order). */
  functions: Record<string, FunctionReport>
  /** With the coverage option: what this chunk ran (chunk 0 adds the setup). */
  coverage?: CoverageData
}

type ChunkContext<M> = {
  bench: Bench<M>
  driver: KindDriver<M>
  defs: readonly PropertyDef[]
  options: CampaignOptions
  /** Campaign start: onFailure times and the time limit count from it. */
  started: number
}

export function resolveOptions(options: CampaignOptions) {
  return { ...DEFAULT_CAMPAIGN, ...stripUndefined(options) }
}

/** Deploys the target and builds everything chunks of its campaign need. */
export async function prepareCampaign<M>(target: CampaignTarget, driver: KindDriver<M>, options: CampaignOptions, started = Date.now()) {
  const o = resolveOptions(options)
  const { enabled: defs, skipped } = selectProperties(target.kind, driver.properties, options)
  const bench = await Bench.create({ target, driver, enabled: new Set(defs.map((d) => d.id)), options: o })
  const ctx: ChunkContext<M> = { bench, driver, defs, options, started }
  return { ctx, defs, skipped, plan: chunkPlan(o.runs) }
}

/** One chunk of a campaign, starting with the properties in `enabled`. */
export async function runChunk<M>(ctx: ChunkContext<M>, index: number, enabled: readonly string[]): Promise<ChunkOutcome> {
  const { bench, driver, defs, options } = ctx
  const o = resolveOptions(options)
  const live = bench.enabled
  live.clear()
  for (const id of enabled) live.add(id)
  const startEnabled = [...live].sort()
  const total = { ...emptyStats(), runs: 0 }
  const functions = zeroCounts(bench.world)
  bench.coverage?.reset()
  let runsLeft = chunkPlan(o.runs)[index] ?? 0
  // Until a property fails, chunk k walks runs 10k.. of the campaign seed: fast-check derives run i
  // (values and size bias alike) from the seed and i alone, so a campaign without failures explores
  // exactly what one long check would. Once one has failed, that stream keeps leading back to the
  // same bug; exploration starts afresh instead: a seed of the chunk's own, from run 0 (small,
  // strongly biased sequences first), as after a failure inside a chunk.
  const fresh = startEnabled.length < defs.length
  let iteration = fresh ? 1 : 0
  const activeSince = new Map<string, { runs: number; actions: number }>()
  for (const id of live) activeSince.set(id, { runs: 0, actions: 0 })
  const failures: ChunkOutcome['failures'] = []
  let interrupted = false

  // After a failure, the same unshrunk sequence is replayed first with the failed property off:
  // one sequence often breaks several promises, and this finds the others without new exploration.
  // The shrunk sequence is tried first (a minimal case isolates the bug best), then the original.
  const retries: { seed: number; path: string; replayPath?: string }[] = []
  const deadline = o.timeLimitMs !== undefined ? ctx.started + o.timeLimitMs : Infinity
  const stopped = () => Date.now() >= deadline || options.signal?.aborted === true
  while ((runsLeft > 0 || retries.length > 0) && live.size > 0) {
    if (stopped()) {
      interrupted = true
      break
    }
    const replaying = retries.shift()
    const seed = replaying ? replaying.seed : iteration === 0 ? o.seed | 0 : (chunkSeed(o.seed, index) + iteration * 0x9e3779b1) | 0
    const start = iteration === 0 ? index * CHUNK_RUNS : 0
    if (!replaying) iteration++
    const perRun: RunStats[] = []
    let counted = 0
    let runActions = 0
    let detectedAt: number | undefined
    const property = buildProperty(bench, driver, o.depth, perRun, replaying?.replayPath, undefined, () => {
      // A running sum: re-adding every finished run before each new one is quadratic in --runs.
      for (; counted < perRun.length; counted++) runActions += perRun[counted].actions
      options.onRun?.({ runs: total.runs + perRun.length, actions: total.actions + runActions, failures: failures.length })
      return stopped()
    }, options.onFailure ? () => (detectedAt ??= Date.now()) : undefined)
    const details = await fc.check(property, {
      numRuns: replaying ? 1 : runsLeft,
      seed,
      path: replaying ? replaying.path : start > 0 ? String(start) : undefined,
      ...(options.stopOnFirstFailure === true ? { endOnFailure: true } : {}),
    })
    // Runs skipped after an interrupt pushed no stats: only runs that ran count.
    const explored = replaying ? 0 : Math.min(details.numRuns, perRun.length)
    for (const s of perRun.slice(0, explored)) {
      total.runs++
      total.actions += s.actions
      total.reverted += s.reverted
      total.noops += s.noops
      total.probes += s.probes
      total.underwater += s.underwater
      for (const [k, c] of Object.entries(s.functions ?? {})) addCount(functions, k, c)
      for (const a of activeSince.values()) {
        a.runs++
        a.actions += s.actions
      }
    }
    runsLeft -= explored
    if (!details.failed) {
      if (replaying) continue
      break
    }
    const err = details.errorInstance
    if (err instanceof RunInterrupted) {
      interrupted = true
      break
    }
    if (!(err instanceof PropertyViolation)) {
      if (err instanceof Error && 'kind' in err) throw err
      throw new HarnessError('an unexpected error escaped a property run', { cause: err, details: [String(err)] })
    }
    const id = err.propertyId
    const def = defs.find((d) => d.id === id)!
    const cmds = details.counterexample![0] as Iterable<fc.AsyncCommand<World<M>, World<M>>>
    const replayPath = replayPathOf(cmds)
    const all = [...cmds]
    if (bench.coverage) bench.coverage.paused = true
    const edits = await minimize(bench, all, id)
    const { skip, pins, dropSteps, rewrites } = edits
    const trace = await replayTrace(bench, all, edits)
    if (bench.coverage) bench.coverage.paused = false
    const since = activeSince.get(id)!
    failures.push({
      runs: since.runs,
      actions: since.actions,
      counterexample: {
        propertyId: id,
        promise: def.promise,
        message: underQuirk(bench.world, err.message.split('\n')[0].replace(`${id}: `, '')),
        expected: err.expected,
        actual: err.actual,
        trace,
        steps: trace.map(formatTraceLine),
        seed,
        path: details.counterexamplePath ?? '',
        replayPath,
        skip: [...skip],
        ...(pins ? { pins: stringPins(pins) } : {}),
        ...(dropSteps ? { dropSteps: Object.fromEntries(Object.entries(dropSteps).map(([i, v]) => [i, [...v]])) } : {}),
        ...(rewrites ? { rewrites: Object.fromEntries(Object.entries(rewrites)) } : {}),
        numShrinks: details.numShrinks,
        enabled: [...live],
        dictionary: bench.world.options.dictionary.map(String),
      },
    })
    options.onFailure?.({ propertyId: id, detectedMs: (detectedAt ?? Date.now()) - ctx.started, shrunkMs: Date.now() - ctx.started })
    live.delete(id)
    activeSince.delete(id)
    const path = details.counterexamplePath ?? ''
    if (path !== '') {
      retries.unshift({ seed, path, replayPath }, { seed, path: path.split(':')[0] })
    }
    options.onRun?.({ runs: total.runs, actions: total.actions, failures: failures.length })
    if (options.stopOnFirstFailure) break
  }
  const coverage = bench.coverage ? mergeCoverage([index === 0 ? bench.setupCoverage : undefined, bench.coverage.export()]) : undefined
  return { index, startEnabled, failures, active: Object.fromEntries(activeSince), stats: total, interrupted, detected: [...bench.world.detected], functions, ...(coverage ? { coverage } : {}) }
}

const STAT_KEYS = ['runs', 'actions', 'reverted', 'noops', 'probes', 'underwater'] as const

function zeroCounts<M>(w: World<M>): Record<string, FunctionReport> {
  const config = w.options.knobs.extras as ExtrasConfig | undefined
  const out: Record<string, FunctionReport> = {}
  for (const c of w.system) {
    for (const f of c.functions) {
      const rule = f.specified ? undefined : ruleFor(f, config)
      out[f.key] = {
        calls: 0,
        reverts: 0,
        changed: 0,
        outside: !f.specified,
        ...(rule?.exclude ? { excluded: rule.reason } : {}),
        ...(rule?.caller ? { privileged: rule.caller } : {}),
      }
    }
  }
  return out
}

function addCount(into: Record<string, FunctionReport>, key: string, c: FunctionCount & Partial<FunctionReport>): void {
  const n = (into[key] ??= { calls: 0, reverts: 0, changed: 0, outside: c.outside ?? true, ...(c.excluded ? { excluded: c.excluded } : {}), ...(c.privileged ? { privileged: c.privileged } : {}) })
  n.calls += c.calls
  n.reverts += c.reverts
  n.changed += c.changed
}

/**
 * Chunks whose results are final, in order: the next chunk starts with the properties still
 * enabled after them. Used the same way by one process (runCampaign) and by a worker pool, which
 * runs chunks ahead on a guess and re-runs one whose starting set turned out different.
 */
export class ChunkLedger {
  readonly outcomes: ChunkOutcome[] = []
  private readonly live: Set<string>
  constructor(
    readonly plan: readonly number[],
    enabled: Iterable<string>,
    private readonly stopOnFirstFailure: boolean | 'shrunk' = false,
  ) {
    this.live = new Set(enabled)
  }

  /** The properties the next chunk must start with. */
  get enabled(): string[] {
    return [...this.live].sort()
  }

  /** True when no chunk is left to run. */
  get done(): boolean {
    if (this.outcomes.length >= this.plan.length || this.live.size === 0) return true
    if (this.outcomes.some((c) => c.interrupted)) return true
    return this.stopOnFirstFailure !== false && this.outcomes.some((c) => c.failures.length > 0)
  }

  /** Accepts the next chunk's outcome if it started from the right set; false means run it again. */
  commit(c: ChunkOutcome): boolean {
    if (c.index !== this.outcomes.length) throw new HarnessError(`chunk ${c.index} committed out of order (expected ${this.outcomes.length})`)
    if (c.startEnabled.join() !== this.enabled.join()) return false
    this.outcomes.push(c)
    for (const f of c.failures) this.live.delete(f.counterexample.propertyId)
    return true
  }
}

/** One campaign result from the committed chunks. */
export function mergeChunks(
  target: Pick<CampaignTarget, 'name' | 'kind'>,
  /** Every property of the kind, in the order results are reported. */
  all: readonly PropertyDef[],
  defs: readonly PropertyDef[],
  skipped: readonly { def: PropertyDef; reason: string }[],
  outcomes: readonly ChunkOutcome[],
  p: { durationMs: number; interrupted?: string },
): CampaignResult {
  const results = new Map<string, PropertyResult>()
  for (const s of skipped) {
    results.set(s.def.id, { id: s.def.id, promise: s.def.promise, status: 'skipped', skipReason: s.reason, runs: 0, actions: 0 })
  }
  const counts = new Map<string, { runs: number; actions: number }>()
  const add = (id: string, r: { runs: number; actions: number }) => {
    const c = counts.get(id) ?? { runs: 0, actions: 0 }
    counts.set(id, { runs: c.runs + r.runs, actions: c.actions + r.actions })
  }
  const total = { ...emptyStats(), runs: 0 }
  const functions: Record<string, FunctionReport> = {}
  for (const c of outcomes) {
    for (const k of STAT_KEYS) total[k] += c.stats[k]
    for (const [k, n] of Object.entries(c.functions ?? {})) addCount(functions, k, n)
    for (const [id, r] of Object.entries(c.active)) add(id, r)
    for (const f of c.failures) {
      const id = f.counterexample.propertyId
      add(id, f)
      const def = defs.find((d) => d.id === id)!
      results.set(id, { id, promise: def.promise, status: 'failed', ...counts.get(id)!, counterexample: f.counterexample })
    }
  }
  for (const def of defs) {
    if (results.has(def.id)) continue
    results.set(def.id, { id: def.id, promise: def.promise, status: 'passed', ...(counts.get(def.id) ?? { runs: 0, actions: 0 }) })
  }
  const ordered = all
    .map((d) => results.get(d.id))
    .filter((r): r is PropertyResult => r !== undefined)
  return {
    kind: target.kind,
    target: target.name,
    properties: ordered,
    stats: total,
    vacuous: p.interrupted ? undefined : vacuity(total),
    ...(p.interrupted ? { interrupted: p.interrupted } : {}),
    ...(outcomes[0]?.detected.length ? { detected: outcomes[0].detected } : {}),
    ...(Object.keys(functions).length ? { functions } : {}),
    ...(outcomes.some((c) => c.coverage) ? { coverage: mergeCoverage(outcomes.map((c) => c.coverage)) } : {}),
    durationMs: p.durationMs,
  }
}

/** Why a campaign stopped early, if it did. */
export function interruption(options: CampaignOptions, started: number, outcomes: readonly ChunkOutcome[]): string | undefined {
  if (options.signal?.aborted) return 'interrupted'
  if (options.timeLimitMs !== undefined && (Date.now() >= started + options.timeLimitMs || outcomes.some((c) => c.interrupted))) return 'time limit reached'
  return undefined
}

export async function runCampaign<M>(target: CampaignTarget, driver: KindDriver<M>, options: CampaignOptions = {}): Promise<CampaignResult> {
  const started = Date.now()
  const { ctx, defs, skipped, plan } = await prepareCampaign(target, driver, options, started)
  const ledger = new ChunkLedger(plan, defs.map((d) => d.id), options.stopOnFirstFailure)
  // Progress counts across chunks: each chunk reports its own running figures.
  const before = { runs: 0, actions: 0, failures: 0 }
  const onRun = options.onRun
  const chunkCtx = onRun
    ? { ...ctx, options: { ...options, onRun: (x: { runs: number; actions: number; failures: number }) => onRun({ runs: before.runs + x.runs, actions: before.actions + x.actions, failures: before.failures + x.failures }) } }
    : ctx
  while (!ledger.done) {
    const c = await runChunk(chunkCtx, ledger.outcomes.length, ledger.enabled)
    ledger.commit(c)
    before.runs += c.stats.runs
    before.actions += c.stats.actions
    before.failures += c.failures.length
  }
  return mergeChunks(target, driver.properties, defs, skipped, ledger.outcomes, { durationMs: Date.now() - started, interrupted: interruption(options, started, ledger.outcomes) })
}

/** Thrown inside a run that must not start (Ctrl-C, time limit). */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted'
}

export function buildProperty<M>(
  bench: Bench<M>,
  driver: KindDriver<M>,
  depth: number,
  perRun: RunStats[],
  replayPath?: string,
  capture?: (cmds: Iterable<fc.AsyncCommand<World<M>, World<M>>>) => void,
  /** Asked before every run; true skips it (interrupted or out of time). */
  stop?: () => boolean,
  /** Called when a run ends in a property violation (the first call of a search is the detection). */
  onViolation?: () => void,
) {
  const arbs = [...driver.commands(bench.world), ...extraCommands(bench.world), ...quirkCommands(bench.world)]
  return fc.asyncProperty(fc.commands(arbs, { maxCommands: depth, size: 'max', replayPath }), async (cmds) => {
    // Throwing ends fast-check's loop at once (returning would still generate every remaining run);
    // the campaign recognises the error and reports the interruption, not a failure.
    // EVM calls resolve as microtasks, so a campaign never returns to the event loop by itself:
    // yield once per run, or signals (Ctrl-C) and IPC messages would wait until the end.
    await new Promise<void>((resolve) => setImmediate(resolve))
    if (stop?.()) throw new RunInterrupted()
    capture?.(cmds)
    const world = await bench.reset()
    try {
      await fc.asyncModelRun(() => ({ model: world, real: world }), cmds)
      // Always end a run with the costly checks, whatever checkInterval skipped.
      await world.probe()
    } catch (e) {
      if (e instanceof RunDiscarded) return
      if (e instanceof PropertyViolation) onViolation?.()
      throw e
    } finally {
      perRun.push({ ...world.stats })
    }
  })
}

type Command<M> = fc.AsyncCommand<World<M>, World<M>>
export type Pins = Readonly<Record<number, readonly bigint[]>>
export type SequenceEdits = { skip?: readonly number[]; pins?: Pins; dropSteps?: Readonly<Record<number, readonly number[]>>; rewrites?: Readonly<Record<number, number>> }

/**
 * Runs a generated sequence as edited after shrinking (positions skipped, amounts pinned), then the
 * end-of-run probe. `capture` receives the amounts each command resolved, by position.
 */
export async function runSequence<M>(world: World<M>, cmds: readonly Command<M>[], edits: SequenceEdits = {}, capture?: Capture): Promise<void> {
  const skip = new Set(edits.skip ?? [])
  try {
    for (const [i, c] of cmds.entries()) {
      if (skip.has(i)) continue
      const pinned = edits.pins?.[i]
      world.pins = pinned ? [...pinned] : undefined
      world.resolved = capture ? (capture.amounts[i] = []) : undefined
      world.dropSteps = edits.dropSteps?.[i] ? new Set(edits.dropSteps[i]) : undefined
      world.rewrite = edits.rewrites?.[i]
      world.subSteps = undefined
      world.rewrites = undefined
      try {
        if (c.check(world)) await c.run(world, world)
      } finally {
        // Also when the command itself fails: the failing command is the one most worth trimming.
        if (capture && world.subSteps !== undefined) capture.subSteps[i] = world.subSteps
        if (capture && world.rewrites !== undefined) capture.rewrites[i] = world.rewrites
      }
    }
  } finally {
    world.pins = undefined
    world.resolved = undefined
    world.dropSteps = undefined
    world.rewrite = undefined
  }
  await world.probe()
}

export function stringPins(pins: Pins): Record<string, string[]> {
  return Object.fromEntries(Object.entries(pins).map(([i, v]) => [i, v.map(String)]))
}

export function parsePins(pins: Readonly<Record<string, readonly string[]>> | undefined): Pins | undefined {
  return pins ? Object.fromEntries(Object.entries(pins).map(([i, v]) => [Number(i), v.map((x) => BigInt(x))])) : undefined
}

type Capture = { amounts: Record<number, bigint[]>; subSteps: Record<number, number>; rewrites: Record<number, number> }

/**
 * fast-check never drops the last command that ran, assuming the failure happened there; a failure
 * found by the end-of-run probe often does not need it. One pass removing each command in turn
 * (keeping removals after which the same property still fails) finishes the job. Amounts are
 * recipes resolved against the state ("half of alice's collateral"), so a command can be needed
 * only to give a later recipe something to resolve against: a second pass pins every remaining
 * command's amounts to what they resolved to and tries the removals again, sub-steps of composite
 * commands included. Pins are kept only when that pass removed something. Everything is recorded,
 * so that a replay runs exactly the sequence shown.
 */
async function minimize<M>(bench: Bench<M>, cmds: readonly Command<M>[], id: string): Promise<Required<Pick<SequenceEdits, 'skip'>> & SequenceEdits> {
  const capture: Capture = { amounts: {}, subSteps: {}, rewrites: {} }
  return rewrite(bench, cmds, id, await trim(bench, cmds, id, capture), capture)
}

async function trim<M>(bench: Bench<M>, cmds: readonly Command<M>[], id: string, capture: Capture): Promise<Required<Pick<SequenceEdits, 'skip'>> & SequenceEdits> {
  const fails = (edits: SequenceEdits) => failureOf(bench, cmds, edits).then((p) => p === id)
  const skip: number[] = []
  for (let i = cmds.length - 1; i >= 0; i--) if (await fails({ skip: [...skip, i] })) skip.push(i)
  skip.sort((a, b) => a - b)
  if ((await failureOf(bench, cmds, { skip }, capture)) !== id) return { skip }
  const pins: Record<number, bigint[]> = {}
  for (const [i, v] of Object.entries(capture.amounts)) if (v.length > 0) pins[Number(i)] = v
  const dropSteps: Record<number, number[]> = {}
  const pinnedSkip = [...skip]
  let removed = 0
  for (let i = cmds.length - 1; i >= 0; i--) {
    if (pinnedSkip.includes(i)) continue
    if (await fails({ skip: [...pinnedSkip, i], pins, dropSteps })) {
      pinnedSkip.push(i)
      removed++
      continue
    }
    const n = capture.subSteps[i] ?? 1
    for (let j = n - 1; j >= 0 && n > 1; j--) {
      const tried = [...(dropSteps[i] ?? []), j]
      if (tried.length >= n) continue
      if (await fails({ skip: pinnedSkip, pins, dropSteps: { ...dropSteps, [i]: tried } })) {
        dropSteps[i] = tried.sort((a, b) => a - b)
        removed++
      }
    }
  }
  if (removed === 0) return { skip }
  pinnedSkip.sort((a, b) => a - b)
  for (const i of pinnedSkip) {
    delete pins[i]
    delete dropSteps[i]
  }
  return { skip: pinnedSkip, pins, ...(Object.keys(dropSteps).length ? { dropSteps } : {}) }
}

/**
 * The last pass: a command may offer other forms of the same action (a liquidation by the
 * position's owner, who holds the debt tokens, instead of a third party that first has to be
 * funded). Each is kept when the same property still fails in fewer steps; recorded like pins.
 */
async function rewrite<M>(bench: Bench<M>, cmds: readonly Command<M>[], id: string, edits: Required<Pick<SequenceEdits, 'skip'>> & SequenceEdits, capture: Capture) {
  const offered = Object.entries(capture.rewrites)
    .map(([i, n]) => [Number(i), n] as const)
    .filter(([i, n]) => n > 0 && !edits.skip.includes(i))
  if (offered.length === 0) return edits
  const stepsToFailure = async (e: SequenceEdits): Promise<number | undefined> => {
    const f = await failureAt(bench, cmds, e)
    return f?.propertyId === id ? f.steps : undefined
  }
  let best = await stepsToFailure(edits)
  if (best === undefined) return edits
  const chosen: Record<number, number> = {}
  for (const [i, n] of offered) {
    for (let v = 1; v <= n; v++) {
      const steps = await stepsToFailure({ ...edits, rewrites: { ...chosen, [i]: v } })
      if (steps !== undefined && steps < best) {
        chosen[i] = v
        best = steps
        break
      }
    }
  }
  return Object.keys(chosen).length ? { ...edits, rewrites: chosen } : edits
}

/** A failure's message says which token quirk the campaign ran under: the cause is often the quirk. */
function underQuirk<M>(w: World<M>, message: string): string {
  return w.tokenQuirk ? `under ${w.tokenQuirk.quirk.name}, ${message}` : message
}

/** The property a replay of `cmds` violates, and after how many steps; undefined when none. */
async function failureAt<M>(bench: Bench<M>, cmds: readonly Command<M>[], edits: SequenceEdits, capture?: Capture): Promise<{ propertyId: string; steps: number } | undefined> {
  const world = await bench.reset(false)
  try {
    await runSequence(world, cmds, edits, capture)
  } catch (e) {
    if (e instanceof PropertyViolation) return { propertyId: e.propertyId, steps: world.stepIndex }
    if (e instanceof RunDiscarded) return undefined
    throw e
  }
  return undefined
}

const failureOf = async <M>(bench: Bench<M>, cmds: readonly Command<M>[], edits: SequenceEdits, capture?: Capture): Promise<string | undefined> =>
  (await failureAt(bench, cmds, edits, capture))?.propertyId

async function replayTrace<M>(bench: Bench<M>, cmds: readonly Command<M>[], edits: SequenceEdits): Promise<TraceLine[]> {
  const world = await bench.reset(true)
  try {
    await runSequence(world, cmds, edits)
  } catch (e) {
    if (!(e instanceof PropertyViolation)) throw e
  }
  return world.trace ?? []
}

export function formatTraceLine(l: TraceLine): string {
  const same = l.contract === l.model
  return `${l.label} -> ${l.contract}${same ? '' : `   [model: ${l.model}]`}${l.failed ? `   <-- ${l.failed}` : ''}`
}

/** Why a campaign proves nothing, or undefined: fewer state-changing actions than runs. */
export function vacuity(s: RunStats & { runs: number }): string | undefined {
  const effective = s.actions - s.reverted - s.noops
  if (s.runs === 0) return 'no run completed'
  if (effective < s.runs) return `runs did almost nothing: ${effective} state-changing actions in ${s.runs} runs (${s.reverted} reverted, ${s.noops} no-ops)`
  return undefined
}

export function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** fast-check's replayPath of a commands counterexample (which generated commands ran). */
export function replayPathOf(cmds: unknown): string {
  const meta = (cmds as { metadataForReplay?: () => string }).metadataForReplay?.() ?? ''
  const m = /^replayPath=(.*)$/.exec(meta)
  return m ? (JSON.parse(m[1]) as string) : ''
}
