/**
 * The peg stability module as pure bigint arithmetic: what the contract must do, nothing about how.
 * Accounts are keyed by lower-case address.
 */
import { event, revert, success, type Outcome } from 'vaultcheck'

export const SCALE = 10n ** 12n
export const BPS = 10_000n
export const MAX = 2n ** 256n - 1n
const ZERO = '0x0000000000000000000000000000000000000000'

export type PsmState = {
  feeBps: bigint
  psm: string
  reserve: Record<string, bigint>
  /** Each account's reserve allowance to the module. */
  reserveAllowance: Record<string, bigint>
  stable: Record<string, bigint>
  /** `owner|spender` -> stablecoin allowance. */
  stableAllowance: Record<string, bigint>
  supply: bigint
  fees: bigint
}

const k = (a: string) => a.toLowerCase()
const get = (m: Record<string, bigint>, a: string) => m[k(a)] ?? 0n
const put = (m: Record<string, bigint>, a: string, v: bigint) => ({ ...m, [k(a)]: v })
const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b

export const initial = (psm: string, feeBps: bigint): PsmState => ({ feeBps, psm: k(psm), reserve: {}, reserveAllowance: {}, stable: {}, stableAllowance: {}, supply: 0n, fees: 0n })
export const reserveOf = (s: PsmState, a: string) => get(s.reserve, a)
export const stableOf = (s: PsmState, a: string) => get(s.stable, a)
export const allowanceOf = (s: PsmState, owner: string, spender: string) => s.stableAllowance[`${k(owner)}|${k(spender)}`] ?? 0n
/** Whether some owner has given `spender` a stablecoin allowance. */
export const isApproved = (s: PsmState, spender: string) => Object.entries(s.stableAllowance).some(([key, v]) => v > 0n && key.endsWith(`|${k(spender)}`))
export const reserveAllowanceOf = (s: PsmState, a: string) => get(s.reserveAllowance, a)

/** The fee on `amount` reserve units: rounded up, in the module's favour. */
export const feeOn = (s: PsmState, amount: bigint) => ceilDiv(amount * s.feeBps, BPS)

export function fund(s: PsmState, to: string, amount: bigint): PsmState {
  return { ...s, reserve: put(s.reserve, to, get(s.reserve, to) + amount) }
}

export function approveReserve(s: PsmState, owner: string, amount: bigint): PsmState {
  return { ...s, reserveAllowance: put(s.reserveAllowance, owner, amount) }
}

/** Deposits `amount` reserve units and mints (amount - fee) * 10^12 stablecoins. */
export function mint(s: PsmState, caller: string, amount: bigint): Outcome<PsmState, bigint> {
  if (amount * s.feeBps > MAX) return revert('overflow')
  if (amount > get(s.reserve, caller)) return revert('insufficient-balance')
  const allowed = get(s.reserveAllowance, caller)
  if (amount > allowed) return revert('insufficient-allowance')
  const fee = feeOn(s, amount)
  const minted = (amount - fee) * SCALE
  return success(
    {
      ...s,
      reserve: put(put(s.reserve, caller, get(s.reserve, caller) - amount), s.psm, get(s.reserve, s.psm) + amount),
      reserveAllowance: allowed === MAX ? s.reserveAllowance : put(s.reserveAllowance, caller, allowed - amount),
      stable: put(s.stable, caller, get(s.stable, caller) + minted),
      supply: s.supply + minted,
      fees: s.fees + fee,
    },
    minted,
    [event('Transfer', { from: ZERO, to: caller, value: minted })],
  )
}

/** Burns `amount` stablecoins and pays floor(amount / 10^12) reserve units minus the fee. */
export function redeem(s: PsmState, caller: string, amount: bigint): Outcome<PsmState, bigint> {
  if (amount > get(s.stable, caller)) return revert('insufficient-balance')
  const gross = amount / SCALE
  const fee = feeOn(s, gross)
  const paid = gross - fee
  if (paid > get(s.reserve, s.psm)) return revert('insufficient-backing')
  return success(
    {
      ...s,
      stable: put(s.stable, caller, get(s.stable, caller) - amount),
      supply: s.supply - amount,
      reserve: put(put(s.reserve, s.psm, get(s.reserve, s.psm) - paid), caller, get(s.reserve, caller) + paid),
      fees: s.fees + fee,
    },
    paid,
    [event('Transfer', { from: caller, to: ZERO, value: amount })],
  )
}

export function transfer(s: PsmState, from: string, to: string, amount: bigint): Outcome<PsmState, boolean> {
  if (amount > get(s.stable, from)) return revert('insufficient-balance')
  const moved = put(s.stable, from, get(s.stable, from) - amount)
  return success({ ...s, stable: put(moved, to, get(moved, to) + amount) }, true, [event('Transfer', { from, to, value: amount })])
}

export function approve(s: PsmState, owner: string, spender: string, amount: bigint): Outcome<PsmState, boolean> {
  return success({ ...s, stableAllowance: { ...s.stableAllowance, [`${k(owner)}|${k(spender)}`]: amount } }, true, [event('Approval', { owner, spender, value: amount })])
}

export function transferFrom(s: PsmState, spender: string, from: string, to: string, amount: bigint): Outcome<PsmState, boolean> {
  const allowed = allowanceOf(s, from, spender)
  if (amount > allowed) return revert('insufficient-allowance')
  const moved = transfer(s, from, to, amount)
  if (!moved.ok) return moved
  return allowed === MAX ? moved : success({ ...moved.state, stableAllowance: { ...moved.state.stableAllowance, [`${k(from)}|${k(spender)}`]: allowed - amount } }, true, moved.events)
}
