/**
 * The public API for a kind of one's own: a pure model, the actions with their argument
 * generators, what is observed, invariants with IDs, and an exit probe, declared as data and
 * plain functions. `defineKind` only checks and brands the definition; the engine that runs it
 * compiles it into a driver (compileKind). Nothing a user module holds is a class of this
 * package, so a kind written against the installed package runs in any copy of the engine (the
 * CLI's bundle, a worker, vitest).
 */
import fc from 'fast-check'
import { encodeFunctionData, type Abi, type Address, type Hex } from 'viem'
import { ConfigError } from '../evm/errors.ts'
import type { CallResult } from '../evm/chain.ts'
import { formatRevert } from '../evm/revert.ts'
import type { Observation, ReadSpec } from '../evm/observe.ts'
import type { Outcome } from '../model/outcome.ts'
import { Action, Steps } from './action.ts'
import { amountRecipe, describeRecipe, exactRecipe, fmt, pinnedAmount, type AmountRecipe } from './amounts.ts'
import { KIND_BRAND } from './brand.ts'
import type { PropertyDef, Theme } from './property.ts'
import type { Account, ActionSpec, Instance, KindDriver, StepContext, World } from './step.ts'

/** What generates one argument of an action; resolved against the model when the action runs. */
export type ArgSpec<S> =
  | { arg: 'actor'; holds?: (s: S, actor: Address, args: Args) => boolean }
  | { arg: 'account' }
  | { arg: 'amount'; refs: Readonly<Record<string, (s: S, args: Args) => bigint>>; exact?: boolean }
  | { arg: 'oneOf'; values: readonly unknown[] }
  | { arg: 'bool' }

/** Resolved arguments by name: actors and accounts are addresses, amounts bigints. */
export type Args = Record<string, any>

/**
 * Argument generators. `actor()` picks an actor (with `holds`, preferably one for which it is
 * true, given the arguments resolved before it: spending actions are meaningful from holders); `account()` also the vault and the zero
 * address (receivers); `amount(refs)` a recipe over named references ("50% of reserve balance",
 * "max+1", a boundary, a constant from the bytecode) that stays meaningful when shrinking.
 */
export const arg = {
  actor: <S>(opts: { holds?: (s: S, actor: Address, args: Args) => boolean } = {}): ArgSpec<S> => ({ arg: 'actor', ...opts }),
  account: <S>(): ArgSpec<S> => ({ arg: 'account' }),
  /** With `{ exact: true }`, always one of the references exactly (or ±1): "all its collateral". */
  amount: <S>(refs: Readonly<Record<string, (s: S, args: Args) => bigint>>, opts: { exact?: boolean } = {}): ArgSpec<S> => ({ arg: 'amount', refs, ...(opts.exact ? { exact: true } : {}) }),
  oneOf: <S>(...values: readonly unknown[]): ArgSpec<S> => ({ arg: 'oneOf', values }),
  bool: <S>(): ArgSpec<S> => ({ arg: 'bool' }),
}

/** A contract by role (as `deploy` returned them) or by address. */
export type ContractRef = string

/** What kind code is given while a run goes on: the accounts, the deployed roles, calls and reads. */
export type KindContext<S> = {
  readonly actors: readonly Account[]
  readonly deployer: Account
  /** Decimals the run's mock tokens were asked for (`--decimals`). */
  readonly decimals: number
  /** The model now (in `exit`: as the run left it). */
  readonly model: S
  address(role: ContractRef): Address
  /** A transaction; `from` defaults to the deployer. Reverts are results, not exceptions. */
  call(contract: ContractRef, fn: string, args?: readonly unknown[], from?: Address, value?: bigint): Promise<CallResult>
  read<T = unknown>(contract: ContractRef, fn: string, args?: readonly unknown[]): Promise<T>
  /** The chain's block timestamp (seconds). */
  readonly timestamp: bigint
  /** Moves the chain's clock forward: time passing, for interest and deadlines. */
  warp(seconds: bigint): void
  /** An account's name (`alice`, `vault`, a role), for messages. */
  nameOf(address: string): string
  /** Fails property `id` unless `ok` (a disabled property is not checked). */
  check(id: string, ok: boolean, detail: string | Failure): void
}

export type DeployContext = {
  readonly actors: readonly Account[]
  readonly deployer: Account
  readonly decimals: number
  /** Deploys the contract under test (the target named in the config or on the command line). */
  deployTarget(args?: readonly unknown[], opts?: { value?: bigint }): Promise<Address>
  /** Deploys another contract of the target's compile output, by name. */
  deploy(contract: string, args?: readonly unknown[], opts?: { value?: bigint }): Promise<Address>
  /** Deploys one of the harness's mocks: MockERC20(name, symbol, decimals) with a public mint, MockOracle(price). */
  deployMock(mock: 'MockERC20' | 'MockOracle', args?: readonly unknown[]): Promise<Address>
  /** A transaction from the deployer (or `from`), that must succeed: setup wiring, roles. */
  call(contract: Address, fn: string, args?: readonly unknown[], from?: Address): Promise<unknown>
  read<T = unknown>(contract: Address, fn: string, args?: readonly unknown[]): Promise<T>
  /** Calldata for `fn` of a compiled contract (the target or another of its compile output): an initializer for a proxy. */
  encode(contract: string, fn: string, args?: readonly unknown[]): Hex
}

export type Failure = { message?: string; expected: string; actual: string }

/** One action of the kind. */
export type ActionDef<S> = {
  /** `role.function` the action calls: part of the kind's specification (ACCESS-002 leaves it to the model). */
  fn: string
  /** Argument generators in order; an argument named `caller` is the sender. */
  args: Readonly<Record<string, ArgSpec<S>>>
  /** The model's transition: success (new state, return value), revert (must revert), or success with mayRevert. */
  model: (s: S, a: Args) => Outcome<S, unknown>
  /** How the action is performed; default: `fn` called with the arguments other than `caller`, in order. */
  call?: (c: KindContext<S>, a: Args) => Promise<CallResult>
  /** Compare the contract's return value with the model's (default true when the model returns one). */
  compareReturn?: boolean
  /**
   * Events compared with the model's outcome events of these names, in order and by position
   * (`success(state, returns, [event('Transfer', {...})])`): of the called contract (`fn`'s role),
   * or of another role's (a token the call mints).
   */
  events?: readonly string[] | { role: string; names: readonly string[] }
  /** An environment action (a price move, a faucet) rather than a user's. */
  environment?: boolean
  weight?: number
}

/** What an invariant sees after every step. */
export type InvariantView<S> = {
  /** The model after the step (what the contract should now hold). */
  model: S
  /** The model before the step. */
  preModel: S
  pre: Observation
  post: Observation
  action: { name: string; args: Args | undefined; caller: Address; ok: boolean; returns: unknown }
  /** An account's name as observation keys use it (`alice`, `vault`). */
  nameOf: (address: string) => string
}

export type InvariantDef<S> = {
  id: string
  /** true/undefined: holds; false, a message or a Failure: broken. */
  check: (v: InvariantView<S>) => boolean | void | string | Failure
}

export type KindPropertyDef = { id: string; theme: Theme; promise: string; checkedIn?: string; optIn?: boolean }

export type KindDefinition<S> = {
  /** Lower-case name; property IDs start with it in capitals (`psm` -> `PSM-BACKING-001`). */
  name: string
  /** The kind's own properties. DIFF-001, DIFF-002, VIEW-001 and ACCESS-002 are added for every kind. */
  properties: readonly KindPropertyDef[]
  /** Deploys the target and what it needs; returns the contracts by role (one of them the target). */
  deploy: (c: DeployContext) => Promise<Record<string, Address>>
  /** Funds actors and grants approvals every run starts from; returns the model of that state. */
  setup: (c: KindContext<S>) => Promise<S>
  /** Every view read after each step: key -> [contract, function, args] or { native: address }. */
  observe: (c: KindContext<S>) => Record<string, readonly [ContractRef, string, (readonly unknown[])?] | { native: Address }>
  /** The model's value of every observed key. */
  project: (s: S, c: KindContext<S>) => Record<string, bigint | boolean>
  /** The model with observed values written over it (after calls outside the specification); default: unchanged. */
  sync?: (s: S, obs: Observation, c: KindContext<S>) => S
  actions: Readonly<Record<string, ActionDef<S>>>
  /**
   * Commands made of several actions in a row (`{ steps: ['supplyCollateral', 'borrow'] }`), each
   * step generated as the action alone would be and checked as a step of its own: they reach
   * states a random order seldom does. Arguments named in `same` take the value the first step
   * that has them resolved; an entry may list several names of one value (`['onBehalf', 'borrower']`).
   * Their amounts are fractions or exact references only (boundaries and constants come from the
   * single actions). Shrinking can drop single steps of them.
   */
  sequences?: Readonly<Record<string, { steps: readonly string[]; same?: readonly (string | readonly string[])[]; weight?: number }>>
  invariants?: readonly InvariantDef<S>[]
  /** A check run every checkInterval steps and after every run, in a snapshot that is reverted. */
  exit?: { id: string; run: (c: KindContext<S>) => Promise<void> }
}

export type DefinedKind<S = any> = KindDefinition<S> & { readonly [KIND_BRAND]: 'kind' }

const NAME = /^[a-z][a-z0-9-]*$/

/** Checks a kind definition and marks it as one; the engine compiles it when a target uses it. */
export function defineKind<S>(def: KindDefinition<S>): DefinedKind<S> {
  const issues = kindIssues(def)
  if (issues.length) throw new ConfigError({ issues })
  return Object.freeze({ ...def, [KIND_BRAND]: 'kind' as const })
}

function kindIssues<S>(def: KindDefinition<S>): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = []
  if (typeof def?.name !== 'string' || !NAME.test(def.name)) return [{ path: 'name', message: `a lower-case name (letters, digits, -), got ${JSON.stringify(def?.name)}` }]
  for (const key of ['deploy', 'setup', 'observe', 'project'] as const) if (typeof def[key] !== 'function') out.push({ path: key, message: 'a function is required' })
  const P = def.name.toUpperCase()
  const ids = new Set<string>()
  for (const [i, p] of (def.properties ?? []).entries()) {
    if (!p.id?.startsWith(`${P}-`)) out.push({ path: `properties.${i}.id`, message: `${p.id} must start with ${P}-` })
    if (ids.has(p.id) || STANDARD.some((s) => `${P}-${s.suffix}` === p.id)) out.push({ path: `properties.${i}.id`, message: `duplicate property ID ${p.id}` })
    if (!p.promise) out.push({ path: `properties.${i}.promise`, message: 'one sentence: the promise the property checks' })
    ids.add(p.id)
  }
  const known = (id: string) => ids.has(id) || STANDARD.some((s) => `${P}-${s.suffix}` === id)
  for (const [i, inv] of (def.invariants ?? []).entries()) {
    if (!known(inv.id)) out.push({ path: `invariants.${i}.id`, message: `${inv.id} is not among the kind's properties` })
    if (typeof inv.check !== 'function') out.push({ path: `invariants.${i}.check`, message: 'a function is required' })
  }
  if (def.exit && !known(def.exit.id)) out.push({ path: 'exit.id', message: `${def.exit.id} is not among the kind's properties` })
  const actions = Object.entries(def.actions ?? {})
  if (actions.length === 0) out.push({ path: 'actions', message: 'at least one action' })
  for (const [name, q] of Object.entries(def.sequences ?? {})) {
    if (!Array.isArray(q?.steps) || q.steps.length === 0) out.push({ path: `sequences.${name}.steps`, message: 'a list of action names' })
    else for (const [i, st] of q.steps.entries()) if (!def.actions?.[st]) out.push({ path: `sequences.${name}.steps.${i}`, message: `no action ${JSON.stringify(st)}` })
  }
  for (const [name, a] of actions) {
    if (typeof a.model !== 'function') out.push({ path: `actions.${name}.model`, message: 'a function is required' })
    if (typeof a.fn !== 'string' || !/^[^.]+\.[^.]+$/.test(a.fn)) out.push({ path: `actions.${name}.fn`, message: `"role.function", got ${JSON.stringify(a.fn)}` })
    for (const [argName, spec] of Object.entries(a.args ?? {})) {
      if (!spec || !['actor', 'account', 'amount', 'oneOf', 'bool'].includes((spec as { arg?: string }).arg ?? '')) out.push({ path: `actions.${name}.args.${argName}`, message: 'an argument generator (arg.actor(), arg.amount({...}), ...)' })
    }
  }
  return out
}

const STEP = 'after every step'
const STANDARD: readonly { suffix: string; theme: Theme; promise: string }[] = [
  { suffix: 'DIFF-001', theme: 'differential', promise: 'Every action succeeds or reverts as the model says.' },
  { suffix: 'DIFF-002', theme: 'differential', promise: 'Return values and every observed value match the model after every action.' },
  { suffix: 'VIEW-001', theme: 'differential', promise: 'The observed views answer after every action: they never revert.' },
  { suffix: 'ACCESS-002', theme: 'access', promise: 'No function outside the specification moves value or changes an observed value when called by an unprivileged account.' },
]

/** The properties of a kind: the standard four, then its own in the order given. */
export function kindProperties(def: KindDefinition<unknown>): PropertyDef[] {
  const P = def.name.toUpperCase()
  const own = def.properties.map((p) => ({ id: p.id, kind: def.name, theme: p.theme, promise: p.promise, checkedIn: p.checkedIn ?? STEP, ...(p.optIn ? { optIn: true } : {}) }))
  const std = STANDARD.map((s) => ({ id: `${P}-${s.suffix}`, kind: def.name, theme: s.theme, promise: s.promise, checkedIn: STEP }))
  return [std[0], std[1], ...own, std[2], std[3]]
}

/** The user's code threw where it must return: their bug, named, not a harness crash. */
function userCode<T>(src: string | undefined, where: string, body: () => T): T {
  try {
    return body()
  } catch (cause) {
    if ((cause as Error)?.name === 'PropertyViolation' || (cause as Error)?.name === 'RunDiscarded') throw cause
    throw new ConfigError({ file: src, issues: [{ path: where, message: `threw instead of returning: ${(cause as Error)?.message ?? String(cause)}` }] })
  }
}

const ZERO: Address = '0x0000000000000000000000000000000000000000'

/** A `Failure` from what an invariant or exit check said: a message alone becomes the actual value. */
function toFailure(r: false | string | Failure): Failure {
  return r === false ? { expected: 'the property holds', actual: 'it does not' } : typeof r === 'string' ? { message: r, expected: 'the property holds', actual: r } : r
}

/** Compiles a definition into the driver the engine runs; `src` names the module it came from, for errors. */
export function compileKind<S>(def: KindDefinition<S>, src?: string): KindDriver<S> {
  // Each action's `role.function` split once, with the contract whose events it compares.
  const actions = Object.entries(def.actions).map(([name, a]) => {
    const [role, fn] = a.fn.split('.')
    const events = a.events === undefined ? undefined : Array.isArray(a.events) ? { role, names: a.events as readonly string[] } : (a.events as { role: string; names: readonly string[] })
    return { name, a, role, fn, events }
  })
  const properties = kindProperties(def as KindDefinition<unknown>)
  const specified: Record<string, string[]> = {}
  for (const { role, fn } of actions) (specified[role] ??= []).push(fn)

  /** A contract by role or by address; `where` names the key that referred to it. */
  const contractAt = (w: World<S>, ref: ContractRef, where: string): { address: Address; abi: Abi } => {
    const c = w.instance.contracts[ref] ?? Object.values(w.instance.contracts).find((x) => x.address.toLowerCase() === ref.toLowerCase())
    if (!c) throw new ConfigError({ file: src, issues: [{ path: where, message: `no contract with role or address ${ref} (roles: ${Object.keys(w.instance.contracts).join(', ')})` }] })
    return c
  }

  const contextOf = (w: World<S>): KindContext<S> => {
    const at = (ref: ContractRef) => contractAt(w, ref, def.name)
    return {
      actors: w.actors,
      deployer: w.deployer,
      decimals: w.instance.decimals,
      get model() {
        return w.model
      },
      address: (ref) => at(ref).address,
      call: (ref, fn, args = [], from = w.deployer.address, value) => w.chain.call({ ...at(ref), functionName: fn, args, from, value }),
      read: (ref, fn, args = []) => w.chain.read({ ...at(ref), functionName: fn, args }),
      get timestamp() {
        return w.chain.timestamp
      },
      warp: (seconds) => w.chain.setTimestamp(w.chain.timestamp + seconds),
      nameOf: (a) => w.nameOf(a),
      check: (id, ok, detail) =>
        w.check(id, ok, () => {
          const d = toFailure(detail)
          return { message: d.message ?? `${id} broken`, expected: d.expected, actual: d.actual }
        }),
    }
  }
  const contexts = new WeakMap<World<S>, KindContext<S>>()
  const ctx = (w: World<S>) => {
    let c = contexts.get(w)
    if (!c) contexts.set(w, (c = contextOf(w)))
    return c
  }

  const render = (w: World<S>, v: unknown): string =>
    v === undefined ? 'ok' : Array.isArray(v) ? `(${v.map((x) => render(w, x)).join(', ')})` : typeof v === 'bigint' ? fmt(v) : typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v) ? w.nameOf(v) : String(v)

  /** `inSequence`: amounts are fractions or exact references only, so the steps of a sequence build on each other. */
  const argArb = (w: World<S>, spec: ArgSpec<S>, inSequence = false): fc.Arbitrary<unknown> => {
    switch (spec.arg) {
      case 'actor':
        return fc.nat({ max: 63 })
      case 'account':
        return fc.oneof({ weight: 8, arbitrary: fc.nat({ max: 63 }) }, { weight: 1, arbitrary: fc.constant(-1) }, { weight: 1, arbitrary: fc.constant(-2) })
      case 'amount':
        return spec.exact ? exactRecipe(Object.keys(spec.refs).length, w.options.amountSpace) : amountRecipe({ dictionary: w.options.dictionary, decimals: w.instance.decimals, space: w.options.amountSpace }, Object.keys(spec.refs).length, { liveOnly: inSequence })
      case 'oneOf':
        return fc.nat({ max: Math.max(0, spec.values.length - 1) })
      case 'bool':
        return fc.boolean()
    }
  }
  const describeArg = (spec: ArgSpec<S>, raw: unknown): string => {
    switch (spec.arg) {
      case 'actor':
        return `actor ${raw}`
      case 'account':
        return raw === -1 ? 'vault' : raw === -2 ? 'zero' : `actor ${raw}`
      case 'amount':
        return describeRecipe(raw as AmountRecipe, Object.keys(spec.refs))
      case 'oneOf':
        return String(spec.values[raw as number])
      case 'bool':
        return String(raw)
    }
  }
  const resolveArg = (w: World<S>, spec: ArgSpec<S>, raw: unknown, so: Args, where: string): unknown => {
    const actorAt = (i: number) => w.actors[i % w.actors.length].address
    switch (spec.arg) {
      case 'actor': {
        const i = raw as number
        // Three picks in four from the actors `holds` prefers: most spending actions should mean something.
        if (spec.holds && i % 4 !== 3) {
          const holders = w.actors.filter((a) => userCode(src, where, () => spec.holds!(w.model, a.address, so)))
          if (holders.length) return holders[(i >> 2) % holders.length].address
        }
        return actorAt(i)
      }
      case 'account':
        return raw === -1 ? w.instance.vault : raw === -2 ? ZERO : actorAt(raw as number)
      case 'amount': {
        const refs = Object.values(spec.refs).map((f) => userCode(src, where, () => f(w.model, so)))
        return pinnedAmount(w, raw as AmountRecipe, refs)
      }
      case 'oneOf':
        return spec.values[raw as number]
      case 'bool':
        return raw
    }
  }

  /** An action's generated arguments: the recipe that prints them, and the step they build against the live world. */
  const actionRecipe = (w: World<S>, { name, a, role, fn, events }: (typeof actions)[number], inSequence = false) => {
    const argSpecs = Object.entries(a.args)
    const record = fc.tuple(...argSpecs.map(([, s]) => argArb(w, s, inSequence)))
    return record.map((raws) => {
      const recipe = `${name}(${argSpecs.map(([n, s], i) => `${n}: ${describeArg(s, raws[i])}`).join(', ')})`
      /** In a sequence, `carry` holds the `same` arguments earlier steps resolved: they are taken as they are, and the first resolution of one is kept. */
      const build = (world: World<S>, carry?: { args: Args; same: readonly (string | readonly string[])[] }): ActionSpec<S> => {
        const resolved: Args = {}
        argSpecs.forEach(([n, s], i) => {
          // A `same` entry is one name, or several names of one value (onBehalf, borrower): keyed by its first.
          const group = carry?.same.find((g) => (typeof g === 'string' ? g === n : g.includes(n)))
          const key = group === undefined ? undefined : typeof group === 'string' ? group : group[0]
          resolved[n] = key !== undefined && key in carry!.args ? carry!.args[key] : resolveArg(world, s, raws[i], resolved, `actions.${name}.args.${n}`)
          if (key !== undefined) carry!.args[key] = resolved[n]
        })
        const caller: Address = resolved.caller ?? world.deployer.address
        const rest = argSpecs.filter(([n]) => n !== 'caller').map(([n]) => resolved[n])
        const label = `${world.nameOf(caller)}.${name}(${rest.map((v) => render(world, v)).join(', ')})`
        const c = ctx(world)
        const spec: ActionSpec<S> = {
          name,
          label,
          caller,
          user: !a.environment,
          predict: (m) => checkedOutcome(src, `actions.${name}.model`, () => a.model(m, resolved)),
          perform: () => (a.call ? userCall(src, `actions.${name}.call`, () => a.call!(c, resolved)) : c.call(role, fn, rest, caller)),
          formatReturn: (v) => render(world, v),
          sameReturn: (model, contract) => a.compareReturn === false || model === undefined || sameValue(model, contract),
          checks: (sc) => runInvariants(sc, name, resolved),
          ...(events ? { events: { address: c.address(events.role), names: events.names } } : {}),
        }
        return spec
      }
      return { recipe, build }
    })
  }
  const byName = new Map(actions.map((x) => [x.name, x]))
  const sequenceCommand = (w: World<S>, q: { steps: readonly string[]; same?: readonly (string | readonly string[])[] }) =>
    fc.tuple(...q.steps.map((st) => actionRecipe(w, byName.get(st)!, true))).map((parts) => {
      const same = q.same ?? []
      let carry = { args: {} as Args, same }
      // The first step starts a fresh record: the command runs again in every replay and shrink.
      const builds = parts.map((p, j) => (world: World<S>) => p.build(world, j === 0 ? (carry = { args: {}, same }) : carry))
      return new Steps<S>(`${parts.map((p) => p.recipe).join(' then ')}${same.length ? ` (same ${same.map((g) => (typeof g === 'string' ? g : g.join('='))).join(', ')})` : ''}`, builds)
    })

  const runInvariants = (sc: StepContext<S>, name: string, args: Args | undefined) => {
    for (const inv of def.invariants ?? []) {
      if (!sc.world.isEnabled(inv.id)) continue
      const view: InvariantView<S> = {
        model: sc.expected ?? sc.preModel,
        preModel: sc.preModel,
        pre: sc.pre,
        post: sc.post,
        action: { name, args, caller: sc.spec.caller, ok: sc.result.ok, returns: sc.result.ok ? sc.result.result : undefined },
        nameOf: (a) => sc.world.nameOf(a),
      }
      const r = userCode(src, `invariants.${inv.id}`, () => inv.check(view))
      if (r === true || r === undefined) continue
      const d = toFailure(r)
      sc.world.check(inv.id, false, () => ({ message: typeof r === 'string' ? `${r} (after ${sc.spec.label})` : (d.message ?? `broken by ${sc.spec.label}`), expected: d.expected, actual: d.actual }))
    }
  }

  return {
    kind: def.name,
    properties,
    specified,
    async deploy(p) {
      const { context: c, abiAt, target: deployedTarget } = deployContext(p, src)
      const roles = await def.deploy(c)
      const target = deployedTarget()
      if (!target) throw new ConfigError({ file: src, issues: [{ path: 'deploy', message: 'the deploy hook never called deployTarget()' }] })
      const contracts: Instance['contracts'] = {}
      for (const [role, address] of Object.entries(roles)) contracts[role] = { address, abi: abiAt(address) }
      // An action on a role that was not deployed, or a function its contract does not have, could never run.
      const unknown = actions.flatMap(({ name, a, role, fn }) => {
        if (!contracts[role]) return [{ path: `actions.${name}.fn`, message: `no contract with role ${role}; deploy returned ${Object.keys(contracts).join(', ')}` }]
        if (!a.call && !contracts[role].abi.some((x) => x.type === 'function' && x.name === fn)) return [{ path: `actions.${name}.fn`, message: `${role} has no function ${fn}` }]
        return []
      })
      if (unknown.length) throw new ConfigError({ file: src, issues: unknown })
      if (!Object.values(contracts).some((x) => x.address === target)) throw new ConfigError({ file: src, issues: [{ path: 'deploy', message: 'the contracts returned do not include the target (deployTarget())' }] })
      return { vault: target, vaultAbi: p.vault.abi, decimals: p.decimals, contracts }
    },
    setup: (w) => def.setup(ctx(w)),
    reads(w) {
      const c = ctx(w)
      const spec = userCode(src, 'observe', () => def.observe(c))
      return Object.entries(spec).map(([key, r]): ReadSpec => {
        if ('native' in r) return { key, kind: 'native', account: r.native }
        const [ref, functionName, args] = r as readonly [string, string, (readonly unknown[])?]
        const target = contractAt(w, ref, `observe.${key}`)
        return { key, kind: 'call', address: target.address, abi: target.abi, functionName, args: args ?? [] }
      })
    },
    project(m, w) {
      const projected = userCode(src, 'project', () => def.project(m, ctx(w)))
      const out: Observation = {}
      for (const [k, v] of Object.entries(projected)) out[k] = typeof v === 'boolean' ? (v ? 1n : 0n) : v
      for (const k of w.plan.keys) if (!(k in out)) throw new ConfigError({ file: src, issues: [{ path: 'project', message: `the model does not project the observed key "${k}"` }] })
      return out
    },
    sync: (m, obs, w) => (def.sync ? userCode(src, 'sync', () => def.sync!(m, obs, ctx(w))) : m),
    // Invariants run from each action's own checks (they need its resolved arguments); calls
    // outside the specification get them here.
    invariants: [{ ids: (def.invariants ?? []).map((i) => i.id), check: (sc) => (sc.spec.unspecified ? runInvariants(sc, sc.spec.fnKey ?? sc.spec.name, undefined) : undefined) }],
    async exitProbe(w) {
      if (def.exit && w.isEnabled(def.exit.id)) await def.exit.run(ctx(w))
    },
    commands: (w) => [
      ...actions.flatMap((x) => Array.from({ length: Math.max(1, x.a.weight ?? 1) }, () => actionRecipe(w, x).map(({ recipe, build }) => new Action<S>(recipe, build)))),
      ...Object.values(def.sequences ?? {}).flatMap((q) => Array.from({ length: Math.max(1, q.weight ?? 1) }, () => sequenceCommand(w, q))),
    ],
  }
}

type DeployParams = Parameters<KindDriver<unknown>['deploy']>[0]

/** The context a deploy hook is given, with the ABI of everything it deployed (kinds and adapters share it). */
export function deployContext(p: DeployParams, src?: string): { context: DeployContext; abiAt: (a: Address) => Abi; target: () => Address | undefined } {
  const abis = new Map<string, Abi>()
  const names = new Map<string, string>()
  const from = p.deployer.address
  let target: Address | undefined
  const deployed = async (artifact: { name: string; abi: Abi; bytecode: `0x${string}` }, args: readonly unknown[] = [], value?: bigint) => {
    const address = await p.chain.deploy({ artifact, args, from, value })
    abis.set(address.toLowerCase(), artifact.abi)
    names.set(address.toLowerCase(), artifact.name)
    return address
  }
  const abiAt = (a: Address) => {
    const abi = abis.get(a.toLowerCase())
    if (!abi) throw new ConfigError({ file: src, issues: [{ path: 'deploy', message: `${a} was not deployed by the deploy hook` }] })
    return abi
  }
  const context: DeployContext = {
    actors: p.actors,
    deployer: p.deployer,
    decimals: p.decimals,
    deployTarget: async (args, opts) => {
      target = await deployed(p.vault, p.args ?? args, opts?.value)
      return target
    },
    deploy: async (name, args, opts) => {
      const a = p.companions?.find((x) => x.name === name)
      if (!a?.bytecode) throw new ConfigError({ file: src, issues: [{ path: 'deploy', message: `no contract ${name} in the target's compile output${p.companions ? ` (it has: ${p.companions.map((x) => x.name).join(', ')})` : ''}` }] })
      return deployed({ name, abi: a.abi, bytecode: a.bytecode }, args, opts?.value)
    },
    deployMock: (mock, args) => deployed(p.mocks[mock], args),
    call: async (address, fn, args = [], caller = from) => {
      const r = await p.chain.call({ address, abi: abiAt(address), functionName: fn, args, from: caller })
      if (!r.ok) throw new ConfigError({ file: src, issues: [{ path: 'deploy', message: `${names.get(address.toLowerCase())}.${fn}(${args.map(String).join(', ')}) from ${caller === from ? 'the deployer' : caller} reverted: ${formatRevert(r.revert)}` }] })
      return r.result
    },
    read: (address, fn, args = []) => p.chain.read({ address, abi: abiAt(address), functionName: fn, args }),
    encode: (contract, fn, args = []) => {
      const abi = contract === p.vault.name ? p.vault.abi : p.companions?.find((x) => x.name === contract)?.abi
      if (!abi) throw new ConfigError({ file: src, issues: [{ path: 'deploy', message: `no contract ${contract} in the target's compile output` }] })
      try {
        return encodeFunctionData({ abi, functionName: fn, args } as never)
      } catch (cause) {
        throw new ConfigError({ file: src, issues: [{ path: 'deploy', message: `cannot encode ${contract}.${fn}: ${(cause as Error).message.split('\n')[0]}` }] })
      }
    },
  }
  return { context, abiAt, target: () => target }
}

function checkedOutcome<S>(src: string | undefined, where: string, body: () => Outcome<S, unknown>): Outcome<S, unknown> {
  const o = userCode(src, where, body)
  if (!o || typeof o !== 'object' || typeof (o as { ok?: unknown }).ok !== 'boolean') {
    throw new ConfigError({ file: src, issues: [{ path: where, message: `returned ${String(o)} instead of an outcome (success(...) or revert(...))` }] })
  }
  return o
}

async function userCall(src: string | undefined, where: string, body: () => Promise<CallResult>): Promise<CallResult> {
  try {
    return await body()
  } catch (cause) {
    if ((cause as Error)?.name === 'MalformedReturnError') throw cause
    throw new ConfigError({ file: src, issues: [{ path: where, message: `threw instead of returning the call's result: ${(cause as Error)?.message ?? String(cause)}` }] })
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]))
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase()
  return a === b
}
