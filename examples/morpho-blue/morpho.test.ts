/**
 * Morpho Blue 1.0.0, from npm and compiled with solc 0.8.19 as its pragma pins, judged by the
 * lending kind's model and properties through an adapter.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { expect, test } from 'vitest'
import { runSuite } from 'vaultcheck'
import adapter from './adapter.ts'

const root = path.dirname(createRequire(import.meta.url).resolve('@morpho-org/morpho-blue/package.json'))

test('Morpho Blue keeps every promise of the lending kind', async () => {
  const r = await runSuite({ kind: adapter, source: 'src/Morpho.sol', contract: 'Morpho', root }, { seed: 1 })
  expect(r.kind).toBe('lending')
  expect(r.vacuous).toBeUndefined()
  expect(r.properties.filter((p) => p.status === 'failed').map((p) => `${p.id}: ${p.counterexample?.message}\n${p.counterexample?.steps.join('\n')}`)).toEqual([])
  // Every action reached Morpho and did something, liquidations included.
  for (const fn of ['supply', 'withdraw', 'borrow', 'repay', 'supplyCollateral', 'withdrawCollateral', 'liquidate', 'setAuthorization']) {
    expect(r.functions?.[`vault.${fn}`]?.changed, fn).toBeGreaterThan(0)
  }
  // The owner's functions were called by everyone and refused.
  expect(r.functions?.['vault.enableLltv']).toMatchObject({ outside: true, changed: 0 })
  expect(r.functions!['vault.enableLltv'].calls).toBeGreaterThan(0)
}, 300_000)
