/**
 * Kind `native`: the native coin wrapped 1:1 (WETH9 shape).
 * deposit (payable), withdraw, plain coin sends to the vault (receive() deposits), coin force-fed to
 * the vault without a call (selfdestruct / coinbase), and the wrapper's ERC20 functions.
 */
import { propertiesOf } from './registry.ts'
import fc from 'fast-check'
import { concat, encodeFunctionData, pad, type Address } from 'viem'
import type { ActionSpec, KindDriver, World } from '../engine/step.ts'
import type { CallResult } from '../evm/chain.ts'
import type { Observation, ReadSpec } from '../evm/observe.ts'
import { formatRevert } from '../evm/revert.ts'
import * as E from '../model/erc20.ts'
import * as N from '../model/native.ts'
import type { Outcome } from '../model/outcome.ts'
import { Action } from '../engine/action.ts'
import {
  actorIndex,
  actorOf,
  allowanceReads,
  amountArb,
  amountOf,
  callOn,
  describeRecipe,
  erc20Commands,
  fmt,
  role,
  sumBalances,
  tokenReads,
} from './common.ts'
import { ok, projectAllowances, syncSupplyLedger, wrapperAccess, wrapperBacking, wrapperExit } from './reserve.ts'

type M = N.NativeState
const W = 'wrapper'
/** Prefix of native coin balances: `native.balanceOf(alice)` (checkAccess reads `<prefix>.balanceOf`). */
const C = 'native'

/** A force-fed donation is capped here so the vault's coin balance never nears 2^256. */
const DONATION_CAP = 10n ** 30n

/** Targets whose totalSupply() is their coin balance (WETH9), keyed by their deployed instance. */
const SUPPLY_IS_BALANCE = new WeakSet<object>()

function supplyIsBalance(w: World<M>): boolean {
  return SUPPLY_IS_BALANCE.has(w.instance)
}

/**
 * WETH9 returns `address(this).balance` as totalSupply(); solmate, solady and OpenZeppelin-style
 * wrappers track the supply they minted. Both are correct. One wei force-fed in a reverted
 * snapshot tells them apart: only the first reports it as supply.
 */
async function detectSupplyFamily(w: World<M>): Promise<void> {
  const vault = w.instance.vault
  const supply = () => w.chain.read<bigint>({ address: vault, abi: w.instance.vaultAbi, functionName: 'totalSupply' })
  const counted = await w.inSnapshot(async () => {
    const before = await supply()
    await w.chain.setBalance(vault, (await w.chain.getBalance(vault)) + 1n)
    return (await supply()) === before + 1n
  })
  if (counted) SUPPLY_IS_BALANCE.add(w.instance)
  w.note(counted ? "totalSupply: the vault's coin balance (WETH9 family; force-fed coin is backing, not a mint), detected" : 'totalSupply: the supply minted by deposits, detected')
}

/** The CallResult of an action that is not a call (coin force-fed with setBalance). */
const NO_CALL: CallResult = { ok: true, result: undefined, returnData: '0x', logs: [], gasUsed: 0n }

export const nativeDriver: KindDriver<M> = {
  kind: 'native',
  specified: { wrapper: ['deposit', 'withdraw', 'transfer', 'approve', 'transferFrom'] },
  properties: propertiesOf('native'),
  // The asset is the chain's coin: no token to swap for a quirky one.
  tokenQuirks: [],

  async deploy({ chain, vault, deployer, args }) {
    const address = await chain.deploy({ artifact: vault, args: args ?? [], from: deployer.address })
    return { vault: address, vaultAbi: vault.abi, decimals: 18, contracts: { wrapper: { address, abi: vault.abi } } }
  },

  async setup(w) {
    await detectSupplyFamily(w)
    // The chain funds every actor with native coin; the model starts from what is observed.
    let m: M = N.createNativeState({ vault: w.instance.vault })
    for (const a of [...w.actors, { name: 'vault', address: w.instance.vault }]) {
      const bal = await w.chain.getBalance(a.address)
      if (bal > 0n) m = ok(N.mintNative(m, a.address, bal))
    }
    return m
  },

  reads(w) {
    const natives: ReadSpec[] = [...w.actors, { name: 'vault', address: w.instance.vault }].map((a) => ({ key: `${C}.balanceOf(${a.name})`, kind: 'native', account: a.address }))
    return [...tokenReads(w, W, role(w, W)), ...allowanceReads(w, W, role(w, W)), ...natives]
  },

  project(m, w) {
    const o: Observation = {}
    for (const a of w.accounts()) o[`${W}.balanceOf(${a.name})`] = E.balanceOf(m.token, a.address)
    o[`${W}.totalSupply`] = supplyIsBalance(w) ? N.backing(m) : m.token.totalSupply
    projectAllowances(o, w, m.token, W)
    for (const a of w.actors) o[`${C}.balanceOf(${a.name})`] = N.nativeBalanceOf(m, a.address)
    o[`${C}.balanceOf(vault)`] = N.backing(m)
    return o
  },

  sync(m, obs, w) {
    const synced = syncSupplyLedger(m.token, obs, w, W)
    // WETH9's totalSupply() is its coin balance: the tokens issued are what the balances add up to.
    const token = supplyIsBalance(w) ? { ...synced, totalSupply: sumBalances(obs, W, w) } : synced
    let native = m.native
    for (const a of [...w.actors, { name: 'vault', address: w.instance.vault }]) {
      const v = obs[`${C}.balanceOf(${a.name})`]
      if (v !== undefined) native = E.setAmount(native, a.address.toLowerCase(), v)
    }
    return { ...m, token, native }
  },

  invariants: [
    wrapperBacking<M>('NATIVE', W, `${C}.balanceOf(vault)`, 'coin the vault holds', (ctx) => {
      if (!supplyIsBalance(ctx.world)) return undefined
      // Coin that arrived without a deposit (force-fed) backs the tokens; it is not a claim.
      const m = ctx.expected ?? ctx.preModel
      return { value: ctx.post[`${W}.totalSupply`] - (N.backing(m) - m.token.totalSupply), name: 'tokens deposits issued (totalSupply() minus force-fed coin)' }
    }),
    wrapperAccess<M>('NATIVE', W, C),
  ],

  async exitProbe(w) {
    await wrapperExit(w, {
      id: 'NATIVE-EXIT-001',
      balance: (a) => E.balanceOf(w.model.token, a),
      withdraw: (a, amount) => callOn(w, w.instance.vault, w.instance.vaultAbi, 'withdraw', [amount], a),
      received: (pre, post, name) => post[`${C}.balanceOf(${name})`] - pre[`${C}.balanceOf(${name})`],
      supplyKey: `${W}.totalSupply`,
      prefix: W,
      ...(supplyIsBalance(w) ? { outstanding: (o: Observation) => sumBalances(o, W, w) } : {}),
    })
    await rejectingHolderProbe(w)
  },

  commands(w) {
    const wrapper = () => role(w, W)
    const vaultSpec = (name: string, label: string, caller: Address, predict: (m: M) => Outcome<M, unknown>, perform: (world: World<M>) => Promise<CallResult>, events: string[]): ActionSpec<M> => ({
      name,
      label,
      caller,
      user: true,
      predict,
      perform,
      events: { address: w.instance.vault, names: events },
    })
    const depositArb = fc.record({ caller: actorIndex, amount: amountArb(w, 1) }).map(
      (r) =>
        new Action<M>(`deposit(actor ${r.caller}, ${describeRecipe(r.amount, ['native balance'])})`, (world) => {
          const caller = actorOf(world, r.caller)
          const amount = amountOf(world, r.amount, [N.nativeBalanceOf(world.model, caller.address)])
          return vaultSpec(
            'deposit',
            `${caller.name}.deposit{value: ${fmt(amount)}}()`,
            caller.address,
            (s) => N.deposit(s, caller.address, amount),
            (wd) => callOn(wd, wd.instance.vault, wd.instance.vaultAbi, 'deposit', [], caller.address, amount),
            ['Deposit'],
          )
        }),
    )
    // deposit is listed twice: holders make every other action meaningful.
    return [
      depositArb,
      depositArb,
      fc.record({ caller: actorIndex, amount: amountArb(w, 1) }).map(
        (r) =>
          new Action<M>(`withdraw(actor ${r.caller}, ${describeRecipe(r.amount, ['balance'])})`, (world) => {
            const caller = actorOf(world, r.caller)
            const amount = amountOf(world, r.amount, [E.balanceOf(world.model.token, caller.address)])
            return vaultSpec(
              'withdraw',
              `${caller.name}.withdraw(${fmt(amount)})`,
              caller.address,
              (s) => N.withdraw(s, caller.address, amount),
              (wd) => callOn(wd, wd.instance.vault, wd.instance.vaultAbi, 'withdraw', [amount], caller.address),
              ['Withdrawal'],
            )
          }),
      ),
      // A plain coin transfer: WETH9's receive() deposits.
      fc.record({ caller: actorIndex, amount: amountArb(w, 1) }).map(
        (r) =>
          new Action<M>(`send(actor ${r.caller}, ${describeRecipe(r.amount, ['native balance'])})`, (world) => {
            const caller = actorOf(world, r.caller)
            const amount = amountOf(world, r.amount, [N.nativeBalanceOf(world.model, caller.address)])
            return vaultSpec(
              'receive',
              `${caller.name}.send(vault, ${fmt(amount)} wei)`,
              caller.address,
              (s) => N.deposit(s, caller.address, amount),
              async (wd) => {
                const raw = await wd.chain.callRaw({ from: caller.address, to: wd.instance.vault, value: amount })
                return raw.ok ? { ok: true, result: undefined, returnData: raw.returnData, logs: raw.logs, gasUsed: raw.gasUsed } : { ok: false, revert: raw.revert!, gasUsed: raw.gasUsed }
              },
              ['Deposit'],
            )
          }),
      ),
      // Coin force-fed to the vault (selfdestruct, coinbase): no call, no mint.
      fc.record({ amount: amountArb(w, 2) }).map(
        (r) =>
          new Action<M>(`forceFeed(${describeRecipe(r.amount, ['1 coin', 'vault balance'])})`, (world) => {
            const held = N.backing(world.model)
            let amount = amountOf(world, r.amount, [10n ** 18n, held])
            if (amount > DONATION_CAP) amount = DONATION_CAP
            return {
              name: 'forceFeed',
              label: `force-feed ${fmt(amount)} wei to the vault`,
              caller: world.instance.vault,
              user: false,
              predict: (s: M) => N.donate(s, amount),
              perform: async (wd: World<M>) => {
                const current = await wd.chain.getBalance(wd.instance.vault)
                await wd.chain.setBalance(wd.instance.vault, current + amount)
                return NO_CALL
              },
            }
          }),
      ),
      ...erc20Commands<M>(w, {
        prefix: W,
        token: wrapper,
        balance: (m, a) => E.balanceOf(m.token, a),
        allowance: (m, o, s) => E.allowance(m.token, o, s),
        transfer: N.transfer,
        approve: N.approve,
        transferFrom: N.transferFrom,
        accessId: 'NATIVE-ACCESS-001',
      }),
    ]
  },
}

/**
 * A holder that cannot take coin (a contract whose receive reverts). Runtime: with calldata
 * `<32-byte target><payload>` it forwards `payload` and its call value to `target` and bubbles the
 * result; a plain coin transfer (no calldata) reverts. Hand-assembled without PUSH0, so it deploys
 * on every EVM version the chain supports.
 */
const REJECTING_HOLDER_RUNTIME = '3660085760008 0fd5b6020360360206000376000600060203603600034600035 5af13d600060003e602f573d6000fd5b3d6000f3'.replace(/\s/g, '')
const REJECTING_HOLDER = {
  name: 'RejectingHolder',
  abi: [],
  bytecode: `0x60${(REJECTING_HOLDER_RUNTIME.length / 2).toString(16).padStart(2, '0')}80600b6000396000f3${REJECTING_HOLDER_RUNTIME}` as `0x${string}`,
}

/**
 * Part of NATIVE-EXIT-001, after every actor exited: a holder that cannot receive coin must not lose
 * its claim. Its withdraw has to revert (WETH9's transfer does) and leave its tokens where they were;
 * a vault that ignores the failed send burns them and keeps the coin.
 */
async function rejectingHolderProbe(w: World<M>): Promise<void> {
  const funder = w.actors[0]
  const vault = w.instance.vault
  const holder = await w.chain.deploy({ artifact: REJECTING_HOLDER, from: funder.address })
  const amount = 10n ** 18n
  const via = (data: `0x${string}`, value = 0n) => w.chain.callRaw({ from: funder.address, to: holder, data: concat([pad(vault), data]), value })
  const balance = () => w.chain.read<bigint>({ address: vault, abi: w.instance.vaultAbi, functionName: 'balanceOf', args: [holder] })
  if ((await w.chain.getBalance(funder.address)) < amount * 2n) return
  const dep = await via(encodeFunctionData({ abi: w.instance.vaultAbi, functionName: 'deposit', args: [] }), amount)
  // Deposits are checked elsewhere: only a holder that really holds `amount` is probed.
  if (!dep.ok || (await balance()) !== amount) return
  const wd = await via(encodeFunctionData({ abi: w.instance.vaultAbi, functionName: 'withdraw', args: [amount] }))
  const left = await balance()
  w.trace?.push({ step: w.stepIndex, label: `exit probe: a contract holder that rejects coin withdraws its ${fmt(amount)}`, contract: wd.ok ? `ok, ${fmt(left)} left` : `reverted: ${w.withNames(formatRevert(wd.revert!))}`, model: 'reverts, tokens kept' })
  w.check('NATIVE-EXIT-001', !wd.ok && left === amount, () => ({
    message: 'a withdraw whose coin could not be delivered did not revert: the holder lost its claim',
    expected: `withdraw(${amount}) by a holder that rejects coin reverts and leaves balanceOf = ${amount}`,
    actual: `${wd.ok ? 'succeeded' : 'reverted'}, balanceOf = ${left}`,
  }))
}
