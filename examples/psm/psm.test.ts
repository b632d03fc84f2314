/**
 * The psm kind's own suite: the reference module keeps every promise, and each buggy variant is
 * caught by the property its bug breaks, with a counterexample of the fewest steps that show it.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { runSuite } from 'vaultcheck'
import { describeVault } from 'vaultcheck/vitest'
import psm from './kind.ts'

const root = path.dirname(fileURLToPath(import.meta.url))
// Campaigns compile Solidity and run thousands of EVM calls: more than vitest's default 5 s.
const TIMEOUT = 120_000

describe('psm (a kind written against the public API)', () => {
  test('the reference module passes every property', async () => {
    const r = await runSuite({ kind: psm, source: 'contracts/PegStabilityModule.sol', contract: 'PegStabilityModule', root }, { runs: 40, seed: 1 })
    expect(r.kind).toBe('psm')
    expect(r.vacuous).toBeUndefined()
    const failed = r.properties.filter((p) => p.status === 'failed')
    expect(failed.map((p) => `${p.id}: ${p.counterexample?.message}\n${p.counterexample?.steps.join('\n')}`)).toEqual([])
    expect(r.properties.map((p) => p.id)).toEqual(['PSM-DIFF-001', 'PSM-DIFF-002', 'PSM-BACKING-001', 'PSM-FEE-001', 'PSM-EXIT-001', 'PSM-VIEW-001', 'PSM-ACCESS-002'])
    // Every action of the kind succeeded at least once, and the stablecoin's minter-only functions were called and refused.
    expect(r.functions?.['vault.mint']?.changed).toBeGreaterThan(0)
    expect(r.functions?.['vault.redeem']?.changed).toBeGreaterThan(0)
    expect(r.functions?.['stable.transferFrom']?.changed).toBeGreaterThan(0)
    expect(r.functions?.['stable.mint']?.outside).toBe(true)
    expect(r.functions?.['stable.mint']?.calls).toBeGreaterThan(0)
    expect(r.functions?.['stable.mint']?.changed).toBe(0)
  }, TIMEOUT)

  test.each([
    ['PsmMintWrongScale', 'PSM-BACKING-001', 1],
    ['PsmRedeemFeeTenfold', 'PSM-FEE-001', 2],
  ])('%s breaks %s, shown in %i step(s)', async (contract, id, steps) => {
    const r = await runSuite({ kind: psm, source: `contracts/buggy/${contract}.sol`, contract, root }, { runs: 40, seed: 1 })
    const p = r.properties.find((x) => x.id === id)!
    expect(p.status, `${id} held on ${contract}`).toBe('failed')
    expect(p.counterexample!.steps, p.counterexample!.steps.join('\n')).toHaveLength(steps)
  }, TIMEOUT)
})

// The same suite as one vitest test per property, as a user's own test file would declare it.
describeVault({ kind: psm, source: 'contracts/PegStabilityModule.sol', contract: 'PegStabilityModule', root }, { runs: 20, seed: 2 })
