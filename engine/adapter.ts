/**
 * Adapters: a protocol checked by an existing kind's model, properties and IDs, where only the
 * way it is deployed, called or read differs (a proxy set up with `initialize`, a deposit that
 * takes callback data). Like defineKind, defineAdapter returns plain data; the engine composes
 * it with the kind's driver (compileAdapter).
 */
import type { Address } from 'viem'
import type { CallResult, Chain } from '../evm/chain.ts'
import { pickOutput } from '../evm/observe.ts'
import { ConfigError } from '../evm/errors.ts'
import { KIND_BRAND } from './brand.ts'
import { deployContext, type DeployContext } from './define-kind.ts'
import { KINDS } from './property.ts'
import type { KindDriver } from './step.ts'

/** What an adapted call is given: the vault as deployed, called through the real chain. */
export type AdapterCallContext = {
  readonly vault: Address
  /** A call to the vault (or `to`): reverts are results. */
  call(fn: string, args: readonly unknown[], from: Address, opts?: { value?: bigint; to?: Address }): Promise<CallResult>
  read<T = unknown>(fn: string, args?: readonly unknown[]): Promise<T>
}

export type AdapterDefinition = {
  /** The kind whose model and properties judge the protocol. */
  kind: string
  /**
   * Deploys the target in the kind's place and returns the address its interface is called at.
   * `kindArgs` are the constructor arguments the kind would have passed (erc4626: the asset).
   */
  deployVault?: (c: DeployContext, kindArgs: readonly unknown[]) => Promise<Address>
  /** Per function of the kind's interface, how the protocol performs it (`deposit: (c, [assets, receiver], from) => ...`). */
  calls?: Readonly<Record<string, (c: AdapterCallContext, args: readonly unknown[], from: Address, value?: bigint) => Promise<CallResult>>>
  /**
   * Per view of the kind's interface read on the vault, the protocol's function, its arguments
   * (given the kind's arguments and the vault's address) and, for a function with several outputs,
   * the one to observe: `totalSupplyAssets: { fn: 'market', args: (_, vault) => [idOf(vault)], output: 'totalSupplyAssets' }`.
   */
  reads?: Readonly<Record<string, { fn: string; args?: (args: readonly unknown[], vault: Address) => readonly unknown[]; output?: string | number }>>
  /** The protocol's functions the adapted calls use: left to the model, not called on their own (ACCESS-002). */
  specified?: readonly string[]
}

export type DefinedAdapter = AdapterDefinition & { readonly [KIND_BRAND]: 'adapter' }

export function defineAdapter(def: AdapterDefinition): DefinedAdapter {
  const issues: { path: string; message: string }[] = []
  if (!(KINDS as readonly string[]).includes(def?.kind)) issues.push({ path: 'kind', message: `one of ${KINDS.join(', ')}, got ${JSON.stringify(def?.kind)}` })
  if (def?.deployVault !== undefined && typeof def.deployVault !== 'function') issues.push({ path: 'deployVault', message: 'a function' })
  for (const [k, f] of Object.entries(def?.calls ?? {})) if (typeof f !== 'function') issues.push({ path: `calls.${k}`, message: 'a function (c, args, from) => c.call(...)' })
  for (const [k, r] of Object.entries(def?.reads ?? {})) if (typeof r?.fn !== 'string') issues.push({ path: `reads.${k}`, message: '{ fn: "name", args?: (args, vault) => [...], output?: "name" }' })
  if (issues.length) throw new ConfigError({ issues })
  return Object.freeze({ ...def, [KIND_BRAND]: 'adapter' as const })
}

/** The kind's driver with the adapter's deployment, calls and reads in place of its own. */
export function compileAdapter(def: AdapterDefinition, driverOf: (kind: string) => KindDriver<unknown>, src?: string): KindDriver<unknown> {
  const base = driverOf(def.kind)
  const calls = def.calls ?? {}
  const reads = def.reads ?? {}
  // An adapted call the kind never makes is a typo that would silently leave the protocol's own function in place.
  const performed = [...new Set(Object.values(base.specified).flat())]
  const stray = Object.keys(calls).filter((k) => !performed.includes(k))
  if (stray.length) throw new ConfigError({ file: src, issues: stray.map((k) => ({ path: `calls.${k}`, message: `the ${def.kind} kind performs no function ${k}; it performs ${performed.join(', ')}` })) })
  const at = (a: string, vault: Address) => a.toLowerCase() === vault.toLowerCase()
  const checkNames = (abiNames: ReadonlySet<string>, where: string, names: readonly string[]) => {
    const missing = names.filter((n) => !abiNames.has(n))
    if (missing.length) throw new ConfigError({ file: src, issues: missing.map((n) => ({ path: `${where}.${n}`, message: `the target has no function ${n}` })) })
  }
  return {
    ...base,
    // Under 'vault': discovery adds these to the vault's own, whatever role the kind gives it.
    specified: { ...base.specified, vault: [...(base.specified.vault ?? []), ...(def.specified ?? [])] },
    async deploy(p) {
      if (!def.deployVault) return base.deploy(p)
      // The target's own constructor arguments are the hook's to choose; the kind's are passed to it.
      const { context, abiAt } = deployContext({ ...p, args: undefined }, src)
      // The kind deploys its mocks as usual; only its deployment of the target is replaced.
      const chain: Chain = Object.assign(Object.create(p.chain) as Chain, {
        deploy: async (d: Parameters<Chain['deploy']>[0]) => {
          if (d.artifact !== p.vault) return p.chain.deploy(d)
          const address = await def.deployVault!(context, d.args ?? [])
          abiAt(address)
          return address
        },
      })
      return base.deploy({ ...p, chain })
    },
    wrapChain(chain, instance) {
      const inner = base.wrapChain ? base.wrapChain(chain, instance) : chain
      const names = new Set(instance.vaultAbi.filter((x) => x.type === 'function').map((x) => (x as { name: string }).name))
      checkNames(names, 'reads', Object.values(reads).map((r) => r.fn))
      checkNames(names, 'specified', def.specified ?? [])
      const ctx: AdapterCallContext = {
        vault: instance.vault,
        call: (fn, args, from, opts) => inner.call({ address: opts?.to ?? instance.vault, abi: instance.vaultAbi, functionName: fn, args, from, value: opts?.value }),
        read: (fn, args = []) => inner.read({ address: instance.vault, abi: instance.vaultAbi, functionName: fn, args }),
      }
      return Object.assign(Object.create(inner) as Chain, {
        call: async (c: Parameters<Chain['call']>[0]) => {
          const adapted = at(c.address, instance.vault) ? calls[c.functionName] : undefined
          if (!adapted) return inner.call(c)
          try {
            return await adapted(ctx, c.args ?? [], c.from ?? instance.vault, c.value)
          } catch (cause) {
            if ((cause as Error)?.name === 'MalformedReturnError') throw cause
            throw new ConfigError({ file: src, issues: [{ path: `calls.${c.functionName}`, message: `threw instead of returning the call's result: ${(cause as Error)?.message ?? String(cause)}` }] })
          }
        },
        read: async <T>(r: Parameters<Chain['read']>[0]) => {
          const m = at(r.address, instance.vault) ? reads[r.functionName] : undefined
          if (!m) return inner.read<T>(r)
          const mapped = { ...r, functionName: m.fn, args: m.args ? m.args(r.args ?? [], instance.vault) : r.args }
          return pickOutput(await inner.read(mapped), { ...mapped, output: m.output }) as T
        },
      })
    },
    reads(w) {
      const own = base.reads(w)
      const viewed = new Set(own.flatMap((s) => (s.kind === 'call' && at(s.address, w.instance.vault) ? [s.functionName] : [])))
      const strayReads = Object.keys(reads).filter((k) => !viewed.has(k))
      if (strayReads.length) throw new ConfigError({ file: src, issues: strayReads.map((k) => ({ path: `reads.${k}`, message: `the ${def.kind} kind reads no view ${k} of the vault; it reads ${[...viewed].join(', ')}` })) })
      return own.map((s) => {
        const m = s.kind === 'call' && at(s.address, w.instance.vault) ? reads[s.functionName] : undefined
        return m && s.kind === 'call' ? { ...s, functionName: m.fn, args: m.args ? m.args(s.args ?? [], w.instance.vault) : s.args, ...(m.output !== undefined ? { output: m.output } : {}) } : s
      })
    },
  }
}
