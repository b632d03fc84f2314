/**
 * Kind `psm`: a peg stability module checked against its model (model.ts). Property IDs are
 * PSM-*; the harness adds PSM-DIFF-001/002 (outcomes and state match the model), PSM-VIEW-001 and
 * PSM-ACCESS-002 (no other function moves value for an unprivileged caller).
 */
import { arg, defineKind, fmt } from 'vaultcheck'
import * as P from './model.ts'

const FEE_BPS = 30n
const FUNDS = 1_000_000n * 10n ** 6n

export default defineKind<P.PsmState>({
  name: 'psm',
  properties: [
    { id: 'PSM-BACKING-001', theme: 'backing', promise: 'The module always holds at least one reserve unit per 10^12 stablecoin units issued.' },
    { id: 'PSM-FEE-001', theme: 'rounding', promise: 'No mint or redeem charges more than the fee rate of its amount (rounded up by at most one unit).' },
    { id: 'PSM-EXIT-001', theme: 'redeemability', promise: 'Every holder can, one after another, redeem its whole stablecoin balance for what the model pays, leaving outstanding only what no actor holds.', checkedIn: 'exit probe' },
  ],

  async deploy(c) {
    const reserve = await c.deployMock('MockERC20', ['Reserve Dollar', 'rUSD', 6])
    const stable = await c.deploy('PsmStablecoin')
    const psm = await c.deployTarget([reserve, stable, FEE_BPS])
    await c.call(stable, 'setMinter', [psm])
    return { psm, reserve, stable }
  },

  async setup(c) {
    let s = P.initial(c.address('psm'), FEE_BPS)
    for (const a of c.actors) {
      await c.call('reserve', 'mint', [a.address, FUNDS])
      await c.call('reserve', 'approve', [c.address('psm'), P.MAX], a.address)
      s = P.approveReserve(P.fund(s, a.address, FUNDS), a.address, P.MAX)
    }
    return s
  },

  observe(c) {
    const o: Record<string, [string, string, unknown[]]> = { 'stable.totalSupply': ['stable', 'totalSupply', []], 'psm.fees': ['psm', 'fees', []] }
    for (const a of [...c.actors, { name: 'psm', address: c.address('psm') }]) o[`reserve.balanceOf(${a.name})`] = ['reserve', 'balanceOf', [a.address]]
    for (const a of c.actors) {
      o[`stable.balanceOf(${a.name})`] = ['stable', 'balanceOf', [a.address]]
      o[`reserve.allowance(${a.name},psm)`] = ['reserve', 'allowance', [a.address, c.address('psm')]]
      for (const b of c.actors) o[`stable.allowance(${a.name},${b.name})`] = ['stable', 'allowance', [a.address, b.address]]
    }
    return o
  },

  project(s, c) {
    const o: Record<string, bigint> = { 'stable.totalSupply': s.supply, 'psm.fees': s.fees, 'reserve.balanceOf(psm)': P.reserveOf(s, s.psm) }
    for (const a of c.actors) {
      o[`reserve.balanceOf(${a.name})`] = P.reserveOf(s, a.address)
      o[`stable.balanceOf(${a.name})`] = P.stableOf(s, a.address)
      o[`reserve.allowance(${a.name},psm)`] = P.reserveAllowanceOf(s, a.address)
      for (const b of c.actors) o[`stable.allowance(${a.name},${b.name})`] = P.allowanceOf(s, a.address, b.address)
    }
    return o
  },

  // After a call outside the specification (or a check that was switched off), the model takes what was observed.
  sync(s, obs, c) {
    const t: P.PsmState = { ...s, supply: obs['stable.totalSupply'], fees: obs['psm.fees'], reserve: { ...s.reserve, [s.psm]: obs['reserve.balanceOf(psm)'] }, stable: { ...s.stable }, reserveAllowance: { ...s.reserveAllowance }, stableAllowance: { ...s.stableAllowance } }
    for (const a of c.actors) {
      const me = a.address.toLowerCase()
      t.reserve[me] = obs[`reserve.balanceOf(${a.name})`]
      t.stable[me] = obs[`stable.balanceOf(${a.name})`]
      t.reserveAllowance[me] = obs[`reserve.allowance(${a.name},psm)`]
      for (const b of c.actors) t.stableAllowance[`${me}|${b.address.toLowerCase()}`] = obs[`stable.allowance(${a.name},${b.name})`]
    }
    return t
  },

  actions: {
    mint: {
      fn: 'psm.mint',
      events: { role: 'stable', names: ['Transfer'] },
      weight: 3,
      args: { caller: arg.actor(), amount: arg.amount({ 'reserve balance': (s, a) => P.reserveOf(s, a.caller) }) },
      model: (s, a) => P.mint(s, a.caller, a.amount),
    },
    redeem: {
      fn: 'psm.redeem',
      events: { role: 'stable', names: ['Transfer'] },
      weight: 3,
      args: { caller: arg.actor({ holds: (s, a) => P.stableOf(s, a) > 0n }), amount: arg.amount({ 'stable balance': (s, a) => P.stableOf(s, a.caller) }) },
      model: (s, a) => P.redeem(s, a.caller, a.amount),
    },
    transfer: {
      fn: 'stable.transfer',
      events: ['Transfer', 'Approval'],
      args: { caller: arg.actor({ holds: (s, a) => P.stableOf(s, a) > 0n }), to: arg.account(), amount: arg.amount({ 'stable balance': (s, a) => P.stableOf(s, a.caller) }) },
      model: (s, a) => P.transfer(s, a.caller, a.to, a.amount),
    },
    approve: {
      fn: 'stable.approve',
      events: ['Transfer', 'Approval'],
      args: { caller: arg.actor(), spender: arg.actor(), amount: arg.amount({ 'stable balance': (s, a) => P.stableOf(s, a.caller), max: () => P.MAX }) },
      model: (s, a) => P.approve(s, a.caller, a.spender, a.amount),
    },
    transferFrom: {
      fn: 'stable.transferFrom',
      events: ['Transfer', 'Approval'],
      // Preferably a spender someone has approved, spending from an owner who approved it.
      args: { caller: arg.actor({ holds: (s, a) => P.isApproved(s, a) }), from: arg.actor({ holds: (s, a, { caller }) => P.stableOf(s, a) > 0n && P.allowanceOf(s, a, caller) > 0n }), to: arg.account(), amount: arg.amount({ allowance: (s, a) => P.allowanceOf(s, a.from, a.caller), 'owner balance': (s, a) => P.stableOf(s, a.from) }) },
      model: (s, a) => P.transferFrom(s, a.caller, a.from, a.to, a.amount),
    },
  },

  invariants: [
    {
      id: 'PSM-BACKING-001',
      check: ({ post }) => {
        const held = post['reserve.balanceOf(psm)']
        const supply = post['stable.totalSupply']
        return held * P.SCALE >= supply || { expected: `supply <= ${fmt(held)} reserve units * 10^12`, actual: `supply ${fmt(supply)}` }
      },
    },
    {
      id: 'PSM-FEE-001',
      check: ({ pre, post, action, model, nameOf }) => {
        if (!action.ok || (action.name !== 'mint' && action.name !== 'redeem')) return
        const amount: bigint = action.args!.amount
        const name = nameOf(action.caller)
        const reserveDelta = post[`reserve.balanceOf(${name})`] - pre[`reserve.balanceOf(${name})`]
        const stableDelta = post[`stable.balanceOf(${name})`] - pre[`stable.balanceOf(${name})`]
        // What the caller gave up, in reserve units, against what the rate allows.
        const gross = action.name === 'mint' ? amount : amount / P.SCALE
        const received = action.name === 'mint' ? stableDelta / P.SCALE : reserveDelta
        const charged = gross - received
        const allowed = P.feeOn(model, gross)
        return charged <= allowed || { expected: `a fee of at most ${fmt(allowed)} on ${fmt(gross)} reserve units (${model.feeBps} bps)`, actual: `charged ${fmt(charged)}` }
      },
    },
  ],

  exit: {
    id: 'PSM-EXIT-001',
    async run(c) {
      let s = c.model
      for (const a of c.actors) {
        const balance = P.stableOf(s, a.address)
        if (balance === 0n) continue
        const expected = P.redeem(s, a.address, balance)
        const r = await c.call('psm', 'redeem', [balance], a.address)
        c.check('PSM-EXIT-001', r.ok, { message: `${a.name} could not redeem its whole balance`, expected: `redeem(${fmt(balance)}) succeeds`, actual: 'reverted' })
        const paid = r.ok ? (r.result as bigint) : 0n
        const wanted = expected.ok ? expected.returns : 0n
        c.check('PSM-EXIT-001', paid === wanted, { message: `${a.name} redeemed ${fmt(balance)}`, expected: `${fmt(wanted)} reserve units`, actual: `${fmt(paid)}` })
        if (expected.ok) s = expected.state
      }
      // What is left is held where no actor can redeem it (sent to the module or the zero address).
      const supply = await c.read<bigint>('stable', 'totalSupply')
      c.check('PSM-EXIT-001', supply === s.supply, { message: 'stablecoins outstanding after every holder redeemed', expected: `${fmt(s.supply)} (held by the module or the zero address)`, actual: fmt(supply) })
    },
  },
})
