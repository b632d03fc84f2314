import { describe, expect, it } from 'vitest'
import * as E from './erc20.ts'
import { MAX_UINT256, WAD } from './math.ts'
import * as N from './native.ts'
import { A, B, C, VAULT, ZERO, expectMayRevert, expectOk, expectRevert } from './testing.ts'

/** A holds 10 ether of native coin. */
function setup(): N.NativeState {
  return expectOk(N.mintNative(N.createNativeState({ vault: VAULT }), A, 10n * WAD)).state
}

/** setup() then A deposits 4 ether. */
function deposited(): N.NativeState {
  return expectOk(N.deposit(setup(), A, 4n * WAD)).state
}

describe('native (WETH9) model', () => {
  it('deposits 4 of 10 ether: coin moves to the vault, 4 tokens minted, Deposit only', () => {
    const o = expectOk(N.deposit(setup(), A, 4n * WAD))
    expect(N.nativeBalanceOf(o.state, A)).toBe(6n * WAD) // 10 - 4
    expect(N.backing(o.state)).toBe(4n * WAD)
    expect(E.balanceOf(o.state.token, A)).toBe(4n * WAD)
    expect(N.totalSupply(o.state)).toBe(4n * WAD)
    expect(o.events).toEqual([{ name: 'Deposit', args: { dst: A, wad: 4n * WAD } }])
  })

  it('reverts a deposit one wei above the native balance and accepts exactly the balance', () => {
    expectRevert(N.deposit(setup(), A, 10n * WAD + 1n), 'insufficient-balance')
    const o = expectOk(N.deposit(setup(), A, 10n * WAD))
    expect(N.nativeBalanceOf(o.state, A)).toBe(0n)
  })

  it('withdraws 1 wei: burns 1 token and sends 1 wei back, emitting Withdrawal only', () => {
    const o = expectOk(N.withdraw(deposited(), A, 1n))
    expect(E.balanceOf(o.state.token, A)).toBe(4n * WAD - 1n)
    expect(N.nativeBalanceOf(o.state, A)).toBe(6n * WAD + 1n)
    expect(N.backing(o.state)).toBe(4n * WAD - 1n)
    expect(o.events).toEqual([{ name: 'Withdrawal', args: { src: A, wad: 1n } }])
  })

  it('reverts a withdrawal one wei above the token balance', () => {
    expectRevert(N.withdraw(deposited(), A, 4n * WAD + 1n), 'insufficient-balance')
    expectRevert(N.withdraw(deposited(), B, 1n), 'insufficient-balance')
  })

  it('lets the last holder exit completely', () => {
    const o = expectOk(N.withdraw(deposited(), A, 4n * WAD))
    expect(N.totalSupply(o.state)).toBe(0n)
    expect(N.backing(o.state)).toBe(0n)
    expect(N.nativeBalanceOf(o.state, A)).toBe(10n * WAD)
  })

  it('treats zero deposits and withdrawals as implementation-defined', () => {
    const d = expectMayRevert(N.deposit(setup(), A, 0n), 'zero-amount')
    expect(d.state).toEqual(setup())
    expectMayRevert(N.withdraw(deposited(), A, 0n), 'zero-amount')
  })

  it('adds force-fed coin to the backing without minting', () => {
    const o = expectOk(N.donate(deposited(), 1n))
    expect(N.backing(o.state)).toBe(4n * WAD + 1n)
    expect(N.totalSupply(o.state)).toBe(4n * WAD)
    expect(o.events).toEqual([])
  })

  it('flags native balances past 2^256 - 1 as overflow', () => {
    const s = expectOk(N.donate(N.createNativeState({ vault: VAULT }), MAX_UINT256)).state
    expectRevert(N.donate(s, 1n), 'overflow')
    const rich = expectOk(N.mintNative(s, A, 1n)).state
    expectRevert(N.deposit(rich, A, 1n), 'overflow')
  })

  it('moves tokens with the ERC20 functions, a transfer to zero being implementation-defined', () => {
    let s = expectOk(N.transfer(deposited(), A, B, WAD)).state
    expect(N.owedOnExit(s, B)).toBe(WAD)
    expectMayRevert(N.transfer(s, A, ZERO, 1n), 'zero-address')
    s = expectOk(N.approve(s, B, C, MAX_UINT256)).state
    s = expectOk(N.transferFrom(s, C, B, C, WAD)).state
    expect(N.owedOnExit(s, C)).toBe(WAD)
    expect(E.allowance(s.token, B, C)).toBe(MAX_UINT256) // infinite, not spent
  })

  it('lets an owner transferFrom itself without allowance as implementation-defined (WETH9 allows it)', () => {
    const o = expectMayRevert(N.transferFrom(deposited(), A, A, B, 1n), 'insufficient-allowance')
    expect(N.owedOnExit(o.state, B)).toBe(1n)
  })

  it('leaves the old state unchanged after every operation', () => {
    const base = deposited()
    const snapshot = structuredClone(base)
    expectOk(N.deposit(base, A, 1n))
    expectOk(N.withdraw(base, A, 1n))
    expectOk(N.donate(base, 1n))
    expectOk(N.transfer(base, A, B, 1n))
    expect(base).toEqual(snapshot)
  })
})
