/**
 * Calls outside the kind's specification: every state-changing function of the system that no
 * action of the kind calls, with arguments generated from its ABI, from every actor. The kind's
 * model says nothing such a call may do, so from an unprivileged caller it must revert or change
 * nothing observed (ACCESS-002). Functions the user declares privileged are also called from their
 * role, and then every invariant and the exit probe must still hold after them.
 */
import fc from 'fast-check'
import type { Abi } from 'viem'
import { Action } from './action.ts'
import { describeValue, renderValue, resolveValue, valueArb, type ResolveContext } from './abi-values.ts'
import type { SystemContract, SystemFunction } from './system.ts'
import type { Account, World } from './step.ts'
import { ConfigError } from '../evm/errors.ts'
import { globToRegExp } from './glob.ts'

/** What a config says about one function outside the specification. */
export type ExtraRule = {
  /** Why: reports show it next to the function. */
  reason: string
  /** Never call it. */
  exclude?: boolean
  /** Privileged: also called from this account ('deployer', or an actor's name). */
  caller?: string
  /** Observation keys (globs: `vault.totalAssets`, `asset.balanceOf(*)`) it may change from any caller. */
  mayChange?: readonly string[]
}

/** Function key, `role.name`, `name` or `name(types)` -> rule. */
export type ExtrasConfig = Readonly<Record<string, ExtraRule>>

export function ruleFor(fn: SystemFunction, config: ExtrasConfig | undefined): ExtraRule | undefined {
  if (!config) return undefined
  const sig = `${fn.item.name}(${fn.item.inputs.map((i) => i.type).join(',')})`
  return config[fn.key] ?? config[`${fn.contract}.${sig}`] ?? config[`${fn.contract}.${fn.item.name}`] ?? config[sig] ?? config[fn.item.name]
}

/** Fails on rules that name no function of the system, so a typo cannot silently allow nothing. */
export function checkExtras(config: ExtrasConfig | undefined, system: readonly SystemContract[], actors: readonly Account[]): void {
  if (!config) return
  const fns = system.flatMap((c) => c.functions)
  const issues: { path: string; message: string }[] = []
  for (const [key, rule] of Object.entries(config)) {
    if (!fns.some((f) => ruleFor(f, { [key]: rule }) === rule)) {
      issues.push({ path: `extras.${key}`, message: `no state-changing function of the system is called "${key}"; known: ${fns.map((f) => f.key).join(', ') || '(none)'}` })
    }
    if (rule.caller && rule.caller !== 'deployer' && !actors.some((a) => a.name === rule.caller)) {
      issues.push({ path: `extras.${key}.caller`, message: `unknown caller "${rule.caller}"; use "deployer" or one of ${actors.map((a) => a.name).join(', ')}` })
    }
  }
  if (issues.length) throw new ConfigError({ issues })
}

export function globMatcher(globs: readonly string[]): (key: string) => boolean {
  const res = globs.map((g) => globToRegExp(g))
  return (key) => res.some((r) => r.test(key))
}

/** The functions generated calls target: outside the specification, not excluded. */
export function extraFunctions(system: readonly SystemContract[], config: ExtrasConfig | undefined): SystemFunction[] {
  return system.flatMap((c) => c.functions).filter((f) => !f.specified && !ruleFor(f, config)?.exclude)
}

/**
 * One command arbitrary for all of them: the kind's own actions keep their share of every
 * sequence however many extra functions a system has.
 */
export function extraCommands<M>(w: World<M>): fc.Arbitrary<Action<M>>[] {
  const config = w.options.knobs.extras as ExtrasConfig | undefined
  const fns = extraFunctions(w.system, config)
  if (fns.length === 0) return []
  const ctx = { dictionary: w.options.dictionary, decimals: w.instance.decimals, space: w.options.amountSpace }
  const rules = fns.map((fn) => ruleFor(fn, config))
  const mayChange = rules.map((rule) => globMatcher(rule?.mayChange ?? []))
  // Fixed once the target is deployed: what address arguments resolve to.
  const contracts = [...w.system.map((c) => ({ name: c.role, address: c.address })), ...Object.entries(w.instance.contracts).map(([name, c]) => ({ name, address: c.address }))]
  const perFunction = fns.map((fn, index) => {
    const rule = rules[index]
    return fc
      .record({
        caller: fc.nat({ max: 7 }),
        // A privileged function is called from its role half of the time, from actors otherwise.
        asRole: rule?.caller ? fc.boolean() : fc.constant(false),
        args: fc.tuple(...fn.item.inputs.map((p) => valueArb(p, ctx))),
      })
      .map((r) => ({ ...r, index }))
  })
  return [
    fc.oneof(...perFunction).map((r) => {
      const fn = fns[r.index]
      const rule = rules[r.index]
      const recipe = `call(${fn.key}, ${r.asRole ? rule!.caller : `actor ${r.caller}`}${r.args.length ? `, ${r.args.map(describeValue).join(', ')}` : ''})`
      return new Action<M>(recipe, (world) => {
        const caller = r.asRole ? roleAccount(world, rule!.caller!) : world.actors[r.caller % world.actors.length]
        const rctx: ResolveContext = {
          actors: world.actors,
          contracts,
          pins: world.pins,
          resolved: world.resolved,
          options: world.options,
          decimals: world.instance.decimals,
          balances: tokenBalances(world, fn, caller),
        }
        const args = r.args.map((a) => resolveValue(a, rctx))
        const onVault = fn.address.toLowerCase() === world.instance.vault.toLowerCase()
        const label = `${caller.name}.${onVault ? '' : `${fn.contract}.`}${fn.item.name}(${args.map((a) => renderValue(a, (x) => world.nameOf(x))).join(', ')})`
        const abi: Abi = [fn.item]
        return {
          name: fn.item.name,
          label,
          caller: caller.address,
          user: true,
          fnKey: fn.key,
          unspecified: { privileged: r.asRole, mayChange: mayChange[r.index] },
          predict: (m) => ({ ok: true, state: m, returns: undefined, events: [] }),
          perform: (wd) => wd.chain.call({ address: fn.address, abi, functionName: fn.item.name, args, from: caller.address }),
        }
      })
    }),
  ]
}

/** The caller's and the largest actor balance of the called contract, when it is an observed token. */
function tokenBalances<M>(w: World<M>, fn: SystemFunction, caller: Account): [bigint, bigint] {
  const prefixes = Object.entries(w.instance.contracts)
    .filter(([, c]) => c.address.toLowerCase() === fn.address.toLowerCase())
    .map(([role]) => role)
  const of = (name: string) => {
    for (const p of prefixes) {
      const v = w.last[`${p}.balanceOf(${name})`]
      if (v !== undefined) return v
    }
    return 0n
  }
  const largest = w.actors.map((a) => of(a.name)).reduce((m, v) => (v > m ? v : m), 0n)
  return [of(caller.name), largest]
}

function roleAccount<M>(w: World<M>, name: string): Account {
  if (name === 'deployer') return w.deployer
  const a = w.actors.find((x) => x.name === name)
  if (!a) throw new ConfigError({ issues: [{ path: 'extras', message: `unknown caller "${name}"` }] })
  return a
}
