/**
 * Kind `erc4626`: a tokenized vault per EIP-4626, with OpenZeppelin's virtual-offset conversions.
 *
 * State (immutable, ledgers as in erc20.ts):
 *  - vault:  the vault's address (also the share token's address);
 *  - shares: the share ERC20 ledger;
 *  - asset:  the asset ERC20 ledger, balances of everyone including the vault;
 *  - virtualShares / virtualAssets: the virtual offset added to totalSupply / totalAssets in every
 *    conversion. OpenZeppelin with decimals offset d uses 10^d / 1 (default 1 / 1). With 0 / 0 the
 *    model follows solmate: while totalSupply is 0, conversions are 1:1.
 * totalAssets = the vault's asset balance, so donations, gains and losses all count.
 *
 *   convertToShares(assets, r) = mulDiv(assets, totalSupply + virtualShares, totalAssets + virtualAssets, r)
 *   convertToAssets(shares, r) = mulDiv(shares, totalAssets + virtualAssets, totalSupply + virtualShares, r)
 *
 * Rounding follows the EIP's security considerations: "If (1) it's calculating how many shares to
 * issue to a user for a certain amount of the underlying tokens they provide or (2) it's determining
 * the amount of the underlying tokens to transfer to them for returning a certain amount of shares,
 * it should round down. If (1) it's calculating the amount of shares a user has to supply to receive
 * a given amount of the underlying tokens or (2) it's calculating the amount of underlying tokens a
 * user has to provide to receive a certain amount of shares, it should round up."
 *
 * Overflow: a conversion whose exact result exceeds 2^256-1 makes the action revert 'overflow'
 * (must-revert). A conversion whose intermediate product exceeds 2^256-1 but whose result fits is
 * implementation-defined, mayRevert 'overflow' (OpenZeppelin's 512-bit Math.mulDiv succeeds,
 * solmate's mulDivDown reverts).
 * Division by zero (only possible with virtualAssets = 0 once totalAssets drops to 0 while shares
 * exist) makes actions revert 'division-by-zero' and views throw RangeError (the view reverts).
 *
 * Events are the vault's: Transfer (share mint/burn, share ERC20 ops), Approval, Deposit, Withdraw.
 *
 * Quoted actions: deposit/mint/withdraw/redeem take an optional `quote`, the amount the vault itself
 * computed (the shares of a deposit or withdraw, the assets of a mint or redeem). It replaces the
 * conversion, so a vault whose conversions follow no known formula is still judged exactly on
 * everything the EIP fixes: the exact side of the flow, who pays whom, allowances, events. With a
 * quote there is no conversion to revert, and withdraw's maxWithdraw bound is the caller's to check
 * (it is the vault's own view then).
 * gain/loss/donate/assetApprove/mintAsset call the asset token and list its events.
 */
import { type Address, ZERO_ADDRESS, toAddress } from './address.ts'
import * as E from './erc20.ts'
import { MAX_UINT256, type Rounding, assertUint256, min, mulDiv } from './math.ts'
import { type ModelEvent, type Outcome, type Revert, event, firstCode, mapState, revert, success } from './outcome.ts'

export type Erc4626State = Readonly<{
  vault: Address
  shares: E.Ledger
  asset: E.Ledger
  virtualShares: bigint
  virtualAssets: bigint
}>

/** `asset`: how the asset token departs from a plain ERC-20 (`--token-quirks`). */
export function createErc4626State(params: { vault: Address; virtualShares?: bigint; virtualAssets?: bigint; asset?: E.TokenBehaviour }): Erc4626State {
  const virtualShares = params.virtualShares ?? 1n
  const virtualAssets = params.virtualAssets ?? 1n
  assertUint256(virtualShares, 'virtualShares')
  assertUint256(virtualAssets, 'virtualAssets')
  return { vault: toAddress(params.vault), shares: E.emptyLedger(), asset: E.emptyLedger(params.asset), virtualShares, virtualAssets }
}

// ---- conversions -----------------------------------------------------------------------------

/** "The total amount of the underlying asset that is 'managed' by Vault": the vault's asset balance. */
export function totalAssets(s: Erc4626State): bigint {
  return E.balanceOf(s.asset, s.vault)
}

export function totalSupply(s: Erc4626State): bigint {
  return s.shares.totalSupply
}

type Conversion = { value: bigint; productOverflow: boolean }

function convert(s: Erc4626State, x: bigint, to: 'shares' | 'assets', rounding: Rounding): Conversion | Revert {
  const supply = s.shares.totalSupply + s.virtualShares
  const assets = totalAssets(s) + s.virtualAssets
  if (supply === 0n) return { value: x, productOverflow: false } // solmate: 1:1 while empty
  const [mul, div] = to === 'shares' ? [supply, assets] : [assets, supply]
  if (div === 0n) return revert('division-by-zero', `convert to ${to}: totalAssets + virtualAssets is 0`)
  const value = mulDiv(x, mul, div, rounding)
  if (value > MAX_UINT256) return revert('overflow', `convert to ${to}: ${value} exceeds 2^256-1`)
  return { value, productOverflow: x * mul > MAX_UINT256 }
}

function isRevert(x: Conversion | Revert): x is Revert {
  return 'ok' in x
}

/** The conversion, or the vault's own figure when the action is quoted. */
function quoted(s: Erc4626State, x: bigint, to: 'shares' | 'assets', rounding: Rounding, quote: bigint | undefined): Conversion | Revert {
  if (quote === undefined) return convert(s, x, to, rounding)
  assertUint256(quote, 'quote')
  return { value: quote, productOverflow: false }
}

function viewConvert(s: Erc4626State, x: bigint, to: 'shares' | 'assets', rounding: Rounding): bigint {
  assertUint256(x, to === 'shares' ? 'assets' : 'shares')
  const supply = s.shares.totalSupply + s.virtualShares
  if (supply === 0n) return x
  const assets = totalAssets(s) + s.virtualAssets
  return to === 'shares' ? mulDiv(x, supply, assets, rounding) : mulDiv(x, assets, supply, rounding)
}

/**
 * mulDiv(assets, totalSupply + virtualShares, totalAssets + virtualAssets, rounding), 1:1 when
 * totalSupply + virtualShares is 0. The EIP view convertToShares "MUST round down towards 0": use
 * the default 'floor' for it. Throws RangeError on a zero denominator. The result is not capped.
 */
export function convertToShares(s: Erc4626State, assets: bigint, rounding: Rounding = 'floor'): bigint {
  return viewConvert(s, assets, 'shares', rounding)
}

/**
 * mulDiv(shares, totalAssets + virtualAssets, totalSupply + virtualShares, rounding), 1:1 when
 * totalSupply + virtualShares is 0. The EIP view convertToAssets "MUST round down towards 0".
 */
export function convertToAssets(s: Erc4626State, shares: bigint, rounding: Rounding = 'floor'): bigint {
  return viewConvert(s, shares, 'assets', rounding)
}

/** Floor. EIP: "MUST return as close to and no more than the exact amount of Vault shares that would be minted in a deposit call in the same transaction." */
export function previewDeposit(s: Erc4626State, assets: bigint): bigint {
  return convertToShares(s, assets, 'floor')
}

/** Ceil. EIP: "MUST return as close to and no fewer than the exact amount of assets that would be deposited in a mint call in the same transaction." */
export function previewMint(s: Erc4626State, shares: bigint): bigint {
  return convertToAssets(s, shares, 'ceil')
}

/** Ceil. EIP: "MUST return as close to and no fewer than the exact amount of Vault shares that would be burned in a withdraw call in the same transaction." */
export function previewWithdraw(s: Erc4626State, assets: bigint): bigint {
  return convertToShares(s, assets, 'ceil')
}

/** Floor. EIP: "MUST return as close to and no more than the exact amount of assets that would be withdrawn in a redeem call in the same transaction." */
export function previewRedeem(s: Erc4626State, shares: bigint): bigint {
  return convertToAssets(s, shares, 'floor')
}

/** MAX_UINT256. EIP: "MUST return 2 ** 256 - 1 if there is no limit on the maximum amount of assets that may be deposited." */
export function maxDeposit(_s: Erc4626State, _receiver?: Address): bigint {
  return MAX_UINT256
}

/** MAX_UINT256. EIP: "MUST return 2 ** 256 - 1 if there is no limit on the maximum amount of shares that may be minted." */
export function maxMint(_s: Erc4626State, _receiver?: Address): bigint {
  return MAX_UINT256
}

/**
 * convertToAssets(balanceOf(owner), floor). EIP: "MUST return the maximum amount of assets that
 * could be transferred from owner through withdraw and not cause a revert, which MUST NOT be higher
 * than the actual maximum that would be accepted (it should underestimate if necessary)."
 */
export function maxWithdraw(s: Erc4626State, owner: Address): bigint {
  return convertToAssets(s, E.balanceOf(s.shares, owner), 'floor')
}

/** balanceOf(owner). EIP: "MUST return the maximum amount of shares that could be transferred from owner through redeem and not cause a revert". */
export function maxRedeem(s: Erc4626State, owner: Address): bigint {
  return E.balanceOf(s.shares, owner)
}

// ---- actions ---------------------------------------------------------------------------------

function receiverCodes(s: Erc4626State, receiver: Address): (string | false)[] {
  return [receiver === ZERO_ADDRESS && 'zero-address', receiver === s.vault && 'receiver-is-vault']
}

function depositEvents(caller: Address, receiver: Address, assets: bigint, shares: bigint): ModelEvent[] {
  return [E.transferEvent(ZERO_ADDRESS, receiver, shares), event('Deposit', { sender: caller, owner: receiver, assets, shares })]
}

function withdrawEvents(caller: Address, receiver: Address, owner: Address, assets: bigint, shares: bigint): ModelEvent[] {
  return [E.transferEvent(owner, ZERO_ADDRESS, shares), event('Withdraw', { sender: caller, receiver, owner, assets, shares })]
}

/**
 * Pull `assets` from caller (vault spends caller's asset allowance), mint `shares` to receiver.
 * An asset returning false makes it revert. (A fee-on-transfer asset is not modelled: previews
 * cannot promise what a fee takes.)
 */
function enter(s: Erc4626State, caller: Address, receiver: Address, assets: bigint, shares: bigint): Erc4626State | Revert {
  const pulled = E.safeTransferFrom(s.asset, s.vault, caller, s.vault, assets)
  if (!pulled.ok) return pulled
  const minted = E.mint(s.shares, receiver, shares)
  if (!minted.ok) return minted
  return { ...s, asset: pulled.state, shares: minted.state }
}

/** Spend caller's share allowance from owner (if caller != owner), burn owner's shares, pay receiver. */
function exit(s: Erc4626State, caller: Address, receiver: Address, owner: Address, assets: bigint, shares: bigint): Erc4626State | Revert {
  let ledger = s.shares
  if (caller !== owner) {
    const spent = E.spendAllowance(ledger, owner, caller, shares)
    if (!spent.ok) return spent
    ledger = spent.state
  }
  const burned = E.burn(ledger, owner, shares)
  if (!burned.ok) return burned
  const paid = E.safeTransfer(s.asset, s.vault, receiver, assets)
  if (!paid.ok) return revert('insufficient-backing', `vault holds ${totalAssets(s)} assets < ${assets}`)
  return { ...s, shares: burned.state, asset: paid.state }
}

function isStateRevert(x: Erc4626State | Revert): x is Revert {
  return 'ok' in x
}

/**
 * EIP: "Mints shares Vault shares to receiver by depositing exactly assets of underlying tokens."
 * shares = previewDeposit(assets) (floor), computed before the transfer. Returns shares.
 * Events: Transfer(0, receiver, shares), Deposit(sender = caller, owner = receiver, assets, shares).
 * Must-revert, in order: 'exceeds-max-deposit' (unreachable: maxDeposit is 2^256-1),
 * 'division-by-zero' / 'overflow' (conversion), then on the ASSET ledger with the vault as spender
 * 'insufficient-allowance', 'insufficient-balance' ("MUST revert if all of assets cannot be
 * deposited (due to deposit limit being reached, slippage, the user not approving enough underlying
 * tokens to the Vault contract, etc)."), then 'overflow' (share supply).
 * Implementation-defined, in precedence order: assets == 0 -> 'zero-amount'; shares == 0 ->
 * 'zero-shares' (solmate: require(shares != 0, "ZERO_SHARES"); OpenZeppelin takes the assets and
 * mints nothing); receiver == 0 -> 'zero-address'; receiver == vault -> 'receiver-is-vault';
 * conversion product past 2^256-1 -> 'overflow'.
 */
export function deposit(s: Erc4626State, caller: Address, assets: bigint, receiver: Address, quote?: bigint): Outcome<Erc4626State, bigint> {
  assertUint256(assets, 'assets')
  caller = toAddress(caller)
  receiver = toAddress(receiver)
  if (assets > maxDeposit(s, receiver)) return revert('exceeds-max-deposit')
  const c = quoted(s, assets, 'shares', 'floor', quote)
  if (isRevert(c)) return c
  const shares = c.value
  const next = enter(s, caller, receiver, assets, shares)
  if (isStateRevert(next)) return next
  const mayRevert = firstCode(assets === 0n && 'zero-amount', shares === 0n && 'zero-shares', ...receiverCodes(s, receiver), c.productOverflow && 'overflow')
  return success(next, shares, depositEvents(caller, receiver, assets, shares), mayRevert)
}

/**
 * EIP: "Mints exactly shares Vault shares to receiver by depositing assets of underlying tokens."
 * assets = previewMint(shares) (ceil). Returns assets. Events as deposit.
 * Must-revert: 'exceeds-max-mint' (unreachable), 'division-by-zero' / 'overflow' (conversion),
 * 'insufficient-allowance' / 'insufficient-balance' (asset ledger), 'overflow' (share supply).
 * Implementation-defined, in precedence order: shares == 0 -> 'zero-amount'; assets == 0 ->
 * 'zero-assets' (free shares: only with totalAssets + virtualAssets == 0); receiver == 0 ->
 * 'zero-address'; receiver == vault -> 'receiver-is-vault'; conversion product -> 'overflow'.
 */
export function mint(s: Erc4626State, caller: Address, shares: bigint, receiver: Address, quote?: bigint): Outcome<Erc4626State, bigint> {
  assertUint256(shares, 'shares')
  caller = toAddress(caller)
  receiver = toAddress(receiver)
  if (shares > maxMint(s, receiver)) return revert('exceeds-max-mint')
  const c = quoted(s, shares, 'assets', 'ceil', quote)
  if (isRevert(c)) return c
  const assets = c.value
  const next = enter(s, caller, receiver, assets, shares)
  if (isStateRevert(next)) return next
  const mayRevert = firstCode(shares === 0n && 'zero-amount', assets === 0n && 'zero-assets', ...receiverCodes(s, receiver), c.productOverflow && 'overflow')
  return success(next, assets, depositEvents(caller, receiver, assets, shares), mayRevert)
}

/**
 * EIP: "Burns shares from owner and sends exactly assets of underlying tokens to receiver."
 * shares = previewWithdraw(assets) (ceil). Returns shares.
 * "MUST support a withdraw flow where the shares are burned from owner directly where owner is
 * msg.sender" and one "where msg.sender has EIP-20 approval over the shares of owner": when
 * caller != owner the caller's SHARE allowance from owner is spent (MAX_UINT256 is not).
 * Events: Transfer(owner, 0, shares), Withdraw(sender = caller, receiver, owner, assets, shares).
 * Must-revert, in order: 'exceeds-max-withdraw' (assets > maxWithdraw(owner)), 'division-by-zero'
 * / 'overflow' (conversion), 'insufficient-allowance' (share allowance owner -> caller),
 * 'insufficient-balance', 'insufficient-backing' (vault cannot pay: only with odd virtual offsets).
 * Implementation-defined, in precedence order: assets == 0 -> 'zero-amount'; shares == 0 ->
 * 'zero-shares'; receiver == 0 -> 'zero-address'; receiver == vault -> 'receiver-is-vault'
 * (the assets stay in the vault); a conversion product (maxWithdraw's or this one's) past
 * 2^256-1 -> 'overflow'.
 */
export function withdraw(s: Erc4626State, caller: Address, assets: bigint, receiver: Address, owner: Address, quote?: bigint): Outcome<Erc4626State, bigint> {
  assertUint256(assets, 'assets')
  caller = toAddress(caller)
  receiver = toAddress(receiver)
  owner = toAddress(owner)
  const m = quote === undefined ? convert(s, E.balanceOf(s.shares, owner), 'assets', 'floor') : { value: MAX_UINT256, productOverflow: false }
  if (isRevert(m)) return m
  if (assets > m.value) return revert('exceeds-max-withdraw', `assets ${assets} > maxWithdraw(${owner}) ${m.value}`)
  const c = quoted(s, assets, 'shares', 'ceil', quote)
  if (isRevert(c)) return c
  const shares = c.value
  const next = exit(s, caller, receiver, owner, assets, shares)
  if (isStateRevert(next)) return next
  const mayRevert = firstCode(assets === 0n && 'zero-amount', shares === 0n && 'zero-shares', ...receiverCodes(s, receiver), (m.productOverflow || c.productOverflow) && 'overflow')
  return success(next, shares, withdrawEvents(caller, receiver, owner, assets, shares), mayRevert)
}

/**
 * EIP: "Burns exactly shares from owner and sends assets of underlying tokens to receiver."
 * assets = previewRedeem(shares) (floor). Returns assets. Allowance and events as withdraw.
 * Must-revert, in order: 'exceeds-max-redeem' (shares > balanceOf(owner)), 'overflow' (conversion),
 * 'insufficient-allowance', 'insufficient-backing'.
 * Implementation-defined, in precedence order: shares == 0 -> 'zero-amount'; assets == 0 ->
 * 'zero-assets' (solmate: require(assets != 0, "ZERO_ASSETS"); OpenZeppelin burns for nothing);
 * receiver == 0 -> 'zero-address'; receiver == vault -> 'receiver-is-vault'; conversion product ->
 * 'overflow'.
 */
export function redeem(s: Erc4626State, caller: Address, shares: bigint, receiver: Address, owner: Address, quote?: bigint): Outcome<Erc4626State, bigint> {
  assertUint256(shares, 'shares')
  caller = toAddress(caller)
  receiver = toAddress(receiver)
  owner = toAddress(owner)
  const maxShares = maxRedeem(s, owner)
  if (shares > maxShares) return revert('exceeds-max-redeem', `shares ${shares} > maxRedeem(${owner}) ${maxShares}`)
  const c = quoted(s, shares, 'assets', 'floor', quote)
  if (isRevert(c)) return c
  const assets = c.value
  const next = exit(s, caller, receiver, owner, assets, shares)
  if (isStateRevert(next)) return next
  const mayRevert = firstCode(shares === 0n && 'zero-amount', assets === 0n && 'zero-assets', ...receiverCodes(s, receiver), c.productOverflow && 'overflow')
  return success(next, assets, withdrawEvents(caller, receiver, owner, assets, shares), mayRevert)
}

// ---- asset side: yield, losses, donations, setup (calls to the asset token) -----------------

/** Yield: `amount` asset minted to the vault. Must-revert 'overflow' (asset supply). Events: asset Transfer(0, vault). */
export function gain(s: Erc4626State, amount: bigint): Outcome<Erc4626State> {
  return mapState(E.mint(s.asset, s.vault, amount), (asset) => ({ ...s, asset }))
}

/**
 * Strategy loss: min(amount, totalAssets) asset burned from the vault. Must-succeed; returns the
 * amount actually lost. Events: asset Transfer(vault, 0, lost).
 */
export function loss(s: Erc4626State, amount: bigint): Outcome<Erc4626State, bigint> {
  assertUint256(amount, 'amount')
  const lost = min(amount, totalAssets(s))
  const burned = E.burn(s.asset, s.vault, lost)
  if (!burned.ok) return burned
  return success({ ...s, asset: burned.state }, lost, burned.events)
}

/** `from` transfers `amount` asset straight to the vault (no shares). Must-revert 'insufficient-balance'. */
export function donate(s: Erc4626State, from: Address, amount: bigint): Outcome<Erc4626State, boolean> {
  return mapState(E.transfer(s.asset, from, s.vault, amount), (asset) => ({ ...s, asset }))
}

/** `owner` approves the vault to pull `amount` asset. Must-succeed. */
export function assetApprove(s: Erc4626State, owner: Address, amount: bigint): Outcome<Erc4626State, boolean> {
  return mapState(E.approve(s.asset, owner, s.vault, amount), (asset) => ({ ...s, asset }))
}

/** Test setup: mints `amount` asset to `to` (see erc20.mint). */
export function mintAsset(s: Erc4626State, to: Address, amount: bigint): Outcome<Erc4626State> {
  return mapState(E.mint(s.asset, to, amount), (asset) => ({ ...s, asset }))
}

// ---- share ERC20 -----------------------------------------------------------------------------

/** Share transfer; see erc20.transfer. */
export function transfer(s: Erc4626State, from: Address, to: Address, amount: bigint): Outcome<Erc4626State, boolean> {
  return mapState(E.transfer(s.shares, from, to, amount), (shares) => ({ ...s, shares }))
}

/** Share approve; see erc20.approve. */
export function approve(s: Erc4626State, owner: Address, spender: Address, amount: bigint): Outcome<Erc4626State, boolean> {
  return mapState(E.approve(s.shares, owner, spender, amount), (shares) => ({ ...s, shares }))
}

/** Share transferFrom; see erc20.transferFrom. */
export function transferFrom(s: Erc4626State, spender: Address, from: Address, to: Address, amount: bigint): Outcome<Erc4626State, boolean> {
  return mapState(E.transferFrom(s.shares, spender, from, to, amount), (shares) => ({ ...s, shares }))
}
