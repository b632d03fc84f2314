/**
 * Kind `cdp`: an over-collateralized debt vault. Owners lock a collateral token, borrow a debt
 * token minted by the vault, repay by burning it; anyone may liquidate an unhealthy position.
 *
 * State (immutable; ledgers as in erc20.ts):
 *  - vault:      the vault's address;
 *  - collateral: the collateral token ledger, balances of everyone including the vault;
 *  - debt:       the debt token ledger (minted on borrow, burned on repay and liquidate);
 *  - positions:  `Readonly<Record<Address, Position>>`, absent = { 0, 0 }; empty positions deleted;
 *  - price:      debt units per collateral unit, 1e18-scaled;
 *  - minCollateralRatio, liquidationBonus: 1e18-scaled (1e18 = 100%);
 *  - roundingMargin: 1e36-scaled, see Borderline below;
 *  - badDebt:    debt written off by under-water liquidations (bookkeeping of the model: the
 *                shortfall the protocol absorbed; the contract need not track it);
 *  - underwaterLiquidations: how many liquidations found collateral worth less than the debt.
 *
 * Health: a position is healthy iff debt == 0 || collateral * price >= debt * minCollateralRatio
 * (both sides are 1e36-scaled; no division, so no rounding).
 * Borderline: healthy, but by a margin under `roundingMargin` (0 unless set; WHOLE_WEI_MARGIN, 2 wei
 * of debt value, for a vault that computes value and requirement in whole wei, `collateral * price
 * / 1e18`, rounding against the borrower: such a check calls a borderline position unhealthy). A
 * borrow or withdraw leaving a borderline position may revert ('rounding'), and a borderline position
 * may be liquidated. Rounding the other way, in the borrower's favour, is never allowed: an
 * unhealthy position stays unhealthy.
 *
 * Overflow: a stored value past 2^256-1 (position fields, token supplies) is must-revert
 * 'overflow'. A product the checks compute (collateral * price, debt * ratio,
 * debt * (WAD + bonus)) past 2^256-1 is implementation-defined, mayRevert 'overflow' (naive
 * checked multiplication reverts, a 512-bit mulDiv does not).
 *
 * Events: there is no standard CDP interface; the names below are the model's own
 * (Deposit(owner, amount), Withdraw(owner, amount), Borrow(owner, amount), Repay(owner, amount),
 * Liquidate(liquidator, owner, debt, seized)). Token movements are not listed (they are logs of
 * the token contracts) except for the setup/token-side operations, which list the token's events.
 */
import { type Address, toAddress } from './address.ts'
import * as E from './erc20.ts'
import { MAX_UINT256, WAD, assertUint256, min, mulDiv } from './math.ts'
import { type Outcome, type Revert, event, firstCode, mapState, revert, success } from './outcome.ts'

export type Position = Readonly<{ collateral: bigint; debt: bigint }>
export type Positions = Readonly<Record<Address, Position>>

export type CdpState = Readonly<{
  vault: Address
  collateral: E.Ledger
  debt: E.Ledger
  positions: Positions
  price: bigint
  minCollateralRatio: bigint
  liquidationBonus: bigint
  roundingMargin: bigint
  badDebt: bigint
  underwaterLiquidations: number
}>

const EMPTY: Position = { collateral: 0n, debt: 0n }

/** `collateralToken`: how the collateral token departs from a plain ERC-20 (`--token-quirks`; not fee on transfer). */
export function createCdpState(params: { vault: Address; price: bigint; minCollateralRatio: bigint; liquidationBonus: bigint; roundingMargin?: bigint; collateralToken?: E.TokenBehaviour }): CdpState {
  assertUint256(params.price, 'price')
  assertUint256(params.minCollateralRatio, 'minCollateralRatio')
  assertUint256(params.liquidationBonus, 'liquidationBonus')
  return {
    vault: toAddress(params.vault),
    collateral: E.emptyLedger(params.collateralToken),
    debt: E.emptyLedger(),
    positions: {},
    price: params.price,
    minCollateralRatio: params.minCollateralRatio,
    liquidationBonus: params.liquidationBonus,
    roundingMargin: params.roundingMargin ?? 0n,
    badDebt: 0n,
    underwaterLiquidations: 0,
  }
}

export function positionOf(s: CdpState, owner: Address): Position {
  const o = toAddress(owner)
  return Object.hasOwn(s.positions, o) ? (s.positions[o] as Position) : EMPTY
}

function withPosition(s: CdpState, owner: Address, pos: Position): Positions {
  const positions: Record<Address, Position> = { ...s.positions }
  if (pos.collateral === 0n && pos.debt === 0n) delete positions[owner]
  else positions[owner] = pos
  return positions
}

/** debt == 0 || collateral * price >= debt * ratio. */
export function isHealthy(pos: Position, price: bigint, ratio: bigint): boolean {
  return pos.debt === 0n || pos.collateral * price >= pos.debt * ratio
}

/** 2 wei of debt value, 1e36-scaled: what rounding each side of the check to whole wei can cost. */
export const WHOLE_WEI_MARGIN = 2n * WAD

/** Healthy, but by less than `margin`: a check that rounds against the borrower may disagree. */
export function isBorderline(pos: Position, price: bigint, ratio: bigint, margin: bigint): boolean {
  return margin > 0n && pos.debt > 0n && isHealthy(pos, price, ratio) && pos.collateral * price - pos.debt * ratio < margin
}

/** Whether `pos` may be liquidated: unhealthy, or borderline (a whole-wei check may call it unhealthy). */
export function isLiquidatable(pos: Position, price: bigint, ratio: bigint, margin: bigint): boolean {
  return !isHealthy(pos, price, ratio) || isBorderline(pos, price, ratio, margin)
}

/** True iff evaluating the health check of `pos` multiplies past 2^256-1. */
function healthCheckOverflows(pos: Position, price: bigint, ratio: bigint): boolean {
  return pos.collateral * price > MAX_UINT256 || pos.debt * ratio > MAX_UINT256
}

// ---- views -----------------------------------------------------------------------------------

/** Sum of position debts. */
export function totalDebt(s: CdpState): bigint {
  let t = 0n
  for (const p of Object.values(s.positions)) t += p.debt
  return t
}

/** Sum of position collaterals. */
export function totalCollateral(s: CdpState): bigint {
  let t = 0n
  for (const p of Object.values(s.positions)) t += p.collateral
  return t
}

/**
 * The position's collateral ratio, 1e18-scaled: mulDiv(collateral, price, debt, 'floor'), capped at
 * MAX_UINT256, and MAX_UINT256 when debt == 0. Because the ratio is an integer,
 * healthOf(s, o) >= minCollateralRatio exactly when the position is healthy.
 */
export function healthOf(s: CdpState, owner: Address): bigint {
  const p = positionOf(s, owner)
  if (p.debt === 0n) return MAX_UINT256
  return min(mulDiv(p.collateral, s.price, p.debt, 'floor'), MAX_UINT256)
}

/**
 * Largest extra debt keeping the position healthy: floor(collateral * price / ratio) - debt,
 * clamped at 0. With ratio 0 every debt is healthy: MAX_UINT256 - debt.
 */
export function maxBorrow(s: CdpState, owner: Address): bigint {
  const p = positionOf(s, owner)
  if (s.minCollateralRatio === 0n) return MAX_UINT256 - p.debt
  const cap = mulDiv(p.collateral, s.price, s.minCollateralRatio, 'floor')
  return cap > p.debt ? min(cap - p.debt, MAX_UINT256 - p.debt) : 0n
}

/**
 * Largest withdrawal keeping the position healthy: all collateral when debt == 0, else
 * collateral - ceil(debt * ratio / price), clamped at 0 (0 when price == 0: nothing keeps it healthy).
 */
export function maxWithdraw(s: CdpState, owner: Address): bigint {
  const p = positionOf(s, owner)
  if (p.debt === 0n) return p.collateral
  if (s.price === 0n) return 0n
  const needed = mulDiv(p.debt, s.minCollateralRatio, s.price, 'ceil')
  return p.collateral > needed ? p.collateral - needed : 0n
}

/**
 * Smallest price at which the position is still healthy: ceil(debt * ratio / collateral); 0 when
 * debt == 0. `undefined` when no uint256 price makes it healthy (collateral 0 with debt and a
 * nonzero ratio, or the price would exceed 2^256-1).
 */
export function priceAtMinRatio(s: CdpState, owner: Address): bigint | undefined {
  const p = positionOf(s, owner)
  if (p.debt === 0n || s.minCollateralRatio === 0n) return 0n
  if (p.collateral === 0n) return undefined
  const price = mulDiv(p.debt, s.minCollateralRatio, p.collateral, 'ceil')
  return price > MAX_UINT256 ? undefined : price
}

// ---- actions ---------------------------------------------------------------------------------

/**
 * `caller` locks `amount` collateral: the vault pulls it (spending the caller->vault collateral
 * allowance) and credits the caller's position. Event: Deposit(owner, amount).
 * Must-revert: 'insufficient-allowance', then 'insufficient-balance' (collateral ledger),
 * 'overflow' (position collateral past 2^256-1: unreachable, bounded by the token supply).
 * Implementation-defined: amount == 0 -> 'zero-amount'.
 */
export function deposit(s: CdpState, caller: Address, amount: bigint): Outcome<CdpState> {
  assertUint256(amount, 'amount')
  caller = toAddress(caller)
  const pulled = E.safeTransferFrom(s.collateral, s.vault, caller, s.vault, amount)
  if (!pulled.ok) return pulled
  // What arrived: `amount`, but the whole balance for a token reading max as "everything".
  const received = pulled.returns
  const p = positionOf(s, caller)
  const collateral = p.collateral + received
  if (collateral > MAX_UINT256) return revert('overflow', 'position collateral exceeds 2^256-1')
  const state: CdpState = { ...s, collateral: pulled.state, positions: withPosition(s, caller, { ...p, collateral }) }
  return success(state, undefined, [event('Deposit', { owner: caller, amount: received })], amount === 0n ? 'zero-amount' : undefined)
}

/**
 * `caller` takes `amount` collateral back out of its position. Event: Withdraw(owner, amount).
 * Must-revert, in order: 'insufficient-collateral' (amount > position collateral), 'unhealthy'
 * (the remaining position is unhealthy), 'insufficient-backing' (the vault's collateral balance
 * is short: unreachable from a consistent state).
 * Implementation-defined, in precedence order: amount == 0 -> 'zero-amount'; the remaining position
 * is borderline -> 'rounding'; health-check product past 2^256-1 -> 'overflow'.
 */
export function withdraw(s: CdpState, caller: Address, amount: bigint): Outcome<CdpState> {
  assertUint256(amount, 'amount')
  caller = toAddress(caller)
  const p = positionOf(s, caller)
  if (amount > p.collateral) return revert('insufficient-collateral', `position collateral ${p.collateral} < ${amount}`)
  const next: Position = { ...p, collateral: p.collateral - amount }
  if (!isHealthy(next, s.price, s.minCollateralRatio)) return unhealthy(next, s)
  const sent = E.safeTransfer(s.collateral, s.vault, caller, amount)
  if (!sent.ok) return revert('insufficient-backing', `vault holds ${E.balanceOf(s.collateral, s.vault)} collateral < ${amount}`)
  const state: CdpState = { ...s, collateral: sent.state, positions: withPosition(s, caller, next) }
  const mayRevert = firstCode(amount === 0n && 'zero-amount', isBorderline(next, s.price, s.minCollateralRatio, s.roundingMargin) && 'rounding', healthCheckOverflows(next, s.price, s.minCollateralRatio) && 'overflow')
  return success(state, undefined, [event('Withdraw', { owner: caller, amount })], mayRevert)
}

function unhealthy(pos: Position, s: CdpState): Revert {
  return revert('unhealthy', `collateral ${pos.collateral} * price ${s.price} < debt ${pos.debt} * ratio ${s.minCollateralRatio}`)
}

/**
 * `caller` borrows `amount`: its position debt grows and `amount` debt tokens are minted to it.
 * Event: Borrow(owner, amount).
 * Must-revert, in order: 'overflow' (position debt past 2^256-1), 'unhealthy' (the resulting
 * position is unhealthy), 'overflow' (debt token supply).
 * Implementation-defined, in precedence order: amount == 0 -> 'zero-amount'; the resulting position
 * is borderline -> 'rounding'; health-check product past 2^256-1 -> 'overflow'.
 */
export function borrow(s: CdpState, caller: Address, amount: bigint): Outcome<CdpState> {
  assertUint256(amount, 'amount')
  caller = toAddress(caller)
  const p = positionOf(s, caller)
  const debt = p.debt + amount
  if (debt > MAX_UINT256) return revert('overflow', 'position debt exceeds 2^256-1')
  const next: Position = { ...p, debt }
  if (!isHealthy(next, s.price, s.minCollateralRatio)) return unhealthy(next, s)
  const minted = E.mint(s.debt, caller, amount)
  if (!minted.ok) return minted
  const state: CdpState = { ...s, debt: minted.state, positions: withPosition(s, caller, next) }
  const mayRevert = firstCode(amount === 0n && 'zero-amount', isBorderline(next, s.price, s.minCollateralRatio, s.roundingMargin) && 'rounding', healthCheckOverflows(next, s.price, s.minCollateralRatio) && 'overflow')
  return success(state, undefined, [event('Borrow', { owner: caller, amount })], mayRevert)
}

/**
 * `caller` repays `amount` of its own debt by burning `amount` of its debt tokens (no allowance
 * involved). Event: Repay(owner, amount).
 * Must-revert, in order: 'exceeds-debt' (amount > position debt), 'insufficient-balance' (caller's
 * debt-token balance).
 * Implementation-defined: amount == 0 -> 'zero-amount'.
 */
export function repay(s: CdpState, caller: Address, amount: bigint): Outcome<CdpState> {
  assertUint256(amount, 'amount')
  caller = toAddress(caller)
  const p = positionOf(s, caller)
  if (amount > p.debt) return revert('exceeds-debt', `position debt ${p.debt} < ${amount}`)
  const burned = E.burn(s.debt, caller, amount)
  if (!burned.ok) return burned
  const state: CdpState = { ...s, debt: burned.state, positions: withPosition(s, caller, { ...p, debt: p.debt - amount }) }
  return success(state, undefined, [event('Repay', { owner: caller, amount })], amount === 0n ? 'zero-amount' : undefined)
}

/**
 * `caller` liquidates `owner`'s unhealthy position: burns the owner's WHOLE debt from the
 * caller's debt-token balance and receives
 *   seized = min(collateral, mulDiv(debt, WAD + bonus, price, 'floor'))   (everything if price == 0)
 * collateral. The owner's position becomes { collateral - seized, 0 }. Returns seized.
 * If the collateral is worth less than the debt (collateral * price < debt * WAD) the liquidation
 * is under water: badDebt += debt - mulDiv(collateral, price, WAD, 'floor') and
 * underwaterLiquidations += 1.
 * Event: Liquidate(liquidator, owner, debt, seized).
 * `seized`, when given, is the amount the vault computed instead: a vault that takes the bonus on
 * the collateral value (debt / price, then * (1 + bonus)) rounds twice and may pay up to
 * SEIZE_ROUNDING less, in the protocol's favour. The caller decides whether a figure is acceptable.
 * Must-revert, in order: 'position-healthy' (owner healthy, including debt 0, and not borderline),
 * 'insufficient-balance' (caller's debt-token balance < debt), 'insufficient-backing'.
 * Implementation-defined, in precedence order: the position is borderline -> 'position-healthy'
 * (the outcome is that of a liquidation); a product of the health check or of debt * (WAD + bonus)
 * past 2^256-1 -> 'overflow'.
 */
export function liquidate(s: CdpState, caller: Address, owner: Address, seizedQuote?: bigint): Outcome<CdpState, bigint> {
  caller = toAddress(caller)
  owner = toAddress(owner)
  const p = positionOf(s, owner)
  const borderline = isBorderline(p, s.price, s.minCollateralRatio, s.roundingMargin)
  if (!isLiquidatable(p, s.price, s.minCollateralRatio, s.roundingMargin)) return revert('position-healthy', `position of ${owner} is healthy`)
  const burned = E.burn(s.debt, caller, p.debt)
  if (!burned.ok) return burned
  const seized = seizedQuote ?? seizedFor(p, s.price, s.liquidationBonus)
  const sent = E.safeTransfer(s.collateral, s.vault, caller, seized)
  if (!sent.ok) return revert('insufficient-backing', `vault holds ${E.balanceOf(s.collateral, s.vault)} collateral < ${seized}`)
  const positions = withPosition(s, owner, { collateral: p.collateral - seized, debt: 0n })
  const underwater = p.collateral * s.price < p.debt * WAD
  const state: CdpState = {
    ...s,
    debt: burned.state,
    collateral: sent.state,
    positions,
    badDebt: underwater ? s.badDebt + p.debt - mulDiv(p.collateral, s.price, WAD, 'floor') : s.badDebt,
    underwaterLiquidations: s.underwaterLiquidations + (underwater ? 1 : 0),
  }
  const mayRevert = firstCode(
    borderline && 'position-healthy',
    (healthCheckOverflows(p, s.price, s.minCollateralRatio) || p.debt * (WAD + s.liquidationBonus) > MAX_UINT256) && 'overflow',
  )
  return success(state, seized, [event('Liquidate', { liquidator: caller, owner, debt: p.debt, seized })], mayRevert)
}

/** What a liquidation of `p` pays: min(collateral, floor(debt * (WAD + bonus) / price)); everything at price 0. */
export function seizedFor(p: Position, price: bigint, bonus: bigint): bigint {
  return price === 0n ? p.collateral : min(p.collateral, mulDiv(p.debt, WAD + bonus, price, 'floor'))
}

/**
 * How much less than seizedFor a correct vault may pay: rounding debt / price and then the bonus
 * separately loses at most 1 wei in each division.
 */
export const SEIZE_ROUNDING = 2n

/** The oracle moves: must-succeed, no events (the oracle is another contract). */
export function setPrice(s: CdpState, price: bigint): Outcome<CdpState> {
  assertUint256(price, 'price')
  return success({ ...s, price }, undefined, [])
}

// ---- token side (calls to the tokens) --------------------------------------------------------

/** `owner` approves the vault to pull `amount` collateral. Must-succeed. */
export function collateralApprove(s: CdpState, owner: Address, amount: bigint): Outcome<CdpState, boolean> {
  return mapState(E.approve(s.collateral, owner, s.vault, amount), (collateral) => ({ ...s, collateral }))
}

/** Test setup: mints `amount` collateral to `to` (see erc20.mint). */
export function mintCollateral(s: CdpState, to: Address, amount: bigint): Outcome<CdpState> {
  return mapState(E.mint(s.collateral, to, amount), (collateral) => ({ ...s, collateral }))
}

/** Debt-token transfer between holders (e.g. handing a liquidator the means to liquidate). */
export function debtTransfer(s: CdpState, from: Address, to: Address, amount: bigint): Outcome<CdpState, boolean> {
  return mapState(E.transfer(s.debt, from, to, amount), (debt) => ({ ...s, debt }))
}
