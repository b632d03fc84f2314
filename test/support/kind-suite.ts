import { describe, expect, test } from 'vitest'
import { REFERENCE_VAULTS } from '../../engine/bundled.ts'
import { formatCampaign } from '../../report/format.ts'
import { runSuite } from '../../runner/suite.ts'
import { describeVault } from '../../runner/vitest.ts'
import { fixturesOf } from '../../properties/fixtures.ts'
import type { Kind } from '../../engine/property.ts'

/**
 * The acceptance tests of one kind: its reference vault keeps every promise at the default budget,
 * and every buggy fixture breaks the promises documented for it, and no other.
 */
export function kindSuiteTests(kind: Kind): void {
  describeVault({ kind, contract: REFERENCE_VAULTS[kind] })

  describe(`buggy ${kind} fixtures`, () => {
    for (const fx of fixturesOf(kind)) {
      test(`${fx.contract} (${fx.bug}) trips ${fx.trips.join(', ')}`, async () => {
        const res = await runSuite({ kind, contract: fx.contract })
        const failed = res.properties.filter((p) => p.status === 'failed').map((p) => p.id)
        const documented = [...fx.trips, ...(fx.alsoTrips ?? [])]
        expect(failed.filter((id) => !documented.includes(id)), `undocumented trips\n${formatCampaign(res)}`).toEqual([])
        expect(fx.trips.filter((id) => !failed.includes(id)), `documented trips not found\n${formatCampaign(res)}`).toEqual([])
        for (const p of res.properties) {
          if (p.counterexample) expect(p.counterexample.steps.length, `${p.id} has an empty counterexample`).toBeGreaterThan(0)
        }
      }, 300_000)
    }
  })
}
