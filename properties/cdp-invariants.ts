/**
 * The `cdp` kind's checks on every step: the backing invariants (CDP-BACKING-001/002), the ratio
 * after a withdraw or borrow (CDP-RATIO-001), access (CDP-ACCESS-001), and the per-liquidation
 * check CDP-LIQ-001 that liquidate specs run.
 */
import type { Address } from 'viem'
import type { StepContext, StepInvariant } from '../engine/step.ts'
import { SEIZE_ROUNDING, isLiquidatable, seizedFor } from '../model/cdp.ts'
import { MAX_UINT256, WAD } from '../model/math.ts'
import { C, type CdpSpec, DEBT, type M, PRICE, V, collOf, debtOf, healthy } from './cdp-common.ts'
import { checkAccess, fmt } from './common.ts'

/** The driver's `invariants`, checked after every step. */
export const cdpInvariants: readonly StepInvariant<M>[] = [
  {
    ids: ['CDP-BACKING-001', 'CDP-BACKING-002'],
    check: ({ world: w, post, spec }) => {
      const supply = post[`${DEBT}.totalSupply`]
      let debts = 0n
      let colls = 0n
      for (const a of w.actors) {
        debts += debtOf(post, a.name)
        colls += collOf(post, a.name)
      }
      w.check('CDP-BACKING-001', debts === supply, () => ({ message: `after ${spec.label} the positions' debt does not equal the debt token supply`, expected: `sum of debtOf = totalSupply = ${supply}`, actual: `sum of debtOf = ${debts}` }))
      const totalDebt = post[`${V}.totalDebt`]
      if (totalDebt !== undefined) {
        w.check('CDP-BACKING-001', totalDebt === supply, () => ({ message: `after ${spec.label} the vault's totalDebt() does not equal the debt token supply`, expected: `totalDebt() = ${supply}`, actual: `totalDebt() = ${totalDebt}` }))
      }
      const held = post[`${C}.balanceOf(vault)`]
      w.check('CDP-BACKING-002', held === colls, () => ({ message: `after ${spec.label} the vault's collateral does not equal the sum of positions`, expected: `collateral.balanceOf(vault) = sum of collateralOf = ${colls}`, actual: `collateral.balanceOf(vault) = ${held}` }))
      const totalCollateral = post[`${V}.totalCollateral`]
      if (totalCollateral !== undefined) {
        w.check('CDP-BACKING-002', totalCollateral === colls, () => ({ message: `after ${spec.label} the vault's totalCollateral() does not equal the sum of positions`, expected: `totalCollateral() = ${colls}`, actual: `totalCollateral() = ${totalCollateral}` }))
      }
    },
  },
  {
    ids: ['CDP-RATIO-001'],
    check: ({ world: w, post, spec, result, preModel }) => {
      if (!result.ok || (spec.name !== 'withdraw' && spec.name !== 'borrow')) return
      const name = w.nameOf(spec.caller)
      const coll = collOf(post, name)
      const debt = debtOf(post, name)
      const price = post[PRICE]
      const ratio = preModel.minCollateralRatio
      w.check('CDP-RATIO-001', healthy(coll, debt, price, ratio), () => ({
        message: `${spec.label} left ${name}'s position below the minimum collateral ratio`,
        expected: `collateral * price >= debt * ${fmt(ratio)}`,
        actual: `collateral ${coll} * price ${price} = ${coll * price} < debt ${debt} * ratio = ${debt * ratio}`,
      }))
    },
  },
  {
    ids: ['CDP-ACCESS-001'],
    check: (ctx) => {
      checkAccess(ctx, 'CDP-ACCESS-001', [
        { prefix: DEBT, allowance: true },
        { prefix: C, allowance: false },
      ])
      const { world: w, pre, post, spec, preModel } = ctx
      const target = (spec as CdpSpec).target?.toLowerCase()
      for (const a of w.actors) {
        if (a.address.toLowerCase() === spec.caller.toLowerCase()) continue
        const [c0, d0, c1, d1] = [collOf(pre, a.name), debtOf(pre, a.name), collOf(post, a.name), debtOf(post, a.name)]
        if (c0 === c1 && d0 === d1) continue
        const liquidatable = spec.name === 'liquidate' && target === a.address.toLowerCase() && isLiquidatable({ collateral: c0, debt: d0 }, pre[PRICE], preModel.minCollateralRatio, preModel.roundingMargin)
        w.check('CDP-ACCESS-001', liquidatable, () => ({
          message: `${spec.label} changed ${a.name}'s position${spec.name === 'liquidate' && target === a.address.toLowerCase() ? ' although it was healthy' : ''}`,
          expected: `${a.name}: collateral ${c0}, debt ${d0}`,
          actual: `${a.name}: collateral ${c1}, debt ${d1}`,
        }))
      }
    },
  },
]

/**
 * CDP-LIQ-001 from the observations alone: possible exactly when the position was unhealthy (and
 * the liquidator could pay), and the seized collateral is min(collateral, debt * (1 + bonus) / price).
 * Also counts under-water liquidations (reported, not a failure).
 */
export function liquidationChecks(ctx: StepContext<M>, liquidator: Address, owner: Address): void {
  const { world: w, pre, post, result, preModel, expected } = ctx
  const ln = w.nameOf(liquidator)
  const on = w.nameOf(owner)
  const coll = collOf(pre, on)
  const debt = debtOf(pre, on)
  const price = pre[PRICE]
  const ratio = preModel.minCollateralRatio
  const bonus = preModel.liquidationBonus
  const isHealthy = healthy(coll, debt, price, ratio)
  // Borderline positions may go either way: a check in whole wei, rounding against the borrower, is correct.
  const liquidatable = isLiquidatable({ collateral: coll, debt }, price, ratio, preModel.roundingMargin)
  const overflows = coll * price > MAX_UINT256 || debt * ratio > MAX_UINT256 || debt * (WAD + bonus) > MAX_UINT256
  const funds = pre[`${DEBT}.balanceOf(${ln})`]
  const state = `collateral ${coll}, debt ${debt}, price ${price}`
  if (isHealthy) {
    if (!liquidatable) w.check('CDP-LIQ-001', !result.ok, () => ({ message: `${ln} liquidated ${on}'s healthy position`, expected: `revert (${state}: collateral * price = ${coll * price} >= debt * ratio = ${debt * ratio})`, actual: 'success' }))
  } else if (funds >= debt && !overflows) {
    w.check('CDP-LIQ-001', result.ok, () => ({ message: `${ln} could not liquidate ${on}'s unhealthy position while holding enough debt tokens`, expected: `success (${state}; liquidator holds ${funds})`, actual: 'revert' }))
  }
  if (!result.ok) return
  const want = seizedFor({ collateral: coll, debt }, price, bonus)
  const seized = post[`${C}.balanceOf(${ln})`] - pre[`${C}.balanceOf(${ln})`]
  // Up to SEIZE_ROUNDING less is rounding in the protocol's favour (the bonus taken on the value).
  w.check('CDP-LIQ-001', seized <= want && want - seized <= SEIZE_ROUNDING, () => ({ message: `${ln}.liquidate(${on}) paid the wrong amount of collateral`, expected: `seized min(${coll}, ${debt} * ${WAD + bonus} / ${price}) = ${want} (or up to ${SEIZE_ROUNDING} wei less)`, actual: `seized ${seized}` }))
  const after = { collateral: collOf(post, on), debt: debtOf(post, on) }
  w.check('CDP-LIQ-001', after.debt === 0n && after.collateral === coll - seized, () => ({ message: `${ln}.liquidate(${on}) left the position in the wrong state`, expected: `collateral ${coll - seized}, debt 0`, actual: `collateral ${after.collateral}, debt ${after.debt}` }))
  if (expected && expected.underwaterLiquidations > preModel.underwaterLiquidations) w.stats.underwater++
}
