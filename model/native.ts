/**
 * Kind `native`: the native coin wrapped 1:1, in the shape of WETH9.
 *
 * State (immutable):
 *  - vault:  the wrapper's address (also the token's address);
 *  - token:  the wrapper ERC20 ledger (see erc20.ts); token.totalSupply counts MINTED tokens only.
 *            Note that WETH9's own totalSupply() returns address(this).balance, i.e. {@link backing},
 *            which also counts force-fed coin;
 *  - native: native coin balances, `Readonly<Record<Address, bigint>>`, absent = 0, zero entries
 *            deleted. Gas price is 0, so calls cost nothing.
 * Solvency: backing(s) >= token.totalSupply.
 *
 * Events are the interface-defined ones of WETH9: Deposit(dst, wad), Withdrawal(src, wad), and the
 * ERC20 Transfer/Approval for transfer/transferFrom/approve. Deposit and withdraw list NO Transfer
 * (WETH9 emits none; an implementation that also emits Transfer(0, dst)/Transfer(src, 0) is not
 * wrong, so harnesses should match these two by the listed events only).
 */
import { type Address, toAddress } from './address.ts'
import * as E from './erc20.ts'
import { MAX_UINT256, assertUint256 } from './math.ts'
import { type Outcome, event, mapState, revert, success } from './outcome.ts'

export type NativeBalances = Readonly<Record<Address, bigint>>
export type NativeState = Readonly<{ vault: Address; token: E.Ledger; native: NativeBalances }>

export function createNativeState(params: { vault: Address }): NativeState {
  return { vault: toAddress(params.vault), token: E.emptyLedger(), native: {} }
}

export function nativeBalanceOf(s: NativeState, who: Address): bigint {
  return E.getAmount(s.native, toAddress(who))
}

/** Moves native coin; the caller has checked the sender's balance. */
function moveNative(native: NativeBalances, from: Address, to: Address, amount: bigint): NativeBalances {
  const afterDebit = E.setAmount(native, from, E.getAmount(native, from) - amount)
  return E.setAmount(afterDebit, to, E.getAmount(afterDebit, to) + amount)
}

/**
 * `caller` sends `value` native coin with deposit() and is credited `value` tokens.
 * WETH9: `balanceOf[msg.sender] += msg.value; Deposit(msg.sender, msg.value);`. Returns nothing.
 * Events: Deposit(dst = caller, wad = value).
 * Must-revert: 'insufficient-balance' (caller's native balance < value: the call cannot be paid),
 * 'overflow' (token supply or the vault's native balance past 2^256-1).
 * Implementation-defined: value == 0 -> 'zero-amount' (WETH9 accepts it).
 */
export function deposit(s: NativeState, caller: Address, value: bigint): Outcome<NativeState> {
  assertUint256(value, 'value')
  caller = toAddress(caller)
  const have = E.getAmount(s.native, caller)
  if (have < value) return revert('insufficient-balance', `native balance of ${caller} is ${have} < ${value}`)
  if (E.getAmount(s.native, s.vault) + value > MAX_UINT256) return revert('overflow', 'vault native balance exceeds 2^256-1')
  const minted = E.mint(s.token, caller, value)
  if (!minted.ok) return minted
  const state: NativeState = { ...s, token: minted.state, native: moveNative(s.native, caller, s.vault, value) }
  return success(state, undefined, [event('Deposit', { dst: caller, wad: value })], value === 0n ? 'zero-amount' : undefined)
}

/**
 * `caller` burns `wad` tokens and receives `wad` native coin.
 * WETH9: `require(balanceOf[msg.sender] >= wad); balanceOf[msg.sender] -= wad;
 * msg.sender.transfer(wad); Withdrawal(msg.sender, wad);`. Returns nothing.
 * Events: Withdrawal(src = caller, wad).
 * Must-revert: 'insufficient-balance' (caller's token balance), 'insufficient-backing' (the vault
 * holds less coin than `wad`: unreachable from a solvent state).
 * Implementation-defined: wad == 0 -> 'zero-amount' (WETH9 accepts it).
 */
export function withdraw(s: NativeState, caller: Address, wad: bigint): Outcome<NativeState> {
  assertUint256(wad, 'wad')
  caller = toAddress(caller)
  const burned = E.burn(s.token, caller, wad)
  if (!burned.ok) return burned
  const held = backing(s)
  if (held < wad) return revert('insufficient-backing', `vault holds ${held} native < ${wad}`)
  const state: NativeState = { ...s, token: burned.state, native: moveNative(s.native, s.vault, caller, wad) }
  return success(state, undefined, [event('Withdrawal', { src: caller, wad })], wad === 0n ? 'zero-amount' : undefined)
}

/**
 * `amount` native coin force-fed to the vault (selfdestruct / coinbase): no call, no mint, no
 * events; backing grows, supply does not. Must-revert 'overflow' past 2^256-1.
 */
export function donate(s: NativeState, amount: bigint): Outcome<NativeState> {
  assertUint256(amount, 'amount')
  const next = E.getAmount(s.native, s.vault) + amount
  if (next > MAX_UINT256) return revert('overflow', 'vault native balance exceeds 2^256-1')
  return success({ ...s, native: E.setAmount(s.native, s.vault, next) }, undefined, [])
}

/** Test setup: gives `to` `amount` native coin out of nowhere. Must-revert 'overflow'. No events. */
export function mintNative(s: NativeState, to: Address, amount: bigint): Outcome<NativeState> {
  assertUint256(amount, 'amount')
  to = toAddress(to)
  const next = E.getAmount(s.native, to) + amount
  if (next > MAX_UINT256) return revert('overflow', `native balance of ${to} exceeds 2^256-1`)
  return success({ ...s, native: E.setAmount(s.native, to, next) }, undefined, [])
}

// ---- wrapper ERC20 -------------------------------------------------------------------------

/** Token transfer; see erc20.transfer (to == 0 -> mayRevert 'zero-address'). */
export function transfer(s: NativeState, from: Address, to: Address, amount: bigint): Outcome<NativeState, boolean> {
  return mapState(E.transfer(s.token, from, to, amount), (token) => ({ ...s, token }))
}

/** Token approve; see erc20.approve. */
export function approve(s: NativeState, owner: Address, spender: Address, amount: bigint): Outcome<NativeState, boolean> {
  return mapState(E.approve(s.token, owner, spender, amount), (token) => ({ ...s, token }))
}

/** Token transferFrom; see erc20.transferFrom (WETH9's self-transferFrom needs no allowance). */
export function transferFrom(s: NativeState, spender: Address, from: Address, to: Address, amount: bigint): Outcome<NativeState, boolean> {
  return mapState(E.transferFrom(s.token, spender, from, to, amount), (token) => ({ ...s, token }))
}

// ---- queries -------------------------------------------------------------------------------

/** Native coin held by the vault (what WETH9's totalSupply() reports). */
export function backing(s: NativeState): bigint {
  return E.getAmount(s.native, s.vault)
}

/** Native coin `holder` receives by withdrawing everything: its token balance (1:1). */
export function owedOnExit(s: NativeState, holder: Address): bigint {
  return E.balanceOf(s.token, holder)
}

export function totalSupply(s: NativeState): bigint {
  return s.token.totalSupply
}
