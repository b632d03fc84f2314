/**
 * Kind `cdp`: an over-collateralised debt vault. Owners lock a collateral token, borrow the vault's
 * debt token against it, repay by burning it; anyone may liquidate an unhealthy position.
 * deposit/withdraw/borrow/repay/liquidate, the debt token's ERC20 functions (between actors only:
 * the exit probe returns every debt token to the borrowers that owe it), approvals of the
 * collateral, a collateral faucet, and oracle price moves (the environment).
 *
 * Only the CDP interface is relied on. `totalDebt()` / `totalCollateral()` are read when the vault
 * has them (our reference does) and then held to the same backing promises as the sums they stand for.
 */
import { propertiesOf } from './registry.ts'
import fc from 'fast-check'
import type { Abi, Address } from 'viem'
import type { Account, ActionSpec, KindDriver, StepContext, World } from '../engine/step.ts'
import type { Observation, ReadSpec } from '../evm/observe.ts'
import { formatRevert } from '../evm/revert.ts'
import * as D from '../model/cdp.ts'
import * as E from '../model/erc20.ts'
import { MAX_UINT256, WAD, min } from '../model/math.ts'
import { type Outcome, mapState } from '../model/outcome.ts'
import type { AmountRecipe } from '../engine/amounts.ts'
import { Action } from './action.ts'
import {
  actorIndex,
  actorOf,
  allowanceReads,
  amountArb,
  amountOf,
  callOn,
  checkAccess,
  describeRecipe,
  erc20Commands,
  fmt,
  role,
  sameBool,
  tokenReads,
} from './common.ts'
import { mustCall, ok, projectAllowances, syncLedger, withAllowance } from './reserve.ts'

type M = D.CdpState
/** An action spec that may name the position it acts on besides the caller's (liquidate). */
type CdpSpec = ActionSpec<M> & { target?: Address }

const C = 'collateral'
const DEBT = 'debt'
const V = 'vault'
const PRICE = 'oracle.price'

export const INITIAL_COLLATERAL = 1_000n
/** 1 collateral token is worth this many debt tokens at the start of every run. */
export const INITIAL_TOKEN_PRICE = 2_000n

/** The 1e18-scaled raw price (debt units per collateral unit) at which 1 token is worth `perToken` debt tokens. */
export function scaledPrice(perToken: bigint, collateralDecimals: number, debtDecimals: number): bigint {
  const exp = 18 + debtDecimals - collateralDecimals
  return exp >= 0 ? perToken * 10n ** BigInt(exp) : perToken / 10n ** BigInt(-exp)
}

/** The price every run starts from, per world (the reset price move returns to it). */
const initialPrices = new WeakMap<object, bigint>()

const collOf = (o: Observation, name: string) => o[`${V}.collateralOf(${name})`] ?? 0n
const debtOf = (o: Observation, name: string) => o[`${V}.debtOf(${name})`] ?? 0n
const healthy = (coll: bigint, debt: bigint, price: bigint, ratio: bigint) => debt === 0n || coll * price >= debt * ratio

/**
 * Actor `i`, or most of the time (3 indexes in 4) one of the actors `meaningful` selects when there
 * is any: a borrow by an actor without collateral or a repay without debt rarely tests anything.
 */
function prefer(w: World<M>, i: number, meaningful: (a: Address) => boolean) {
  const found = w.actors.filter((a) => meaningful(a.address))
  return found.length > 0 && i % 4 !== 3 ? found[i % found.length] : actorOf(w, i)
}

function hasView(abi: Abi, name: string): boolean {
  return abi.some((x) => x.type === 'function' && x.name === name && x.inputs.length === 0 && (x.outputs?.length ?? 0) === 1)
}

export const cdpDriver: KindDriver<M> = {
  kind: 'cdp',
  properties: propertiesOf('cdp'),

  async deploy({ chain, vault, mocks, decimals, actors, args }) {
    const from = actors[0].address
    const collateral = await chain.deploy({ artifact: mocks.MockERC20, args: ['Collateral', 'COL', decimals], from })
    const oracle = await chain.deploy({ artifact: mocks.MockOracle, args: [scaledPrice(INITIAL_TOKEN_PRICE, decimals, 18)], from })
    const address = await chain.deploy({ artifact: vault, args: args ?? [collateral, oracle], from })
    const read = <T>(functionName: string) => chain.read<T>({ address, abi: vault.abi, functionName })
    // The vault says which tokens and oracle it uses (custom constructor args may point elsewhere).
    const debt = await read<Address>('debtToken')
    const collateralToken = await read<Address>('collateralToken')
    const oracleAddress = await read<Address>('oracle')
    // Whatever the decimals of either token, 1 collateral token starts out worth 2000 debt tokens.
    const decimalsOf = (token: Address, fallback: number) =>
      chain.read<number>({ address: token, abi: mocks.MockERC20.abi, functionName: 'decimals' }).then(Number, () => fallback)
    const debtDecimals = await decimalsOf(debt, 18)
    const collDecimals = await decimalsOf(collateralToken, decimals)
    const r = await chain.call({ address: oracleAddress, abi: mocks.MockOracle.abi, functionName: 'setPrice', args: [scaledPrice(INITIAL_TOKEN_PRICE, collDecimals, debtDecimals)], from })
    if (!r.ok) throw new Error('MockOracle.setPrice reverted during deployment')
    return {
      vault: address,
      vaultAbi: vault.abi,
      decimals: collDecimals,
      contracts: {
        vault: { address, abi: vault.abi },
        collateral: { address: collateralToken, abi: mocks.MockERC20.abi },
        debt: { address: debt, abi: mocks.MockERC20.abi },
        oracle: { address: oracleAddress, abi: mocks.MockOracle.abi },
      },
    }
  },

  async setup(w) {
    const c = role(w, C)
    const o = role(w, 'oracle')
    const v = w.instance
    const read = (address: Address, abi: Abi, functionName: string) => w.chain.read<bigint>({ address, abi, functionName })
    const price = await read(o.address, o.abi, 'price')
    initialPrices.set(w, price)
    let m: M = D.createCdpState({
      vault: v.vault,
      price,
      minCollateralRatio: await read(v.vault, v.vaultAbi, 'minCollateralRatio'),
      liquidationBonus: await read(v.vault, v.vaultAbi, 'liquidationBonus'),
    })
    const amount = INITIAL_COLLATERAL * 10n ** BigInt(v.decimals)
    for (const a of w.actors) {
      await mustCall(w, c.address, c.abi, 'mint', [a.address, amount], a.address)
      await mustCall(w, c.address, c.abi, 'approve', [v.vault, MAX_UINT256], a.address)
      m = ok(D.mintCollateral(m, a.address, amount))
      m = ok(D.collateralApprove(m, a.address, MAX_UINT256))
    }
    return m
  },

  reads(w) {
    const c = role(w, C)
    const d = role(w, DEBT)
    const o = role(w, 'oracle')
    const v = w.instance
    const reads: ReadSpec[] = [
      ...tokenReads(w, C, c, { supply: false }),
      ...tokenReads(w, DEBT, d),
      ...allowanceReads(w, DEBT, d),
      ...w.actors.map((a) => ({ key: `${C}.allowance(${a.name},vault)`, kind: 'call' as const, address: c.address, abi: c.abi, functionName: 'allowance', args: [a.address, v.vault] })),
      ...w.actors.flatMap((a) => [
        { key: `${V}.collateralOf(${a.name})`, kind: 'call' as const, address: v.vault, abi: v.vaultAbi, functionName: 'collateralOf', args: [a.address] },
        { key: `${V}.debtOf(${a.name})`, kind: 'call' as const, address: v.vault, abi: v.vaultAbi, functionName: 'debtOf', args: [a.address] },
      ]),
      { key: PRICE, kind: 'call', address: o.address, abi: o.abi, functionName: 'price' },
    ]
    // Extras outside the interface: checked against the backing invariants (never projected).
    for (const fn of ['totalDebt', 'totalCollateral']) {
      if (hasView(v.vaultAbi, fn)) reads.push({ key: `${V}.${fn}`, kind: 'call', address: v.vault, abi: v.vaultAbi, functionName: fn })
    }
    return reads
  },

  project(m, w) {
    const o: Observation = {}
    for (const a of w.accounts()) {
      o[`${C}.balanceOf(${a.name})`] = E.balanceOf(m.collateral, a.address)
      o[`${DEBT}.balanceOf(${a.name})`] = E.balanceOf(m.debt, a.address)
    }
    o[`${DEBT}.totalSupply`] = m.debt.totalSupply
    projectAllowances(o, w, m.debt, DEBT)
    for (const a of w.actors) {
      o[`${C}.allowance(${a.name},vault)`] = E.allowance(m.collateral, a.address, m.vault)
      const p = D.positionOf(m, a.address)
      o[`${V}.collateralOf(${a.name})`] = p.collateral
      o[`${V}.debtOf(${a.name})`] = p.debt
    }
    o[PRICE] = m.price
    return o
  },

  sync(m, obs, w) {
    let collateral = syncLedger(m.collateral, obs, w, C)
    for (const a of w.actors) collateral = withAllowance(collateral, a.address, m.vault, obs[`${C}.allowance(${a.name},vault)`])
    let debt = syncLedger(m.debt, obs, w, DEBT)
    debt = { ...debt, totalSupply: obs[`${DEBT}.totalSupply`] }
    const positions: Record<string, D.Position> = { ...m.positions }
    for (const a of w.actors) {
      const key = a.address.toLowerCase()
      const p = { collateral: collOf(obs, a.name), debt: debtOf(obs, a.name) }
      if (p.collateral === 0n && p.debt === 0n) delete positions[key]
      else positions[key] = p
    }
    return { ...m, collateral, debt, positions, price: obs[PRICE] }
  },

  invariants: [
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
          const liquidatable = spec.name === 'liquidate' && target === a.address.toLowerCase() && !healthy(c0, d0, pre[PRICE], preModel.minCollateralRatio)
          w.check('CDP-ACCESS-001', liquidatable, () => ({
            message: `${spec.label} changed ${a.name}'s position${spec.name === 'liquidate' && target === a.address.toLowerCase() ? ' although it was healthy' : ''}`,
            expected: `${a.name}: collateral ${c0}, debt ${d0}`,
            actual: `${a.name}: collateral ${c1}, debt ${d1}`,
          }))
        }
      },
    },
  ],

  async exitProbe(w) {
    await cdpExit(w)
  },

  commands(w) {
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
    const pos = (m: M, a: Address) => D.positionOf(m, a)

    /**
     * `exact`: trimmed (when it can be) so that the position's collateral * price is a multiple of the
     * ratio: a borrow of maxBorrow then lands exactly on the minimum ratio, where `<` vs `<=` differ.
     */
    const depositSpec = (world: World<M>, caller: Account, recipe: AmountRecipe, exact = false) => {
      const m = world.model
      const bal = E.balanceOf(m.collateral, caller.address)
      const allowed = E.allowance(m.collateral, caller.address, m.vault)
      let amount = amountOf(world, recipe, [min(bal, allowed), bal])
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

    const deposit = fc.record({ caller: actorIndex, amount: amountArb(w, 2) }).map(
      (r) => new Action<M>(`deposit(actor ${r.caller}, ${describeRecipe(r.amount, ['depositable', 'collateral balance'])})`, (world) => depositSpec(world, actorOf(world, r.caller), r.amount)),
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
    const priceSpec = (world: World<M>, r: { move: PriceMove; actor: number }): CdpSpec | undefined => {
      const m = world.model
      const initial = initialPrices.get(world) ?? m.price
      // Relative moves from a zero price start again from the initial one (0 would stay 0).
      const base = m.price === 0n ? initial : m.price
      let next: bigint
      let why: string
      switch (r.move.t) {
        case 'drift':
          next = (base * BigInt(1_000_000 + r.move.ppm)) / 1_000_000n
          why = `drift ${(r.move.ppm / 10_000).toFixed(2)}%`
          break
        case 'crash':
          next = (base * BigInt(r.move.ppm)) / 1_000_000n
          why = `crash to ${(r.move.ppm / 10_000).toFixed(2)}%`
          break
        case 'spike':
          next = (base * BigInt(r.move.ppm)) / 1_000_000n
          why = `spike x${(r.move.ppm / 1_000_000).toFixed(2)}`
          break
        case 'zero':
          next = 0n
          why = 'zero'
          break
        case 'reset':
          next = initial
          why = 'back to the initial price'
          break
        case 'atMin':
        case 'belowMin': {
          // The lowest price at which a borrower is still healthy (±1), or a fraction of it (the
          // borrower becomes liquidatable); nothing without a borrower.
          const who = prefer(world, r.actor, (a) => pos(m, a).debt > 0n)
          const at = pos(m, who.address).debt > 0n ? D.priceAtMinRatio(m, who.address) : undefined
          if (at === undefined) return undefined
          if (r.move.t === 'atMin') {
            next = at + BigInt(r.move.delta)
            why = `${who.name}'s minimum-ratio price${r.move.delta === 0 ? '' : r.move.delta > 0 ? '+1' : '-1'}`
          } else {
            next = (at * BigInt(r.move.ppm)) / 1_000_000n
            why = `${(r.move.ppm / 10_000).toFixed(2)}% of ${who.name}'s minimum-ratio price`
          }
          break
        }
      }
      if (next < 0n) next = 0n
      if (next > MAX_UINT256) next = MAX_UINT256
      const p = next
      const o = role(world, 'oracle')
      const spec: CdpSpec = {
        name: 'price',
        label: `oracle: price ${fmt(m.price)} -> ${fmt(p)} (${why})`,
        caller: world.actors[0].address,
        user: false,
        predict: (s) => D.setPrice(s, p),
        perform: (wd) => callOn(wd, o.address, o.abi, 'setPrice', [p], wd.actors[0].address),
      }
      return spec
    }
    const price = fc.record({ move: priceMove, actor: actorIndex }).map(
      (r) => new Action<M>(`price(${describeMove(r.move)}${r.move.t === 'atMin' || r.move.t === 'belowMin' ? `, actor ${r.actor}` : ''})`, (world) => priceSpec(world, r)),
    )
    // A fall onto or below a borrower's minimum-ratio price, or to zero, and a third party's
    // liquidation right after it, before another move can undo it: the boundaries of liquidate and of
    // the seizure. A liquidator short of debt tokens first buys what it lacks from the holders.
    const fallThenLiquidate = fc.record({ move: fallMove, actor: actorIndex, caller: actorIndex }).map((r) => {
      // Resolved after the fall, for the steps after it.
      let target: Account | undefined
      let liquidator: Account | undefined
      return new Steps<M>(`fallThenLiquidate(${describeMove(r.move)}, actor ${r.actor}, liquidator actor ${r.caller})`, [
        (world) => priceSpec(world, r),
        (world) => {
          const m = world.model
          target = liquidationTarget(world, r.actor)
          const others = world.actors.filter((a) => a.address !== target!.address)
          liquidator = others[r.caller % others.length]
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
    }).map((arb) => arb.filter((a) => !/, (vault|zero),/.test(a.toString())))

    // Weights: positions, price moves and liquidations are what this kind is about; token
    // housekeeping (faucet, approvals, debt-token ERC20 calls) gets one slot each group. The repay
    // slot is shared with topUpRepay, one liquidation slot is a fall then a third party's liquidation.
    return [deposit, open, open, open, withdraw, withdraw, borrow, fc.oneof(repay, topUpRepay), liquidate, liquidate, fallThenLiquidate, price, price, price, fc.oneof(faucet, approveCollateral), fc.oneof(...tokenActions)]
  },
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

type PriceMove =
  | { t: 'drift'; ppm: number }
  | { t: 'crash'; ppm: number }
  | { t: 'spike'; ppm: number }
  | { t: 'atMin'; delta: -1 | 0 | 1 }
  | { t: 'belowMin'; ppm: number }
  | { t: 'zero' }
  | { t: 'reset' }

/**
 * Price moves on coarse grids (basis points, whole percents, tenths): a move and an amount that only
 * fail together would otherwise shrink in lockstep one ppm at a time.
 */
const priceMove: fc.Arbitrary<PriceMove> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -500, max: 500 }).map((bp): PriceMove => ({ t: 'drift', ppm: bp * 100 })) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 90 }).map((pct): PriceMove => ({ t: 'crash', ppm: pct * 10_000 })) },
  { weight: 2, arbitrary: fc.integer({ min: 10, max: 100 }).map((tenths): PriceMove => ({ t: 'spike', ppm: tenths * 100_000 })) },
  { weight: 6, arbitrary: fc.constantFrom<-1 | 0 | 1>(0, -1, 1).map((delta): PriceMove => ({ t: 'atMin', delta })) },
  { weight: 3, arbitrary: fc.integer({ min: 50, max: 99 }).map((pct): PriceMove => ({ t: 'belowMin', ppm: pct * 10_000 })) },
  { weight: 1, arbitrary: fc.constant<PriceMove>({ t: 'zero' }) },
  { weight: 1, arbitrary: fc.constant<PriceMove>({ t: 'reset' }) },
)

/** The moves that make a borrower liquidatable, or sit exactly on its boundary. */
const fallMove: fc.Arbitrary<PriceMove> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<-1 | 0>(-1, 0).map((delta): PriceMove => ({ t: 'atMin', delta })) },
  { weight: 2, arbitrary: fc.integer({ min: 50, max: 99 }).map((pct): PriceMove => ({ t: 'belowMin', ppm: pct * 10_000 })) },
  { weight: 1, arbitrary: fc.constant<PriceMove>({ t: 'zero' }) },
)

function describeMove(m: PriceMove): string {
  switch (m.t) {
    case 'drift':
      return `drift ${(m.ppm / 10_000).toFixed(2)}%`
    case 'crash':
      return `crash to ${(m.ppm / 10_000).toFixed(2)}%`
    case 'spike':
      return `spike x${(m.ppm / 1_000_000).toFixed(2)}`
    case 'atMin':
      return `minimum-ratio price${m.delta === 0 ? '' : m.delta > 0 ? '+1' : '-1'}`
    case 'belowMin':
      return `${(m.ppm / 10_000).toFixed(2)}% of the minimum-ratio price`
    case 'zero':
      return 'zero'
    case 'reset':
      return 'reset'
  }
}

/**
 * CDP-LIQ-001 from the observations alone: possible exactly when the position was unhealthy (and
 * the liquidator could pay), and the seized collateral is min(collateral, debt * (1 + bonus) / price).
 * Also counts under-water liquidations (reported, not a failure).
 */
function liquidationChecks(ctx: StepContext<M>, liquidator: Address, owner: Address): void {
  const { world: w, pre, post, result, preModel, expected } = ctx
  const ln = w.nameOf(liquidator)
  const on = w.nameOf(owner)
  const coll = collOf(pre, on)
  const debt = debtOf(pre, on)
  const price = pre[PRICE]
  const ratio = preModel.minCollateralRatio
  const bonus = preModel.liquidationBonus
  const isHealthy = healthy(coll, debt, price, ratio)
  const overflows = coll * price > MAX_UINT256 || debt * ratio > MAX_UINT256 || debt * (WAD + bonus) > MAX_UINT256
  const funds = pre[`${DEBT}.balanceOf(${ln})`]
  const state = `collateral ${coll}, debt ${debt}, price ${price}`
  if (isHealthy) {
    w.check('CDP-LIQ-001', !result.ok, () => ({ message: `${ln} liquidated ${on}'s healthy position`, expected: `revert (${state}: collateral * price = ${coll * price} >= debt * ratio = ${debt * ratio})`, actual: 'success' }))
  } else if (funds >= debt && !overflows) {
    w.check('CDP-LIQ-001', result.ok, () => ({ message: `${ln} could not liquidate ${on}'s unhealthy position while holding enough debt tokens`, expected: `success (${state}; liquidator holds ${funds})`, actual: 'revert' }))
  }
  if (!result.ok) return
  const want = price === 0n ? coll : min(coll, (debt * (WAD + bonus)) / price)
  const seized = post[`${C}.balanceOf(${ln})`] - pre[`${C}.balanceOf(${ln})`]
  w.check('CDP-LIQ-001', seized === want, () => ({ message: `${ln}.liquidate(${on}) paid the wrong amount of collateral`, expected: `seized min(${coll}, ${debt} * ${WAD + bonus} / ${price}) = ${want}`, actual: `seized ${seized}` }))
  const after = { collateral: collOf(post, on), debt: debtOf(post, on) }
  w.check('CDP-LIQ-001', after.debt === 0n && after.collateral === coll - want, () => ({ message: `${ln}.liquidate(${on}) left the position in the wrong state`, expected: `collateral ${coll - want}, debt 0`, actual: `collateral ${after.collateral}, debt ${after.debt}` }))
  if (expected && expected.underwaterLiquidations > preModel.underwaterLiquidations) w.stats.underwater++
}

/**
 * CDP-EXIT-001, in the engine's snapshot: debt tokens go back to the borrowers that owe them, each
 * borrower repays its whole debt, then every actor withdraws all its collateral. Every call must
 * succeed, and no debt and no position may remain.
 */
async function cdpExit(w: World<M>): Promise<void> {
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

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b]
  return a
}

/** Several actions in a row as one command (each a full engine step): e.g. deposit then borrow. */
class Steps<X> implements fc.AsyncCommand<World<X>, World<X>> {
  constructor(
    private readonly recipe: string,
    private readonly builds: readonly ((w: World<X>) => ActionSpec<X> | undefined)[],
  ) {}

  check(): boolean {
    return true
  }

  async run(_model: World<X>, world: World<X>): Promise<void> {
    world.subSteps = this.builds.length
    for (const [j, build] of this.builds.entries()) {
      // A dropped sub-step is still built: its amounts are consumed, so later pins stay aligned.
      const spec = build(world)
      if (spec && !world.dropSteps?.has(j)) await world.step(spec)
    }
  }

  toString(): string {
    return this.recipe
  }
}
