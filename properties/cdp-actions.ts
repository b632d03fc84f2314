/**
 * The `cdp` kind's commands: positions (deposit, open, withdraw, borrow, repay, topUpRepay),
 * liquidations (alone, or right after a fall of the price), oracle price moves, the collateral
 * faucet and approvals, and the debt token's ERC20 functions between actors.
 */
import fc from 'fast-check'
import type { Address } from 'viem'
import type { Account, StepContext, World } from '../engine/step.ts'
import * as D from '../model/cdp.ts'
import * as E from '../model/erc20.ts'
import { MAX_UINT256, min } from '../model/math.ts'
import { type Outcome, mapState } from '../model/outcome.ts'
import type { AmountRecipe } from '../engine/amounts.ts'
import { Action } from '../engine/action.ts'
import { C, type CdpSpec, DEBT, type M, pos, prefer } from './cdp-common.ts'
import { liquidationChecks } from './cdp-invariants.ts'
import { describeMove, fallMove, priceMove, priceSpec } from './cdp-moves.ts'
import { actorIndex, actorOf, amountArb, amountOf, callOn, describeRecipe, erc20Commands, fmt, role, sameBool } from './common.ts'
import { Steps } from '../engine/action.ts'

/** The driver's `commands`: every action, weighted (see the end). */
export function cdpCommands(w: World<M>): fc.Arbitrary<fc.AsyncCommand<World<M>, World<M>>>[] {
  const collateral = () => role(w, C)
  const debtToken = () => role(w, DEBT)
  const vaultCall = (name: string, label: string, caller: Address, args: readonly unknown[], predict: (m: M) => Outcome<M, unknown>): CdpSpec => ({
    name,
    label,
    caller,
    user: true,
    predict,
    perform: (world: World<M>) => callOn(world, world.instance.vault, world.instance.vaultAbi, name, args, caller),
  })
  const collateralCall = (name: string, label: string, caller: Address, args: readonly unknown[], predict: (m: M) => Outcome<M, unknown>, user = true): CdpSpec => ({
    name,
    label,
    caller,
    user,
    predict,
    perform: (world: World<M>) => callOn(world, collateral().address, collateral().abi, name, args, caller),
  })
  /**
   * `exact`: trimmed (when it can be) so that the position's collateral * price is a multiple of the
   * ratio: a borrow of maxBorrow then lands exactly on the minimum ratio, where `<` vs `<=` differ.
   */
  const maxIsAll = w.tokenBehaviour?.transferMax === true
  const depositSpec = (world: World<M>, caller: Account, recipe: AmountRecipe, exact = false) => {
    const m = world.model
    const bal = E.balanceOf(m.collateral, caller.address)
    const allowed = E.allowance(m.collateral, caller.address, m.vault)
    let amount = amountOf(world, recipe, [min(bal, allowed), bal, ...(maxIsAll ? [MAX_UINT256] : [])])
    if (exact && m.price > 0n && m.minCollateralRatio > 0n) {
      const step = m.minCollateralRatio / gcd(m.price, m.minCollateralRatio)
      const excess = (pos(m, caller.address).collateral + amount) % step
      if (excess <= amount) amount -= excess
    }
    return vaultCall('deposit', `${caller.name}.deposit(${fmt(amount)})`, caller.address, [amount], (s) => D.deposit(s, caller.address, amount))
  }
  const borrowSpec = (world: World<M>, caller: Account, recipe: AmountRecipe) => {
    const max = D.maxBorrow(world.model, caller.address)
    const amount = amountOf(world, recipe, [max, max < MAX_UINT256 ? max + 1n : max])
    return vaultCall('borrow', `${caller.name}.borrow(${fmt(amount)})`, caller.address, [amount], (s) => D.borrow(s, caller.address, amount))
  }

  // Under a collateral reading type(uint256).max as "everything" (cUSDCv3), that is a real deposit.
  const deposit = fc.record({ caller: actorIndex, amount: amountArb(w, maxIsAll ? 3 : 2) }).map(
    (r) => new Action<M>(`deposit(actor ${r.caller}, ${describeRecipe(r.amount, ['depositable', 'collateral balance', ...(maxIsAll ? ['MAX'] : [])])})`, (world) => depositSpec(world, actorOf(world, r.caller), r.amount)),
  )
  // A position is where everything interesting starts: deposit then borrow, near the limit or on it.
  const open = fc.record({ caller: actorIndex, collateral: amountArb(w, 2), exact: fc.boolean(), debt: boundaryAmount(w, 1, [0], 1, 2) }).map(
    (r) =>
      new Steps<M>(`open(actor ${r.caller}, ${describeRecipe(r.collateral, ['depositable', 'collateral balance'])}${r.exact ? ' (exact)' : ''}, ${describeRecipe(r.debt, ['maxBorrow'])})`, [
        (world) => depositSpec(world, actorOf(world, r.caller), r.collateral, r.exact),
        (world) => borrowSpec(world, actorOf(world, r.caller), r.debt),
      ]),
  )
  const withdraw = fc.record({ caller: actorIndex, amount: boundaryAmount(w, 2, [0, 1], 1) }).map(
    (r) =>
      new Action<M>(`withdraw(actor ${r.caller}, ${describeRecipe(r.amount, ['collateral', 'maxWithdraw'])})`, (world) => {
        const m = world.model
        // Borrowers first (their withdrawals are the ones the health check guards), then any holder.
        const borrowers = world.actors.filter((a) => pos(m, a.address).debt > 0n && pos(m, a.address).collateral > 0n)
        const caller = borrowers.length > 0 && r.caller % 2 === 0 ? borrowers[(r.caller >> 1) % borrowers.length] : prefer(world, r.caller, (a) => pos(m, a).collateral > 0n)
        const amount = amountOf(world, r.amount, [pos(m, caller.address).collateral, D.maxWithdraw(m, caller.address)])
        return vaultCall('withdraw', `${caller.name}.withdraw(${fmt(amount)})`, caller.address, [amount], (s) => D.withdraw(s, caller.address, amount))
      }),
  )
  const borrow = fc.record({ caller: actorIndex, amount: boundaryAmount(w, 2, [0]) }).map(
    (r) =>
      new Action<M>(`borrow(actor ${r.caller}, ${describeRecipe(r.amount, ['maxBorrow', 'maxBorrow+1'])})`, (world) =>
        borrowSpec(world, prefer(world, r.caller, (a) => pos(world.model, a).collateral > 0n), r.amount),
      ),
  )
  const debtTransferSpec = (from: Account, to: Account, amount: bigint): CdpSpec => {
    const d = debtToken()
    return {
      name: 'transfer',
      label: `${from.name}.transfer(${to.name}, ${fmt(amount)})`,
      caller: from.address,
      user: true,
      predict: (s) => D.debtTransfer(s, from.address, to.address, amount),
      perform: (wd) => callOn(wd, d.address, d.abi, 'transfer', [to.address, amount], from.address),
      sameReturn: sameBool,
      formatReturn: (v) => String(v),
      events: { address: d.address, names: ['Transfer'] },
    }
  }
  const repaySpec = (world: World<M>, caller: Account, recipe: AmountRecipe) => {
    const m = world.model
    const amount = amountOf(world, recipe, [pos(m, caller.address).debt, E.balanceOf(m.debt, caller.address)])
    return vaultCall('repay', `${caller.name}.repay(${fmt(amount)})`, caller.address, [amount], (s) => D.repay(s, caller.address, amount))
  }
  const repay = fc.record({ caller: actorIndex, amount: boundaryAmount(w, 2, [0]) }).map(
    (r) =>
      new Action<M>(`repay(actor ${r.caller}, ${describeRecipe(r.amount, ['debt', 'debt-token balance'])})`, (world) => {
        const m = world.model
        // Mostly borrowers; one pick in four, when there is one, an actor holding more debt tokens
        // than it owes (a liquidated owner, a receiver of a transfer): only the debt check stops
        // its repaying more than it owes, the burn would not.
        const surplus = (a: Address) => E.balanceOf(m.debt, a) > pos(m, a).debt
        const caller = r.caller % 4 === 3 && world.actors.some((a) => surplus(a.address)) ? prefer(world, r.caller >> 2, surplus) : prefer(world, r.caller, (a) => pos(m, a).debt > 0n)
        return repaySpec(world, caller, r.amount)
      }),
  )
  // Debt tokens from another actor (which opens a position first when it holds none), then a
  // repayment by a borrower now holding more than it owes: a repayment past the debt, which only
  // the debt check stops (the burn would not).
  const topUpRepay = fc
    .record({ caller: actorIndex, from: actorIndex, collateral: amountArb(w, 2), debt: boundaryAmount(w, 1, [0], 1, 2), give: amountArb(w, 1), amount: boundaryAmount(w, 2, [0, 1], 1, 3) })
    .map((r) => {
      // Resolved by the first step, for the steps after it.
      let to: Account | undefined
      let from: Account | undefined
      const lenderHasNone = (world: World<M>) => E.balanceOf(world.model.debt, from!.address) === 0n
      return new Steps<M>(
        `topUpRepay(actor ${r.caller}, from actor ${r.from}, ${describeRecipe(r.give, ['balance'])}, ${describeRecipe(r.amount, ['debt', 'debt-token balance'])})`,
        [
          (world) => {
            const m = world.model
            to = prefer(world, r.caller, (a) => pos(m, a).debt > 0n)
            const others = world.actors.filter((a) => a.address !== to!.address)
            const holders = others.filter((a) => E.balanceOf(m.debt, a.address) > 0n)
            from = holders.length > 0 ? holders[r.from % holders.length] : others[r.from % others.length]
            return lenderHasNone(world) ? depositSpec(world, from, r.collateral) : undefined
          },
          (world) => (lenderHasNone(world) ? borrowSpec(world, from!, r.debt) : undefined),
          (world) => debtTransferSpec(from!, to!, amountOf(world, r.give, [E.balanceOf(world.model.debt, from!.address)])),
          (world) => repaySpec(world, to!, r.amount),
        ],
      )
    })
  /** Positions that are liquidatable or exactly at the minimum ratio (the boundary): the interesting targets. */
  const liquidationTarget = (world: World<M>, i: number) =>
    prefer(world, i, (a) => {
      const p = pos(world.model, a)
      return p.debt > 0n && p.collateral * world.model.price <= p.debt * world.model.minCollateralRatio
    })
  const liquidateSpecOf = (caller: Account, target: Account): CdpSpec => ({
    ...vaultCall('liquidate', `${caller.name}.liquidate(${target.name})`, caller.address, [target.address], (s) => D.liquidate(s, caller.address, target.address)),
    target: target.address,
    // A vault that pays up to SEIZE_ROUNDING less (the bonus taken on the collateral value, rounded
    // twice) is followed at what it paid; more than the formula, or less by more, is judged as is.
    settle: (s, _returned, post) => {
      const exact = D.seizedFor(pos(s, target.address), s.price, s.liquidationBonus)
      const paid = E.balanceOf(s.collateral, s.vault) - (post[`${C}.balanceOf(vault)`] ?? 0n)
      return paid < exact && exact - paid <= D.SEIZE_ROUNDING ? D.liquidate(s, caller.address, target.address, paid) : D.liquidate(s, caller.address, target.address)
    },
    formatReturn: (v: unknown) => (v === undefined ? 'ok' : `seized ${fmt(v as bigint)}`),
    checks: (ctx: StepContext<M>) => liquidationChecks(ctx, caller.address, target.address),
  })
  const liquidateSpec = (world: World<M>, r: { caller: number; target: number }): CdpSpec => {
    const m = world.model
    // Prefer liquidators that hold enough debt tokens to pay the whole debt.
    const target = liquidationTarget(world, r.target)
    const owed = pos(m, target.address).debt
    const caller = prefer(world, r.caller, (a) => owed > 0n && E.balanceOf(m.debt, a) >= owed)
    return liquidateSpecOf(caller, target)
  }
  const liquidate = fc.record({ caller: actorIndex, target: actorIndex }).map((r) => new Action<M>(`liquidate(actor ${r.caller}, actor ${r.target})`, (world) => liquidateSpec(world, r)))
  const price = fc.record({ move: priceMove, actor: actorIndex }).map(
    (r) => new Action<M>(`price(${describeMove(r.move)}${r.move.t === 'atMin' || r.move.t === 'belowMin' ? `, actor ${r.actor}` : ''})`, (world) => priceSpec(world, r)),
  )
  // A fall onto or below a borrower's minimum-ratio price, or to zero, and a third party's
  // liquidation right after it, before another move can undo it: the boundaries of liquidate and of
  // the seizure. A liquidator short of debt tokens first buys what it lacks from the holders.
  // Shrinking may rewrite it into the position's owner liquidating itself: it holds what it
  // borrowed, so the purchase, one step of every such counterexample, is no longer needed.
  const fallThenLiquidate = fc.record({ move: fallMove, actor: actorIndex, caller: actorIndex }).map((r) => {
    // Resolved after the fall, for the steps after it.
    let target: Account | undefined
    let liquidator: Account | undefined
    return new Steps<M>(`fallThenLiquidate(${describeMove(r.move)}, actor ${r.actor}, liquidator actor ${r.caller})`, [
      (world) => priceSpec(world, r),
      (world) => {
        const m = world.model
        world.rewrites = 1
        target = liquidationTarget(world, r.actor)
        const others = world.actors.filter((a) => a.address !== target!.address)
        liquidator = world.rewrite === 1 ? target : others[r.caller % others.length]
        const short = pos(m, target.address).debt - E.balanceOf(m.debt, liquidator.address)
        if (short <= 0n) return undefined
        const seller = world.actors.filter((a) => a.address !== liquidator!.address).reduce((x, y) => (E.balanceOf(m.debt, y.address) > E.balanceOf(m.debt, x.address) ? y : x))
        const has = E.balanceOf(m.debt, seller.address)
        return has > 0n ? debtTransferSpec(seller, liquidator, min(short, has)) : undefined
      },
      (world) => liquidateSpecOf(liquidator!, target!),
    ])
  })
  const faucet = fc.record({ to: actorIndex, amount: amountArb(w, 1) }).map(
    (r) =>
      new Action<M>(`faucet(actor ${r.to}, ${describeRecipe(r.amount, ['1000 units'])})`, (world) => {
        const to = actorOf(world, r.to)
        const amount = amountOf(world, r.amount, [1000n * 10n ** BigInt(world.instance.decimals)])
        return collateralCall('mint', `faucet: ${fmt(amount)} collateral to ${to.name}`, to.address, [to.address, amount], (s) => D.mintCollateral(s, to.address, amount), false)
      }),
  )
  const approveCollateral = fc.record({ caller: actorIndex, amount: amountArb(w, 2) }).map(
    (r) =>
      new Action<M>(`approveCollateral(actor ${r.caller}, ${describeRecipe(r.amount, ['collateral balance', 'MAX'])})`, (world) => {
        const caller = actorOf(world, r.caller)
        const amount = amountOf(world, r.amount, [E.balanceOf(world.model.collateral, caller.address), MAX_UINT256])
        return collateralCall('approve', `${caller.name}.approveCollateral(vault, ${fmt(amount)})`, caller.address, [world.instance.vault, amount], (s) => D.collateralApprove(s, caller.address, amount))
      }),
  )
  // The debt token's ERC20 functions, between actors only (no debt token may leave the actors:
  // the exit probe hands every one back to a borrower that owes it).
  const tokenActions = erc20Commands<M>(w, {
    prefix: DEBT,
    token: debtToken,
    balance: (m, a) => E.balanceOf(m.debt, a),
    allowance: (m, o, s) => E.allowance(m.debt, o, s),
    transfer: (m, from, to, amount) => mapState(E.transfer(m.debt, from, to, amount), (debt) => ({ ...m, debt })),
    approve: (m, owner, spender, amount) => mapState(E.approve(m.debt, owner, spender, amount), (debt) => ({ ...m, debt })),
    transferFrom: (m, spender, from, to, amount) => mapState(E.transferFrom(m.debt, spender, from, to, amount), (debt) => ({ ...m, debt })),
    accessId: 'CDP-ACCESS-001',
    // Debt tokens exist only after a borrow: a separate approve and transferFrom rarely meet, and
    // a transferFrom that never spends its allowance went unnoticed (mutants M036/M037).
    delegated: true,
  }).map((arb) => arb.filter((a) => !/, (vault|zero),/.test(a.toString())))

  // Weights: positions, price moves and liquidations are what this kind is about; token
  // housekeeping (faucet, approvals, debt-token ERC20 calls, a delegated debt transfer) gets one slot each group. The repay
  // slot is shared with topUpRepay, one liquidation slot is a fall then a third party's liquidation.
  return [deposit, open, open, open, withdraw, withdraw, borrow, fc.oneof(repay, topUpRepay), liquidate, liquidate, fallThenLiquidate, price, price, price, fc.oneof(faucet, approveCollateral), fc.oneof(...tokenActions)]
}

/**
 * An amount recipe that lands on one of `boundary` refs (exactly, or ±1) `onBoundary` times in
 * `usual + onBoundary` (a quarter by default), and otherwise follows the usual mix: the refs that
 * are exact health boundaries are where off-by-one bugs live.
 */
function boundaryAmount(w: World<M>, refs: number, boundary: readonly number[], usual = 3, onBoundary = 1): fc.Arbitrary<AmountRecipe> {
  return fc.oneof(
    { weight: usual, arbitrary: amountArb(w, refs) },
    {
      weight: onBoundary,
      arbitrary: fc
        .record({ ref: fc.constantFrom(...boundary), delta: fc.oneof({ weight: 2, arbitrary: fc.constant<0>(0) }, { weight: 1, arbitrary: fc.constantFrom<-1 | 1>(-1, 1) }) })
        .map((r): AmountRecipe => ({ t: 'ref', ...r })),
    },
  )
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}
