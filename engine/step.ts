/**
 * The step engine: one action runs on the contract and on the model, then the two are compared and
 * every enabled invariant is checked. Everything a kind needs lives in its KindDriver; this file
 * knows nothing of deposits or positions.
 */
import type { Abi, Address, Hex } from 'viem'
import type { ModelEvent, Outcome } from '../model/outcome.ts'
import { PropertyViolation, type Kind, type PropertyDef } from './property.ts'
import type { CallResult, Chain, DecodedLog } from '../evm/chain.ts'
import { diffObservations, type Observation, type ObservationPlan } from '../evm/observe.ts'
import { formatRevert } from '../evm/revert.ts'
import { MalformedReturnError, TargetShapeError } from '../evm/errors.ts'
import type { SystemContract } from './system.ts'
import type { AmountRecipe } from './amounts.ts'

export type ActionSpec<M> = {
  /** The action's name: 'deposit', 'liquidate', 'price' ... */
  name: string
  /** Readable call with resolved values: `alice.deposit(1000, bob)`. */
  label: string
  caller: Address
  /** A user action (as opposed to the environment: a price move, yield arriving). */
  user: boolean
  predict: (m: M) => Outcome<M, unknown>
  /**
   * Where the standard leaves an amount to the implementation (an ERC-4626 vault whose conversions
   * fit no known formula): the prediction once the contract has succeeded, given what it returned.
   * `predict` still decides whether the call had to succeed or revert; the state, events and
   * invariants are then judged against this outcome instead. `post` is what was observed after.
   */
  settle?: (m: M, returned: unknown, post: Observation) => Outcome<M, unknown>
  perform: (w: World<M>) => Promise<CallResult>
  /** Renders a return value for the trace (`1000 shares`). */
  formatReturn?: (v: unknown) => string
  /** Compares the contract's return with the model's; absent = return values are not compared. */
  sameReturn?: (model: unknown, contract: unknown) => boolean
  /** Logs of `address` with these names must equal the model's events of the same names. */
  events?: { address: Address; names: readonly string[] }
  /** Extra checks that need this step's pre/post state (previews, ratio, access...). */
  checks?: (ctx: StepContext<M>) => void
  /** The system function called, when a name alone is ambiguous (overloads): `vault.rescue(address)`. */
  fnKey?: string
  /**
   * A function outside the kind's specification: the model predicts nothing, so instead of the
   * differential checks, an unprivileged call must revert or change no observation (ACCESS-002)
   * beyond what `mayChange` allows; the model then follows what was observed.
   */
  unspecified?: { privileged: boolean; mayChange: (observationKey: string) => boolean }
  /** The asset token moved balances by itself (a rebase): nobody took them, so access checks do not apply. */
  tokenEvent?: boolean
}

export type StepContext<M> = {
  world: World<M>
  spec: ActionSpec<M>
  pre: Observation
  post: Observation
  preModel: M
  outcome: Outcome<M, unknown>
  result: CallResult
  /** The model state the contract should now be in (undefined when the outcome class was wrong). */
  expected: M | undefined
}

/**
 * A run that cannot go on: a view reverted, but the property that reports it already failed and is
 * switched off. The run ends without a verdict.
 */
export class RunDiscarded extends Error {
  override name = 'RunDiscarded'
  constructor(readonly propertyId: string) {
    super(`run discarded: ${propertyId} already failed`)
  }
}

export type StepInvariant<M> = { ids: readonly string[]; check: (ctx: StepContext<M>) => void }

export type RunStats = {
  actions: number
  reverted: number
  noops: number
  probes: number
  underwater: number
  /** Per system function (`vault.deposit`): calls made by actions, reverts, and calls that changed an observation. */
  functions?: Record<string, FunctionCount>
}

export type FunctionCount = { calls: number; reverts: number; changed: number }

/** A system function in a campaign's report: its counts, and what the campaign made of it. */
export type FunctionReport = FunctionCount & {
  /** Outside the kind's specification (called by generated actions, held to ACCESS-002). */
  outside: boolean
  /** Left out by the config, with its reason. */
  excluded?: string
  /** Declared privileged: also called from this account. */
  privileged?: string
}

/** Calls to the chain made while a step runs, for the per-function counts. */
export type CallSink = { log: { address: Address; functionName: string; ok: boolean }[] | undefined }

export function emptyStats(): RunStats {
  return { actions: 0, reverted: 0, noops: 0, probes: 0, underwater: 0 }
}

export type Account = { name: string; address: Address }

/** What a driver deployed: addresses the engine and commands use, with the ABIs to call them. */
export type Instance = {
  vault: Address
  vaultAbi: Abi
  /** Other contracts (token, asset, oracle, debt token), by role. */
  contracts: Record<string, { address: Address; abi: Abi }>
  decimals: number
}

export type TraceLine = { step: number; label: string; contract: string; model: string; failed?: string }

export class World<M> {
  /** The model state before the next action (a box: fast-check hands the same object to every command). */
  model!: M
  last!: Observation
  stats: RunStats = emptyStats()
  trace: TraceLine[] | undefined
  stepIndex = 0
  /** Amounts fixed for the command about to run (a concretised counterexample), used in order. */
  pins: bigint[] | undefined
  /** When set, every amount the running command resolves is appended here. */
  resolved: bigint[] | undefined
  /** Sub-steps of the command about to run that are left out (a concretised counterexample). */
  dropSteps: ReadonlySet<number> | undefined
  /** Set by a command made of several sub-steps to their number (read when concretising). */
  subSteps: number | undefined
  /** The rewrite chosen for the command about to run (a concretised counterexample); undefined: as generated. */
  rewrite: number | undefined
  /** Set by a command that offers rewrites (another form of the same action) to how many (read when concretising). */
  rewrites: number | undefined
  /** The system's contracts and their functions (set once the target is deployed). */
  system: readonly SystemContract[] = []
  /** The account that deployed everything: owner of whatever the constructors make owned. */
  deployer: Account = { name: 'deployer', address: '0x0000000000000000000000000000000000000000' }
  /** Fed by the world's chain with every call made during a step. */
  calls: CallSink = { log: undefined }
  /** The quirk of the asset token (`--token-quirks`), when the campaign runs under one. */
  tokenQuirk: import('./quirks.ts').ActiveQuirk | undefined

  /** What the models must know of the asset's quirk: pass it to the ledgers of every mock token the kind deployed. */
  get tokenBehaviour(): import('../model/erc20.ts').TokenBehaviour | undefined {
    return this.tokenQuirk?.quirk.behaviour
  }

  constructor(
    readonly chain: Chain,
    readonly kind: Kind,
    readonly instance: Instance,
    readonly actors: readonly Account[],
    readonly plan: ObservationPlan,
    readonly driver: KindDriver<M>,
    readonly enabled: ReadonlySet<string>,
    readonly options: { checkInterval: number; dictionary: readonly bigint[]; knobs: Readonly<Record<string, unknown>>; amountSpace?: readonly AmountRecipe[] },
  ) {}

  private names = new Map<string, string>()

  nameOf(a: string): string {
    if (this.names.size === 0) {
      for (const acc of this.accounts()) this.names.set(acc.address.toLowerCase(), acc.name)
      this.names.set(this.deployer.address.toLowerCase(), this.deployer.name)
      for (const c of this.system) if (!this.names.has(c.address.toLowerCase())) this.names.set(c.address.toLowerCase(), c.role)
    }
    return this.names.get(a.toLowerCase()) ?? a
  }

  /** Actors, then the vault itself and the zero address: every account a balance is read for. */
  /** Replaces known addresses in a rendered value (revert arguments) by account names. */
  withNames(text: string): string {
    return text.replace(/0x[0-9a-fA-F]{40}/g, (a) => this.nameOf(a))
  }

  accounts(): Account[] {
    return [
      ...this.actors,
      { name: 'vault', address: this.instance.vault },
      { name: 'zero', address: '0x0000000000000000000000000000000000000000' },
    ]
  }

  isEnabled(id: string): boolean {
    return this.enabled.has(id)
  }

  /** Fails `id` unless `ok`. Disabled properties are not checked at all. */
  check(id: string, ok: boolean, detail: () => { message: string; expected: string; actual: string }): void {
    if (ok || !this.enabled.has(id)) return
    const d = detail()
    throw new PropertyViolation({ propertyId: id, ...d })
  }

  /** True between begin() and the next reset: views that fail then are the vault's failure. */
  private running = false

  async observe(after?: string): Promise<Observation> {
    if (!this.running) return this.plan.read(this.chain)
    try {
      return await this.plan.read(this.chain)
    } catch (e) {
      // The same views answered when the run began, so one that reverts now is the vault breaking
      // a promise (EIP-4626: maxWithdraw MUST NOT revert), not an interface mismatch.
      if (!(e instanceof TargetShapeError)) throw e
      const id = `${this.kind.toUpperCase()}-VIEW-001`
      if (!this.isEnabled(id)) throw new RunDiscarded(id)
      throw new PropertyViolation({ propertyId: id, message: `a view stopped answering after ${after ?? `step ${this.stepIndex}`}: ${e.shortMessage}`, expected: 'every observed view answers', actual: e.shortMessage })
    }
  }

  /** Starts a run: the chain has been reverted to the deployed-and-funded snapshot. */
  begin(model: M, observation: Observation, trace: boolean): void {
    this.running = true
    this.model = model
    this.last = observation
    this.stats = emptyStats()
    this.stepIndex = 0
    this.trace = trace ? [] : undefined
  }

  async step(spec: ActionSpec<M>): Promise<void> {
    const pre = this.last
    const preModel = this.model
    let outcome = spec.predict(preModel)
    this.calls.log = []
    let result: CallResult
    let calls: CallSink['log']
    try {
      result = await this.perform(spec)
    } finally {
      calls = this.calls.log
      this.calls.log = undefined
    }
    const line: TraceLine | undefined = this.trace
      ? { step: this.stepIndex + 1, label: spec.label, contract: this.withNames(describeResult(result, spec)), model: spec.unspecified ? (spec.tokenEvent ? 'balances as the token moved them' : spec.unspecified.privileged ? 'anything (privileged)' : 'revert, or no observed change') : describeOutcome(outcome, spec) }
      : undefined
    let post: Observation
    try {
      post = await this.observe(spec.label)
    } catch (e) {
      // The step that broke a view belongs in the counterexample, marked as the failing one.
      if (line && e instanceof PropertyViolation) this.trace!.push({ ...line, failed: e.propertyId })
      throw e
    }
    if (spec.settle && outcome.ok && result.ok) {
      outcome = spec.settle(preModel, result.result, post)
      if (line) line.model = describeOutcome(outcome, spec)
    }
    this.stepIndex++
    this.stats.actions++
    const unchanged = sameObservation(pre, post)
    if (!result.ok) this.stats.reverted++
    else if (unchanged) this.stats.noops++
    this.countCalls(calls, spec, !unchanged)
    if (line) this.trace!.push(line)

    const P = this.kind.toUpperCase()
    let expected: M | undefined
    try {
      // A call outside the specification: no prediction to compare; the model takes what was observed.
      if (spec.unspecified) {
        this.checkUnspecified(spec, pre, post, result)
        expected = result.ok && !unchanged ? this.driver.sync(preModel, post, this) : preModel
      }
      // Outcome class: a must-succeed action that reverts, or a must-revert one that succeeds.
      else if (outcome.ok && !result.ok) {
        this.check(`${P}-DIFF-001`, outcome.mayRevert !== undefined, () => ({
          message: `${spec.label} must succeed but reverted`,
          expected: `success${spec.formatReturn ? ` -> ${spec.formatReturn(outcome.returns)}` : ''}`,
          actual: `revert ${this.withNames(formatRevert(result.revert))}`,
        }))
        expected = preModel
      } else if (!outcome.ok && result.ok) {
        this.check(`${P}-DIFF-001`, false, () => ({
          message: `${spec.label} must revert (${outcome.reason}) but succeeded`,
          expected: `revert (${outcome.reason}${outcome.detail ? `: ${outcome.detail}` : ''})`,
          actual: `success${spec.formatReturn ? ` -> ${spec.formatReturn(result.result)}` : ''}`,
        }))
        expected = undefined
      } else if (outcome.ok && result.ok) {
        expected = outcome.state
        if (spec.sameReturn && !spec.sameReturn(outcome.returns, result.result)) {
          const fmt = spec.formatReturn ?? String
          this.check(`${P}-DIFF-002`, false, () => ({
            message: `${spec.label} returned a different value`,
            expected: fmt(outcome.returns),
            actual: fmt(result.result),
          }))
        }
        if (spec.events) this.compareEvents(spec, outcome.events, result.logs)
      } else {
        expected = preModel
      }

      // Computed once: the DIFF-002 check and the model's resynchronisation below both need it.
      // A model synchronised from the observation has nothing to differ in.
      const mismatches = spec.unspecified ? [] : expected !== undefined ? diffObservations(this.driver.project(expected, this), post) : undefined
      if (mismatches !== undefined) {
        this.check(`${P}-DIFF-002`, mismatches.length === 0, () => ({
          message: `state after ${spec.label} differs from the model`,
          expected: 'contract state equal to the model',
          actual: mismatches.join('; '),
        }))
      }

      const ctx: StepContext<M> = { world: this, spec, pre, post, preModel, outcome, result, expected }
      for (const inv of this.driver.invariants) inv.check(ctx)
      spec.checks?.(ctx)

      // The model follows the contract only where they agree; where a disabled check let them part,
      // the model is re-synchronised from what was observed so later checks stay meaningful.
      const next = expected ?? preModel
      const agrees = (mismatches ?? diffObservations(this.driver.project(next, this), post)).length === 0
      this.model = agrees ? next : this.driver.sync(next, post, this)
      this.last = post

      if (this.options.checkInterval > 0 && this.stepIndex % this.options.checkInterval === 0) await this.probe()
    } catch (e) {
      if (line && e instanceof PropertyViolation) line.failed = e.propertyId
      throw e
    }
  }

  /**
   * After a call outside the specification: ACCESS-002 unless it reverted, was privileged or
   * changed only what it may (a caller's own allowances, the declared keys).
   */
  private checkUnspecified(spec: ActionSpec<M>, pre: Observation, post: Observation, result: CallResult): void {
    const u = spec.unspecified!
    if (!result.ok || u.privileged) return
    const own = `.allowance(${this.nameOf(spec.caller)},`
    const moved = Object.keys(post).filter((k) => pre[k] !== post[k] && !k.includes(own) && !u.mayChange(k))
    this.check(`${this.kind.toUpperCase()}-ACCESS-002`, moved.length === 0, () => ({
      message: `${spec.label}, a function outside the ${this.kind} specification, succeeded for an unprivileged caller and changed ${moved.length} observed value${moved.length === 1 ? '' : 's'}`,
      expected: `${spec.fnKey ?? spec.name} reverts or changes nothing observed (declare it in extras if it is privileged or may change these)`,
      actual: moved.slice(0, 6).map((k) => `${k}: ${pre[k]} -> ${post[k]}`).join('; ') + (moved.length > 6 ? `; and ${moved.length - 6} more` : ''),
    }))
  }

  private systemByAddress: Map<string, SystemContract> | undefined

  /** Adds this step's calls to system functions to the run's per-function counts. */
  private countCalls(calls: CallSink['log'], spec: ActionSpec<M>, changed: boolean): void {
    if (!calls || this.system.length === 0) return
    const counts = (this.stats.functions ??= {})
    this.systemByAddress ??= new Map(this.system.map((x) => [x.address.toLowerCase(), x]))
    for (const c of calls) {
      const contract = this.systemByAddress.get(c.address.toLowerCase())
      if (!contract) continue
      const fn = (spec.fnKey && contract.functions.find((f) => f.key === spec.fnKey)) || contract.functions.find((f) => f.item.name === c.functionName)
      if (!fn) continue
      const n = (counts[fn.key] ??= { calls: 0, reverts: 0, changed: 0 })
      n.calls++
      if (!c.ok) n.reverts++
      else if (changed) n.changed++
    }
  }

  /** The action on the contract; a return that does not decode is the vault's DIFF-002, not ours. */
  private async perform(spec: ActionSpec<M>): Promise<CallResult> {
    try {
      return await spec.perform(this)
    } catch (e) {
      if (!(e instanceof MalformedReturnError)) throw e
      this.malformedReturn(e, spec.label)
    }
  }

  /**
   * A call whose return does not decode as its ABI declares: the contract's fault, reported under
   * the kind's DIFF-002 (return values as the specification says) by default. Never returns.
   */
  malformedReturn(e: MalformedReturnError, during: string, id = `${this.kind.toUpperCase()}-DIFF-002`): never {
    if (!this.isEnabled(id)) throw new RunDiscarded(id)
    throw new PropertyViolation({ propertyId: id, message: `${during}: ${e.functionName}() returned data that does not decode`, expected: 'a return value encoded as the ABI declares', actual: e.shortMessage })
  }

  /** Costly checks (the exit probe) in a snapshot that is then reverted. */
  async probe(): Promise<void> {
    this.stats.probes++
    const id = await this.chain.snapshot()
    try {
      try {
        await this.driver.exitProbe(this)
      } catch (e) {
        if (!(e instanceof MalformedReturnError)) throw e
        // An exit whose return does not decode cannot be checked, and no caller could rely on it.
        this.malformedReturn(e, 'exit probe', `${this.kind.toUpperCase()}-EXIT-001`)
      }
    } catch (e) {
      const last = this.trace?.[this.trace.length - 1]
      if (last && e instanceof PropertyViolation) last.failed = e.propertyId
      throw e
    } finally {
      await this.chain.revert(id)
    }
  }

  /** What the kind found out about the target at setup ("conversions: virtual offset 10^3, detected"). */
  readonly detected: string[] = []

  note(line: string): void {
    if (!this.detected.includes(line)) this.detected.push(line)
  }

  private eventsByAddress = new Map<string, ReadonlySet<string> | undefined>()

  /** The event names the ABI of the contract at `address` declares (undefined: no ABI known). */
  private declaredEvents(address: Address): ReadonlySet<string> | undefined {
    const key = address.toLowerCase()
    if (!this.eventsByAddress.has(key)) {
      const c = Object.values(this.instance.contracts).find((x) => x.address.toLowerCase() === key)
      this.eventsByAddress.set(key, c ? new Set(c.abi.filter((i) => i.type === 'event').map((i) => (i as { name: string }).name)) : undefined)
    }
    return this.eventsByAddress.get(key)
  }

  /** Runs `body` in a snapshot that is reverted afterwards, whatever happens. */
  async inSnapshot<T>(body: () => Promise<T>): Promise<T> {
    const id = await this.chain.snapshot()
    try {
      return await body()
    } finally {
      await this.chain.revert(id)
    }
  }

  private compareEvents(spec: ActionSpec<M>, modelEvents: readonly ModelEvent[], logs: readonly DecodedLog[]): void {
    const { address, names } = spec.events!
    // Only events the contract's ABI declares: the kind's interface events are a convention, not
    // every correct implementation's promise (solady's WETH declares no Deposit or Withdrawal).
    const declared = this.declaredEvents(address)
    const wanted = new Set(declared ? names.filter((n) => declared.has(n)) : names)
    if (wanted.size === 0) return
    const expected = modelEvents.filter((e) => wanted.has(e.name))
    const fromModel = expected.map((e) => renderEvent(e.name, e.args, this))
    const fromChain = logs
      .filter((l) => l.address.toLowerCase() === address.toLowerCase() && l.eventName && wanted.has(l.eventName))
      .map((l, i) => {
        const args = (l.args ?? {}) as Record<string, unknown>
        // A log with more parameters than the model's event, all of the model's among them by name
        // (Morpho's events lead with the market id): the model's parameters are compared, by name.
        const keys = expected[i]?.name === l.eventName ? Object.keys(expected[i].args) : undefined
        const named = keys && Object.keys(args).length > keys.length && keys.every((k) => k in args) ? Object.fromEntries(keys.map((k) => [k, args[k]])) : args
        return renderEvent(l.eventName!, named, this)
      })
    const same = fromModel.length === fromChain.length && fromModel.every((e, i) => e === fromChain[i])
    this.check(`${this.kind.toUpperCase()}-DIFF-002`, same, () => ({
      message: `${spec.label} emitted different events`,
      expected: fromModel.join(', ') || '(none)',
      actual: fromChain.join(', ') || '(none)',
    }))
  }
}

function renderEvent(name: string, args: Record<string, unknown>, w: { nameOf(a: string): string }): string {
  // Parameter names differ between implementations (WETH9's `dst`/`wad`, OZ's `to`/`value`):
  // events are compared by position, not by name.
  const values = Object.values(args).map((v) => (typeof v === 'string' ? w.nameOf(v) : String(v)))
  return `${name}(${values.join(', ')})`
}

function sameObservation(a: Observation, b: Observation): boolean {
  for (const k in a) if (a[k] !== b[k]) return false
  return true
}

function describeResult<M>(r: CallResult, spec: ActionSpec<M>): string {
  if (!r.ok) return `reverted: ${formatRevert(r.revert)}`
  return spec.formatReturn ? spec.formatReturn(r.result) : 'ok'
}

function describeOutcome<M>(o: Outcome<M, unknown>, spec: ActionSpec<M>): string {
  if (!o.ok) return `revert (${o.reason})`
  const ret = spec.formatReturn ? spec.formatReturn(o.returns) : 'ok'
  return o.mayRevert ? `${ret}, or revert (${o.mayRevert})` : ret
}

/** Everything a target kind supplies to the engine. */
export interface KindDriver<M> {
  kind: Kind
  /** Every property the kind checks, in the order reports list them. */
  properties: readonly PropertyDef[]
  /**
   * Per role of the instance, the functions the kind's actions call: every other state-changing
   * function of the system is called by generated actions and held to ACCESS-002.
   */
  specified: Readonly<Record<string, readonly string[]>>
  /** The same, when it depends on the deployed vault's interface (a shape the kind detects). */
  specifiedFor?(instance: Instance): Readonly<Record<string, readonly string[]>>
  /** Deploys the vault (and the mocks it needs) from `deployer`, and returns its instance. */
  deploy(p: {
    chain: Chain
    vault: { name: string; abi: Abi; bytecode: Hex }
    mocks: MockArtifacts
    decimals: number
    actors: readonly Account[]
    deployer: Account
    args?: readonly unknown[]
    /** The other contracts compiled with the target (a proxy, a token it is wired to). */
    companions?: readonly import('./system.ts').CodeSource[]
  }): Promise<Instance>
  /** The chain the world's actions and reads go through, when the kind maps calls onto another interface (adapters). */
  wrapChain?(chain: Chain, instance: Instance): Chain
  /** Funds actors and grants the approvals every run starts from; returns the model of that state. */
  setup(world: World<M>): Promise<M>
  /** Every view read after each step. */
  reads(world: World<M>): import('../evm/observe.ts').ReadSpec[]
  /** The model's prediction of those reads (same keys). */
  project(m: M, world: World<M>): Observation
  /** The model with every observed value overwritten by the contract's. */
  sync(m: M, obs: Observation, world: World<M>): M
  /**
   * Token quirks (engine/quirks.ts) the models follow (the kind passes `world.tokenBehaviour` to
   * its token ledgers); others are not run for this kind. Default: the decimals ones, which every
   * kind with a token asset takes as its `decimals`.
   */
  tokenQuirks?: readonly string[]
  invariants: readonly StepInvariant<M>[]
  exitProbe(world: World<M>): Promise<void>
  commands(world: World<M>): import('fast-check').Arbitrary<import('fast-check').AsyncCommand<World<M>, World<M>>>[]
}

export type MockArtifacts = Record<'MockERC20' | 'MockOracle' | 'Multiread', { name: string; abi: Abi; bytecode: Hex }>
