import { describe, expect, it } from 'vitest'
import * as D from './cdp.ts'
import * as E from './erc20.ts'
import { MAX_UINT256, WAD } from './math.ts'
import { A, B, C, VAULT, expectMayRevert, expectOk, expectRevert } from './testing.ts'

const RATIO = 15n * 10n ** 17n // 150%
const BONUS = 10n ** 17n // 10%

/** price 1.0, ratio 150%, bonus 10%; A, B, C hold 10e18 collateral each and approved the vault. */
function setup(price = WAD, ratio = RATIO): D.CdpState {
  let s = D.createCdpState({ vault: VAULT, price, minCollateralRatio: ratio, liquidationBonus: BONUS })
  for (const who of [A, B, C]) {
    s = expectOk(D.mintCollateral(s, who, 10n * WAD)).state
    s = expectOk(D.collateralApprove(s, who, MAX_UINT256)).state
  }
  return s
}

/**
 * A: 3e18 collateral, 2e18 debt, exactly at 150% (3e18 * 1e18 = 3e36 = 2e18 * 1.5e18).
 * B: 10e18 collateral, 5e18 debt (1e37 >= 7.5e36), so B holds debt tokens to liquidate with.
 */
function opened(): D.CdpState {
  let s = setup()
  s = expectOk(D.deposit(s, A, 3n * WAD)).state
  s = expectOk(D.borrow(s, A, 2n * WAD)).state
  s = expectOk(D.deposit(s, B, 10n * WAD)).state
  return expectOk(D.borrow(s, B, 5n * WAD)).state
}

describe('cdp model', () => {
  it('locks collateral with deposit, pulling it into the vault', () => {
    const o = expectOk(D.deposit(setup(), A, 3n * WAD))
    expect(D.positionOf(o.state, A)).toEqual({ collateral: 3n * WAD, debt: 0n })
    expect(E.balanceOf(o.state.collateral, VAULT)).toBe(3n * WAD)
    expect(E.balanceOf(o.state.collateral, A)).toBe(7n * WAD)
    expect(o.events).toEqual([{ name: 'Deposit', args: { owner: A, amount: 3n * WAD } }])
  })

  it('reverts a deposit on the collateral ledger: allowance first, then balance', () => {
    let s = D.createCdpState({ vault: VAULT, price: WAD, minCollateralRatio: RATIO, liquidationBonus: BONUS })
    s = expectOk(D.mintCollateral(s, A, 5n)).state
    expectRevert(D.deposit(s, A, 1n), 'insufficient-allowance')
    s = expectOk(D.collateralApprove(s, A, 100n)).state
    expectRevert(D.deposit(s, A, 6n), 'insufficient-balance')
  })

  it('keeps a position exactly at the minimum ratio healthy and one wei of debt more unhealthy', () => {
    const s = opened()
    // 3e18 * 1e18 = 3e36 >= 2e18 * 1.5e18 = 3e36: healthy, exactly at the boundary
    expect(D.isHealthy(D.positionOf(s, A), s.price, s.minCollateralRatio)).toBe(true)
    expect(D.healthOf(s, A)).toBe(RATIO) // floor(3e18 * 1e18 / 2e18) = 1.5e18
    expect(D.maxBorrow(s, A)).toBe(0n)
    // (2e18 + 1) * 1.5e18 = 3e36 + 1.5e18 > 3e36
    expect(D.isHealthy({ collateral: 3n * WAD, debt: 2n * WAD + 1n }, WAD, RATIO)).toBe(false)
    expectRevert(D.borrow(s, A, 1n), 'unhealthy')
    // (3e18 - 1) * 1e18 < 3e36
    expectRevert(D.withdraw(s, A, 1n), 'unhealthy')
  })

  it('borrows exactly maxBorrow and not one wei more', () => {
    let s = setup(2000n * WAD)
    s = expectOk(D.deposit(s, A, WAD)).state
    // floor(1e18 * 2000e18 / 1.5e18) = floor(1333.33...e18) = 1333333333333333333333
    expect(D.maxBorrow(s, A)).toBe(1_333_333_333_333_333_333_333n)
    const o = expectOk(D.borrow(s, A, 1_333_333_333_333_333_333_333n))
    expect(E.balanceOf(o.state.debt, A)).toBe(1_333_333_333_333_333_333_333n)
    expect(o.events).toEqual([{ name: 'Borrow', args: { owner: A, amount: 1_333_333_333_333_333_333_333n } }])
    expectRevert(D.borrow(s, A, 1_333_333_333_333_333_333_334n), 'unhealthy')
  })

  it('withdraws exactly maxWithdraw and not one wei more', () => {
    let s = expectOk(D.deposit(setup(), A, 3n * WAD)).state
    expect(D.maxWithdraw(s, A)).toBe(3n * WAD) // no debt: everything
    s = expectOk(D.borrow(s, A, WAD)).state
    // needed = ceil(1e18 * 1.5e18 / 1e18) = 1.5e18, so 3e18 - 1.5e18 = 1.5e18 may leave
    expect(D.maxWithdraw(s, A)).toBe(15n * 10n ** 17n)
    const o = expectOk(D.withdraw(s, A, 15n * 10n ** 17n))
    expect(E.balanceOf(o.state.collateral, A)).toBe(85n * 10n ** 17n) // 7e18 + 1.5e18
    expectRevert(D.withdraw(s, A, 15n * 10n ** 17n + 1n), 'unhealthy')
    expectRevert(D.withdraw(s, A, 3n * WAD + 1n), 'insufficient-collateral')
  })

  it('finds the smallest healthy price with priceAtMinRatio', () => {
    const s = opened()
    // ceil(2e18 * 1.5e18 / 3e18) = 1e18 exactly
    expect(D.priceAtMinRatio(s, A)).toBe(WAD)
    expectRevert(D.liquidate(expectOk(D.setPrice(s, WAD)).state, B, A), 'position-healthy')
    expectOk(D.liquidate(expectOk(D.setPrice(s, WAD - 1n)).state, B, A))
    // inexact: 7 wei collateral, 1 wei debt: ceil(1 * 1.5e18 / 7) = 214285714285714286
    // (7 * 214285714285714285 = 1499999999999999995 < 1.5e18 <= 7 * 214285714285714286)
    let t = expectOk(D.deposit(setup(), C, 7n)).state
    t = expectOk(D.borrow(t, C, 1n)).state
    expect(D.priceAtMinRatio(t, C)).toBe(214_285_714_285_714_286n)
    expect(D.isHealthy(D.positionOf(t, C), 214_285_714_285_714_286n, RATIO)).toBe(true)
    expect(D.isHealthy(D.positionOf(t, C), 214_285_714_285_714_285n, RATIO)).toBe(false)
    expect(D.priceAtMinRatio(t, A)).toBe(0n) // no debt: healthy at any price
  })

  it('liquidates after a price drop, seizing debt * (1 + bonus) / price of collateral', () => {
    const s = expectOk(D.setPrice(opened(), 9n * 10n ** 17n)).state
    // 3e18 * 0.9e18 = 2.7e36 < 2e18 * 1.5e18 = 3e36: unhealthy
    const o = expectOk(D.liquidate(s, B, A))
    // seized = floor(2e18 * 1.1e18 / 0.9e18) = floor(2.444...e18) = 2444444444444444444
    expect(o.returns).toBe(2_444_444_444_444_444_444n)
    expect(D.positionOf(o.state, A)).toEqual({ collateral: 555_555_555_555_555_556n, debt: 0n }) // 3e18 - seized
    expect(E.balanceOf(o.state.debt, B)).toBe(3n * WAD) // 5e18 - 2e18 burned
    expect(E.balanceOf(o.state.collateral, B)).toBe(2_444_444_444_444_444_444n)
    expect(o.state.debt.totalSupply).toBe(5n * WAD)
    // 2.7e36 >= 2e18 * 1e18: not under water
    expect(o.state.badDebt).toBe(0n)
    expect(o.state.underwaterLiquidations).toBe(0)
    expect(o.events).toEqual([{ name: 'Liquidate', args: { liquidator: B, owner: A, debt: 2n * WAD, seized: 2_444_444_444_444_444_444n } }])
  })

  it('records bad debt for an under-water liquidation', () => {
    const s = expectOk(D.setPrice(opened(), 5n * 10n ** 17n)).state
    const o = expectOk(D.liquidate(s, B, A))
    // seized = min(3e18, floor(2e18 * 1.1e18 / 0.5e18) = 4.4e18) = 3e18: everything
    expect(o.returns).toBe(3n * WAD)
    expect(D.positionOf(o.state, A)).toEqual({ collateral: 0n, debt: 0n })
    expect(Object.keys(o.state.positions)).toEqual([B]) // emptied position deleted
    // 3e18 * 0.5e18 = 1.5e36 < 2e36: badDebt = 2e18 - floor(3e18 * 0.5e18 / 1e18) = 2e18 - 1.5e18
    expect(o.state.badDebt).toBe(5n * 10n ** 17n)
    expect(o.state.underwaterLiquidations).toBe(1)
  })

  it('does not count collateral worth exactly the debt as under water', () => {
    let s = expectOk(D.deposit(setup(), C, 4n * WAD)).state
    s = expectOk(D.borrow(s, C, 2n * WAD)).state
    s = expectOk(D.setPrice(s, 5n * 10n ** 17n)).state
    // 4e18 * 0.5e18 = 2e36 = 2e18 * 1e18: unhealthy (< 3e36) but not under water
    const o = expectOk(D.liquidate(s, C, C))
    // seized = min(4e18, floor(2e18 * 1.1e18 / 0.5e18) = 4.4e18) = 4e18
    expect(o.returns).toBe(4n * WAD)
    expect(o.state.badDebt).toBe(0n)
    expect(o.state.underwaterLiquidations).toBe(0)
  })

  it('seizes all collateral at price 0 and writes off the whole debt', () => {
    const s = expectOk(D.setPrice(opened(), 0n)).state
    expect(D.healthOf(s, A)).toBe(0n)
    expect(D.maxWithdraw(s, A)).toBe(0n)
    expect(D.maxBorrow(s, A)).toBe(0n)
    const o = expectOk(D.liquidate(s, B, A))
    expect(o.returns).toBe(3n * WAD)
    expect(o.state.badDebt).toBe(2n * WAD) // 2e18 - floor(3e18 * 0 / 1e18)
    expect(o.state.underwaterLiquidations).toBe(1)
  })

  it('refuses to liquidate a healthy position or one without debt', () => {
    expectRevert(D.liquidate(opened(), B, A), 'position-healthy')
    expectRevert(D.liquidate(opened(), B, C), 'position-healthy') // no position at all
    const s = expectOk(D.deposit(setup(), C, WAD)).state
    expectRevert(D.liquidate(expectOk(D.setPrice(s, 0n)).state, B, C), 'position-healthy') // debt 0 even at price 0
  })

  it('reverts a liquidation when the liquidator lacks the debt tokens', () => {
    const s = expectOk(D.setPrice(opened(), 9n * 10n ** 17n)).state
    expectRevert(D.liquidate(s, C, A), 'insufficient-balance')
  })

  it('repays by burning the caller’s debt tokens, bounded by its debt', () => {
    const s = opened()
    expectRevert(D.repay(s, A, 2n * WAD + 1n), 'exceeds-debt')
    const o = expectOk(D.repay(s, A, 1n))
    expect(D.positionOf(o.state, A).debt).toBe(2n * WAD - 1n)
    expect(E.balanceOf(o.state.debt, A)).toBe(2n * WAD - 1n)
    expect(o.events).toEqual([{ name: 'Repay', args: { owner: A, amount: 1n } }])
    const full = expectOk(D.repay(s, A, 2n * WAD))
    expect(D.positionOf(full.state, A)).toEqual({ collateral: 3n * WAD, debt: 0n })
    const gaveAway = expectOk(D.debtTransfer(s, A, C, 2n * WAD)).state
    expectRevert(D.repay(gaveAway, A, 1n), 'insufficient-balance')
  })

  it('treats zero amounts as implementation-defined', () => {
    const s = opened()
    expectMayRevert(D.deposit(s, A, 0n), 'zero-amount')
    expectMayRevert(D.borrow(s, B, 0n), 'zero-amount')
    expectMayRevert(D.repay(s, A, 0n), 'zero-amount')
    expectMayRevert(D.withdraw(s, B, 0n), 'zero-amount')
    // a zero withdrawal from an unhealthy position still must revert
    expectRevert(D.withdraw(expectOk(D.setPrice(s, 1n)).state, A, 0n), 'unhealthy')
  })

  it('flags a health check whose product overflows 256 bits as implementation-defined', () => {
    let s = D.createCdpState({ vault: VAULT, price: 2n ** 60n, minCollateralRatio: RATIO, liquidationBonus: BONUS })
    s = expectOk(D.mintCollateral(s, A, 2n ** 200n)).state
    s = expectOk(D.collateralApprove(s, A, MAX_UINT256)).state
    s = expectOk(D.deposit(s, A, 2n ** 200n)).state
    // collateral * price = 2^260 > 2^256 - 1
    expectMayRevert(D.borrow(s, A, 1n), 'overflow')
  })

  it('reverts overflow when a position debt would exceed 2^256 - 1', () => {
    let s = D.createCdpState({ vault: VAULT, price: WAD, minCollateralRatio: 0n, liquidationBonus: BONUS })
    // ratio 0: every debt is healthy, maxBorrow = 2^256 - 1
    expect(D.maxBorrow(s, A)).toBe(MAX_UINT256)
    s = expectOk(D.borrow(s, A, MAX_UINT256)).state
    expectRevert(D.borrow(s, A, 1n), 'overflow')
  })

  it('sums positions in totalDebt and totalCollateral', () => {
    const s = opened()
    expect(D.totalDebt(s)).toBe(7n * WAD) // 2e18 + 5e18
    expect(D.totalCollateral(s)).toBe(13n * WAD) // 3e18 + 10e18
    expect(D.healthOf(s, C)).toBe(MAX_UINT256)
  })

  it('leaves the old state unchanged after every operation', () => {
    const base = expectOk(D.setPrice(opened(), 9n * 10n ** 17n)).state
    const snapshot = structuredClone(base)
    expectOk(D.deposit(base, C, 1n))
    expectOk(D.repay(base, A, 1n))
    expectOk(D.borrow(base, B, 1n))
    expectOk(D.withdraw(base, B, 1n))
    expectOk(D.liquidate(base, B, A))
    expectOk(D.setPrice(base, 1n))
    expect(base).toEqual(snapshot)
  })

  it('with a whole-wei rounding margin, lets a borderline position be refused and liquidated, never an unhealthy one accepted', () => {
    let s = D.createCdpState({ vault: VAULT, price: 2000n * WAD + 17n, minCollateralRatio: RATIO, liquidationBonus: BONUS, roundingMargin: D.WHOLE_WEI_MARGIN })
    s = expectOk(D.collateralApprove(expectOk(D.mintCollateral(s, A, 10n * WAD)).state, A, MAX_UINT256)).state
    const amount = 3_333_333_333_333_333_337n
    s = expectOk(D.deposit(s, A, amount)).state
    const limit = D.maxBorrow(s, A)
    // Healthy by the exact rule, by less than 2 wei of value: a whole-wei check may refuse it.
    expect(D.isBorderline({ collateral: amount, debt: limit }, s.price, RATIO, s.roundingMargin)).toBe(true)
    const borrowed = expectMayRevert(D.borrow(s, A, limit), 'rounding')
    // ... and may liquidate it, with the outcome of a liquidation if it does.
    const held = expectOk(D.mintCollateral(borrowed.state, B, 0n)).state
    const debtHolder = expectOk(D.debtTransfer(held, A, B, limit)).state
    expectMayRevert(D.liquidate(debtHolder, B, A), 'position-healthy')
    // One wei past the exact limit is unhealthy: still a must-revert.
    expectRevert(D.borrow(s, A, limit + 1n), 'unhealthy')
    // Without the margin (the exact rule) the same borrow must succeed and the liquidation must revert.
    const exact = { ...s, roundingMargin: 0n }
    expect(expectOk(D.borrow(exact, A, limit)).mayRevert).toBeUndefined()
    expectRevert(D.liquidate({ ...debtHolder, roundingMargin: 0n }, B, A), 'position-healthy')
  })
})
