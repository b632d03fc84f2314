/**
 * ERC20 ledger: the balances, allowances and total supply of one token, as immutable data.
 *
 * Representation: plain objects, `Readonly<Record<Address, bigint>>` (and a record of records for
 * allowances). Every operation returns a NEW ledger: the records it touches are copied with spread,
 * the others are shared with the old ledger (which is never mutated, so the harness can keep old
 * states for reporting). Entries equal to 0n are deleted, so a ledger has one canonical form and
 * two ledgers with the same balances are deep-equal. Read through {@link balanceOf}/{@link allowance},
 * which answer 0n for absent keys.
 *
 * Semantics (EIP-20 plus the common OpenZeppelin/WETH9 behaviour):
 *  - a transfer of more than the balance reverts 'insufficient-balance';
 *  - a transferFrom of more than the allowance reverts 'insufficient-allowance'; the allowance is
 *    checked before the balance (OpenZeppelin order), so when both fall short the reason is
 *    'insufficient-allowance';
 *  - an allowance of MAX_UINT256 is infinite: transferFrom never decreases it;
 *  - transfers of 0 "MUST be treated as normal transfers and fire the Transfer event" (EIP-20);
 *  - sending to the zero address succeeds with `mayRevert: 'zero-address'` (WETH9 allows it and the
 *    tokens then sit at the zero address; OpenZeppelin reverts).
 * Events: Transfer(from, to, value) for every move, mint (from = 0) and burn (to = 0);
 * Approval(owner, spender, value) on approve only (transferFrom emits no Approval, as in
 * OpenZeppelin 5, WETH9 and solmate).
 */
import { type Address, ZERO_ADDRESS, toAddress } from './address.ts'
import { MAX_UINT256, assertUint256 } from './math.ts'
import { type ModelEvent, type Outcome, event, firstCode, revert, success } from './outcome.ts'

export type Balances = Readonly<Record<Address, bigint>>
export type Allowances = Readonly<Record<Address, Balances>>
export type Ledger = Readonly<{ balances: Balances; allowances: Allowances; totalSupply: bigint; behaviour?: TokenBehaviour }>

/**
 * How a token departs from the plain ERC-20 above (contracts/mocks/QuirkTokens.sol has one token
 * per behaviour). Absent: plain.
 *  - feePpm: every transfer burns floor(amount * feePpm / 1e6); the recipient gets the rest;
 *  - returnsFalse: a transfer or transferFrom short of balance or allowance returns false and
 *    moves nothing, instead of reverting;
 *  - revertOnZero: transfers of 0 revert 'zero-amount';
 *  - transferMax: an amount of MAX_UINT256 means the sender's whole balance.
 */
export type TokenBehaviour = Readonly<{ feePpm?: bigint; returnsFalse?: boolean; revertOnZero?: boolean; transferMax?: boolean }>

export function emptyLedger(behaviour?: TokenBehaviour): Ledger {
  return behaviour ? { balances: {}, allowances: {}, totalSupply: 0n, behaviour } : { balances: {}, allowances: {}, totalSupply: 0n }
}

/** What the recipient of a transfer of `amount` gets: less the fee of a fee-on-transfer token. */
export function netOf(l: Ledger, amount: bigint): bigint {
  const ppm = l.behaviour?.feePpm ?? 0n
  return amount - (amount * ppm) / 1_000_000n
}

/** Reads a key of a balance-like record; absent keys are 0n. */
export function getAmount(r: Balances, who: Address): bigint {
  return Object.hasOwn(r, who) ? (r[who] as bigint) : 0n
}

/** A copy of `r` with `who` set to `value` (deleted when 0n). `r` itself is untouched. */
export function setAmount(r: Balances, who: Address, value: bigint): Balances {
  const next: Record<Address, bigint> = { ...r }
  if (value === 0n) delete next[who]
  else next[who] = value
  return next
}

export function balanceOf(l: Ledger, who: Address): bigint {
  return getAmount(l.balances, toAddress(who))
}

export function allowance(l: Ledger, owner: Address, spender: Address): bigint {
  const o = toAddress(owner)
  if (!Object.hasOwn(l.allowances, o)) return 0n
  return getAmount(l.allowances[o] as Balances, toAddress(spender))
}

/** The sum of all balances (equals totalSupply in every ledger these functions produce). */
export function sumOfBalances(l: Ledger): bigint {
  let total = 0n
  for (const v of Object.values(l.balances)) total += v
  return total
}

export function transferEvent(from: Address, to: Address, value: bigint): ModelEvent {
  return event('Transfer', { from, to, value })
}

export function approvalEvent(owner: Address, spender: Address, value: bigint): ModelEvent {
  return event('Approval', { owner, spender, value })
}

function withAllowance(l: Ledger, owner: Address, spender: Address, value: bigint): Ledger {
  const row = Object.hasOwn(l.allowances, owner) ? (l.allowances[owner] as Balances) : {}
  const nextRow = setAmount(row, spender, value)
  const allowances: Record<Address, Balances> = { ...l.allowances }
  if (Object.keys(nextRow).length === 0) delete allowances[owner]
  else allowances[owner] = nextRow
  return { ...l, allowances }
}

/** Moves `amount` from `from` to `to` (self-transfers leave balances unchanged), less the fee. No checks. */
function move(l: Ledger, from: Address, to: Address, amount: bigint): Ledger {
  const net = netOf(l, amount)
  const afterDebit = setAmount(l.balances, from, getAmount(l.balances, from) - amount)
  const balances = setAmount(afterDebit, to, getAmount(afterDebit, to) + net)
  return { ...l, balances, totalSupply: l.totalSupply - (amount - net) }
}

/** The Transfer events of a move: the fee, when there is one, as a burn. */
function moveEvents(l: Ledger, from: Address, to: Address, amount: bigint): ModelEvent[] {
  const net = netOf(l, amount)
  return net === amount ? [transferEvent(from, to, amount)] : [transferEvent(from, to, net), transferEvent(from, ZERO_ADDRESS, amount - net)]
}

/** The amount a behaviour makes of the one asked for: transferMax reads MAX_UINT256 as the whole balance. */
function quirkedAmount(l: Ledger, from: Address, amount: bigint): bigint {
  return l.behaviour?.transferMax && amount === MAX_UINT256 ? getAmount(l.balances, from) : amount
}
/**
 * `from` sends `amount` to `to`. Returns true (the ERC20 bool).
 * Must-revert: 'insufficient-balance' when balanceOf(from) < amount.
 * Implementation-defined: to == 0 -> 'zero-address' (WETH9 moves the tokens to the zero address;
 * OpenZeppelin reverts ERC20InvalidReceiver).
 * Events: Transfer(from, to, amount), also for amount 0.
 */
export function transfer(l: Ledger, from: Address, to: Address, amount: bigint): Outcome<Ledger, boolean> {
  assertUint256(amount, 'amount')
  from = toAddress(from)
  to = toAddress(to)
  amount = quirkedAmount(l, from, amount)
  if (amount === 0n && l.behaviour?.revertOnZero) return revert('zero-amount', 'the token reverts on transfers of 0')
  const bal = getAmount(l.balances, from)
  if (bal < amount) return l.behaviour?.returnsFalse ? success(l, false) : revert('insufficient-balance', `balance of ${from} is ${bal} < ${amount}`)
  return success(move(l, from, to, amount), true, moveEvents(l, from, to, amount), to === ZERO_ADDRESS ? 'zero-address' : undefined)
}

/**
 * `owner` sets `spender`'s allowance to `amount` (overwrites; no increase/decrease semantics).
 * Returns true. Event: Approval(owner, spender, amount).
 * Implementation-defined: spender == 0 -> 'zero-address' (OpenZeppelin reverts ERC20InvalidSpender,
 * WETH9 records it).
 */
export function approve(l: Ledger, owner: Address, spender: Address, amount: bigint): Outcome<Ledger, boolean> {
  assertUint256(amount, 'amount')
  owner = toAddress(owner)
  spender = toAddress(spender)
  return success(withAllowance(l, owner, spender, amount), true, [approvalEvent(owner, spender, amount)], spender === ZERO_ADDRESS ? 'zero-address' : undefined)
}

/**
 * OpenZeppelin's `_spendAllowance`: decreases allowance(owner, spender) by `amount` unless it is
 * MAX_UINT256 (infinite, never spent). Must-revert 'insufficient-allowance' when it is smaller than
 * `amount`. No events (OpenZeppelin 5 emits no Approval here).
 */
export function spendAllowance(l: Ledger, owner: Address, spender: Address, amount: bigint): Outcome<Ledger> {
  assertUint256(amount, 'amount')
  owner = toAddress(owner)
  spender = toAddress(spender)
  const current = allowance(l, owner, spender)
  if (current === MAX_UINT256) return success(l, undefined)
  if (current < amount) return revert('insufficient-allowance', `allowance of ${spender} from ${owner} is ${current} < ${amount}`)
  return success(withAllowance(l, owner, spender, current - amount), undefined)
}

/**
 * `spender` moves `amount` of `from`'s tokens to `to`, spending allowance(from, spender).
 * Returns true. Events: Transfer(from, to, amount) only.
 * Must-revert, checked in this order: 'insufficient-allowance', then 'insufficient-balance'.
 * An allowance of MAX_UINT256 is never decreased.
 * Implementation-defined, in precedence order:
 *  - spender == from with too small an allowance -> 'insufficient-allowance': WETH9 lets an owner
 *    transferFrom itself without allowance, OpenZeppelin always spends. The prediction is the WETH9
 *    success (allowance untouched). With enough allowance the model follows OpenZeppelin and spends
 *    it (WETH9 would leave it): harnesses should not compare allowance(x, x).
 *  - to == 0 -> 'zero-address' (as for transfer).
 */
export function transferFrom(l: Ledger, spender: Address, from: Address, to: Address, amount: bigint): Outcome<Ledger, boolean> {
  assertUint256(amount, 'amount')
  spender = toAddress(spender)
  from = toAddress(from)
  to = toAddress(to)
  amount = quirkedAmount(l, from, amount)
  const short = l.behaviour?.returnsFalse
  if (short) {
    const allowed = allowance(l, from, spender)
    if ((allowed !== MAX_UINT256 && allowed < amount) || getAmount(l.balances, from) < amount) return success(l, false)
  }
  let selfWithoutAllowance = false
  let ledger = l
  const spent = spendAllowance(l, from, spender, amount)
  if (spent.ok) ledger = spent.state
  else if (spender === from) selfWithoutAllowance = true
  else return spent
  if (amount === 0n && l.behaviour?.revertOnZero) return revert('zero-amount', 'the token reverts on transfers of 0')
  const bal = getAmount(ledger.balances, from)
  if (bal < amount) return revert('insufficient-balance', `balance of ${from} is ${bal} < ${amount}`)
  const mayRevert = firstCode(selfWithoutAllowance && 'insufficient-allowance', to === ZERO_ADDRESS && 'zero-address')
  return success(move(ledger, from, to, amount), true, moveEvents(l, from, to, amount), mayRevert)
}

/**
 * A transfer as a careful vault makes it (OpenZeppelin's SafeERC20 or solmate's
 * SafeTransferLib, then crediting what arrived): a false return reverts 'transfer-returned-false',
 * and the value is what `to` received, which a fee-on-transfer token makes less than `amount`.
 * A token that reverts on zero makes a transfer of 0 implementation-defined ('zero-amount'): the
 * vault may skip it.
 */
export function safeTransfer(l: Ledger, from: Address, to: Address, amount: bigint): Outcome<Ledger, bigint> {
  return received(transfer(l, from, to, amount), l, to)
}

/** transferFrom as {@link safeTransfer} makes a transfer. */
export function safeTransferFrom(l: Ledger, spender: Address, from: Address, to: Address, amount: bigint): Outcome<Ledger, bigint> {
  return received(transferFrom(l, spender, from, to, amount), l, to)
}

function received(o: Outcome<Ledger, boolean>, before: Ledger, to: Address): Outcome<Ledger, bigint> {
  if (!o.ok) return o.reason === 'zero-amount' ? success(before, 0n, [], 'zero-amount') : o
  if (o.returns === false) return revert('transfer-returned-false', 'the token returned false')
  return { ...o, returns: balanceOf(o.state, to) - balanceOf(before, to) }
}

/**
 * Creates `amount` tokens for `to`. Event: Transfer(0, to, amount).
 * Must-revert 'overflow' when totalSupply + amount > MAX_UINT256 (checked arithmetic).
 * Implementation-defined: to == 0 -> 'zero-address' (OpenZeppelin reverts).
 */
export function mint(l: Ledger, to: Address, amount: bigint): Outcome<Ledger> {
  assertUint256(amount, 'amount')
  to = toAddress(to)
  const supply = l.totalSupply + amount
  if (supply > MAX_UINT256) return revert('overflow', `totalSupply ${l.totalSupply} + ${amount} exceeds 2^256-1`)
  const state: Ledger = { ...l, balances: setAmount(l.balances, to, getAmount(l.balances, to) + amount), totalSupply: supply }
  return success(state, undefined, [transferEvent(ZERO_ADDRESS, to, amount)], to === ZERO_ADDRESS ? 'zero-address' : undefined)
}

/**
 * Destroys `amount` of `from`'s tokens. Event: Transfer(from, 0, amount).
 * Must-revert 'insufficient-balance' when balanceOf(from) < amount.
 */
export function burn(l: Ledger, from: Address, amount: bigint): Outcome<Ledger> {
  assertUint256(amount, 'amount')
  from = toAddress(from)
  const bal = getAmount(l.balances, from)
  if (bal < amount) return revert('insufficient-balance', `balance of ${from} is ${bal} < ${amount}`)
  const state: Ledger = { ...l, balances: setAmount(l.balances, from, bal - amount), totalSupply: l.totalSupply - amount }
  return success(state, undefined, [transferEvent(from, ZERO_ADDRESS, amount)])
}
