/**
 * An isolated lending market (one loan token, one collateral token, one oracle, one LLTV) as pure
 * bigint arithmetic, in the style of Morpho Blue: supply and borrow positions are shares with
 * virtual shares (10^6) and a virtual asset (1), the oracle quotes one collateral unit in loan
 * units scaled by 10^36, a borrower is healthy while collateral * price * LLTV covers its debt
 * rounded up, and a liquidation whose borrower's collateral runs out writes the rest of its debt
 * off against the lenders. Interest is off unless `rate` (per second, WAD) is set; then it accrues
 * as `borrowed * (e^(rate*t) - 1)` to the third Taylor term, on every action that touches debt.
 *
 * Rounding always favours the market: supply shares and withdrawal assets down, borrow shares and
 * repaid assets up. Accounts are keyed by lower-case address.
 */
import { event, revert, success, type Outcome } from './outcome.ts'

export const WAD = 10n ** 18n
export const ORACLE_SCALE = 10n ** 36n
export const VIRTUAL_SHARES = 10n ** 6n
export const VIRTUAL_ASSETS = 1n
export const LIQUIDATION_CURSOR = 3n * 10n ** 17n
export const MAX_LIQUIDATION_INCENTIVE = 115n * 10n ** 16n
const MAX = 2n ** 256n - 1n
const MAX_128 = 2n ** 128n - 1n
const ZERO = '0x0000000000000000000000000000000000000000'

export type Totals = { supplyAssets: bigint; supplyShares: bigint; borrowAssets: bigint; borrowShares: bigint }

export type LendingState = {
  market: string
  lltv: bigint
  /** Borrow rate per second, WAD; 0: no interest. */
  rate: bigint
  price: bigint
  /** The chain's time, and when interest was last accrued. */
  now: bigint
  lastUpdate: bigint
  totals: Totals
  supplyShares: Record<string, bigint>
  borrowShares: Record<string, bigint>
  collateral: Record<string, bigint>
  /** `owner|manager` -> whether manager may act for owner. */
  authorized: Record<string, boolean>
  /** Token balances: the loan token and the collateral token (the market's among them). */
  loan: Record<string, bigint>
  coll: Record<string, bigint>
}

/** Raised inside a transition by checked arithmetic; the transition reverts. */
class Checked extends Error {
  constructor(readonly reason: string) {
    super(reason)
  }
}
const checked = (x: bigint) => {
  if (x > MAX || x < 0n) throw new Checked('overflow')
  return x
}
export function mulDivDown(x: bigint, y: bigint, d: bigint): bigint {
  if (d === 0n) throw new Checked('division-by-zero')
  return checked(x * y) / d
}
export function mulDivUp(x: bigint, y: bigint, d: bigint): bigint {
  if (d === 0n) throw new Checked('division-by-zero')
  return checked(checked(x * y) + (d - 1n)) / d
}
export const wMulDown = (x: bigint, y: bigint) => mulDivDown(x, y, WAD)
export const toSharesDown = (assets: bigint, totalAssets: bigint, totalShares: bigint) => mulDivDown(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS)
export const toSharesUp = (assets: bigint, totalAssets: bigint, totalShares: bigint) => mulDivUp(assets, totalShares + VIRTUAL_SHARES, totalAssets + VIRTUAL_ASSETS)
export const toAssetsDown = (shares: bigint, totalAssets: bigint, totalShares: bigint) => mulDivDown(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES)
export const toAssetsUp = (shares: bigint, totalAssets: bigint, totalShares: bigint) => mulDivUp(shares, totalAssets + VIRTUAL_ASSETS, totalShares + VIRTUAL_SHARES)

/** e^(rate*t) - 1 to the third Taylor term, WAD. */
export function compounded(rate: bigint, elapsed: bigint): bigint {
  const first = checked(rate * elapsed)
  const second = mulDivDown(first, first, 2n * WAD)
  const third = mulDivDown(second, first, 3n * WAD)
  return checked(first + second + third)
}

/** The liquidation incentive factor: min(1.15, 1 / (1 - 0.3 * (1 - lltv))), WAD. */
export function incentiveFactor(lltv: bigint): bigint {
  const f = mulDivDown(WAD, WAD, WAD - wMulDown(LIQUIDATION_CURSOR, WAD - lltv))
  return f < MAX_LIQUIDATION_INCENTIVE ? f : MAX_LIQUIDATION_INCENTIVE
}

/** The totals after `elapsed` seconds of interest at `rate` (what the contract accrues before an action). */
export function accrueTotals(t: Totals, rate: bigint, elapsed: bigint): Totals {
  if (elapsed === 0n || rate === 0n) return t
  const interest = wMulDown(t.borrowAssets, compounded(rate, elapsed))
  return { ...t, borrowAssets: t.borrowAssets + interest, supplyAssets: t.supplyAssets + interest }
}

const k = (a: string) => a.toLowerCase()
const get = (m: Record<string, bigint>, a: string) => m[k(a)] ?? 0n
const put = (m: Record<string, bigint>, a: string, v: bigint) => ({ ...m, [k(a)]: v })
const move = (m: Record<string, bigint>, from: string, to: string, v: bigint) => {
  const out = put(m, from, get(m, from) - v)
  return put(out, to, get(out, to) + v)
}

export const supplySharesOf = (s: LendingState, a: string) => get(s.supplyShares, a)
export const borrowSharesOf = (s: LendingState, a: string) => get(s.borrowShares, a)
export const collateralOf = (s: LendingState, a: string) => get(s.collateral, a)
export const loanOf = (s: LendingState, a: string) => get(s.loan, a)
export const collOf = (s: LendingState, a: string) => get(s.coll, a)
export const isAuthorized = (s: LendingState, owner: string, manager: string) => s.authorized[`${k(owner)}|${k(manager)}`] === true
/** Whether `manager` may act for `owner`: itself, or authorized by it. */
export const mayManage = (s: LendingState, owner: string, manager: string) => k(owner) === k(manager) || isAuthorized(s, owner, manager)

export function initial(p: { market: string; lltv: bigint; rate: bigint; price: bigint; now: bigint }): LendingState {
  return {
    market: k(p.market),
    lltv: p.lltv,
    rate: p.rate,
    price: p.price,
    now: p.now,
    lastUpdate: p.now,
    totals: { supplyAssets: 0n, supplyShares: 0n, borrowAssets: 0n, borrowShares: 0n },
    supplyShares: {},
    borrowShares: {},
    collateral: {},
    authorized: {},
    loan: {},
    coll: {},
  }
}

export function fund(s: LendingState, to: string, loan: bigint, coll: bigint): LendingState {
  return { ...s, loan: put(s.loan, to, get(s.loan, to) + loan), coll: put(s.coll, to, get(s.coll, to) + coll) }
}

/** Interest accrued up to now, as the market does it first thing in every debt-touching action. */
export function accrue(s: LendingState): LendingState {
  if (s.now === s.lastUpdate) return s
  return { ...s, totals: accrueTotals(s.totals, s.rate, s.now - s.lastUpdate), lastUpdate: s.now }
}

/** The debt of `who` in loan units, rounded up. */
export const debtOf = (s: LendingState, who: string) => toAssetsUp(borrowSharesOf(s, who), s.totals.borrowAssets, s.totals.borrowShares)
/** What `who`'s collateral lets it owe at `price`. */
export const maxDebtOf = (s: LendingState, who: string, price = s.price) => wMulDown(mulDivDown(collateralOf(s, who), price, ORACLE_SCALE), s.lltv)

export function healthy(s: LendingState, who: string, price = s.price): boolean {
  if (borrowSharesOf(s, who) === 0n) return true
  return maxDebtOf(s, who, price) >= debtOf(s, who)
}

/** Safe versions for generators and invariants: a state whose arithmetic overflows reads as 0 / healthy. */
export function safely<T>(f: () => T, otherwise: T): T {
  try {
    return f()
  } catch (e) {
    if (e instanceof Checked) return otherwise
    throw e
  }
}
/** What `who` could still borrow at the current price (the generators' "max borrow"). */
export const borrowable = (s: LendingState, who: string) => safely(() => {
  const a = accrue(s)
  const room = maxDebtOf(a, who) - debtOf(a, who)
  return room > 0n ? room : 0n
}, 0n)
export const liquidity = (s: LendingState) => {
  const a = safely(() => accrue(s), s)
  return a.totals.supplyAssets > a.totals.borrowAssets ? a.totals.supplyAssets - a.totals.borrowAssets : 0n
}
/** The value of `who`'s supply shares, rounded down. */
export const suppliedOf = (s: LendingState, who: string) => safely(() => {
  const a = accrue(s)
  return toAssetsDown(supplySharesOf(a, who), a.totals.supplyAssets, a.totals.supplyShares)
}, 0n)
/** The price at which `who`'s position stops being healthy (0 if it has no debt). */
export const thresholdPrice = (s: LendingState, who: string) => safely(() => {
  const c = collateralOf(s, who)
  if (c === 0n || borrowSharesOf(s, who) === 0n) return 0n
  return mulDivUp(mulDivUp(debtOf(accrue(s), who), WAD, s.lltv), ORACLE_SCALE, c)
}, 0n)

type Result = Outcome<LendingState, readonly [bigint, bigint]>

/** Runs a transition body; checked arithmetic that fails inside it is a revert, as in the contract. */
function guarded<R>(body: () => Outcome<LendingState, R>): Outcome<LendingState, R> {
  try {
    return body()
  } catch (e) {
    if (e instanceof Checked) return revert(e.reason)
    throw e
  }
}

const exactlyOneZero = (a: bigint, b: bigint) => (a === 0n) !== (b === 0n)
const fits = (t: Totals) => t.supplyAssets <= MAX_128 && t.supplyShares <= MAX_128 && t.borrowAssets <= MAX_128 && t.borrowShares <= MAX_128

/** A token transfer out of `from`; a shortfall reverts the whole action. */
function pay(m: Record<string, bigint>, from: string, to: string, v: bigint): Record<string, bigint> | undefined {
  return get(m, from) < v ? undefined : move(m, from, to, v)
}

/** Supplies `assets` (or buys `shares`) of the loan token for `onBehalf`; returns [assets, shares]. */
export function supply(s0: LendingState, caller: string, assets: bigint, shares: bigint, onBehalf: string): Result {
  return guarded(() => {
    if (!exactlyOneZero(assets, shares)) return revert('inconsistent-input')
    if (k(onBehalf) === ZERO) return revert('zero-address')
    const s = accrue(s0)
    const t = s.totals
    if (assets > 0n) shares = toSharesDown(assets, t.supplyAssets, t.supplyShares)
    else assets = toAssetsUp(shares, t.supplyAssets, t.supplyShares)
    const totals = { ...t, supplyAssets: t.supplyAssets + assets, supplyShares: t.supplyShares + shares }
    if (!fits(totals)) return revert('overflow')
    const loan = pay(s.loan, caller, s.market, assets)
    if (!loan) return revert('insufficient-balance')
    return success({ ...s, totals, supplyShares: put(s.supplyShares, onBehalf, supplySharesOf(s, onBehalf) + shares), loan }, [assets, shares] as const, [event('Supply', { caller, onBehalf, assets, shares })])
  })
}

/** Withdraws `assets` (or redeems `shares`) of `onBehalf`'s supply to `receiver`; returns [assets, shares]. */
export function withdraw(s0: LendingState, caller: string, assets: bigint, shares: bigint, onBehalf: string, receiver: string): Result {
  return guarded(() => {
    if (!exactlyOneZero(assets, shares)) return revert('inconsistent-input')
    if (k(receiver) === ZERO) return revert('zero-address')
    if (!mayManage(s0, onBehalf, caller)) return revert('unauthorized')
    const s = accrue(s0)
    const t = s.totals
    if (assets > 0n) shares = toSharesUp(assets, t.supplyAssets, t.supplyShares)
    else assets = toAssetsDown(shares, t.supplyAssets, t.supplyShares)
    if (shares > supplySharesOf(s, onBehalf)) return revert('insufficient-balance')
    if (assets > t.supplyAssets) return revert('overflow')
    const totals = { ...t, supplyAssets: t.supplyAssets - assets, supplyShares: t.supplyShares - shares }
    if (totals.borrowAssets > totals.supplyAssets) return revert('insufficient-liquidity')
    const loan = pay(s.loan, s.market, receiver, assets)
    if (!loan) return revert('insufficient-balance')
    return success({ ...s, totals, supplyShares: put(s.supplyShares, onBehalf, supplySharesOf(s, onBehalf) - shares), loan }, [assets, shares] as const, [event('Withdraw', { caller, onBehalf, receiver, assets, shares })])
  })
}

/** Borrows `assets` (or takes on `shares` of debt) for `onBehalf`, paid to `receiver`; returns [assets, shares]. */
export function borrow(s0: LendingState, caller: string, assets: bigint, shares: bigint, onBehalf: string, receiver: string): Result {
  return guarded(() => {
    if (!exactlyOneZero(assets, shares)) return revert('inconsistent-input')
    if (k(receiver) === ZERO) return revert('zero-address')
    if (!mayManage(s0, onBehalf, caller)) return revert('unauthorized')
    const s = accrue(s0)
    const t = s.totals
    if (assets > 0n) shares = toSharesUp(assets, t.borrowAssets, t.borrowShares)
    else assets = toAssetsDown(shares, t.borrowAssets, t.borrowShares)
    const totals = { ...t, borrowAssets: t.borrowAssets + assets, borrowShares: t.borrowShares + shares }
    if (!fits(totals)) return revert('overflow')
    const next = { ...s, totals, borrowShares: put(s.borrowShares, onBehalf, borrowSharesOf(s, onBehalf) + shares) }
    if (!healthy(next, onBehalf)) return revert('insufficient-collateral')
    if (totals.borrowAssets > totals.supplyAssets) return revert('insufficient-liquidity')
    const loan = pay(s.loan, s.market, receiver, assets)
    if (!loan) return revert('insufficient-balance')
    return success({ ...next, loan }, [assets, shares] as const, [event('Borrow', { caller, onBehalf, receiver, assets, shares })])
  })
}

/** Repays `assets` (or `shares`) of `onBehalf`'s debt; anyone may repay anyone's. Returns [assets, shares]. */
export function repay(s0: LendingState, caller: string, assets: bigint, shares: bigint, onBehalf: string): Result {
  return guarded(() => {
    if (!exactlyOneZero(assets, shares)) return revert('inconsistent-input')
    if (k(onBehalf) === ZERO) return revert('zero-address')
    const s = accrue(s0)
    const t = s.totals
    if (assets > 0n) shares = toSharesDown(assets, t.borrowAssets, t.borrowShares)
    else assets = toAssetsUp(shares, t.borrowAssets, t.borrowShares)
    if (shares > borrowSharesOf(s, onBehalf)) return revert('exceeds-debt')
    // The last repayment may pay one unit more than the total it rounds against.
    const totals = { ...t, borrowShares: t.borrowShares - shares, borrowAssets: t.borrowAssets > assets ? t.borrowAssets - assets : 0n }
    const loan = pay(s.loan, caller, s.market, assets)
    if (!loan) return revert('insufficient-balance')
    return success({ ...s, totals, borrowShares: put(s.borrowShares, onBehalf, borrowSharesOf(s, onBehalf) - shares), loan }, [assets, shares] as const, [event('Repay', { caller, onBehalf, assets, shares })])
  })
}

/** Posts `assets` of collateral for `onBehalf` (no interest accrues: debt is not touched). */
export function supplyCollateral(s: LendingState, caller: string, assets: bigint, onBehalf: string): Outcome<LendingState, undefined> {
  return guarded(() => {
    if (assets === 0n) return revert('zero-assets')
    if (k(onBehalf) === ZERO) return revert('zero-address')
    const c = collateralOf(s, onBehalf) + assets
    if (c > MAX_128) return revert('overflow')
    const coll = pay(s.coll, caller, s.market, assets)
    if (!coll) return revert('insufficient-balance')
    return success({ ...s, collateral: put(s.collateral, onBehalf, c), coll }, undefined, [event('SupplyCollateral', { caller, onBehalf, assets })])
  })
}

/** Takes `assets` of `onBehalf`'s collateral to `receiver`; the position must stay healthy. */
export function withdrawCollateral(s0: LendingState, caller: string, assets: bigint, onBehalf: string, receiver: string): Outcome<LendingState, undefined> {
  return guarded(() => {
    if (assets === 0n) return revert('zero-assets')
    if (k(receiver) === ZERO) return revert('zero-address')
    if (!mayManage(s0, onBehalf, caller)) return revert('unauthorized')
    const s = accrue(s0)
    if (assets > collateralOf(s, onBehalf)) return revert('insufficient-collateral')
    const next = { ...s, collateral: put(s.collateral, onBehalf, collateralOf(s, onBehalf) - assets) }
    if (!healthy(next, onBehalf)) return revert('insufficient-collateral')
    const coll = pay(s.coll, s.market, receiver, assets)
    if (!coll) return revert('insufficient-balance')
    return success({ ...next, coll }, undefined, [event('WithdrawCollateral', { caller, onBehalf, receiver, assets })])
  })
}

/**
 * Liquidates an unhealthy `borrower`: either `seized` collateral is taken and the debt it is worth
 * divided by the incentive factor is repaid (rounded up), or `repaidShares` of debt are repaid and
 * their value times the factor is seized (rounded down). When the borrower's collateral is
 * exhausted, its remaining debt is written off against the lenders' supply. Returns [seized, repaid assets].
 */
export function liquidate(s0: LendingState, caller: string, borrower: string, seized: bigint, repaidShares: bigint): Result {
  return guarded(() => {
    if (!exactlyOneZero(seized, repaidShares)) return revert('inconsistent-input')
    const s = accrue(s0)
    if (healthy(s, borrower)) return revert('position-healthy')
    const lif = incentiveFactor(s.lltv)
    let t = s.totals
    if (seized > 0n) repaidShares = toSharesUp(mulDivUp(mulDivUp(seized, s.price, ORACLE_SCALE), WAD, lif), t.borrowAssets, t.borrowShares)
    else seized = mulDivDown(wMulDown(toAssetsDown(repaidShares, t.borrowAssets, t.borrowShares), lif), ORACLE_SCALE, s.price)
    const repaid = toAssetsUp(repaidShares, t.borrowAssets, t.borrowShares)
    let debt = borrowSharesOf(s, borrower)
    if (repaidShares > debt) return revert('exceeds-debt')
    debt -= repaidShares
    t = { ...t, borrowShares: t.borrowShares - repaidShares, borrowAssets: t.borrowAssets > repaid ? t.borrowAssets - repaid : 0n }
    const left = collateralOf(s, borrower)
    if (seized > left) return revert('insufficient-collateral')
    let badDebtAssets = 0n
    let badDebtShares = 0n
    if (left === seized) {
      // Bad debt: what the exhausted position still owes is taken from what the lenders are owed.
      const owed = toAssetsUp(debt, t.borrowAssets, t.borrowShares)
      badDebtAssets = owed < t.borrowAssets ? owed : t.borrowAssets
      badDebtShares = debt
      t = { supplyAssets: t.supplyAssets - badDebtAssets, supplyShares: t.supplyShares, borrowAssets: t.borrowAssets - badDebtAssets, borrowShares: t.borrowShares - debt }
      debt = 0n
    }
    const coll = pay(s.coll, s.market, caller, seized)
    if (!coll) return revert('insufficient-balance')
    const loan = pay(s.loan, caller, s.market, repaid)
    if (!loan) return revert('insufficient-balance')
    return success(
      { ...s, totals: t, borrowShares: put(s.borrowShares, borrower, debt), collateral: put(s.collateral, borrower, left - seized), coll, loan },
      [seized, repaid] as const,
      [event('Liquidate', { caller, borrower, repaidAssets: repaid, repaidShares, seizedAssets: seized, badDebtAssets, badDebtShares })],
    )
  })
}

export function setAuthorization(s: LendingState, caller: string, manager: string, value: boolean): Outcome<LendingState, undefined> {
  if (isAuthorized(s, caller, manager) === value) return revert('already-set')
  return success({ ...s, authorized: { ...s.authorized, [`${k(caller)}|${k(manager)}`]: value } }, undefined, [event('SetAuthorization', { caller, authorizer: caller, authorized: manager, newIsAuthorized: value })])
}

export function accrueInterest(s: LendingState): Outcome<LendingState, undefined> {
  return guarded(() => success(accrue(s), undefined))
}

/** The oracle's price moves (environment). */
export function setPrice(s: LendingState, price: bigint): Outcome<LendingState, undefined> {
  return success({ ...s, price }, undefined)
}

/** Time passes (environment). */
export function warp(s: LendingState, seconds: bigint): Outcome<LendingState, undefined> {
  return success({ ...s, now: s.now + seconds }, undefined)
}

/** A plain loan-token transfer: a donation when `to` is the market (its accounting must not move). */
export function transferLoan(s: LendingState, from: string, to: string, amount: bigint): Outcome<LendingState, boolean> {
  const loan = pay(s.loan, from, to, amount)
  return loan ? success({ ...s, loan }, true) : revert('insufficient-balance')
}
