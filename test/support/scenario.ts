/**
 * A scripted scenario: a hand-written list of steps, each run both on the chain and on the model,
 * with the two compared after every step.
 *
 * Per step the runner checks, in this order:
 *  - the class of the model's outcome matches what the script says it is (must-succeed, must-revert
 *    with the given reason, or implementation-defined with the given code), so the script documents
 *    which case each step exercises;
 *  - the chain agrees: a must-revert step reverted (with the expected error), a must-succeed step
 *    succeeded, and an implementation-defined step did what the script says the reference does;
 *  - on success, the call's decoded return value equals the model's `returns`;
 *  - every observable read from the chain equals the same observable projected from the model's new
 *    state (the old state when the step reverted).
 */
import { expect } from 'vitest'
import type { Address, Hex } from 'viem'
import type { CallResult, Chain, RawCallResult } from '../../evm/chain.ts'
import { formatRevert } from '../../evm/revert.ts'
import type { Outcome } from '../../model/outcome.ts'

/** Named values: `{ 'vault.balanceOf(alice)': 5n, ... }`, so a toEqual diff names what differs. */
export type Observables = Record<string, bigint | boolean | string>

export type Step<S> = {
  label: string
  /** The acting actor's name; its address is handed to both `call` and `model`. */
  from: string
  call: (from: Address) => Promise<CallResult>
  model: (s: S, from: Address) => Outcome<S, unknown>
  /** A must-revert step: the model's reason code, and what the chain's formatted revert must match. */
  reverts?: { model: string; chain: RegExp }
  /** An implementation-defined step: the model's `mayRevert` code and what the reference vault does. */
  implementationDefined?: { code: string; reference: 'succeeds' | 'reverts' }
  /** Compare the decoded return with the model's `returns` (default true). */
  checkReturn?: boolean
  /** Hand-written expectations: the chain's decoded return and the model's state after the step. */
  expect?: (result: unknown, s: S) => void
}

export class Scenario<S> {
  state: S
  private stepNo = 0

  constructor(
    private readonly p: {
      chain: Chain
      state: S
      observe: () => Promise<Observables>
      project: (s: S) => Observables
    },
  ) {
    this.state = p.state
  }

  /** Chain observables == model projection. */
  async check(where: string): Promise<void> {
    const onChain = await this.p.observe()
    expect(onChain, `${where}: chain observables vs model state`).toEqual(this.p.project(this.state))
  }

  async step(st: Step<S>): Promise<void> {
    const where = `step ${++this.stepNo} (${st.from}: ${st.label})`
    const from = this.p.chain.actor(st.from)
    const out = st.model(this.state, from)
    const r = await st.call(from)
    const chainSaid = r.ok ? `succeeded, returning ${String(r.result)}` : `reverted with ${formatRevert(r.revert)}`

    if (st.reverts !== undefined) {
      expect(out.ok ? `success${out.mayRevert ? ` (mayRevert ${out.mayRevert})` : ''}` : out.reason, `${where}: model outcome`).toBe(
        st.reverts.model,
      )
      expect(r.ok, `${where}: the model says must-revert '${st.reverts.model}', the chain ${chainSaid}`).toBe(false)
      if (!r.ok) expect(formatRevert(r.revert), `${where}: revert reason`).toMatch(st.reverts.chain)
    } else {
      expect(out.ok, `${where}: the model says it must revert (${out.ok ? '' : `${out.reason}: ${out.detail ?? ''}`})`).toBe(true)
      if (!out.ok) return
      expect(out.mayRevert, `${where}: model mayRevert code`).toBe(st.implementationDefined?.code)
      const mustSucceed = st.implementationDefined === undefined || st.implementationDefined.reference === 'succeeds'
      expect(r.ok, `${where}: expected the chain call to ${mustSucceed ? 'succeed' : 'revert'}; it ${chainSaid}`).toBe(mustSucceed)
      if (r.ok) {
        this.state = out.state
        if (st.checkReturn !== false) expect(r.result, `${where}: return value (chain vs model)`).toEqual(out.returns)
      }
    }
    st.expect?.(r.ok ? r.result : undefined, this.state)
    await this.check(where)
  }

  async run(steps: readonly Step<S>[]): Promise<void> {
    for (const st of steps) await this.step(st)
  }
}

/** Something done to the chain outside a contract call (force-feeding coin, ...), as a successful call. */
export async function offChain(f: () => Promise<void>): Promise<CallResult> {
  await f()
  return { ok: true, result: undefined, returnData: '0x', logs: [], gasUsed: 0n }
}

/** A raw call (e.g. a plain coin transfer hitting `receive()`) as a CallResult with no decoded return. */
export function fromRaw(r: RawCallResult): CallResult {
  if (r.ok) return { ok: true, result: undefined, returnData: r.returnData as Hex, logs: r.logs, gasUsed: r.gasUsed }
  return { ok: false, revert: r.revert ?? { kind: 'empty' }, gasUsed: r.gasUsed }
}
