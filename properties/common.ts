/**
 * Pieces every kind shares: choosing actors and receivers by index, calling the target, the ERC20
 * actions, and the checks that are the same for any token (sum of balances, access).
 */
import fc from 'fast-check'
import type { Abi, Address } from 'viem'
import type { Account, ActionSpec, StepContext, World } from '../engine/step.ts'
import type { Observation, ReadSpec } from '../evm/observe.ts'
import type { CallResult } from '../evm/chain.ts'
import type { Outcome } from '../model/outcome.ts'
import { amountRecipe, describeRecipe, fmt, pinnedAmount, type AmountRecipe } from '../engine/amounts.ts'
export { describeRecipe, fmt } from '../engine/amounts.ts'
import { Action, Steps } from '../engine/action.ts'

export const MAX_UINT256 = 2n ** 256n - 1n
export const ZERO: Address = '0x0000000000000000000000000000000000000000'

/** An actor is an index; it resolves modulo the actor count, so every shrunk value stays valid. */
export const actorIndex = fc.nat({ max: 7 })

/**
 * A receiver: mostly actors, sometimes the vault itself or the zero address (implementation-defined
 * receivers that real vaults treat differently and the model accepts either way).
 */
export const receiverIndex = fc.oneof(
  { weight: 8, arbitrary: fc.nat({ max: 7 }).map((i) => ({ t: 'actor' as const, i })) },
  { weight: 1, arbitrary: fc.constant({ t: 'vault' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'zero' as const }) },
)
export type ReceiverPick = { t: 'actor'; i: number } | { t: 'vault' } | { t: 'zero' }

export function actorOf<M>(w: World<M>, i: number): Account {
  return w.actors[i % w.actors.length]
}

/**
 * An actor that holds something, when the index asks for one: actions that spend a balance are
 * only interesting from holders, and choosing among them by index keeps shrinking valid.
 * Odd indexes still pick any actor, so empty-handed callers are exercised too.
 */
export function holderOf<M>(w: World<M>, i: number, holds: (a: Account) => boolean): Account {
  if (i % 2 === 0) {
    const holders = w.actors.filter(holds)
    if (holders.length > 0) return holders[(i >> 1) % holders.length]
  }
  return actorOf(w, i)
}

export function receiverOf<M>(w: World<M>, r: ReceiverPick): Account {
  if (r.t === 'actor') return actorOf(w, r.i)
  if (r.t === 'vault') return { name: 'vault', address: w.instance.vault }
  return { name: 'zero', address: ZERO }
}

export function amountArb<M>(w: World<M>, refs: number): fc.Arbitrary<AmountRecipe> {
  return amountRecipe({ dictionary: w.options.dictionary, decimals: w.instance.decimals, space: w.options.amountSpace }, refs)
}

export function amountOf<M>(w: World<M>, recipe: AmountRecipe, refs: readonly bigint[]): bigint {
  return pinnedAmount(w, recipe, refs)
}

export function callOn<M>(w: World<M>, address: Address, abi: Abi, functionName: string, args: readonly unknown[], from: Address, value?: bigint): Promise<CallResult> {
  return w.chain.call({ address, abi, functionName, args, from, value })
}

export function role<M>(w: World<M>, name: string): { address: Address; abi: Abi } {
  const c = w.instance.contracts[name]
  if (!c) throw new Error(`no contract with role ${name}`)
  return c
}

export const sameBigint = (a: unknown, b: unknown) => a === b
export const sameBool = (a: unknown, b: unknown) => Boolean(a) === Boolean(b)

/** Reads a token's balances for every account, and its total supply, under `prefix.`. */
export function tokenReads<M>(w: World<M>, prefix: string, token: { address: Address; abi: Abi }, opts: { supply?: boolean; accounts?: Account[] } = {}): ReadSpec[] {
  const accounts = opts.accounts ?? w.accounts()
  const reads: ReadSpec[] = accounts.map((a) => ({ key: `${prefix}.balanceOf(${a.name})`, kind: 'call', address: token.address, abi: token.abi, functionName: 'balanceOf', args: [a.address] }))
  if (opts.supply !== false) reads.push({ key: `${prefix}.totalSupply`, kind: 'call', address: token.address, abi: token.abi, functionName: 'totalSupply' })
  return reads
}

/** Allowances between distinct actors (allowance(x, x) differs legitimately between ERC20s). */
export function allowanceReads<M>(w: World<M>, prefix: string, token: { address: Address; abi: Abi }): ReadSpec[] {
  const reads: ReadSpec[] = []
  for (const o of w.actors) for (const s of w.actors) {
    if (o.address === s.address) continue
    reads.push({ key: `${prefix}.allowance(${o.name},${s.name})`, kind: 'call', address: token.address, abi: token.abi, functionName: 'allowance', args: [o.address, s.address] })
  }
  return reads
}

export function sumBalances(obs: Observation, prefix: string, w: { accounts(): Account[] }): bigint {
  let s = 0n
  for (const a of w.accounts()) s += obs[`${prefix}.balanceOf(${a.name})`] ?? 0n
  return s
}

/**
 * ACCESS: an action by `caller` may lower another actor's balance of `prefix` only by what that actor
 * allowed the caller, and must then spend that allowance; `noPull` tokens may not drop at all.
 */
export function checkAccess<M>(ctx: StepContext<M>, id: string, tokens: { prefix: string; allowance: boolean }[]): void {
  const { world: w, pre, post, spec } = ctx
  if (spec.tokenEvent) return
  for (const a of w.actors) {
    if (a.address.toLowerCase() === spec.caller.toLowerCase()) continue
    const callerName = w.nameOf(spec.caller)
    for (const t of tokens) {
      const before = pre[`${t.prefix}.balanceOf(${a.name})`]
      const after = post[`${t.prefix}.balanceOf(${a.name})`]
      if (before === undefined || after === undefined || after >= before) continue
      const taken = before - after
      if (!t.allowance) {
        w.check(id, false, () => ({ message: `${spec.label} took ${taken} ${t.prefix} from ${a.name}, who gave no allowance for it`, expected: `${t.prefix}.balanceOf(${a.name}) >= ${before}`, actual: `${after}` }))
        continue
      }
      const key = `${t.prefix}.allowance(${a.name},${callerName})`
      const allowed = pre[key] ?? 0n
      w.check(id, allowed >= taken, () => ({ message: `${spec.label} took ${taken} ${t.prefix} from ${a.name} beyond its allowance to ${callerName}`, expected: `at most ${allowed}`, actual: `${taken}` }))
      if (allowed !== MAX_UINT256 && post[key] !== undefined) {
        w.check(id, post[key] === allowed - taken, () => ({ message: `${spec.label} used ${a.name}'s allowance to ${callerName} without spending it`, expected: `${key} = ${allowed - taken}`, actual: `${post[key]}` }))
      }
    }
  }
}

/** ERC20 actions on a vault's own token: transfer, approve, transferFrom. */
export function erc20Commands<M>(
  w: World<M>,
  p: {
    prefix: string
    token: () => { address: Address; abi: Abi }
    balance: (m: M, who: Address) => bigint
    allowance: (m: M, owner: Address, spender: Address) => bigint
    transfer: (m: M, from: Address, to: Address, amount: bigint) => Outcome<M, boolean>
    approve: (m: M, owner: Address, spender: Address, amount: bigint) => Outcome<M, boolean>
    transferFrom: (m: M, spender: Address, from: Address, to: Address, amount: bigint) => Outcome<M, boolean>
    /** The kind's ACCESS property: a transferFrom that succeeds must spend a finite allowance. */
    accessId: string
    /** Also an approve-then-transferFrom command (a token few actors hold at any time). */
    delegated?: boolean
    checks?: (ctx: StepContext<M>) => void
  },
): fc.Arbitrary<Action<M> | Steps<M>>[] {
  const tokenSpec = (name: string, label: string, caller: Address, args: readonly unknown[], predict: (m: M) => Outcome<M, unknown>): ActionSpec<M> => ({
    name,
    label,
    caller,
    user: true,
    predict,
    perform: (world) => callOn(world, p.token().address, p.token().abi, name, args, caller),
    sameReturn: sameBool,
    formatReturn: (v) => String(v),
    events: { address: p.token().address, names: ['Transfer', ...(name === 'approve' ? ['Approval'] : [])] },
    checks: p.checks,
  })
  /** transferFrom, with the check that a finite allowance it used is spent by exactly the amount. */
  const transferFromSpec = (spender: Account, from: Account, to: Account, amount: bigint): ActionSpec<M> => {
    const spec = tokenSpec('transferFrom', `${spender.name}.transferFrom(${from.name}, ${to.name}, ${fmt(amount)})`, spender.address, [from.address, to.address, amount], (m) => p.transferFrom(m, spender.address, from.address, to.address, amount))
    if (from.address === spender.address) return spec
    const key = `${p.prefix}.allowance(${from.name},${spender.name})`
    return {
      ...spec,
      checks: (ctx: StepContext<M>) => {
        p.checks?.(ctx)
        const before = ctx.pre[key]
        if (!ctx.result.ok || before === undefined || before === MAX_UINT256) return
        ctx.world.check(p.accessId, ctx.post[key] === before - amount, () => ({
          message: `${spec.label} succeeded without spending ${from.name}'s allowance`,
          expected: `${key} = ${before - amount}`,
          actual: `${ctx.post[key]}`,
        }))
      },
    }
  }
  // A holder grants a finite allowance and the spender uses part of it, as one command: where the
  // token only exists after other steps (a cdp's debt), the two rarely meet as separate commands.
  const delegated = p.delegated
    ? [
        fc.record({ owner: actorIndex, spender: actorIndex, to: actorIndex, grant: amountArb(w, 1), use: amountArb(w, 1) }).map((r) => {
          let owner: Account | undefined
          let spender: Account | undefined
          return new Steps<M>(`${p.prefix}.delegatedTransfer(actor ${r.owner}, actor ${r.spender}, actor ${r.to}, ${describeRecipe(r.grant, ['balance'])}, ${describeRecipe(r.use, ['allowance'])})`, [
            (world) => {
              owner = holderOf(world, r.owner, (a) => p.balance(world.model, a.address) > 0n)
              const others = world.actors.filter((a) => a.address !== owner!.address)
              spender = others[r.spender % others.length]
              const amount = amountOf(world, r.grant, [p.balance(world.model, owner.address)])
              return tokenSpec('approve', `${owner.name}.approve(${spender.name}, ${fmt(amount)})`, owner.address, [spender.address, amount], (m) => p.approve(m, owner!.address, spender!.address, amount))
            },
            (world) => {
              const amount = amountOf(world, r.use, [p.allowance(world.model, owner!.address, spender!.address)])
              return transferFromSpec(spender!, owner!, actorOf(world, r.to), amount)
            },
          ])
        }),
      ]
    : []
  return [
    ...delegated,
    fc.record({ from: actorIndex, to: receiverIndex, amount: amountArb(w, 1) }).map(
      (r) =>
        new Action<M>(`${p.prefix}.transfer(actor ${r.from}, ${r.to.t === 'actor' ? `actor ${r.to.i}` : r.to.t}, ${describeRecipe(r.amount, ['balance'])})`, (world) => {
          const from = holderOf(world, r.from, (a) => p.balance(world.model, a.address) > 0n)
          const to = receiverOf(world, r.to)
          const amount = amountOf(world, r.amount, [p.balance(world.model, from.address)])
          return tokenSpec('transfer', `${from.name}.transfer(${to.name}, ${fmt(amount)})`, from.address, [to.address, amount], (m) => p.transfer(m, from.address, to.address, amount))
        }),
    ),
    fc.record({ owner: actorIndex, spender: actorIndex, amount: amountArb(w, 3) }).map(
      (r) =>
        new Action<M>(`${p.prefix}.approve(actor ${r.owner}, actor ${r.spender}, ${describeRecipe(r.amount, ['balance', '1000 units', 'MAX'])})`, (world) => {
          const owner = actorOf(world, r.owner)
          const spender = actorOf(world, r.spender)
          const amount = amountOf(world, r.amount, [p.balance(world.model, owner.address), 1000n * 10n ** BigInt(world.instance.decimals), MAX_UINT256])
          return tokenSpec('approve', `${owner.name}.approve(${spender.name}, ${fmt(amount)})`, owner.address, [spender.address, amount], (m) => p.approve(m, owner.address, spender.address, amount))
        }),
    ),
    fc.record({ spender: actorIndex, from: actorIndex, to: receiverIndex, amount: amountArb(w, 2) }).map(
      (r) =>
        new Action<M>(`${p.prefix}.transferFrom(actor ${r.spender}, actor ${r.from}, ${r.to.t === 'actor' ? `actor ${r.to.i}` : r.to.t}, ${describeRecipe(r.amount, ['spendable', 'balance'])})`, (world) => {
          const spender = actorOf(world, r.spender)
          // Prefer owners that actually granted this spender something: the interesting case.
          const granted = world.actors.filter((a) => a.address !== spender.address && p.allowance(world.model, a.address, spender.address) > 0n)
          const from = granted.length > 0 && r.from % 2 === 0 ? granted[(r.from >> 1) % granted.length] : actorOf(world, r.from)
          const to = receiverOf(world, r.to)
          const bal = p.balance(world.model, from.address)
          const allowed = p.allowance(world.model, from.address, spender.address)
          const amount = amountOf(world, r.amount, [bal < allowed ? bal : allowed, bal])
          return transferFromSpec(spender, from, to, amount)
        }),
    ),
  ]
}
