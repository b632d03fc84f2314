/**
 * Kind `reserve`: a 1:1 wrapped ERC20 (OpenZeppelin ERC20Wrapper shape).
 * depositFor/withdrawTo, the wrapper's ERC20 functions, approvals of the underlying, donations of
 * underlying straight to the vault, and an underlying faucet. Wrappers that only wrap for the
 * caller (`deposit(amount)`/`withdraw(amount)`, no receiver) are detected and driven through those.
 */
import { propertiesOf } from './registry.ts'
import fc from 'fast-check'
import { encodeFunctionData, type Abi, type Address } from 'viem'
import type { Instance, KindDriver, StepContext, StepInvariant, World } from '../engine/step.ts'
import type { Chain } from '../evm/chain.ts'
import type { AbiFunction } from 'viem'
import type { Observation } from '../evm/observe.ts'
import { DeployError } from '../evm/errors.ts'
import { formatRevert } from '../evm/revert.ts'
import * as E from '../model/erc20.ts'
import * as R from '../model/reserve.ts'
import { Action } from '../engine/action.ts'
import { ATTACKER, DECIMAL_QUIRKS } from '../engine/quirks.ts'
import { firstCode, revert, success } from '../model/outcome.ts'
import {
  MAX_UINT256,
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
  holderOf,
  receiverIndex,
  receiverOf,
  role,
  sameBool,
  sumBalances,
  tokenReads,
} from './common.ts'

type M = R.ReserveState
const W = 'wrapper'
const U = 'underlying'

export const INITIAL_UNDERLYING = 1_000_000n

/**
 * A wrapper with `deposit(uint256)` and `withdraw(uint256)` and neither depositFor nor withdrawTo
 * (many wrapped tokens): it wraps and unwraps for the caller only. Renamed functions
 * (`functions: { depositFor: 'wrap' }`) keep the receiver argument and are not this shape.
 */
export function wrapsForCaller(abi: Abi): boolean {
  const fns = abi.filter((i): i is AbiFunction => i.type === 'function')
  const has = (name: string) => fns.some((f) => f.name === name && f.inputs.length === 1 && f.inputs[0].type === 'uint256')
  return !fns.some((f) => f.name === 'depositFor' || f.name === 'withdrawTo') && has('deposit') && has('withdraw')
}

const SPECIFIED = { wrapper: ['depositFor', 'withdrawTo', 'transfer', 'approve', 'transferFrom'] }

/** depositFor(caller, v) and withdrawTo(caller, v) as deposit(v) and withdraw(v), for a wrapper of that shape. */
function callerShapedChain(chain: Chain, vault: Address): Chain {
  const shaped: Record<string, string> = { depositFor: 'deposit', withdrawTo: 'withdraw' }
  return Object.assign(Object.create(chain) as Chain, {
    call: (p: Parameters<Chain['call']>[0]) => {
      const to = shaped[p.functionName]
      if (!to || p.address.toLowerCase() !== vault.toLowerCase()) return chain.call(p)
      const [receiver, amount] = p.args as readonly [Address, bigint]
      // The actions only ever choose the caller as receiver for this shape: anything else is ours.
      if (receiver.toLowerCase() !== p.from?.toLowerCase()) throw new Error(`harness: ${p.functionName} for another account on a wrapper that only wraps for the caller`)
      return chain.call({ ...p, functionName: to, args: [amount] })
    },
  })
}

export const reserveDriver: KindDriver<M> = {
  kind: 'reserve',
  specified: SPECIFIED,
  // A method on purpose: an adapter spreads this driver and adds its own `specified`, which `this` sees.
  specifiedFor(i: Instance) {
    if (!wrapsForCaller(i.vaultAbi)) return this.specified
    const shaped: Record<string, string> = { depositFor: 'deposit', withdrawTo: 'withdraw' }
    return Object.fromEntries(Object.entries(this.specified).map(([r, fns]) => [r, fns.map((f) => shaped[f] ?? f)]))
  },
  properties: propertiesOf('reserve'),
  tokenQuirks: [...DECIMAL_QUIRKS, 'fee-on-transfer', 'transfer-hooks', 'rebasing-up', 'rebasing-down', 'no-return', 'returns-false', 'revert-on-zero', 'transfer-max'],

  wrapChain: (chain, instance) => (wrapsForCaller(instance.vaultAbi) ? callerShapedChain(chain, instance.vault) : chain),

  async deploy({ chain, vault, mocks, decimals, deployer, args }) {
    const underlying = await chain.deploy({ artifact: mocks.MockERC20, args: ['Reserve Asset', 'RSV', decimals], from: deployer.address })
    const address = await chain.deploy({ artifact: vault, args: args ?? [underlying], from: deployer.address })
    return {
      vault: address,
      vaultAbi: vault.abi,
      decimals,
      contracts: { wrapper: { address, abi: vault.abi }, underlying: { address: underlying, abi: mocks.MockERC20.abi } },
    }
  },

  async setup(w) {
    if (wrapsForCaller(w.instance.vaultAbi)) w.note('interface: deposit(amount) and withdraw(amount) wrap for the caller (no receiver argument), detected')
    const u = role(w, U)
    let m: M = R.createReserveState({ vault: w.instance.vault, ...(w.tokenBehaviour ? { underlying: w.tokenBehaviour } : {}) })
    const amount = INITIAL_UNDERLYING * 10n ** BigInt(w.instance.decimals)
    for (const a of w.actors) {
      await mustCall(w, u.address, u.abi, 'mint', [a.address, amount], a.address)
      await mustCall(w, u.address, u.abi, 'approve', [w.instance.vault, MAX_UINT256], a.address)
      m = ok(R.mintUnderlying(m, a.address, amount))
      m = ok(R.underlyingApprove(m, a.address, MAX_UINT256))
    }
    // Every run starts with holders: a 1:1 wrapper has no empty-vault edge worth the actions it
    // takes to get out of one, and withdrawals and transfers are meaningful from the first step.
    // Not under a quirk token: a vault that mishandles it would part from the model in the setup,
    // and the counterexample must show the deposit that did it.
    for (const [i, a] of (w.tokenQuirk?.quirk.artifact ? [] : w.actors).entries()) {
      const wrapped = amount / BigInt(10 * (i + 1))
      await mustCall(w, w.instance.vault, w.instance.vaultAbi, 'depositFor', [a.address, wrapped], a.address)
      m = ok(R.depositFor(m, a.address, a.address, wrapped))
    }
    return m
  },

  reads(w) {
    const u = role(w, U)
    return [
      ...tokenReads(w, W, role(w, W)),
      ...tokenReads(w, U, u, { supply: false }),
      ...allowanceReads(w, W, role(w, W)),
      ...w.actors.map((a) => ({ key: `${U}.allowance(${a.name},vault)`, kind: 'call' as const, address: u.address, abi: u.abi, functionName: 'allowance', args: [a.address, w.instance.vault] })),
    ]
  },

  project(m, w) {
    const o: Observation = {}
    for (const a of w.accounts()) {
      o[`${W}.balanceOf(${a.name})`] = E.balanceOf(m.token, a.address)
      o[`${U}.balanceOf(${a.name})`] = E.balanceOf(m.underlying, a.address)
    }
    o[`${W}.totalSupply`] = m.token.totalSupply
    projectAllowances(o, w, m.token, W)
    for (const a of w.actors) o[`${U}.allowance(${a.name},vault)`] = E.allowance(m.underlying, a.address, m.vault)
    return o
  },

  sync(m, obs, w) {
    return { ...m, token: syncSupplyLedger(m.token, obs, w, W), underlying: syncPulledLedger(m.underlying, obs, w, U, m.vault) }
  },

  invariants: [
    wrapperBacking<M>('RESERVE', W, `${U}.balanceOf(vault)`, 'reserve'),
    wrapperAccess<M>('RESERVE', W, U),
  ],

  async exitProbe(w) {
    await wrapperExit(w, {
      id: 'RESERVE-EXIT-001',
      balance: (a) => E.balanceOf(w.model.token, a),
      withdraw: (a, amount) => callOn(w, w.instance.vault, w.instance.vaultAbi, 'withdrawTo', [a, amount], a),
      received: (pre, post, name) => post[`${U}.balanceOf(${name})`] - pre[`${U}.balanceOf(${name})`],
      due: (owed) => E.netOf(w.model.underlying, owed),
      supplyKey: `${W}.totalSupply`,
      prefix: W,
    })
  },

  commands(w) {
    const wrapper = () => role(w, W)
    const underlying = () => role(w, U)
    const forCaller = wrapsForCaller(w.instance.vaultAbi)
    const maxIsAll = w.tokenBehaviour?.transferMax === true
    const vaultCall = (name: string, label: string, caller: Address, args: readonly unknown[], predict: (m: M) => ReturnType<typeof R.depositFor>) => ({
      name,
      label,
      caller,
      user: true,
      predict,
      perform: (world: World<M>) => callOn(world, world.instance.vault, world.instance.vaultAbi, name, args, caller),
      // deposit(amount)/withdraw(amount) return what they like (often nothing): only the bool of
      // depositFor/withdrawTo is part of the shape.
      ...(forCaller ? { formatReturn: () => 'ok' } : { sameReturn: sameBool, formatReturn: (v: unknown) => String(v) }),
      events: { address: w.instance.vault, names: ['Transfer'] },
    })
    /** The receiver an action names; a wrapper that wraps for the caller only has the caller. */
    const receiver = (world: World<M>, caller: { name: string; address: Address }, r: Parameters<typeof receiverOf>[1]) => (forCaller ? caller : receiverOf(world, r))
    const labelOf = (caller: string, fn: 'depositFor' | 'withdrawTo', to: string, amount: bigint) =>
      forCaller ? `${caller}.${fn === 'depositFor' ? 'deposit' : 'withdraw'}(${fmt(amount)})` : `${caller}.${fn}(${to}, ${fmt(amount)})`
    const underlyingCall = (name: string, label: string, caller: Address, args: readonly unknown[], predict: (m: M) => ReturnType<typeof R.donate>) => ({
      name,
      label,
      caller,
      user: name !== 'mint',
      predict,
      perform: (world: World<M>) => callOn(world, underlying().address, underlying().abi, name, args, caller),
    })
    return [
      // Under a token that reads type(uint256).max as "everything" (cUSDCv3), that amount is a
      // real deposit: offered as a third reference.
      fc.record({ caller: actorIndex, to: receiverIndex, amount: amountArb(w, maxIsAll ? 3 : 2) }).map(
        (r) =>
          new Action<M>(`depositFor(actor ${r.caller}, ${recv(r.to)}, ${describeRecipe(r.amount, ['depositable', 'underlying balance', ...(maxIsAll ? ['MAX'] : [])])})`, (world) => {
            const caller = actorOf(world, r.caller)
            const to = receiver(world, caller, r.to)
            const m = world.model
            const bal = E.balanceOf(m.underlying, caller.address)
            const allowed = E.allowance(m.underlying, caller.address, m.vault)
            const amount = amountOf(world, r.amount, [bal < allowed ? bal : allowed, bal, ...(maxIsAll ? [MAX_UINT256] : [])])
            return vaultCall('depositFor', labelOf(caller.name, 'depositFor', to.name, amount), caller.address, [to.address, amount], (s) => R.depositFor(s, caller.address, to.address, amount))
          }),
      ),
      fc.record({ caller: actorIndex, to: receiverIndex, amount: amountArb(w, 1) }).map(
        (r) =>
          new Action<M>(`withdrawTo(actor ${r.caller}, ${recv(r.to)}, ${describeRecipe(r.amount, ['balance'])})`, (world) => {
            const caller = holderOf(world, r.caller, (a) => E.balanceOf(world.model.token, a.address) > 0n)
            const to = receiver(world, caller, r.to)
            const amount = amountOf(world, r.amount, [E.balanceOf(world.model.token, caller.address)])
            return vaultCall('withdrawTo', labelOf(caller.name, 'withdrawTo', to.name, amount), caller.address, [to.address, amount], (s) => R.withdrawTo(s, caller.address, to.address, amount))
          }),
      ),
      fc.record({ caller: actorIndex, amount: amountArb(w, 1) }).map(
        (r) =>
          new Action<M>(`donate(actor ${r.caller}, ${describeRecipe(r.amount, ['underlying balance'])})`, (world) => {
            const caller = actorOf(world, r.caller)
            const amount = amountOf(world, r.amount, [E.balanceOf(world.model.underlying, caller.address)])
            return underlyingCall('transfer', `${caller.name}.donate(${fmt(amount)} underlying to vault)`, caller.address, [world.instance.vault, amount], (s) => R.donate(s, caller.address, amount))
          }),
      ),
      fc.record({ caller: actorIndex, amount: amountArb(w, 2) }).map(
        (r) =>
          new Action<M>(`approveUnderlying(actor ${r.caller}, ${describeRecipe(r.amount, ['underlying balance', 'MAX'])})`, (world) => {
            const caller = actorOf(world, r.caller)
            const amount = amountOf(world, r.amount, [E.balanceOf(world.model.underlying, caller.address), MAX_UINT256])
            return underlyingCall('approve', `${caller.name}.approveUnderlying(vault, ${fmt(amount)})`, caller.address, [world.instance.vault, amount], (s) => R.underlyingApprove(s, caller.address, amount))
          }),
      ),
      fc.record({ to: actorIndex, amount: amountArb(w, 1) }).map(
        (r) =>
          new Action<M>(`faucet(actor ${r.to}, ${describeRecipe(r.amount, ['1000 units'])})`, (world) => {
            const to = actorOf(world, r.to)
            const amount = amountOf(world, r.amount, [1000n * 10n ** BigInt(world.instance.decimals)])
            return {
              ...underlyingCall('mint', `faucet: ${fmt(amount)} underlying to ${to.name}`, to.address, [to.address, amount], (s) => R.mintUnderlying(s, to.address, amount) as ReturnType<typeof R.donate>),
              user: false,
            }
          }),
      ),
      ...reentrantCommands(w),
      ...erc20Commands<M>(w, {
        prefix: W,
        token: wrapper,
        balance: (m, a) => E.balanceOf(m.token, a),
        allowance: (m, o, s) => E.allowance(m.token, o, s),
        transfer: R.transfer,
        approve: R.approve,
        transferFrom: R.transferFrom,
        accessId: 'RESERVE-ACCESS-001',
      }),
    ]
  },
}

const ATTACKER_ABI = [
  { type: 'function', name: 'arm', stateMutability: 'nonpayable', inputs: [{ name: 'target', type: 'address' }, { name: 'data', type: 'bytes' }], outputs: [] },
  { type: 'function', name: 'innerOk', stateMutability: 'view', inputs: [], outputs: [{ name: '', type: 'bool' }] },
  { type: 'function', name: 'innerRan', stateMutability: 'view', inputs: [], outputs: [{ name: '', type: 'bool' }] },
] as const

type Reentrant = 'depositFor' | 'withdrawTo' | 'transfer'

/**
 * Under a hook token (`transfer-hooks`), the attacker actor wraps or unwraps, and its hook makes
 * another vault call from inside the token transfer. A vault may refuse the inner call (a
 * re-entrancy guard); if it takes it, the result must be what the two calls give one after the
 * other: unwrapping re-enters after the tokens arrive (after the vault's own accounting, if it
 * burns first), wrapping re-enters before they leave the attacker (before the vault's pull).
 */
function reentrantCommands(w: World<M>) {
  const attacker = w.tokenQuirk?.attacker
  if (!attacker || wrapsForCaller(w.instance.vaultAbi)) return []
  const renames = (w.options.knobs.functions ?? {}) as Record<string, string>
  const predictOf = (fn: Reentrant, amount: bigint, to: Address) => (s: M) =>
    fn === 'depositFor' ? R.depositFor(s, attacker, attacker, amount) : fn === 'withdrawTo' ? R.withdrawTo(s, attacker, attacker, amount) : R.transfer(s, attacker, to, amount)
  const amountRefs = (world: World<M>, fn: Reentrant) => [fn === 'depositFor' ? E.balanceOf(world.model.underlying, attacker) : E.balanceOf(world.model.token, attacker)]
  const fns = ['withdrawTo', 'depositFor'] as const
  return [
    fc.record({ outer: fc.constantFrom(...fns), inner: fc.constantFrom<Reentrant>('withdrawTo', 'depositFor', 'transfer'), a: amountArb(w, 1), b: amountArb(w, 1), to: actorIndex }).map(
      (r) =>
        new Action<M>(`reenter(${r.outer} ${describeRecipe(r.a, ['balance'])}, inner ${r.inner} ${describeRecipe(r.b, ['balance'])})`, (world) => {
          const outerAmount = amountOf(world, r.a, amountRefs(world, r.outer))
          const innerAmount = amountOf(world, r.b, amountRefs(world, r.inner))
          const to = actorOf(world, r.to)
          const innerArgs = r.inner === 'transfer' ? [to.address, innerAmount] : [attacker, innerAmount]
          const innerLabel = `${r.inner}(${r.inner === 'transfer' ? to.name : ATTACKER}, ${fmt(innerAmount)})`
          const data = encodeFunctionData({ abi: world.instance.vaultAbi, functionName: renames[r.inner] ?? r.inner, args: innerArgs })
          const outer = predictOf(r.outer, outerAmount, attacker)
          const inner = predictOf(r.inner, innerAmount, to.address)
          let innerOk = false
          /** Both calls in the order the hook makes them, as if one after the other. */
          const both = (s: M): ReturnType<typeof outer> => {
            // Unwrapping: the hook runs once the tokens arrived; wrapping: before they leave.
            const first = r.outer === 'withdrawTo' ? outer(s) : inner(s)
            if (!first.ok && r.outer === 'withdrawTo') return first
            if (!first.ok) return revert(`re-entrant ${r.inner}: ${first.reason}`, `${innerLabel} from the hook must revert (${first.reason}) in the state it runs in`)
            const second = r.outer === 'withdrawTo' ? inner(first.state) : outer(first.state)
            if (!second.ok) return revert(`re-entrant ${r.inner}: ${second.reason}`, `the two calls one after the other must revert (${second.reason})`)
            const returns = (r.outer === 'withdrawTo' ? first : second).returns as boolean
            return success(second.state, returns, [], firstCode(first.mayRevert, second.mayRevert))
          }
          return {
            name: r.outer,
            label: `${ATTACKER}.${r.outer}(${ATTACKER}, ${fmt(outerAmount)}), its hook re-entering ${innerLabel}`,
            caller: attacker,
            user: true,
            // Must succeed (or revert) when the outer call alone and the pair agree; where they part,
            // a vault that takes the inner call and one that refuses it end differently, and
            // either is right ('re-entrant-call').
            predict: (s: M) => {
              const o = outer(s)
              const b = both(s)
              if (o.ok === b.ok) return o
              return o.ok ? { ...o, mayRevert: o.mayRevert ?? 're-entrant-call' } : { ...(b as Extract<typeof b, { ok: true }>), mayRevert: 're-entrant-call' }
            },
            // Once it succeeded: with the inner call taken, the pair's outcome.
            settle: (s: M) => (innerOk ? both(s) : outer(s)),
            perform: async (x: World<M>) => {
              const armed = await x.chain.call({ address: attacker, abi: ATTACKER_ABI, functionName: 'arm', args: [x.instance.vault, data], from: x.deployer.address })
              if (!armed.ok) throw new Error('harness: the attacker contract could not be armed')
              const res = await callOn(x, x.instance.vault, x.instance.vaultAbi, r.outer, [attacker, outerAmount], attacker)
              const ran = await x.chain.read<boolean>({ address: attacker, abi: ATTACKER_ABI, functionName: 'innerRan' })
              innerOk = ran && (await x.chain.read<boolean>({ address: attacker, abi: ATTACKER_ABI, functionName: 'innerOk' }))
              await x.chain.call({ address: attacker, abi: ATTACKER_ABI, functionName: 'arm', args: ['0x0000000000000000000000000000000000000000', '0x'], from: x.deployer.address })
              return res
            },
            sameReturn: sameBool,
            formatReturn: (v: unknown) => String(v),
          }
        }),
    ),
  ]
}

export function recv(r: { t: string; i?: number }): string {
  return r.t === 'actor' ? `actor ${r.i}` : r.t
}

export function ok<S>(o: { ok: true; state: S } | { ok: false; reason: string }): S {
  if (!o.ok) throw new Error(`setup step rejected by the model: ${o.reason}`)
  return o.state
}

export async function mustCall<X>(w: World<X>, address: Address, abi: Abi, fn: string, args: readonly unknown[], from: Address, value?: bigint): Promise<void> {
  const r = await w.chain.call({ address, abi, functionName: fn, args, from, value })
  if (!r.ok) {
      throw new DeployError({ contractName: fn, reason: `setup call ${fn}() reverted: ${formatRevert(r.revert)}` })
  }
}

export function projectAllowances<X>(o: Observation, w: World<X>, l: E.Ledger, prefix: string): void {
  for (const a of w.actors) for (const s of w.actors) {
    if (a.address === s.address) continue
    o[`${prefix}.allowance(${a.name},${s.name})`] = E.allowance(l, a.address, s.address)
  }
}

/** Overwrites a ledger's balances and actor-to-actor allowances with observed values. */
export function syncLedger<X>(l: E.Ledger, obs: Observation, w: World<X>, prefix: string): E.Ledger {
  let balances = l.balances
  for (const a of w.accounts()) {
    const v = obs[`${prefix}.balanceOf(${a.name})`]
    if (v !== undefined) balances = E.setAmount(balances, a.address.toLowerCase(), v)
  }
  let out: E.Ledger = { ...l, balances }
  for (const a of w.actors) for (const s of w.actors) {
    const v = obs[`${prefix}.allowance(${a.name},${s.name})`]
    if (v !== undefined && a.address !== s.address) out = withAllowance(out, a.address, s.address, v)
  }
  return out
}

/** A vault's own token ledger (balances, allowances, supply) overwritten with observed values. */
export function syncSupplyLedger<X>(l: E.Ledger, obs: Observation, w: World<X>, prefix: string): E.Ledger {
  return { ...syncLedger(l, obs, w, prefix), totalSupply: obs[`${prefix}.totalSupply`] }
}

/** An ERC20 the vault pulls from: balances and each actor's allowance to the vault, observed. */
export function syncPulledLedger<X>(l: E.Ledger, obs: Observation, w: World<X>, prefix: string, vault: string): E.Ledger {
  let out = syncLedger(l, obs, w, prefix)
  for (const a of w.actors) out = withAllowance(out, a.address, vault, obs[`${prefix}.allowance(${a.name},vault)`])
  return out
}

/**
 * BACKING-001/002 for 1:1 wrappers: the reserve held covers the supply, and balances add up to it.
 * `reserveKey` is the observation of what the vault holds; `reserveName` names it in messages.
 */
export function wrapperBacking<X>(
  kind: 'RESERVE' | 'NATIVE',
  token: string,
  reserveKey: string,
  reserveName: string,
  /**
   * What the balances must add up to, when that is not totalSupply(): WETH9 reports its coin
   * balance as the supply, force-fed coin included, so there it is the supply minted by deposits.
   */
  claims?: (ctx: StepContext<X>) => { value: bigint; name: string } | undefined,
): StepInvariant<X> {
  return {
    ids: [`${kind}-BACKING-001`, `${kind}-BACKING-002`],
    check: (ctx) => {
      const { world: w, post, spec } = ctx
      const supply = post[`${token}.totalSupply`]
      const reserve = post[reserveKey]
      w.check(`${kind}-BACKING-001`, reserve >= supply, () => ({ message: `after ${spec.label} the supply exceeds the ${reserveName}`, expected: `totalSupply <= ${reserve}`, actual: `totalSupply = ${supply}` }))
      const sum = sumBalances(post, token, w)
      const target = claims?.(ctx) ?? { value: supply, name: 'supply' }
      w.check(`${kind}-BACKING-002`, sum === target.value, () => ({ message: `after ${spec.label} balances do not add up to the ${target.name}`, expected: `sum of balances = ${target.value}`, actual: `${sum}` }))
    },
  }
}

/** ACCESS-001 for 1:1 wrappers: the token moves only under allowances, the collateral never for others. */
export function wrapperAccess<X>(kind: 'RESERVE' | 'NATIVE', token: string, collateral: string): StepInvariant<X> {
  const id = `${kind}-ACCESS-001`
  return {
    ids: [id],
    check: (ctx) =>
      checkAccess(ctx, id, [
        { prefix: token, allowance: true },
        { prefix: collateral, allowance: false },
      ]),
  }
}

export function withAllowance(l: E.Ledger, owner: string, spender: string, value: bigint): E.Ledger {
  const o = owner.toLowerCase()
  const s = spender.toLowerCase()
  const row = { ...(l.allowances[o] ?? {}) }
  row[s] = value
  return { ...l, allowances: { ...l.allowances, [o]: row } }
}

/**
 * The exit probe shared by 1:1 wrappers: every actor in turn withdraws its whole balance and must
 * receive exactly that; afterwards only tokens parked at the vault or zero address may remain.
 */
export async function wrapperExit<X>(
  w: World<X>,
  p: {
    id: string
    balance: (a: Address) => bigint
    withdraw: (a: Address, amount: bigint) => Promise<import('../evm/chain.ts').CallResult>
    received: (pre: Observation, post: Observation, name: string) => bigint
    /** What withdrawing `owed` must deliver, when the asset takes a transfer fee. */
    due?: (owed: bigint) => bigint
    supplyKey: string
    prefix: string
    /** The claims left at the end, when totalSupply() also counts other coin (WETH9's balance). */
    outstanding?: (post: Observation) => bigint
  },
): Promise<void> {
  let pre = await w.observe()
  for (const a of w.actors) {
    const owed = pre[`${p.prefix}.balanceOf(${a.name})`]
    if (owed === 0n) continue
    const r = await p.withdraw(a.address, owed)
    const due = p.due?.(owed) ?? owed
    w.trace?.push({ step: w.stepIndex, label: `exit probe: ${a.name} withdraws its whole balance ${fmt(owed)}`, contract: r.ok ? 'ok' : `reverted: ${w.withNames(formatRevert(r.revert))}`, model: `receives ${fmt(due)}` })
    w.check(p.id, r.ok, () => ({ message: `${a.name} cannot withdraw its whole balance`, expected: `withdraw(${owed}) succeeds`, actual: r.ok ? 'ok' : `revert ${w.withNames(formatRevert(r.revert))}` }))
    const post = await w.observe()
    const got = p.received(pre, post, a.name)
    w.check(p.id, got === due, () => ({ message: `${a.name} withdrew its whole balance but received a different amount`, expected: `${due}${due === owed ? '' : ` (${owed} less the token's transfer fee)`}`, actual: `${got}` }))
    pre = post
  }
  const parked = (pre[`${p.prefix}.balanceOf(vault)`] ?? 0n) + (pre[`${p.prefix}.balanceOf(zero)`] ?? 0n)
  const [what, claims] = p.outstanding ? ['sum of balances', p.outstanding(pre)] : ['totalSupply', pre[p.supplyKey]]
  w.check(p.id, claims === parked, () => ({ message: 'claims remain outstanding after every holder exited', expected: `${what} = ${parked} (tokens parked at the vault or zero address)`, actual: `${what} = ${claims}` }))
}
