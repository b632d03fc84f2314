/**
 * Kind `lending`: an isolated lending market (Morpho Blue's shape, one market per contract)
 * checked against model/lending.ts. Written with defineKind, the public API a user's kind uses.
 *
 * Deploy convention: `constructor(loanToken, collateralToken, oracle, lltv, borrowRate)`; the
 * oracle's `price()` quotes one collateral unit in loan units scaled by 1e36. Functions:
 * supply/withdraw/borrow/repay(assets, shares, onBehalf[, receiver]) with exactly one of assets
 * and shares nonzero, supplyCollateral(assets, onBehalf), withdrawCollateral(assets, onBehalf,
 * receiver), liquidate(borrower, seized, repaidShares), setAuthorization(manager, bool),
 * accrueInterest(); views totalSupplyAssets/Shares, totalBorrowAssets/Shares,
 * supplyShares/borrowShares/collateral(account), isAuthorized(owner, manager). Morpho Blue itself
 * is mapped onto this through an adapter (examples/morpho-blue).
 */
import type { Address } from 'viem'
import { arg, defineKind, type InvariantView, type KindDefinition } from '../engine/define-kind.ts'
import { fmt } from '../engine/amounts.ts'
import * as L from '../model/lending.ts'

const LLTV = 8n * 10n ** 17n
const FUNDS = 1_000_000n
const MAX = 2n ** 256n - 1n

/** `price` moved by `percent`, within uint256. */
const moved = (price: bigint, percent: bigint) => {
  const p = (price * percent) / 100n
  return p > MAX ? MAX : p
}

/** `percent` of the price at which `who`'s position turns unhealthy (at least 1). */
const crashed = (s: L.LendingState, who: string, percent: bigint) => {
  const p = (L.thresholdPrice(s, who) * percent) / 100n
  return p > 0n ? p : 1n
}

const DONE = { ok: true as const, result: undefined, returnData: '0x' as const, logs: [], gasUsed: 0n }

/** The lending kind, optionally with a fixed borrow rate (per second, WAD) to check interest accrual. */
export function lendingKind(opts: { rate?: bigint; name?: string } = {}) {
  const rate = opts.rate ?? 0n
  const name = opts.name ?? 'lending'
  const P = name.toUpperCase()
  const id = (suffix: string) => `${P}-${suffix}`

  /** Pre-step totals as the contract sees them once it has accrued interest, from observations. */
  const accruedPre = (v: InvariantView<L.LendingState>): L.Totals =>
    L.safely(
      () =>
        L.accrueTotals(
          { supplyAssets: v.pre['market.totalSupplyAssets'], supplyShares: v.pre['market.totalSupplyShares'], borrowAssets: v.pre['market.totalBorrowAssets'], borrowShares: v.pre['market.totalBorrowShares'] },
          v.preModel.rate,
          v.model.now - v.preModel.lastUpdate,
        ),
      { supplyAssets: v.pre['market.totalSupplyAssets'], supplyShares: v.pre['market.totalSupplyShares'], borrowAssets: v.pre['market.totalBorrowAssets'], borrowShares: v.pre['market.totalBorrowShares'] },
    )

  /** Whether the observed position of `who` is healthy with totals `t` and the observed price. */
  const healthyObserved = (o: Record<string, bigint>, who: string, t: L.Totals, lltv: bigint) =>
    L.safely(() => {
      const shares = o[`market.borrowShares(${who})`]
      if (shares === 0n) return true
      const debt = L.toAssetsUp(shares, t.borrowAssets, t.borrowShares)
      return L.wMulDown(L.mulDivDown(o[`market.collateral(${who})`], o['oracle.price'], L.ORACLE_SCALE), lltv) >= debt
    }, true)
  const postTotals = (o: Record<string, bigint>): L.Totals => ({ supplyAssets: o['market.totalSupplyAssets'], supplyShares: o['market.totalSupplyShares'], borrowAssets: o['market.totalBorrowAssets'], borrowShares: o['market.totalBorrowShares'] })

  // Share-denominated calls round, and rounding is what drifts the share price off its first ratio.
  const mode = arg.oneOf<L.LendingState>('assets', 'shares')
  /** An amount in the mode's unit: assets as given, or the shares they convert to. */
  const inMode = (a: { mode: string }, assets: bigint, shares: bigint) => (a.mode === 'shares' ? shares : assets)
  const split = (a: { mode: string; amount: bigint }) => (a.mode === 'shares' ? [0n, a.amount] : [a.amount, 0n])
  const supplyValue = (s: L.LendingState, assets: bigint) => L.safely(() => L.toSharesDown(assets, L.accrue(s).totals.supplyAssets, L.accrue(s).totals.supplyShares), 0n)
  const debtShares = (s: L.LendingState, assets: bigint) => L.safely(() => L.toSharesUp(assets, L.accrue(s).totals.borrowAssets, L.accrue(s).totals.borrowShares), 0n)
  const debtAssets = (s: L.LendingState, who: string) => L.safely(() => L.debtOf(L.accrue(s), who), 0n)

  const def: KindDefinition<L.LendingState> = {
    name,
    properties: [
      { id: id('BACKING-001'), theme: 'backing', promise: 'Lenders are never owed less than is lent out: total borrow assets never exceed total supply assets.' },
      { id: id('BACKING-002'), theme: 'backing', promise: 'The market holds at least the loan tokens it is not lending out (balance >= supply - borrow) and at least the collateral every position has posted.' },
      { id: id('RATIO-001'), theme: 'ratio', promise: 'No borrow and no collateral withdrawal ends with the position it acted on unhealthy at the current price.' },
      { id: id('LIQ-001'), theme: 'ratio', promise: 'A liquidation succeeds only against a position that was unhealthy at that moment, and every unhealthy position with collateral can be liquidated.' },
      { id: id('LIQ-002'), theme: 'rounding', promise: 'A liquidator never seizes collateral worth more than the loan assets it repaid times the liquidation incentive factor min(1.15, 1 / (1 - 0.3 * (1 - lltv))).' },
      { id: id('BADDEBT-001'), theme: 'backing', promise: 'No position keeps debt once its collateral is exhausted, and the debt written off then is taken from the total supply exactly, shared by lenders pro rata (no supply shares move).' },
      { id: id('RND-001'), theme: 'rounding', promise: 'Share conversions never favour the caller: supply shares are worth at most what was paid, withdrawals pay at most what the burned shares are worth, debt shares owed are worth at least what was borrowed, and repayments pay at least what the removed debt is worth.' },
      { id: id('ACCESS-001'), theme: 'access', promise: "No one borrows, withdraws supply or withdraws collateral on another account's behalf unless that account authorized it." },
      { id: id('EXIT-001'), theme: 'redeemability', promise: 'Every borrower can repay its whole debt and withdraw all its collateral, and then every lender can withdraw its whole supply, each receiving what the model says.', checkedIn: 'exit probe' },
    ],

    async deploy(c) {
      const loan = await c.deployMock('MockERC20', ['Loan Token', 'LOAN', c.decimals])
      const collateral = await c.deployMock('MockERC20', ['Collateral Token', 'COLL', c.decimals])
      const oracle = await c.deployMock('MockOracle', [L.ORACLE_SCALE])
      const market = await c.deployTarget([loan, collateral, oracle, LLTV, rate])
      return { market, loan, collateral, oracle }
    },

    async setup(c) {
      const unit = 10n ** BigInt(c.decimals)
      const market = c.address('market')
      let s = L.initial({ market, lltv: LLTV, rate, price: L.ORACLE_SCALE, now: c.timestamp })
      for (const a of c.actors) {
        for (const token of ['loan', 'collateral']) {
          await c.call(token, 'mint', [a.address, FUNDS * unit])
          await c.call(token, 'approve', [market, MAX], a.address)
        }
        s = L.fund(s, a.address, FUNDS * unit, FUNDS * unit)
      }
      return s
    },

    observe(c) {
      const o: Record<string, [string, string, unknown[]]> = { 'oracle.price': ['oracle', 'price', []] }
      for (const t of ['totalSupplyAssets', 'totalSupplyShares', 'totalBorrowAssets', 'totalBorrowShares']) o[`market.${t}`] = ['market', t, []]
      const holders = [...c.actors, { name: 'market', address: c.address('market') }]
      for (const a of holders) {
        o[`loan.balanceOf(${a.name})`] = ['loan', 'balanceOf', [a.address]]
        o[`collateral.balanceOf(${a.name})`] = ['collateral', 'balanceOf', [a.address]]
      }
      for (const a of c.actors) {
        for (const f of ['supplyShares', 'borrowShares', 'collateral']) o[`market.${f}(${a.name})`] = ['market', f, [a.address]]
        for (const b of c.actors) if (a !== b) o[`market.isAuthorized(${a.name},${b.name})`] = ['market', 'isAuthorized', [a.address, b.address]]
      }
      return o
    },

    project(s, c) {
      const o: Record<string, bigint | boolean> = {
        'oracle.price': s.price,
        'market.totalSupplyAssets': s.totals.supplyAssets,
        'market.totalSupplyShares': s.totals.supplyShares,
        'market.totalBorrowAssets': s.totals.borrowAssets,
        'market.totalBorrowShares': s.totals.borrowShares,
        'loan.balanceOf(market)': L.loanOf(s, s.market),
        'collateral.balanceOf(market)': L.collOf(s, s.market),
      }
      for (const a of c.actors) {
        o[`loan.balanceOf(${a.name})`] = L.loanOf(s, a.address)
        o[`collateral.balanceOf(${a.name})`] = L.collOf(s, a.address)
        o[`market.supplyShares(${a.name})`] = L.supplySharesOf(s, a.address)
        o[`market.borrowShares(${a.name})`] = L.borrowSharesOf(s, a.address)
        o[`market.collateral(${a.name})`] = L.collateralOf(s, a.address)
        for (const b of c.actors) if (a !== b) o[`market.isAuthorized(${a.name},${b.name})`] = L.isAuthorized(s, a.address, b.address)
      }
      return o
    },

    sync(s, obs, c) {
      const put = (m: Record<string, bigint>, a: string, v: bigint) => ({ ...m, [a.toLowerCase()]: v })
      let t: L.LendingState = {
        ...s,
        price: obs['oracle.price'],
        totals: postTotals(obs),
        loan: put(s.loan, s.market, obs['loan.balanceOf(market)']),
        coll: put(s.coll, s.market, obs['collateral.balanceOf(market)']),
        authorized: { ...s.authorized },
      }
      for (const a of c.actors) {
        t = {
          ...t,
          loan: put(t.loan, a.address, obs[`loan.balanceOf(${a.name})`]),
          coll: put(t.coll, a.address, obs[`collateral.balanceOf(${a.name})`]),
          supplyShares: put(t.supplyShares, a.address, obs[`market.supplyShares(${a.name})`]),
          borrowShares: put(t.borrowShares, a.address, obs[`market.borrowShares(${a.name})`]),
          collateral: put(t.collateral, a.address, obs[`market.collateral(${a.name})`]),
        }
        for (const b of c.actors) if (a !== b) t.authorized[`${a.address.toLowerCase()}|${b.address.toLowerCase()}`] = obs[`market.isAuthorized(${a.name},${b.name})`] === 1n
      }
      return t
    },

    actions: {
      supply: {
        fn: 'market.supply',
        events: ['Supply'],
        weight: 3,
        args: {
          caller: arg.actor(),
          mode,
          amount: arg.amount({ 'loan balance': (s, a) => inMode(a as { mode: string }, L.loanOf(s, a.caller), supplyValue(s, L.loanOf(s, a.caller))) }),
          onBehalf: arg.actor({ holds: (s, who, a) => who.toLowerCase() === a.caller.toLowerCase() }),
        },
        model: (s, a) => L.supply(s, a.caller, ...(split(a as never) as [bigint, bigint]), a.onBehalf),
        call: (c, a) => c.call('market', 'supply', [...split(a as never), a.onBehalf], a.caller),
      },
      withdraw: {
        fn: 'market.withdraw',
        events: ['Withdraw'],
        weight: 2,
        args: {
          onBehalf: arg.actor({ holds: (s, who) => L.supplySharesOf(s, who) > 0n }),
          caller: arg.actor({ holds: (s, who, a) => L.mayManage(s, a.onBehalf, who) }),
          mode,
          amount: arg.amount({
            supplied: (s, a) => inMode(a as { mode: string }, L.suppliedOf(s, a.onBehalf), L.supplySharesOf(s, a.onBehalf)),
            liquidity: (s, a) => inMode(a as { mode: string }, L.liquidity(s), supplyValue(s, L.liquidity(s))),
          }),
          receiver: arg.account(),
        },
        model: (s, a) => L.withdraw(s, a.caller, ...(split(a as never) as [bigint, bigint]), a.onBehalf, a.receiver),
        call: (c, a) => c.call('market', 'withdraw', [...split(a as never), a.onBehalf, a.receiver], a.caller),
      },
      supplyCollateral: {
        fn: 'market.supplyCollateral',
        events: ['SupplyCollateral'],
        weight: 3,
        args: {
          caller: arg.actor(),
          amount: arg.amount({ 'collateral balance': (s, a) => L.collOf(s, a.caller) }),
          onBehalf: arg.actor({ holds: (s, who, a) => who.toLowerCase() === a.caller.toLowerCase() }),
        },
        model: (s, a) => L.supplyCollateral(s, a.caller, a.amount, a.onBehalf),
      },
      withdrawCollateral: {
        fn: 'market.withdrawCollateral',
        events: ['WithdrawCollateral'],
        weight: 2,
        args: {
          onBehalf: arg.actor({ holds: (s, who) => L.collateralOf(s, who) > 0n }),
          caller: arg.actor({ holds: (s, who, a) => L.mayManage(s, a.onBehalf, who) }),
          amount: arg.amount({
            collateral: (s, a) => L.collateralOf(s, a.onBehalf),
            // What can go while the position stays healthy: the collateral above what its debt needs.
            'free collateral': (s, a) => {
              const needed = L.safely(() => (L.borrowSharesOf(s, a.onBehalf) === 0n || s.price === 0n ? 0n : L.mulDivUp(L.mulDivUp(debtAssets(s, a.onBehalf), L.WAD, s.lltv), L.ORACLE_SCALE, s.price)), 0n)
              const c = L.collateralOf(s, a.onBehalf)
              return c > needed ? c - needed : 0n
            },
          }),
          receiver: arg.account(),
        },
        model: (s, a) => L.withdrawCollateral(s, a.caller, a.amount, a.onBehalf, a.receiver),
        call: (c, a) => c.call('market', 'withdrawCollateral', [a.amount, a.onBehalf, a.receiver], a.caller),
      },
      borrow: {
        fn: 'market.borrow',
        events: ['Borrow'],
        weight: 4,
        args: {
          onBehalf: arg.actor({ holds: (s, who) => L.collateralOf(s, who) > 0n }),
          caller: arg.actor({ holds: (s, who, a) => L.mayManage(s, a.onBehalf, who) }),
          mode,
          // The most that can be borrowed: within the position's limit and the market's liquidity, or the limit alone.
          amount: arg.amount({
            'max borrow': (s, a) => {
              const b = L.borrowable(s, a.onBehalf)
              const l = L.liquidity(s)
              const most = b < l ? b : l
              return inMode(a as { mode: string }, most, debtShares(s, most))
            },
            // Past the market's liquidity when collateral allows more: the liquidity check's edge.
            'position limit': (s, a) => {
              const b = L.borrowable(s, a.onBehalf)
              return inMode(a as { mode: string }, b, debtShares(s, b))
            },
          }),
          receiver: arg.account(),
        },
        model: (s, a) => L.borrow(s, a.caller, ...(split(a as never) as [bigint, bigint]), a.onBehalf, a.receiver),
        call: (c, a) => c.call('market', 'borrow', [...split(a as never), a.onBehalf, a.receiver], a.caller),
      },
      repay: {
        fn: 'market.repay',
        events: ['Repay'],
        weight: 2,
        args: {
          onBehalf: arg.actor({ holds: (s, who) => L.borrowSharesOf(s, who) > 0n }),
          caller: arg.actor({ holds: (s, who, a) => who.toLowerCase() === a.onBehalf.toLowerCase() }),
          mode,
          amount: arg.amount({ debt: (s, a) => inMode(a as { mode: string }, debtAssets(s, a.onBehalf), L.borrowSharesOf(s, a.onBehalf)) }),
        },
        model: (s, a) => L.repay(s, a.caller, ...(split(a as never) as [bigint, bigint]), a.onBehalf),
        call: (c, a) => c.call('market', 'repay', [...split(a as never), a.onBehalf], a.caller),
      },
      // Closing a position: every debt share, exactly (a fraction of them is the plain repay's business).
      repayAll: {
        fn: 'market.repay',
        events: ['Repay'],
        args: {
          onBehalf: arg.actor({ holds: (s, who) => L.borrowSharesOf(s, who) > 0n }),
          caller: arg.actor({ holds: (s, who, a) => who.toLowerCase() === a.onBehalf.toLowerCase() }),
          shares: arg.amount({ 'its debt shares': (s, a) => L.borrowSharesOf(s, a.onBehalf) }, { exact: true }),
        },
        model: (s, a) => L.repay(s, a.caller, 0n, a.shares, a.onBehalf),
        call: (c, a) => c.call('market', 'repay', [0n, a.shares, a.onBehalf], a.caller),
      },
      liquidate: {
        fn: 'market.liquidate',
        events: ['Liquidate'],
        weight: 3,
        args: {
          caller: arg.actor(),
          borrower: arg.actor({ holds: (s, who) => L.borrowSharesOf(s, who) > 0n && !L.safely(() => L.healthy(L.accrue(s), who), true) }),
          mode: arg.oneOf<L.LendingState>('seized', 'repaidShares'),
          amount: arg.amount({
            position: (s, a) => (a.mode === 'seized' ? L.collateralOf(s, a.borrower) : L.borrowSharesOf(s, a.borrower)),
          }),
        },
        model: (s, a) => L.liquidate(s, a.caller, a.borrower, a.mode === 'seized' ? a.amount : 0n, a.mode === 'seized' ? 0n : a.amount),
        call: (c, a) => c.call('market', 'liquidate', [a.borrower, a.mode === 'seized' ? a.amount : 0n, a.mode === 'seized' ? 0n : a.amount], a.caller),
      },
      // Seizing all of a position's collateral is where bad debt is realized.
      liquidateAll: {
        fn: 'market.liquidate',
        events: ['Liquidate'],
        args: {
          caller: arg.actor(),
          borrower: arg.actor({ holds: (s, who) => L.borrowSharesOf(s, who) > 0n && !L.safely(() => L.healthy(L.accrue(s), who), true) }),
          seized: arg.amount({ 'its collateral': (s, a) => L.collateralOf(s, a.borrower) }, { exact: true }),
        },
        model: (s, a) => L.liquidate(s, a.caller, a.borrower, a.seized, 0n),
        call: (c, a) => c.call('market', 'liquidate', [a.borrower, a.seized, 0n], a.caller),
      },
      setAuthorization: {
        fn: 'market.setAuthorization',
        events: ['SetAuthorization'],
        args: { caller: arg.actor(), manager: arg.actor(), authorized: arg.bool() },
        model: (s, a) => L.setAuthorization(s, a.caller, a.manager, a.authorized),
      },
      accrueInterest: {
        fn: 'market.accrueInterest',
        args: { caller: arg.actor() },
        model: (s) => L.accrueInterest(s),
      },
      donate: {
        fn: 'loan.transfer',
        args: { caller: arg.actor(), amount: arg.amount({ 'loan balance': (s, a) => L.loanOf(s, a.caller) }) },
        model: (s, a) => L.transferLoan(s, a.caller, s.market, a.amount),
        call: (c, a) => c.call('loan', 'transfer', [c.address('market'), a.amount], a.caller),
        compareReturn: false,
      },
      movePrice: {
        fn: 'oracle.setPrice',
        environment: true,
        weight: 2,
        // A move relative to the price: a 50% crash within one step, falls and rises of a few percent.
        args: { percent: arg.oneOf<L.LendingState>(50n, 70n, 90n, 95n, 99n, 101n, 105n, 110n, 125n, 150n) },
        model: (s, a) => L.setPrice(s, moved(s.price, a.percent)),
        call: (c, a) => c.call('oracle', 'setPrice', [moved(c.model.price, a.percent)]),
      },
      setPrice: {
        fn: 'oracle.setPrice',
        environment: true,
        // Onto (or below: a crash) the price at which a borrower's position turns unhealthy.
        args: {
          borrower: arg.actor({ holds: (s, who) => L.borrowSharesOf(s, who) > 0n }),
          // The highest price at which it is unhealthy (+1: the lowest healthy one); the price itself when it owes nothing.
          price: arg.amount({
            'its liquidation price': (s, a) => {
              const p = L.thresholdPrice(s, a.borrower)
              return p > 0n ? p - 1n : s.price
            },
          }),
        },
        model: (s, a) => L.setPrice(s, a.price),
        call: (c, a) => c.call('oracle', 'setPrice', [a.price]),
      },
      crashPrice: {
        fn: 'oracle.setPrice',
        environment: true,
        // Far below a borrower's liquidation price: the seizable collateral no longer covers the debt.
        args: {
          borrower: arg.actor({ holds: (s, who) => L.borrowSharesOf(s, who) > 0n }),
          percent: arg.oneOf<L.LendingState>(10n, 50n, 70n),
        },
        model: (s, a) => L.setPrice(s, crashed(s, a.borrower, a.percent)),
        call: (c, a) => c.call('oracle', 'setPrice', [crashed(c.model, a.borrower, a.percent)]),
      },
      warp: {
        fn: 'market.warp',
        environment: true,
        args: { seconds: arg.oneOf<L.LendingState>(1n, 3_600n, 86_400n, 365n * 86_400n) },
        model: (s, a) => L.warp(s, a.seconds),
        call: async (c, a) => {
          c.warp(a.seconds)
          return DONE
        },
      },
    },

    // Liquidations need a lender, a borrower near its limit and a price move, in that order.
    sequences: {
      supplyThenWithdraw: { steps: ['supply', 'withdraw'], same: ['caller', 'onBehalf'], weight: 2 },
      openPosition: { steps: ['supplyCollateral', 'borrow'], same: ['caller', 'onBehalf'], weight: 2 },
      lendAndBorrow: { steps: ['supply', 'supplyCollateral', 'borrow'], weight: 2 },
      moveThenLiquidate: { steps: ['movePrice', 'liquidate'], weight: 2 },
      borrowToLiquidation: { steps: ['supply', 'supplyCollateral', 'borrow', 'setPrice', 'liquidate'], same: [['onBehalf', 'borrower']], weight: 3 },
      borrowThenWithdrawCollateral: { steps: ['supply', 'supplyCollateral', 'borrow', 'withdrawCollateral'], same: [['onBehalf', 'borrower']], weight: 2 },
      borrowThenRepay: { steps: ['supply', 'supplyCollateral', 'borrow', 'repay'], same: [['onBehalf', 'borrower']], weight: 2 },
      closePosition: { steps: ['supply', 'supplyCollateral', 'borrow', 'repayAll', 'withdrawCollateral'], same: [['onBehalf', 'borrower']] },
      donateThenBorrow: { steps: ['donate', 'supplyCollateral', 'borrow'], same: ['caller', 'onBehalf'] },
      // Interest accrues only on debt and only once time has passed.
      interestOnDebt: { steps: ['supply', 'supplyCollateral', 'borrow', 'warp', 'accrueInterest'], same: ['caller', 'onBehalf'] },
      borrowToBadDebt: { steps: ['supply', 'supplyCollateral', 'borrow', 'crashPrice', 'liquidateAll'], same: [['onBehalf', 'borrower']], weight: 2 },
    },

    invariants: [
      {
        id: id('BACKING-001'),
        check: ({ post }) => post['market.totalBorrowAssets'] <= post['market.totalSupplyAssets'] || { expected: `total borrow <= total supply ${fmt(post['market.totalSupplyAssets'])}`, actual: `total borrow ${fmt(post['market.totalBorrowAssets'])}` },
      },
      {
        id: id('BACKING-002'),
        check: ({ post }) => {
          const owed = post['market.totalSupplyAssets'] - post['market.totalBorrowAssets']
          const held = post['loan.balanceOf(market)']
          if (held < owed) return { message: 'the market holds fewer loan tokens than it owes lenders net of loans', expected: `loan.balanceOf(market) >= ${fmt(owed)} (supply - borrow)`, actual: fmt(held) }
          const posted = Object.entries(post).filter(([k]) => k.startsWith('market.collateral(')).reduce((a, [, v]) => a + v, 0n)
          const coll = post['collateral.balanceOf(market)']
          return coll >= posted || { message: 'the market holds less collateral than the positions have posted', expected: `collateral.balanceOf(market) >= ${fmt(posted)}`, actual: fmt(coll) }
        },
      },
      {
        id: id('RATIO-001'),
        check: (v) => {
          const { action, post, model, nameOf } = v
          if (!action.ok || !action.args || (action.name !== 'borrow' && action.name !== 'withdrawCollateral')) return
          const who = nameOf(action.args.onBehalf)
          if (healthyObserved(post, who, postTotals(post), model.lltv)) return
          return { message: `${who}'s position is unhealthy after ${action.name}`, expected: `collateral ${fmt(post[`market.collateral(${who})`])} at price ${fmt(post['oracle.price'])} * lltv covers the debt`, actual: `debt shares ${fmt(post[`market.borrowShares(${who})`])} (${fmt(L.safely(() => L.toAssetsUp(post[`market.borrowShares(${who})`], post['market.totalBorrowAssets'], post['market.totalBorrowShares']), 0n))} assets) exceed it` }
        },
      },
      {
        id: id('LIQ-001'),
        check: (v) => {
          const { action, pre, model, nameOf } = v
          if (!action.ok || !action.args || !action.name.startsWith('liquidate')) return
          const who = nameOf(action.args.borrower)
          if (!healthyObserved(pre, who, accruedPre(v), model.lltv)) return
          return { message: `${who} was liquidated while healthy`, expected: 'liquidate reverts against a healthy position', actual: `it succeeded with collateral ${fmt(pre[`market.collateral(${who})`])} and debt shares ${fmt(pre[`market.borrowShares(${who})`])} at price ${fmt(pre['oracle.price'])}` }
        },
      },
      {
        id: id('LIQ-002'),
        check: ({ action, pre, post, model, nameOf }) => {
          if (!action.ok || !action.name.startsWith('liquidate')) return
          const me = nameOf(action.caller)
          const seized = post[`collateral.balanceOf(${me})`] - pre[`collateral.balanceOf(${me})`]
          const repaid = pre[`loan.balanceOf(${me})`] - post[`loan.balanceOf(${me})`]
          const lif = L.incentiveFactor(model.lltv)
          const price = post['oracle.price']
          if (seized * price * L.WAD <= repaid * lif * L.ORACLE_SCALE) return
          return { message: `${me} seized more collateral than the incentive allows`, expected: `at most ${fmt(L.safely(() => L.mulDivDown(L.wMulDown(repaid, lif), L.ORACLE_SCALE, price), 0n))} collateral for ${fmt(repaid)} repaid (factor ${fmt(lif)})`, actual: `seized ${fmt(seized)}` }
        },
      },
      {
        id: id('BADDEBT-001'),
        check: (v) => {
          const { action, post } = v
          for (const [key, shares] of Object.entries(post)) {
            const m = /^market\.borrowShares\((.+)\)$/.exec(key)
            if (m && shares > 0n && post[`market.collateral(${m[1]})`] === 0n) return { message: `${m[1]} owes debt with no collateral left`, expected: 'its remaining debt written off (borrow shares 0)', actual: `${fmt(shares)} borrow shares` }
          }
          if (!action.ok || !action.name.startsWith('liquidate')) return
          const t = accruedPre(v)
          const me = v.nameOf(action.caller)
          const repaid = v.pre[`loan.balanceOf(${me})`] - post[`loan.balanceOf(${me})`]
          // What left the borrow total beyond the repayment was written off; the supply must lose exactly that.
          const unrepaid = (t.borrowAssets > repaid ? t.borrowAssets - repaid : 0n) - post['market.totalBorrowAssets']
          const lost = t.supplyAssets - post['market.totalSupplyAssets']
          if (lost === unrepaid && post['market.totalSupplyShares'] === v.pre['market.totalSupplyShares']) return
          return { message: 'the debt written off by a liquidation was not charged to lenders exactly', expected: `total supply down by ${fmt(unrepaid)} (the debt written off), supply shares unchanged at ${fmt(v.pre['market.totalSupplyShares'])}`, actual: `down by ${fmt(lost)}, supply shares ${fmt(post['market.totalSupplyShares'])}` }
        },
      },
      {
        id: id('RND-001'),
        check: (v) => {
          const { action, pre, post, nameOf } = v
          if (!action.ok || !['supply', 'withdraw', 'borrow', 'repay'].includes(action.name)) return
          const t = accruedPre(v)
          const V = L.VIRTUAL_SHARES
          const me = nameOf(action.caller)
          let ok: boolean
          let what: string
          switch (action.name) {
            case 'supply': {
              const a = post['market.totalSupplyAssets'] - t.supplyAssets
              const s = post['market.totalSupplyShares'] - t.supplyShares
              ok = s * (t.supplyAssets + 1n) <= a * (t.supplyShares + V)
              what = `${fmt(s)} supply shares for ${fmt(a)} assets`
              break
            }
            case 'withdraw': {
              const a = t.supplyAssets - post['market.totalSupplyAssets']
              const s = t.supplyShares - post['market.totalSupplyShares']
              ok = a * (t.supplyShares + V) <= s * (t.supplyAssets + 1n)
              what = `${fmt(a)} assets for ${fmt(s)} supply shares burned`
              break
            }
            case 'borrow': {
              const a = post['market.totalBorrowAssets'] - t.borrowAssets
              const s = post['market.totalBorrowShares'] - t.borrowShares
              ok = a * (t.borrowShares + V) <= s * (t.borrowAssets + 1n)
              what = `${fmt(a)} assets borrowed for ${fmt(s)} debt shares`
              break
            }
            default: {
              const a = pre[`loan.balanceOf(${me})`] - post[`loan.balanceOf(${me})`]
              const s = t.borrowShares - post['market.totalBorrowShares']
              ok = s * (t.borrowAssets + 1n) <= a * (t.borrowShares + V)
              what = `${fmt(s)} debt shares removed for ${fmt(a)} assets paid`
            }
          }
          return ok || { message: `${action.name} rounded in the caller's favour`, expected: `conversion at ${fmt(action.name === 'borrow' || action.name === 'repay' ? t.borrowAssets : t.supplyAssets)} assets / ${fmt(action.name === 'borrow' || action.name === 'repay' ? t.borrowShares : t.supplyShares)} shares (+ virtual) rounded for the market`, actual: what }
        },
      },
      {
        id: id('ACCESS-001'),
        check: ({ action, pre, nameOf }) => {
          if (!action.ok || !action.args || !['borrow', 'withdraw', 'withdrawCollateral'].includes(action.name)) return
          const owner = nameOf(action.args.onBehalf)
          const me = nameOf(action.caller)
          if (owner === me || pre[`market.isAuthorized(${owner},${me})`] === 1n) return
          return { message: `${me} managed ${owner}'s position without authorization`, expected: `${action.name} on behalf of ${owner} reverts`, actual: 'it succeeded' }
        },
      },
    ],

    exit: {
      id: id('EXIT-001'),
      async run(c) {
        let s = c.model
        const E = id('EXIT-001')
        const step = async (who: { name: string; address: Address }, fn: string, args: unknown[], outcome: ReturnType<typeof L.repay> | ReturnType<typeof L.withdrawCollateral>) => {
          const r = await c.call('market', fn, args, who.address)
          c.check(E, r.ok || !outcome.ok, { message: `${who.name} could not ${fn} as the model allows`, expected: `${fn}(${args.map((x) => (typeof x === 'bigint' ? fmt(x) : c.nameOf(String(x)))).join(', ')}) succeeds`, actual: 'reverted' })
          if (r.ok && outcome.ok && Array.isArray(outcome.returns)) {
            const got = r.result as readonly bigint[]
            c.check(E, got[0] === outcome.returns[0], { message: `${who.name}'s ${fn}`, expected: `${fmt(outcome.returns[0] as bigint)} assets`, actual: fmt(got[0]) })
          }
          if (outcome.ok) s = outcome.state
        }
        // Every unhealthy position with collateral can be liquidated (a share of its debt, by another actor).
        for (const who of c.actors) {
          if (L.borrowSharesOf(s, who.address) === 0n || L.collateralOf(s, who.address) === 0n || L.safely(() => L.healthy(L.accrue(s), who.address), true)) continue
          const by = c.actors.find((x) => x !== who)!
          const o = L.liquidate(s, by.address, who.address, 0n, 1n)
          if (!o.ok) continue
          const r = await c.call('market', 'liquidate', [who.address, 0n, 1n], by.address)
          c.check(id('LIQ-001'), r.ok, { message: `${who.name}'s unhealthy position could not be liquidated`, expected: `${by.name}.liquidate(${who.name}, 0, 1) succeeds (debt ${fmt(L.borrowSharesOf(s, who.address))} shares, collateral ${fmt(L.collateralOf(s, who.address))}, price ${fmt(s.price)})`, actual: r.ok ? 'ok' : 'reverted' })
          if (r.ok) s = o.state
        }
        for (const who of c.actors) {
          const shares = L.borrowSharesOf(s, who.address)
          if (shares > 0n) {
            // The borrower is given what it lacks: the promise is that repaying is possible, not that it can afford it.
            const owed = debtAssets(s, who.address)
            const lacking = owed - L.loanOf(s, who.address)
            if (lacking > 0n) {
              await c.call('loan', 'mint', [who.address, lacking])
              s = L.fund(s, who.address, lacking, 0n)
            }
            await step(who, 'repay', [0n, shares, who.address], L.repay(s, who.address, 0n, shares, who.address))
          }
          const posted = L.collateralOf(s, who.address)
          if (posted > 0n) await step(who, 'withdrawCollateral', [posted, who.address, who.address], L.withdrawCollateral(s, who.address, posted, who.address, who.address))
        }
        for (const who of c.actors) {
          const shares = L.supplySharesOf(s, who.address)
          if (shares > 0n) await step(who, 'withdraw', [0n, shares, who.address, who.address], L.withdraw(s, who.address, 0n, shares, who.address, who.address))
        }
      },
    },
  }
  return defineKind<L.LendingState>(def)
}

export const lending = lendingKind()
