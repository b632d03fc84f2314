import { expect, test } from 'vitest'
import { PACKAGE_ROOT } from '../engine/bundled.ts'
import { lendingKind } from '../properties/lending.ts'
import { runSuite } from '../runner/suite.ts'
import { kindSuiteTests } from './support/kind-suite.ts'

kindSuiteTests('lending')

// The fixed-rate mode: interest accrues on every action that touches debt, to the third Taylor term.
const withRate = lendingKind({ rate: 10n ** 10n, name: 'lending-rate' })

test('with a fixed borrow rate the reference market matches the model exactly, interest included', async () => {
  const r = await runSuite({ kind: withRate, source: 'contracts/LendingMarket.sol', contract: 'LendingMarket', root: PACKAGE_ROOT }, { runs: 40, seed: 1 })
  expect(r.properties.filter((p) => p.status === 'failed').map((p) => `${p.id}: ${p.counterexample?.message}`)).toEqual([])
  expect(r.functions?.['vault.accrueInterest']?.changed).toBeGreaterThan(0)
}, 120_000)

test('interest kept by the market instead of credited to lenders is caught', async () => {
  const r = await runSuite({ kind: withRate, source: 'test/fixtures/LendingInterest.sol', contract: 'LendingInterestNotCredited', root: PACKAGE_ROOT }, { runs: 40, seed: 1 })
  const p = r.properties.find((x) => x.id === 'LENDING-RATE-DIFF-002')!
  expect(p.status).toBe('failed')
  // Interest needs time to pass and debt to accrue on.
  expect(p.counterexample!.steps.join('\n')).toMatch(/warp/)
  expect(p.counterexample!.steps.join('\n')).toMatch(/borrow/)
}, 120_000)
