import { describe, expect, it } from 'vitest'
import * as E from './erc20.ts'
import { MAX_UINT256 } from './math.ts'
import { A, B, C, ZERO, expectMayRevert, expectOk, expectRevert } from './testing.ts'

function funded(amount = 100n): E.Ledger {
  return expectOk(E.mint(E.emptyLedger(), A, amount)).state
}

describe('erc20 ledger', () => {
  it('starts empty and reads absent balances and allowances as zero', () => {
    const l = E.emptyLedger()
    expect(l.totalSupply).toBe(0n)
    expect(E.balanceOf(l, A)).toBe(0n)
    expect(E.allowance(l, A, B)).toBe(0n)
  })

  it('mints to an account, raising its balance and the total supply, with Transfer from zero', () => {
    const o = expectOk(E.mint(E.emptyLedger(), A, 100n))
    expect(E.balanceOf(o.state, A)).toBe(100n)
    expect(o.state.totalSupply).toBe(100n)
    expect(o.events).toEqual([{ name: 'Transfer', args: { from: ZERO, to: A, value: 100n } }])
  })

  it('transfers 30 of 100, leaving 70 and 30 and emitting Transfer', () => {
    const o = expectOk(E.transfer(funded(), A, B, 30n))
    expect(o.returns).toBe(true)
    expect(E.balanceOf(o.state, A)).toBe(70n) // 100 - 30
    expect(E.balanceOf(o.state, B)).toBe(30n)
    expect(o.state.totalSupply).toBe(100n)
    expect(o.events).toEqual([{ name: 'Transfer', args: { from: A, to: B, value: 30n } }])
  })

  it('transfers exactly the whole balance but reverts one wei more', () => {
    expectOk(E.transfer(funded(), A, B, 100n))
    expectRevert(E.transfer(funded(), A, B, 101n), 'insufficient-balance')
  })

  it('treats a zero transfer as a normal transfer that fires Transfer', () => {
    const o = expectOk(E.transfer(E.emptyLedger(), A, B, 0n))
    expect(o.events).toEqual([{ name: 'Transfer', args: { from: A, to: B, value: 0n } }])
  })

  it('moves 1 wei', () => {
    const o = expectOk(E.transfer(funded(1n), A, B, 1n))
    expect(E.balanceOf(o.state, A)).toBe(0n)
    expect(E.balanceOf(o.state, B)).toBe(1n)
  })

  it('leaves balances unchanged on a self-transfer', () => {
    const o = expectOk(E.transfer(funded(), A, A, 40n))
    expect(E.balanceOf(o.state, A)).toBe(100n)
    expect(o.state).toEqual(funded())
  })

  it('lets a transfer to the zero address succeed as implementation-defined, parking the tokens there', () => {
    const o = expectMayRevert(E.transfer(funded(), A, ZERO, 10n), 'zero-address')
    expect(E.balanceOf(o.state, ZERO)).toBe(10n)
    expect(E.balanceOf(o.state, A)).toBe(90n)
    expect(o.state.totalSupply).toBe(100n) // a transfer, not a burn
  })

  it('sets an allowance with approve and emits Approval', () => {
    const o = expectOk(E.approve(E.emptyLedger(), A, B, 50n))
    expect(E.allowance(o.state, A, B)).toBe(50n)
    expect(E.allowance(o.state, B, A)).toBe(0n)
    expect(o.events).toEqual([{ name: 'Approval', args: { owner: A, spender: B, value: 50n } }])
    // approve overwrites rather than adds
    expect(E.allowance(expectOk(E.approve(o.state, A, B, 7n)).state, A, B)).toBe(7n)
  })

  it('treats approving the zero address as implementation-defined', () => {
    expectMayRevert(E.approve(E.emptyLedger(), A, ZERO, 1n), 'zero-address')
  })

  it('spends the allowance on transferFrom: 50 approved, 20 moved, 30 left', () => {
    const approved = expectOk(E.approve(funded(), A, B, 50n)).state
    const o = expectOk(E.transferFrom(approved, B, A, C, 20n))
    expect(E.allowance(o.state, A, B)).toBe(30n) // 50 - 20
    expect(E.balanceOf(o.state, A)).toBe(80n)
    expect(E.balanceOf(o.state, C)).toBe(20n)
    expect(o.events).toEqual([{ name: 'Transfer', args: { from: A, to: C, value: 20n } }]) // no Approval
  })

  it('allows transferFrom of exactly the allowance and reverts one wei above it', () => {
    const approved = expectOk(E.approve(funded(), A, B, 30n)).state
    expect(E.allowance(expectOk(E.transferFrom(approved, B, A, C, 30n)).state, A, B)).toBe(0n)
    expectRevert(E.transferFrom(approved, B, A, C, 31n), 'insufficient-allowance')
  })

  it('reverts transferFrom on the balance when the allowance is enough, and on the allowance first when both are short', () => {
    const approved = expectOk(E.approve(funded(10n), A, B, 50n)).state
    expectRevert(E.transferFrom(approved, B, A, C, 11n), 'insufficient-balance')
    const small = expectOk(E.approve(funded(10n), A, B, 5n)).state
    expectRevert(E.transferFrom(small, B, A, C, 11n), 'insufficient-allowance')
  })

  it('never spends an infinite allowance', () => {
    const approved = expectOk(E.approve(funded(), A, B, MAX_UINT256)).state
    const o = expectOk(E.transferFrom(approved, B, A, C, 60n))
    expect(E.allowance(o.state, A, B)).toBe(MAX_UINT256)
    const again = expectOk(E.transferFrom(o.state, B, A, C, 40n))
    expect(E.allowance(again.state, A, B)).toBe(MAX_UINT256)
    expect(E.balanceOf(again.state, C)).toBe(100n)
  })

  it('spends MAX_UINT256 - 1 like any finite allowance', () => {
    const approved = expectOk(E.approve(funded(), A, B, MAX_UINT256 - 1n)).state
    const o = expectOk(E.transferFrom(approved, B, A, C, 1n))
    expect(E.allowance(o.state, A, B)).toBe(MAX_UINT256 - 2n)
  })

  it('treats an owner calling transferFrom on itself without allowance as implementation-defined', () => {
    // WETH9 skips the allowance when src == msg.sender; OpenZeppelin reverts.
    const o = expectMayRevert(E.transferFrom(funded(), A, A, B, 10n), 'insufficient-allowance')
    expect(E.balanceOf(o.state, B)).toBe(10n)
    expect(E.allowance(o.state, A, A)).toBe(0n)
    // ... but a short balance is a revert either way
    expectRevert(E.transferFrom(funded(), A, A, B, 101n), 'insufficient-balance')
  })

  it('burns from an account, lowering the total supply, with Transfer to zero', () => {
    const o = expectOk(E.burn(funded(), A, 40n))
    expect(E.balanceOf(o.state, A)).toBe(60n)
    expect(o.state.totalSupply).toBe(60n)
    expect(o.events).toEqual([{ name: 'Transfer', args: { from: A, to: ZERO, value: 40n } }])
    expectRevert(E.burn(funded(), A, 101n), 'insufficient-balance')
  })

  it('flags a mint that would push the total supply past 2^256 - 1 as an overflow revert', () => {
    const half = expectOk(E.mint(E.emptyLedger(), A, 2n ** 255n)).state
    // 2^255 + 2^255 = 2^256 > 2^256 - 1
    expectRevert(E.mint(half, B, 2n ** 255n), 'overflow')
    // 2^255 + (2^255 - 1) = 2^256 - 1 fits exactly
    const full = expectOk(E.mint(half, B, 2n ** 255n - 1n)).state
    expect(full.totalSupply).toBe(MAX_UINT256)
    expectRevert(E.mint(full, C, 1n), 'overflow')
    expectOk(E.mint(full, C, 0n))
  })

  it('treats minting to the zero address as implementation-defined', () => {
    expectMayRevert(E.mint(E.emptyLedger(), ZERO, 1n), 'zero-address')
  })

  it('throws on amounts that are not uint256 (a harness bug, not a revert)', () => {
    expect(() => E.transfer(funded(), A, B, -1n)).toThrow(RangeError)
    expect(() => E.approve(funded(), A, B, MAX_UINT256 + 1n)).toThrow(RangeError)
  })

  it('normalises mixed-case addresses to the same key', () => {
    const mixed = '0x' + 'AbCd'.repeat(10)
    const o = expectOk(E.transfer(funded(), A.toUpperCase().replace('0X', '0x'), mixed, 5n))
    expect(E.balanceOf(o.state, mixed.toLowerCase())).toBe(5n)
    expect(E.balanceOf(o.state, A)).toBe(95n)
    expect(Object.keys(o.state.balances).every((k) => k === k.toLowerCase())).toBe(true)
  })

  it('keeps one canonical form: emptied balances and allowances are deleted', () => {
    const o = expectOk(E.transfer(funded(), A, B, 100n))
    expect(Object.keys(o.state.balances)).toEqual([B])
    const approved = expectOk(E.approve(E.emptyLedger(), A, B, 5n)).state
    expect(expectOk(E.approve(approved, A, B, 0n)).state).toEqual(E.emptyLedger())
    expect(E.sumOfBalances(o.state)).toBe(o.state.totalSupply)
  })

  it('leaves the old ledger unchanged after every operation', () => {
    const base = expectOk(E.approve(funded(), A, B, 50n)).state
    const snapshot = structuredClone(base)
    expectOk(E.transfer(base, A, C, 10n))
    expectOk(E.transferFrom(base, B, A, C, 10n))
    expectOk(E.approve(base, A, C, 3n))
    expectOk(E.mint(base, C, 3n))
    expectOk(E.burn(base, A, 3n))
    expect(base).toEqual(snapshot)
  })
})

describe('erc20 ledger with a token behaviour (quirk tokens)', () => {
  const funded = (behaviour: E.TokenBehaviour) => expectOk(E.mint(E.emptyLedger(behaviour), A, 1000n)).state

  it('fee on transfer: the recipient gets the amount less the fee, which is burned', () => {
    const l = funded({ feePpm: 10_000n })
    const t = expectOk(E.transfer(l, A, B, 1000n))
    expect([E.balanceOf(t.state, A), E.balanceOf(t.state, B), t.state.totalSupply]).toEqual([0n, 990n, 990n])
    expect(t.events.map((e) => e.args.value)).toEqual([990n, 10n])
    // A careful vault credits what arrived, not what it asked for.
    const approved = expectOk(E.approve(l, A, C, MAX_UINT256)).state
    expect(expectOk(E.safeTransferFrom(approved, C, A, C, 150n)).returns).toBe(149n)
    // Self-transfers pay the fee too.
    expect(E.balanceOf(expectOk(E.transfer(l, A, A, 100n)).state, A)).toBe(999n)
  })

  it('returns false: a short transfer moves nothing and returns false; the safe form reverts', () => {
    const l = funded({ returnsFalse: true })
    const t = expectOk(E.transfer(l, A, B, 1001n))
    expect(t.returns).toBe(false)
    expect(t.state).toBe(l)
    expect(expectOk(E.transferFrom(l, B, A, B, 1n)).returns).toBe(false)
    expectRevert(E.safeTransfer(l, A, B, 1001n), 'transfer-returned-false')
    expect(expectOk(E.safeTransfer(l, A, B, 1000n)).returns).toBe(1000n)
  })

  it('revert on zero, and transfer(max) as the whole balance', () => {
    expectRevert(E.transfer(funded({ revertOnZero: true }), A, B, 0n), 'zero-amount')
    expect(E.balanceOf(expectOk(E.transfer(funded({}), A, B, 0n)).state, B)).toBe(0n)
    const max = expectOk(E.transfer(funded({ transferMax: true }), A, B, MAX_UINT256))
    expect([E.balanceOf(max.state, A), E.balanceOf(max.state, B)]).toEqual([0n, 1000n])
    expectRevert(E.transfer(funded({}), A, B, MAX_UINT256), 'insufficient-balance')
  })
})
