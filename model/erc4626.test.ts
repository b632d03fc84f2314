import { describe, expect, it } from 'vitest'
import * as E from './erc20.ts'
import * as V from './erc4626.ts'
import { MAX_UINT256, WAD } from './math.ts'
import { A, B, C, VAULT, ZERO, expectMayRevert, expectOk, expectRevert } from './testing.ts'

type Opts = { virtualShares?: bigint; virtualAssets?: bigint }

/** A, B and C each hold `each` asset and have approved the vault without limit. */
function setup(each = 10n ** 30n, opts: Opts = {}): V.Erc4626State {
  let s = V.createErc4626State({ vault: VAULT, ...opts })
  for (const who of [A, B, C]) {
    s = expectOk(V.mintAsset(s, who, each)).state
    s = expectOk(V.assetApprove(s, who, MAX_UINT256)).state
  }
  return s
}

/** A deposits 1000 into an empty OpenZeppelin-style vault, then the vault gains 500: TA 1500, TS 1000. */
function grown(): V.Erc4626State {
  const s = expectOk(V.deposit(setup(), A, 1000n, A)).state
  return expectOk(V.gain(s, 500n)).state
}

describe('erc4626 model', () => {
  it('mints 1:1 on the first deposit into an empty vault with the virtual offset', () => {
    // shares = floor(1000 * (0 + 1) / (0 + 1)) = 1000
    const o = expectOk(V.deposit(setup(), A, 1000n, A))
    expect(o.returns).toBe(1000n)
    expect(E.balanceOf(o.state.shares, A)).toBe(1000n)
    expect(V.totalAssets(o.state)).toBe(1000n)
    expect(o.events).toEqual([
      { name: 'Transfer', args: { from: ZERO, to: A, value: 1000n } },
      { name: 'Deposit', args: { sender: A, owner: A, assets: 1000n, shares: 1000n } },
    ])
  })

  it('rounds the four previews as the EIP requires after a gain (TA 1500, TS 1000)', () => {
    const s = grown()
    // previewDeposit(100) = floor(100 * 1001 / 1501) = floor(100100 / 1501) = 66   (1501*66 = 99066)
    expect(V.previewDeposit(s, 100n)).toBe(66n)
    // previewWithdraw(100) = ceil(100100 / 1501) = 67
    expect(V.previewWithdraw(s, 100n)).toBe(67n)
    // previewMint(100) = ceil(100 * 1501 / 1001) = ceil(150100 / 1001) = 150   (1001*149 = 149149)
    expect(V.previewMint(s, 100n)).toBe(150n)
    // previewRedeem(100) = floor(150100 / 1001) = 149
    expect(V.previewRedeem(s, 100n)).toBe(149n)
    expect(V.convertToShares(s, 100n)).toBe(66n)
    expect(V.convertToAssets(s, 100n)).toBe(149n)
  })

  it('gives floor and ceil the same value on an exact conversion', () => {
    // TA 1000, TS 1000: 1000 * 1001 / 1001 = 1000 exactly
    const s = expectOk(V.deposit(setup(), A, 1000n, A)).state
    expect(V.previewDeposit(s, 1000n)).toBe(1000n)
    expect(V.previewWithdraw(s, 1000n)).toBe(1000n)
    expect(V.previewMint(s, 7n)).toBe(7n)
  })

  it('deposits and mints at the previewed amounts', () => {
    const d = expectOk(V.deposit(grown(), B, 100n, B))
    expect(d.returns).toBe(66n)
    expect(E.balanceOf(d.state.shares, B)).toBe(66n)
    expect(E.balanceOf(d.state.asset, B)).toBe(10n ** 30n - 100n)
    const m = expectOk(V.mint(grown(), B, 100n, C))
    expect(m.returns).toBe(150n)
    expect(E.balanceOf(m.state.shares, C)).toBe(100n)
    expect(V.totalAssets(m.state)).toBe(1650n) // 1500 + 150
    expect(m.events[1]).toEqual({ name: 'Deposit', args: { sender: B, owner: C, assets: 150n, shares: 100n } })
  })

  it('caps withdraw at maxWithdraw and lets the last holder exit', () => {
    const s = grown()
    // maxWithdraw(A) = floor(1000 * 1501 / 1001) = floor(1501000 / 1001) = 1499   (1001*1499 = 1500499)
    expect(V.maxWithdraw(s, A)).toBe(1499n)
    expectRevert(V.withdraw(s, A, 1500n, A, A), 'exceeds-max-withdraw')
    // shares = ceil(1499 * 1001 / 1501) = ceil(1500499 / 1501) = 1000   (1501*999 = 1499499)
    const o = expectOk(V.withdraw(s, A, 1499n, A, A))
    expect(o.returns).toBe(1000n)
    expect(V.totalSupply(o.state)).toBe(0n)
    expect(V.totalAssets(o.state)).toBe(1n) // 1500 - 1499: the rounding dust stays
    expect(o.events).toEqual([
      { name: 'Transfer', args: { from: A, to: ZERO, value: 1000n } },
      { name: 'Withdraw', args: { sender: A, receiver: A, owner: A, assets: 1499n, shares: 1000n } },
    ])
  })

  it('redeems every share of the last holder for floor(1000 * 1501 / 1001) = 1499', () => {
    const s = grown()
    expect(V.maxRedeem(s, A)).toBe(1000n)
    expectRevert(V.redeem(s, A, 1001n, A, A), 'exceeds-max-redeem')
    const o = expectOk(V.redeem(s, A, 1000n, B, A))
    expect(o.returns).toBe(1499n)
    expect(E.balanceOf(o.state.asset, B)).toBe(10n ** 30n + 1499n)
    expect(V.totalSupply(o.state)).toBe(0n)
  })

  it('reverts a deposit on the asset ledger: allowance first, then balance', () => {
    let s = V.createErc4626State({ vault: VAULT })
    s = expectOk(V.mintAsset(s, A, 100n)).state
    expectRevert(V.deposit(s, A, 1n, A), 'insufficient-allowance')
    s = expectOk(V.assetApprove(s, A, 1000n)).state
    expectRevert(V.deposit(s, A, 101n, A), 'insufficient-balance')
    const o = expectOk(V.deposit(s, A, 100n, A))
    expect(E.allowance(o.state.asset, A, VAULT)).toBe(900n) // finite allowance spent
  })

  it('spends the share allowance when withdrawing for another owner, except an infinite one', () => {
    let s = grown()
    expectRevert(V.redeem(s, B, 10n, B, A), 'insufficient-allowance')
    s = expectOk(V.approve(s, A, B, 10n)).state
    expectRevert(V.redeem(s, B, 11n, B, A), 'insufficient-allowance')
    const o = expectOk(V.redeem(s, B, 10n, B, A))
    expect(E.allowance(o.state.shares, A, B)).toBe(0n)
    // withdraw 10 assets burns ceil(10 * 1001 / 1501) = ceil(10010 / 1501) = 7 shares  (1501*6 = 9006)
    const inf = expectOk(V.approve(grown(), A, B, MAX_UINT256)).state
    const w = expectOk(V.withdraw(inf, B, 10n, C, A))
    expect(w.returns).toBe(7n)
    expect(E.allowance(w.state.shares, A, B)).toBe(MAX_UINT256)
    expect(E.balanceOf(w.state.shares, A)).toBe(993n)
    expect(w.events[1]).toEqual({ name: 'Withdraw', args: { sender: B, receiver: C, owner: A, assets: 10n, shares: 7n } })
  })

  it('computes the donation attack on an OpenZeppelin vault (virtual offset 1/1)', () => {
    const M = A // attacker
    const victim = B
    let s = setup(10n ** 19n)
    // attacker deposits 1: shares = floor(1 * 1 / 1) = 1
    s = expectOk(V.deposit(s, M, 1n, M)).state
    // attacker donates 1e18: TA = 1e18 + 1, TS = 1
    s = expectOk(V.donate(s, M, WAD)).state
    expect(V.totalAssets(s)).toBe(WAD + 1n)
    // victim deposits 1e18: shares = floor(1e18 * (1 + 1) / (1e18 + 1 + 1)) = floor(2e18 / (1e18 + 2)) = 1
    const v = expectOk(V.deposit(s, victim, WAD, victim))
    expect(v.returns).toBe(1n)
    s = v.state
    // TA = 2e18 + 1, TS = 2. Attacker redeems 1: floor(1 * (2e18 + 2) / 3) = 666666666666666667
    const a = expectOk(V.redeem(s, M, 1n, M, M))
    expect(a.returns).toBe(666_666_666_666_666_667n)
    s = a.state
    // TA = 2e18 + 1 - 666666666666666667 = 1333333333333333334, TS = 1.
    expect(V.totalAssets(s)).toBe(1_333_333_333_333_333_334n)
    // Victim redeems 1: floor(1 * (1333333333333333334 + 1) / 2) = 666666666666666667
    const b = expectOk(V.redeem(s, victim, 1n, victim, victim))
    expect(b.returns).toBe(666_666_666_666_666_667n)
    // Both lose: the attacker paid 1e18 + 1 for 666666666666666667, the victim 1e18 for the same;
    // 666666666666666667 stays in the vault with no shares.
    expect(V.totalAssets(b.state)).toBe(666_666_666_666_666_667n)
    expect(V.totalSupply(b.state)).toBe(0n)
  })

  it('computes the donation attack on a vault without offset: the victim gets zero shares', () => {
    let s = setup(10n ** 19n, { virtualShares: 0n, virtualAssets: 0n })
    // empty vault without offset: 1:1, attacker gets 1 share
    s = expectOk(V.deposit(s, A, 1n, A)).state
    s = expectOk(V.donate(s, A, WAD)).state
    // victim: floor(1e18 * 1 / (1e18 + 1)) = 0 shares: solmate reverts ZERO_SHARES, OpenZeppelin takes the assets
    const v = expectMayRevert(V.deposit(s, B, WAD, B), 'zero-shares')
    expect(v.returns).toBe(0n)
    expect(E.balanceOf(v.state.shares, B)).toBe(0n)
    // the attacker's single share now redeems floor(1 * (2e18 + 1) / 1) = 2e18 + 1
    expect(V.previewRedeem(v.state, 1n)).toBe(2n * WAD + 1n)
  })

  it('treats zero inputs as implementation-defined', () => {
    expectMayRevert(V.deposit(grown(), A, 0n, A), 'zero-amount')
    expectMayRevert(V.mint(grown(), A, 0n, A), 'zero-amount')
    expectMayRevert(V.withdraw(grown(), A, 0n, A, A), 'zero-amount')
    expectMayRevert(V.redeem(grown(), A, 0n, A, A), 'zero-amount')
  })

  it('treats a redeem paying zero assets after a total loss as implementation-defined', () => {
    let s = expectOk(V.deposit(setup(), A, 10n, A)).state
    const l = expectOk(V.loss(s, 10n ** 40n)) // capped at the vault's 10
    expect(l.returns).toBe(10n)
    s = l.state
    expect(V.totalAssets(s)).toBe(0n)
    // redeem 5: floor(5 * (0 + 1) / (10 + 1)) = 0 assets
    const r = expectMayRevert(V.redeem(s, A, 5n, A, A), 'zero-assets')
    expect(r.returns).toBe(0n)
    expect(E.balanceOf(r.state.shares, A)).toBe(5n)
  })

  it('reverts division by zero when a vault without offset has lost everything', () => {
    let s = expectOk(V.deposit(setup(1000n, { virtualShares: 0n, virtualAssets: 0n }), A, 10n, A)).state
    s = expectOk(V.loss(s, 10n)).state
    expectRevert(V.deposit(s, B, 1n, B), 'division-by-zero')
    expect(() => V.previewDeposit(s, 1n)).toThrow(RangeError)
    // converting to assets still works: floor(10 * 0 / 10) = 0
    expectMayRevert(V.redeem(s, A, 10n, A, A), 'zero-assets')
  })

  it('treats the zero address and the vault as receivers as implementation-defined', () => {
    const z = expectMayRevert(V.deposit(grown(), B, 100n, ZERO), 'zero-address')
    expect(E.balanceOf(z.state.shares, ZERO)).toBe(66n)
    expectMayRevert(V.mint(grown(), B, 1n, VAULT), 'receiver-is-vault')
    expectMayRevert(V.withdraw(grown(), A, 1n, ZERO, A), 'zero-address')
    const r = expectMayRevert(V.redeem(grown(), A, 100n, VAULT, A), 'receiver-is-vault')
    expect(V.totalAssets(r.state)).toBe(1500n) // the assets never leave the vault
    expect(V.totalSupply(r.state)).toBe(900n)
  })

  it('flags a conversion whose product overflows 256 bits as implementation-defined', () => {
    let s = setup(2n ** 201n)
    s = expectOk(V.deposit(s, A, 2n ** 200n, A)).state
    // shares = floor(2^100 * (2^200 + 1) / (2^200 + 1)) = 2^100, but the product is about 2^300
    const o = expectMayRevert(V.deposit(s, B, 2n ** 100n, B), 'overflow')
    expect(o.returns).toBe(2n ** 100n)
  })

  it('reverts overflow when the converted amount itself exceeds 2^256 - 1', () => {
    let s = expectOk(V.deposit(setup(2n ** 254n), A, 2n ** 254n, A)).state
    s = expectOk(V.loss(s, 2n ** 254n)).state
    // TA 0, TS 2^254: shares = floor(4 * (2^254 + 1) / (0 + 1)) = 2^256 + 4 > 2^256 - 1
    expectRevert(V.deposit(s, B, 4n, B), 'overflow')
  })

  it('counts gains, losses and donations in totalAssets', () => {
    let s = grown()
    s = expectOk(V.donate(s, B, 10n)).state
    expect(V.totalAssets(s)).toBe(1510n)
    s = expectOk(V.loss(s, 510n)).state
    expect(V.totalAssets(s)).toBe(1000n)
    expect(V.maxDeposit(s)).toBe(MAX_UINT256)
    expect(V.maxMint(s)).toBe(MAX_UINT256)
  })

  it('leaves the old state unchanged after every operation', () => {
    const base = grown()
    const snapshot = structuredClone(base)
    expectOk(V.deposit(base, B, 100n, B))
    expectOk(V.mint(base, B, 100n, B))
    expectOk(V.withdraw(base, A, 100n, A, A))
    expectOk(V.redeem(base, A, 100n, A, A))
    expectOk(V.gain(base, 1n))
    expectOk(V.loss(base, 1n))
    expectOk(V.transfer(base, A, B, 1n))
    expect(base).toEqual(snapshot)
  })
})
