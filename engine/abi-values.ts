/**
 * Arguments for any function, from its ABI types. Generated as recipes (an actor index, an amount
 * recipe) and resolved when the call runs, as the kinds' own actions do, so a shrunk sequence stays
 * valid and reads like the calls it makes.
 */
import fc from 'fast-check'
import type { AbiParameter, Address, Hex } from 'viem'
import { amountRecipe, describeRecipe, fmt, pinnedAmount, type AmountRecipe } from './amounts.ts'

export type AddressPick = { t: 'actor'; i: number } | { t: 'contract'; i: number } | { t: 'zero' }

export type ValueRecipe =
  | { t: 'address'; pick: AddressPick }
  | { t: 'uint'; bits: number; amount: AmountRecipe }
  | { t: 'int'; bits: number; amount: AmountRecipe; negative: boolean }
  | { t: 'bool'; value: boolean }
  | { t: 'bytes'; hex: Hex }
  | { t: 'string'; value: string }
  | { t: 'list'; items: ValueRecipe[] }

/** What resolving needs from the running world. */
export type ResolveContext = {
  actors: readonly { name: string; address: Address }[]
  /** The system's contracts (vault first), then the harness's. */
  contracts: readonly { name: string; address: Address }[]
  pins: bigint[] | undefined
  resolved: bigint[] | undefined
  options: { dictionary: readonly bigint[] }
  decimals: number
  /** Amounts that matter for the call: the caller's balance and the largest actor balance of the called token. */
  balances: readonly [bigint, bigint]
}

const AMOUNT_REFS = ['1000 units', 'max', "caller's balance", 'largest balance']

const ZERO: Address = '0x0000000000000000000000000000000000000000'
const MAX_LIST = 3

export function valueArb(p: AbiParameter, ctx: { dictionary: readonly bigint[]; decimals: number }): fc.Arbitrary<ValueRecipe> {
  const type = p.type
  const fixed = /^(.*)\[(\d*)\]$/.exec(type)
  if (fixed) {
    const inner = { ...p, type: fixed[1] } as AbiParameter
    const n = fixed[2] === '' ? undefined : Number(fixed[2])
    const item = valueArb(inner, ctx)
    return (n === undefined ? fc.array(item, { maxLength: MAX_LIST }) : fc.array(item, { minLength: n, maxLength: n })).map((items) => ({ t: 'list' as const, items }))
  }
  if (type === 'tuple') {
    const components = (p as { components: readonly AbiParameter[] }).components
    return fc.tuple(...components.map((c) => valueArb(c, ctx))).map((items) => ({ t: 'list' as const, items }))
  }
  if (type === 'address') {
    return fc
      .oneof(
        { weight: 6, arbitrary: fc.nat({ max: 7 }).map((i): AddressPick => ({ t: 'actor', i })) },
        { weight: 3, arbitrary: fc.nat({ max: 7 }).map((i): AddressPick => ({ t: 'contract', i })) },
        { weight: 1, arbitrary: fc.constant<AddressPick>({ t: 'zero' }) },
      )
      .map((pick) => ({ t: 'address' as const, pick }))
  }
  if (type === 'bool') return fc.boolean().map((value) => ({ t: 'bool' as const, value }))
  if (type === 'string') return fc.string({ maxLength: 8 }).map((value) => ({ t: 'string' as const, value }))
  const bytesN = /^bytes(\d+)$/.exec(type)
  if (bytesN || type === 'bytes') {
    const n = bytesN ? Number(bytesN[1]) : undefined
    return fc
      .uint8Array(n === undefined ? { maxLength: 64 } : { minLength: n, maxLength: n })
      .map((b) => ({ t: 'bytes' as const, hex: `0x${Buffer.from(b).toString('hex')}` as Hex }))
  }
  const int = /^(u?)int(\d*)$/.exec(type)
  if (int) {
    const bits = int[2] === '' ? 256 : Number(int[2])
    const amount = amountRecipe(ctx, AMOUNT_REFS.length)
    if (int[1] === 'u') return amount.map((a) => ({ t: 'uint' as const, bits, amount: a }))
    return fc.tuple(amount, fc.boolean()).map(([a, negative]) => ({ t: 'int' as const, bits, amount: a, negative }))
  }
  // Function types and anything newer than this file: a zero word is at least well-formed.
  return fc.constant({ t: 'bytes' as const, hex: `0x${'00'.repeat(24)}` as Hex })
}

export function resolveValue(r: ValueRecipe, ctx: ResolveContext): unknown {
  switch (r.t) {
    case 'address':
      return addressOf(r.pick, ctx).address
    case 'uint': {
      const max = (1n << BigInt(r.bits)) - 1n
      const v = pinnedAmount(ctx, r.amount, [1000n * 10n ** BigInt(ctx.decimals), max, ...ctx.balances])
      return v > max ? max : v
    }
    case 'int': {
      const max = (1n << BigInt(r.bits - 1)) - 1n
      const v = pinnedAmount(ctx, r.amount, [1000n * 10n ** BigInt(ctx.decimals), max, ...ctx.balances])
      const m = v > max ? max : v
      return r.negative ? -m : m
    }
    case 'bool':
      return r.value
    case 'bytes':
      return r.hex
    case 'string':
      return r.value
    case 'list':
      return r.items.map((x) => resolveValue(x, ctx))
  }
}

export function addressOf(p: AddressPick, ctx: ResolveContext): { name: string; address: Address } {
  if (p.t === 'actor') return ctx.actors[p.i % ctx.actors.length]
  if (p.t === 'contract' && ctx.contracts.length > 0) return ctx.contracts[p.i % ctx.contracts.length]
  return { name: 'zero', address: ZERO }
}

/** The recipe as shown in a counterexample's command list. */
export function describeValue(r: ValueRecipe): string {
  switch (r.t) {
    case 'address':
      return r.pick.t === 'zero' ? 'zero' : `${r.pick.t} ${r.pick.i}`
    case 'uint':
    case 'int':
      return `${r.t === 'int' && r.negative ? '-' : ''}${describeRecipe(r.amount, AMOUNT_REFS)}`
    case 'bool':
      return String(r.value)
    case 'bytes':
      return r.hex.length > 18 ? `${r.hex.slice(0, 18)}…` : r.hex
    case 'string':
      return JSON.stringify(r.value)
    case 'list':
      return `[${r.items.map(describeValue).join(', ')}]`
  }
}

/** A resolved argument as a trace shows it: account names for known addresses. */
export function renderValue(v: unknown, nameOf: (a: string) => string): string {
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v)) return nameOf(v)
  if (typeof v === 'bigint') return fmt(v)
  if (Array.isArray(v)) return `[${v.map((x) => renderValue(x, nameOf)).join(', ')}]`
  if (typeof v === 'string' && v.startsWith('0x') && v.length > 18) return `${v.slice(0, 18)}…`
  return typeof v === 'string' && !v.startsWith('0x') ? JSON.stringify(v) : String(v)
}
