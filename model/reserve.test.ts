import { describe, expect, it } from 'vitest'
import * as E from './erc20.ts'
import { MAX_UINT256 } from './math.ts'
import * as R from './reserve.ts'
import { A, B, VAULT, ZERO, expectMayRevert, expectOk, expectRevert } from './testing.ts'

/** A holds 1000 underlying and has approved the vault for `allowance`. */
function setup(allowance = 600n): R.ReserveState {
  let s = R.createReserveState({ vault: VAULT })
  s = expectOk(R.mintUnderlying(s, A, 1000n)).state
  return expectOk(R.underlyingApprove(s, A, allowance)).state
}

/** setup() then A wraps 500 for itself. */
function wrapped(): R.ReserveState {
  return expectOk(R.depositFor(setup(), A, A, 500n)).state
}

describe('reserve (ERC20Wrapper) model', () => {
  it('wraps 500: pulls the underlying into the vault and mints 500 wrapper tokens', () => {
    const o = expectOk(R.depositFor(setup(), A, A, 500n))
    expect(o.returns).toBe(true)
    expect(E.balanceOf(o.state.token, A)).toBe(500n)
    expect(E.balanceOf(o.state.underlying, A)).toBe(500n) // 1000 - 500
    expect(R.backing(o.state)).toBe(500n)
    expect(R.totalSupply(o.state)).toBe(500n)
    expect(E.allowance(o.state.underlying, A, VAULT)).toBe(100n) // 600 - 500
    expect(o.events).toEqual([{ name: 'Transfer', args: { from: ZERO, to: A, value: 500n } }])
  })

  it('mints to another account with depositFor', () => {
    const o = expectOk(R.depositFor(setup(), A, B, 1n))
    expect(E.balanceOf(o.state.token, B)).toBe(1n)
    expect(E.balanceOf(o.state.token, A)).toBe(0n)
  })

  it('reverts depositFor past the allowance, and past the balance when the allowance is enough', () => {
    expectRevert(R.depositFor(setup(600n), A, A, 601n), 'insufficient-allowance')
    expectRevert(R.depositFor(setup(MAX_UINT256), A, A, 1001n), 'insufficient-balance')
    expectOk(R.depositFor(setup(MAX_UINT256), A, A, 1000n))
  })

  it('does not spend an infinite underlying allowance', () => {
    const o = expectOk(R.depositFor(setup(MAX_UINT256), A, A, 1000n))
    expect(E.allowance(o.state.underlying, A, VAULT)).toBe(MAX_UINT256)
  })

  it('unwraps 200 to another account: burns from the caller and pays the underlying out of the vault', () => {
    const o = expectOk(R.withdrawTo(wrapped(), A, B, 200n))
    expect(o.returns).toBe(true)
    expect(E.balanceOf(o.state.token, A)).toBe(300n) // 500 - 200
    expect(E.balanceOf(o.state.underlying, B)).toBe(200n)
    expect(R.backing(o.state)).toBe(300n) // 500 - 200
    expect(o.events).toEqual([{ name: 'Transfer', args: { from: A, to: ZERO, value: 200n } }])
  })

  it('reverts withdrawTo one wei past the wrapper balance', () => {
    expectRevert(R.withdrawTo(wrapped(), A, A, 501n), 'insufficient-balance')
    expectRevert(R.withdrawTo(wrapped(), B, B, 1n), 'insufficient-balance')
  })

  it('lets the last holder exit completely, emptying the vault', () => {
    const o = expectOk(R.withdrawTo(wrapped(), A, A, 500n))
    expect(R.totalSupply(o.state)).toBe(0n)
    expect(R.backing(o.state)).toBe(0n)
    expect(E.balanceOf(o.state.underlying, A)).toBe(1000n)
  })

  it('wraps and unwraps 1 wei', () => {
    const s = expectOk(R.depositFor(setup(), A, A, 1n)).state
    expect(R.owedOnExit(s, A)).toBe(1n)
    const o = expectOk(R.withdrawTo(s, A, A, 1n))
    expect(R.backing(o.state)).toBe(0n)
  })

  it('treats zero amounts as implementation-defined, predicting no change', () => {
    const d = expectMayRevert(R.depositFor(setup(), A, A, 0n), 'zero-amount')
    expect(d.state.token).toEqual(setup().token)
    const w = expectMayRevert(R.withdrawTo(wrapped(), A, A, 0n), 'zero-amount')
    expect(R.backing(w.state)).toBe(500n)
  })

  it('treats the zero address as receiver as implementation-defined', () => {
    const d = expectMayRevert(R.depositFor(setup(), A, ZERO, 5n), 'zero-address')
    expect(E.balanceOf(d.state.token, ZERO)).toBe(5n)
    const w = expectMayRevert(R.withdrawTo(wrapped(), A, ZERO, 5n), 'zero-address')
    expect(E.balanceOf(w.state.underlying, ZERO)).toBe(5n)
  })

  it('treats the vault as receiver as implementation-defined (OpenZeppelin rejects it)', () => {
    const d = expectMayRevert(R.depositFor(setup(), A, VAULT, 5n), 'receiver-is-vault')
    expect(E.balanceOf(d.state.token, VAULT)).toBe(5n)
    // unwrapping to the vault burns the tokens while the underlying stays: supply 500 -> 495, backing 500
    const w = expectMayRevert(R.withdrawTo(wrapped(), A, VAULT, 5n), 'receiver-is-vault')
    expect(R.totalSupply(w.state)).toBe(495n)
    expect(R.backing(w.state)).toBe(500n)
  })

  it('adds a donation to the backing without minting', () => {
    const o = expectOk(R.donate(wrapped(), A, 50n))
    expect(R.backing(o.state)).toBe(550n) // 500 + 50
    expect(R.totalSupply(o.state)).toBe(500n)
    expect(R.owedOnExit(o.state, A)).toBe(500n)
    expectRevert(R.donate(wrapped(), A, 501n), 'insufficient-balance') // A holds 1000 - 500
  })

  it('moves wrapper tokens with transfer, approve and transferFrom', () => {
    let s = expectOk(R.transfer(wrapped(), A, B, 100n)).state
    expect(R.owedOnExit(s, B)).toBe(100n)
    s = expectOk(R.approve(s, B, A, 40n)).state
    s = expectOk(R.transferFrom(s, A, B, A, 40n)).state
    expect(R.owedOnExit(s, A)).toBe(440n) // 500 - 100 + 40
    expect(E.allowance(s.token, B, A)).toBe(0n)
    expectRevert(R.transferFrom(s, A, B, A, 1n), 'insufficient-allowance')
  })

  it('flags an underlying mint past 2^256 - 1 as overflow', () => {
    const s = expectOk(R.mintUnderlying(R.createReserveState({ vault: VAULT }), A, MAX_UINT256)).state
    expectRevert(R.mintUnderlying(s, B, 1n), 'overflow')
  })

  it('leaves the old state unchanged after every operation', () => {
    const base = wrapped()
    const snapshot = structuredClone(base)
    expectOk(R.depositFor(base, A, A, 10n))
    expectOk(R.withdrawTo(base, A, B, 10n))
    expectOk(R.donate(base, A, 10n))
    expectOk(R.transfer(base, A, B, 10n))
    expectOk(R.underlyingApprove(base, A, 1n))
    expect(base).toEqual(snapshot)
  })
})
