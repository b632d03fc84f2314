import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { fixturesOf } from '../properties/fixtures.ts'
import { formatCampaign } from '../report/format.ts'
import { runSuite } from '../runner/suite.ts'

// ERC-4626 vaults whose conversions follow no formula the kind knows: detected as such and judged on
// what the EIP fixes without one, so a correct vault of a new design passes and a broken one fails.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const source = 'test/fixtures/families/FamilyVaults.sol'
const failedOf = (r: Awaited<ReturnType<typeof runSuite>>) => r.properties.filter((p) => p.status === 'failed').map((p) => p.id)

describe('erc4626 vaults of no known conversion family', () => {
  for (const [contract, detected] of [
    ['TrackedAssetsVault', /fit no known family \(totalAssets\(\) is .* tracked, not the asset balance\); judged without a formula.*losses are not generated/],
    ['EntryFeeVault', /fit no known family \(its conversions fit virtual offset 10\^0 .*, but preview(Deposit|Mint)\(.*\) = .* the vault keeps more than the formula gives \(a fee\?\)\); judged without a formula/],
  ] as const) {
    test(`${contract} is detected as such and passes every property`, async () => {
      const r = await runSuite({ kind: 'erc4626', source, contract, root })
      expect(r.detected?.join('\n')).toMatch(detected)
      expect(failedOf(r), formatCampaign(r)).toEqual([])
      expect(r.stats.actions).toBeGreaterThan(100)
    }, 120_000)
  }

  test("a virtual deposit on both sides (the Euler vault kit's rule) is a family of its own, judged by its formula", async () => {
    const r = await runSuite({ kind: 'erc4626', source, contract: 'VirtualDepositVault', root })
    expect(r.detected).toContain('conversions: virtual deposit 10^6 on both sides (Euler family), detected')
    expect(failedOf(r), formatCampaign(r)).toEqual([])
  }, 120_000)

  test('a fee left out of previewDeposit is still caught without a formula: the deposit does worse than its preview', async () => {
    const r = await runSuite({ kind: 'erc4626', source, contract: 'EntryFeePreviewOmitsFee', root })
    expect(r.detected?.join('\n')).toMatch(/the vault keeps more than the formula gives \(a fee\?\)\); judged without a formula/)
    expect(failedOf(r)).toContain('ERC4626-RND-002')
    const p = r.properties.find((x) => x.id === 'ERC4626-RND-002')!
    expect(p.counterexample?.message).toMatch(/did worse than its preview promised/)
  }, 120_000)
})

test('conversions that are not one exchange rate are caught without a formula (ERC4626-DIFF-002)', async () => {
  const r = await runSuite({ kind: 'erc4626', source, contract: 'ConversionsDisagree', root })
  expect(r.detected?.join('\n')).toMatch(/judged without a formula/)
  const p = r.properties.find((x) => x.id === 'ERC4626-DIFF-002')!
  expect(p.status, formatCampaign(r)).toBe('failed')
  expect(p.counterexample?.message).toMatch(/the two conversions are not one exchange rate rounded down/)
}, 120_000)

test('a fee kept in the vault is reported for what it is: the first depositor captures part of the next deposit', async () => {
  const r = await runSuite({ kind: 'erc4626', source, contract: 'EntryFeeKeptVault', root })
  expect(failedOf(r), formatCampaign(r)).toEqual(['ERC4626-RND-003'])
  expect(r.properties.find((x) => x.id === 'ERC4626-RND-003')!.counterexample?.message).toMatch(/nothing was donated, so the gain came out of .* deposit: the vault hands part of each deposit/)
}, 120_000)

describe('cdp health rules', () => {
  test('a CDP whose health check works in whole wei, rounding against the borrower, is detected and passes', async () => {
    const r = await runSuite({ kind: 'cdp', source: 'test/fixtures/families/CdpHealthRules.sol', contract: 'CdpWholeWeiHealth', root })
    expect(r.detected?.join('\n')).toMatch(/health check: in whole wei of debt value, rounding against the borrower, detected/)
    expect(failedOf(r), formatCampaign(r)).toEqual([])
  }, 120_000)

  test('a CDP taking the liquidation bonus on the collateral value (paying a wei or two less) passes', async () => {
    const r = await runSuite({ kind: 'cdp', source: 'test/fixtures/families/CdpHealthRules.sol', contract: 'CdpBonusOnValue', root })
    expect(failedOf(r), formatCampaign(r)).toEqual([])
    expect(r.stats.actions).toBeGreaterThan(100)
  }, 120_000)

  test('the reference CDP is detected as exact', async () => {
    const r = await runSuite({ kind: 'cdp', contract: 'CollateralDebtVault' }, { runs: 2 })
    expect(r.detected).toContain('health check: exact (collateral * price >= debt * ratio), detected')
  }, 120_000)
})

describe('judging without a formula is not blind', () => {
  // Every buggy erc4626 fixture, judged as if its formula were unknown (knob conversions: 'quoted'):
  // the checks that need no formula must still catch each one.
  for (const fx of fixturesOf('erc4626')) {
    test(`${fx.contract} still fails`, async () => {
      const r = await runSuite({ kind: 'erc4626', contract: fx.contract }, { knobs: { conversions: 'quoted' } })
      expect(r.detected?.join('\n')).toMatch(/judged without a formula/)
      const failed = failedOf(r)
      expect(failed.length, formatCampaign(r)).toBeGreaterThan(0)
      // Nothing outside the fixture's documented catalogue: the quoted model raises no false alarms.
      const documented = [...fx.trips, ...(fx.alsoTrips ?? [])]
      expect(failed.filter((id) => !documented.includes(id)), formatCampaign(r)).toEqual([])
    }, 120_000)
  }

  test('the reference vault judged without a formula is clean', async () => {
    const r = await runSuite({ kind: 'erc4626', contract: 'TokenizedVault' }, { knobs: { conversions: 'quoted' } })
    expect(failedOf(r), formatCampaign(r)).toEqual([])
  }, 120_000)
})

describe('reserve wrappers that wrap for the caller only (deposit(amount)/withdraw(amount))', () => {
  const source = 'test/fixtures/families/CallerWrappers.sol'
  test('are detected, driven through those functions, and a correct one passes every property', async () => {
    const r = await runSuite({ kind: 'reserve', source, contract: 'CallerWrapper', root })
    expect(r.detected).toContain('interface: deposit(amount) and withdraw(amount) wrap for the caller (no receiver argument), detected')
    expect(failedOf(r), formatCampaign(r)).toEqual([])
    // Both are the kind's own actions, called and counted, not held to ACCESS-002 as extras.
    expect(r.functions?.['wrapper.deposit'] ?? r.functions?.['vault.deposit']).toMatchObject({ outside: false })
    expect((r.functions?.['wrapper.withdraw'] ?? r.functions?.['vault.withdraw'])?.calls).toBeGreaterThan(10)
  }, 120_000)

  test('a broken one of that shape still fails: withdraw that pays without burning', async () => {
    const r = await runSuite({ kind: 'reserve', source, contract: 'CallerWrapperWithdrawNoBurn', root })
    expect(failedOf(r)).toEqual(expect.arrayContaining(['RESERVE-DIFF-002', 'RESERVE-BACKING-001']))
    const p = r.properties.find((x) => x.id === 'RESERVE-BACKING-001')!
    expect(p.counterexample!.trace.map((l) => l.label).join('\n'), formatCampaign(r)).toMatch(/\.withdraw\(\d+\)/)
  }, 120_000)
})
