/**
 * vaultcheck inside a user's own vitest file:
 *
 *   import { describeVault } from 'vaultcheck/vitest'
 *   describeVault({ kind: 'erc4626', source: 'src/MyVault.sol', contract: 'MyVault' })
 *   describeVault({ kind: psm, source: 'src/Psm.sol', contract: 'Psm' })   // psm = defineKind({...})
 *
 * One campaign runs once for the describe block (all properties share the action sequences), and
 * every property becomes a test of its own that passes, fails with its counterexample, or is skipped.
 */
import { beforeAll, describe, expect, test } from 'vitest'
import { driverFor } from '../properties/drivers.ts'
import { driverOfModule, isKindPath } from '../engine/kinds.ts'
import { ConfigError } from '../evm/errors.ts'
import type { CampaignOptions } from '../engine/campaign.ts'
import { formatCounterexample } from '../report/format.ts'
import { runSuite, type SuiteResult } from './suite.ts'
import type { TargetSpec } from '../engine/target.ts'

export type DescribeVaultOptions = CampaignOptions & {
  /** Property IDs this target is expected to break (fixtures); they then pass when they fail. */
  expectFailures?: readonly string[]
  /** vitest timeout for the campaign, ms. */
  timeout?: number
}

export function describeVault(spec: TargetSpec, options: DescribeVaultOptions = {}): void {
  const { expectFailures, timeout, ...campaign } = options
  // Tests are declared synchronously, before anything can be loaded: a kind must be at hand.
  if (typeof spec.kind === 'string' && isKindPath(spec.kind)) {
    throw new ConfigError({ issues: [{ path: 'kind', message: `describeVault takes a built-in kind's name or the kind itself (import it): got the path ${spec.kind}` }] })
  }
  const driver = typeof spec.kind === 'string' ? driverFor(spec.kind) : driverOfModule(spec.kind)
  const properties = driver.properties
  const kindName = driver.kind
  const title = `${spec.name ?? spec.contract ?? kindName} (${kindName})`
  describe(title, () => {
    let result: SuiteResult | undefined
    beforeAll(async () => {
      result = await runSuite(spec, campaign)
    }, timeout ?? 300_000)

    test('the runs exercised the vault (not vacuous)', () => {
      expect(result, 'the campaign did not run').toBeDefined()
      expect(result!.vacuous, result!.vacuous).toBeUndefined()
    })

    for (const def of properties) {
      const expected = expectFailures?.includes(def.id) ?? false
      test(`${def.id}: ${def.promise}`, (ctx) => {
        const r = result?.properties.find((p) => p.id === def.id)
        expect(r, 'the campaign did not run').toBeDefined()
        if (r!.status === 'skipped') {
          ctx.skip(r!.skipReason)
          return
        }
        if (expected) {
          expect(r!.status, `${def.id} was expected to fail on ${title} but held`).toBe('failed')
        } else if (r!.status === 'failed') {
          expect.fail(`${def.id} failed\n${formatCounterexample(r!.counterexample!)}`)
        }
      })
    }
  })
}
