/**
 * Adapter for vaults of a known shape under other names (`wrap` for `depositFor`): calls and reads
 * addressed to the vault are renamed on the way to the chain, so drivers keep speaking the kind's
 * interface. Anything the rename cannot express (other argument orders, extra steps) needs a
 * custom driver.
 */
import type { Abi, Address } from 'viem'
import type { Chain } from '../evm/chain.ts'
import { ConfigError } from '../evm/errors.ts'
import type { ReadSpec } from '../evm/observe.ts'

export type FunctionRenames = Readonly<Record<string, string>>

export function checkRenames(abi: Abi, renames: FunctionRenames, contract: string): void {
  const names = new Set(abi.filter((x) => x.type === 'function').map((x) => (x as { name: string }).name))
  const issues = Object.entries(renames)
    .filter(([, to]) => !names.has(to))
    .map(([from, to]) => ({ path: `functions.${from}`, message: `${contract} has no function "${to}"` }))
  if (issues.length) throw new ConfigError({ issues })
}

export function renamingChain(chain: Chain, vault: Address, renames: FunctionRenames): Chain {
  const at = (a: Address) => a.toLowerCase() === vault.toLowerCase()
  const rename = (a: Address, fn: string) => (at(a) ? (renames[fn] ?? fn) : fn)
  return Object.assign(Object.create(chain) as Chain, {
    call: (p: Parameters<Chain['call']>[0]) => chain.call({ ...p, functionName: rename(p.address, p.functionName) }),
    read: <T>(p: Parameters<Chain['read']>[0]) => chain.read<T>({ ...p, functionName: rename(p.address, p.functionName) }),
  })
}

export function renameReads(specs: ReadSpec[], vault: Address, renames: FunctionRenames): ReadSpec[] {
  return specs.map((s) => (s.kind === 'call' && s.address.toLowerCase() === vault.toLowerCase() ? { ...s, functionName: renames[s.functionName] ?? s.functionName } : s))
}

/** A chain that reports every call to `sink` while the world collects them (the per-function counts). */
export function countingChain(chain: Chain, sink: { log: { address: Address; functionName: string; ok: boolean }[] | undefined }): Chain {
  return Object.assign(Object.create(chain) as Chain, {
    call: async (p: Parameters<Chain['call']>[0]) => {
      const r = await chain.call(p)
      sink.log?.push({ address: p.address, functionName: p.functionName, ok: r.ok })
      return r
    },
  })
}
