/** The `cdp` kind's exit probe (CDP-EXIT-001). */
import type { World } from '../engine/step.ts'
import { formatRevert } from '../evm/revert.ts'
import { min } from '../model/math.ts'
import { C, DEBT, type M, collOf, debtOf } from './cdp-common.ts'
import { callOn, fmt, role } from './common.ts'

/**
 * CDP-EXIT-001, in the engine's snapshot: debt tokens go back to the borrowers that owe them, each
 * borrower repays its whole debt, then every actor withdraws all its collateral. Every call must
 * succeed, and no debt and no position may remain.
 */
export async function cdpExit(w: World<M>): Promise<void> {
  const ID = 'CDP-EXIT-001'
  const d = role(w, DEBT)
  const v = w.instance
  const describe = (r: Awaited<ReturnType<typeof callOn>>) => (r.ok ? 'ok' : `reverted: ${formatRevert(r.revert)}`)
  let obs = await w.observe()

  // 1. Debt tokens from holders with more than they owe to borrowers with less.
  const surplus = new Map<string, bigint>()
  const deficit = new Map<string, bigint>()
  for (const a of w.actors) {
    const diff = obs[`${DEBT}.balanceOf(${a.name})`] - debtOf(obs, a.name)
    if (diff > 0n) surplus.set(a.name, diff)
    else if (diff < 0n) deficit.set(a.name, -diff)
  }
  for (const to of w.actors) {
    let need = deficit.get(to.name) ?? 0n
    for (const from of w.actors) {
      if (need === 0n) break
      const has = surplus.get(from.name) ?? 0n
      if (has === 0n) continue
      const amount = min(has, need)
      const r = await callOn(w, d.address, d.abi, 'transfer', [to.address, amount], from.address)
      w.trace?.push({ step: w.stepIndex, label: `exit probe: ${from.name} hands ${fmt(amount)} debt tokens to ${to.name}`, contract: describe(r), model: 'ok' })
      w.check(ID, r.ok, () => ({ message: `${from.name} cannot hand its surplus debt tokens to ${to.name}`, expected: `transfer(${to.name}, ${amount}) succeeds`, actual: describe(r) }))
      surplus.set(from.name, has - amount)
      need -= amount
    }
  }

  // 2. Every borrower repays its whole debt.
  for (const a of w.actors) {
    const owed = debtOf(obs, a.name)
    if (owed === 0n) continue
    const r = await callOn(w, v.vault, v.vaultAbi, 'repay', [owed], a.address)
    w.trace?.push({ step: w.stepIndex, label: `exit probe: ${a.name} repays its whole debt ${fmt(owed)}`, contract: describe(r), model: 'ok' })
    w.check(ID, r.ok, () => ({ message: `${a.name} cannot repay its whole debt`, expected: `repay(${owed}) succeeds`, actual: describe(r) }))
  }

  // 3. Every actor withdraws all its collateral and receives exactly that.
  obs = await w.observe()
  for (const a of w.actors) {
    const coll = collOf(obs, a.name)
    if (coll === 0n) continue
    const r = await callOn(w, v.vault, v.vaultAbi, 'withdraw', [coll], a.address)
    w.trace?.push({ step: w.stepIndex, label: `exit probe: ${a.name} withdraws all its collateral ${fmt(coll)}`, contract: describe(r), model: 'ok' })
    w.check(ID, r.ok, () => ({ message: `${a.name} cannot withdraw all its collateral after repaying`, expected: `withdraw(${coll}) succeeds`, actual: describe(r) }))
    const post = await w.observe()
    const got = post[`${C}.balanceOf(${a.name})`] - obs[`${C}.balanceOf(${a.name})`]
    w.check(ID, got === coll, () => ({ message: `${a.name} withdrew all its collateral but received a different amount`, expected: `${coll}`, actual: `${got}` }))
    obs = post
  }

  // 4. Nothing owed, nothing locked.
  const supply = obs[`${DEBT}.totalSupply`]
  w.check(ID, supply === 0n, () => ({ message: 'debt tokens remain after every borrower repaid', expected: 'debt totalSupply = 0', actual: `debt totalSupply = ${supply}` }))
  for (const a of w.actors) {
    const [c, dt] = [collOf(obs, a.name), debtOf(obs, a.name)]
    w.check(ID, c === 0n && dt === 0n, () => ({ message: `${a.name}'s position is not empty after the exit`, expected: 'collateral 0, debt 0', actual: `collateral ${c}, debt ${dt}` }))
  }
}
