/**
 * Every state-changing function of the system is called, not only the kind's: from actors (who
 * must not be able to move anything the specification does not let them), and from the owner when
 * the config says a function is privileged (the promises must still hold after it).
 */
import { describe, expect, test } from 'vitest'
import { formatCampaign, runSuite } from '../index.ts'
import { ConfigError } from '../evm/errors.ts'

const source = 'test/fixtures/SystemFunctions.sol'
const owned = { kind: 'reserve' as const, source, contract: 'OwnedReserve' }
const declared = {
  burn: { mayChange: ['wrapper.balanceOf(*)', 'wrapper.totalSupply'], reason: 'a holder burns its own tokens; the reserve only grows' },
  setFee: { caller: 'deployer', reason: 'owner-only parameter' },
  skim: { caller: 'deployer', reason: 'the owner collects donations' },
  ping: { exclude: true, reason: 'does nothing' },
}
const failedIds = (r: Awaited<ReturnType<typeof runSuite>>) => r.properties.filter((p) => p.status === 'failed').map((p) => p.id)

describe('functions outside the specification', () => {
  test('an undeclared function that changes balances fails ACCESS-002 with the call, caller and values named', async () => {
    const r = await runSuite(owned, { seed: 1 })
    expect(failedIds(r)).toEqual(['RESERVE-ACCESS-002'])
    const cx = r.properties.find((p) => p.id === 'RESERVE-ACCESS-002')!.counterexample!
    expect(cx.message).toMatch(/^\w+\.burn\(\d+\), a function outside the reserve specification, succeeded for an unprivileged caller and changed 2 observed values$/)
    expect(cx.actual).toMatch(/wrapper\.balanceOf\(\w+\): \d+ -> \d+; wrapper\.totalSupply: \d+ -> \d+/)
    expect(cx.steps).toHaveLength(1)
    // Owner-only functions were called by actors and reverted: counted, not failed.
    expect(r.functions!['vault.setFee']).toMatchObject({ outside: true, changed: 0 })
    expect(r.functions!['vault.setFee'].calls).toBeGreaterThan(0)
    expect(r.functions!['vault.setFee'].reverts).toBe(r.functions!['vault.setFee'].calls)
    expect(r.functions!['vault.depositFor']).toMatchObject({ outside: false })
    // Structs, dynamic and fixed arrays, bytes, strings and signed integers are generated and encoded.
    expect(r.functions!['vault.configure'].calls).toBeGreaterThan(0)
  }, 120_000)

  test('declared functions pass: privileged ones are also called from their role, excluded ones never', async () => {
    const r = await runSuite(owned, { seed: 1, knobs: { extras: declared } })
    expect(failedIds(r)).toEqual([])
    const f = r.functions!
    expect(f['vault.setFee'].privileged).toBe('deployer')
    // Half of the privileged calls come from the owner and succeed.
    expect(f['vault.setFee'].reverts).toBeLessThan(f['vault.setFee'].calls)
    expect(f['vault.burn'].changed).toBeGreaterThan(0)
    expect(f['vault.configure'].reverts).toBe(f['vault.configure'].calls)
    expect(f['vault.ping']).toMatchObject({ calls: 0, excluded: 'does nothing' })
    const text = formatCampaign(r, { timing: false })
    expect(text).toMatch(/vault\.ping +excluded: does nothing/)
    expect(text).toMatch(/vault\.setFee +\d+ calls, \d+ reverted, 0 changed state {2}\[outside the specification, privileged \(deployer\)\]/)
  }, 120_000)

  test('a privileged function that breaks a promise fails it, with the owner call in the counterexample', async () => {
    const r = await runSuite({ kind: 'reserve', source, contract: 'OwnerDrainReserve' }, { seed: 1, knobs: { extras: { ...declared, drain: { caller: 'deployer', reason: 'owner emergency exit' } } } })
    expect(failedIds(r)).toContain('RESERVE-BACKING-001')
    expect(failedIds(r)).not.toContain('RESERVE-ACCESS-002')
    const cx = r.properties.find((p) => p.id === 'RESERVE-BACKING-001')!.counterexample!
    expect(cx.steps.at(-1)).toMatch(/^deployer\.drain\(\w+\) -> ok .*<-- RESERVE-BACKING-001$/)
  }, 120_000)

  test('a rule that names no function of the system is a config error naming it', async () => {
    const run = runSuite(owned, { seed: 1, runs: 1, knobs: { extras: { sweep: { exclude: true, reason: 'x' } } } })
    await expect(run).rejects.toBeInstanceOf(ConfigError)
    await expect(run).rejects.toThrow(/extras\.sweep: no state-changing function of the system is called "sweep"; known: .*vault\.burn/)
  }, 120_000)

  test("the contracts a vault deploys are part of the system: the CDP's debt token, with its own ABI", async () => {
    const r = await runSuite({ kind: 'cdp' }, { seed: 1 })
    expect(failedIds(r)).toEqual([])
    for (const fn of ['debt.mint', 'debt.burn']) {
      expect(r.functions![fn]).toMatchObject({ outside: true, changed: 0 })
      expect(r.functions![fn].calls).toBeGreaterThan(0)
      expect(r.functions![fn].reverts).toBe(r.functions![fn].calls)
    }
    expect(formatCampaign(r)).toMatch(/debt\.mint +\d+ calls, \d+ reverted, 0 changed state {2}\[outside the specification, never succeeded\]/)
  }, 120_000)
})
