/**
 * Kind `reserve`: a 1:1 wrapped token in the shape of OpenZeppelin's ERC20Wrapper.
 *
 * State (immutable, see erc20.ts for the ledger representation):
 *  - vault:      the wrapper's address (it is also the wrapper token's address);
 *  - token:      the wrapper ERC20 ledger;
 *  - underlying: the underlying ERC20 ledger, balances of everyone including the vault.
 * Solvency: backing(s) >= token.totalSupply, i.e. every holder can exit for its whole balance.
 *
 * Events listed are those of the called contract: the wrapper for depositFor/withdrawTo and the
 * wrapper ERC20 functions, the underlying token for the underlying-side operations.
 */
import { type Address, ZERO_ADDRESS, toAddress } from './address.ts'
import * as E from './erc20.ts'
import { assertUint256 } from './math.ts'
import { type Outcome, firstCode, mapState, revert, success } from './outcome.ts'

export type ReserveState = Readonly<{ vault: Address; token: E.Ledger; underlying: E.Ledger }>

/** `underlying`: how the underlying token departs from a plain ERC-20 (`--token-quirks`). */
export function createReserveState(params: { vault: Address; underlying?: E.TokenBehaviour }): ReserveState {
  return { vault: toAddress(params.vault), token: E.emptyLedger(), underlying: E.emptyLedger(params.underlying) }
}

function receiverCodes(s: ReserveState, account: Address, value: bigint): string | undefined {
  return firstCode(value === 0n && 'zero-amount', account === ZERO_ADDRESS && 'zero-address', account === s.vault && 'receiver-is-vault')
}

/**
 * `caller` wraps `value`: the wrapper pulls `value` underlying from `caller` (spending the
 * caller->vault underlying allowance) and mints `value` wrapper tokens to `account`. Under an
 * underlying that takes a fee, it mints what it received; one that returns false reverts.
 * ERC20Wrapper: "Allow a user to deposit underlying tokens and mint the corresponding number of
 * wrapped tokens." Returns true. Events: Transfer(0, account, value) on the wrapper.
 * Must-revert: 'insufficient-allowance' (underlying allowance caller->vault, infinite allowance is
 * not spent), then 'insufficient-balance' (caller's underlying balance), 'overflow' (wrapper supply).
 * Implementation-defined, in precedence order:
 *  - value == 0 -> 'zero-amount' (OpenZeppelin mints nothing and succeeds; others reject);
 *  - account == 0 -> 'zero-address' (OpenZeppelin's _mint reverts ERC20InvalidReceiver);
 *  - account == vault -> 'receiver-is-vault' (OpenZeppelin reverts ERC20InvalidReceiver; the
 *    prediction credits the wrapper's own address).
 */
export function depositFor(s: ReserveState, caller: Address, account: Address, value: bigint): Outcome<ReserveState, boolean> {
  assertUint256(value, 'value')
  caller = toAddress(caller)
  account = toAddress(account)
  const pulled = E.safeTransferFrom(s.underlying, s.vault, caller, s.vault, value)
  if (!pulled.ok) return pulled
  const received = pulled.returns
  const minted = E.mint(s.token, account, received)
  if (!minted.ok) return minted
  return success({ ...s, underlying: pulled.state, token: minted.state }, true, [E.transferEvent(ZERO_ADDRESS, account, received)], receiverCodes(s, account, value))
}

/**
 * `caller` unwraps `value`: burns `value` of its wrapper tokens and the vault sends `value`
 * underlying to `account`. ERC20Wrapper: "Allow a user to burn a number of wrapped tokens and
 * withdraw the corresponding number of underlying tokens." Returns true.
 * Events: Transfer(caller, 0, value) on the wrapper.
 * Must-revert: 'insufficient-balance' (caller's wrapper balance), 'insufficient-backing' (the
 * vault holds less underlying than `value`: unreachable from a solvent state).
 * Implementation-defined, in precedence order: value == 0 -> 'zero-amount'; account == 0 ->
 * 'zero-address' (an OpenZeppelin underlying rejects the transfer); account == vault ->
 * 'receiver-is-vault' (OpenZeppelin reverts ERC20InvalidReceiver; the prediction leaves the
 * underlying with the vault, so backing is unchanged while the supply drops).
 */
export function withdrawTo(s: ReserveState, caller: Address, account: Address, value: bigint): Outcome<ReserveState, boolean> {
  assertUint256(value, 'value')
  caller = toAddress(caller)
  account = toAddress(account)
  const burned = E.burn(s.token, caller, value)
  if (!burned.ok) return burned
  const sent = E.safeTransfer(s.underlying, s.vault, account, value)
  if (!sent.ok) return revert('insufficient-backing', `vault holds ${backing(s)} underlying < ${value}`)
  return success({ ...s, token: burned.state, underlying: sent.state }, true, [E.transferEvent(caller, ZERO_ADDRESS, value)], receiverCodes(s, account, value))
}

// ---- wrapper ERC20 -------------------------------------------------------------------------

/** Wrapper ERC20 transfer; see erc20.transfer. */
export function transfer(s: ReserveState, from: Address, to: Address, amount: bigint): Outcome<ReserveState, boolean> {
  return mapState(E.transfer(s.token, from, to, amount), (token) => ({ ...s, token }))
}

/** Wrapper ERC20 approve; see erc20.approve. */
export function approve(s: ReserveState, owner: Address, spender: Address, amount: bigint): Outcome<ReserveState, boolean> {
  return mapState(E.approve(s.token, owner, spender, amount), (token) => ({ ...s, token }))
}

/** Wrapper ERC20 transferFrom; see erc20.transferFrom. */
export function transferFrom(s: ReserveState, spender: Address, from: Address, to: Address, amount: bigint): Outcome<ReserveState, boolean> {
  return mapState(E.transferFrom(s.token, spender, from, to, amount), (token) => ({ ...s, token }))
}

// ---- underlying side (calls to the underlying token) ---------------------------------------

/** `owner` approves the vault to pull `amount` underlying (underlying.approve(vault, amount)). Must-succeed. */
export function underlyingApprove(s: ReserveState, owner: Address, amount: bigint): Outcome<ReserveState, boolean> {
  return mapState(E.approve(s.underlying, owner, s.vault, amount), (underlying) => ({ ...s, underlying }))
}

/**
 * `from` sends `amount` underlying straight to the vault with no mint (a donation): backing grows,
 * supply does not. Must-revert 'insufficient-balance'. Events: the underlying's Transfer.
 */
export function donate(s: ReserveState, from: Address, amount: bigint): Outcome<ReserveState, boolean> {
  return mapState(E.transfer(s.underlying, from, s.vault, amount), (underlying) => ({ ...s, underlying }))
}

/** Test setup: mints `amount` underlying to `to` (see erc20.mint: 'overflow', 'zero-address'). */
export function mintUnderlying(s: ReserveState, to: Address, amount: bigint): Outcome<ReserveState> {
  return mapState(E.mint(s.underlying, to, amount), (underlying) => ({ ...s, underlying }))
}

// ---- queries -------------------------------------------------------------------------------

/** Underlying held by the vault. */
export function backing(s: ReserveState): bigint {
  return E.balanceOf(s.underlying, s.vault)
}

/** Underlying `holder` receives by unwrapping everything: its wrapper balance (1:1), less a transfer fee. */
export function owedOnExit(s: ReserveState, holder: Address): bigint {
  return E.netOf(s.underlying, E.balanceOf(s.token, holder))
}

export function totalSupply(s: ReserveState): bigint {
  return s.token.totalSupply
}
