/**
 * An adapter of a few lines puts a proxy-deployed vault under the erc4626 kind's model and
 * properties, with their IDs unchanged.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { runSuite } from 'vaultcheck'
import adapter from './adapter.ts'

const root = path.dirname(fileURLToPath(import.meta.url))
const target = { source: 'contracts/UpgradeableVault.sol', contract: 'UpgradeableVault', root }

test('OpenZeppelin ERC4626Upgradeable behind an ERC1967 proxy passes the erc4626 suite through the adapter', async () => {
  const r = await runSuite({ ...target, kind: adapter }, { runs: 30, seed: 1 })
  expect(r.kind).toBe('erc4626')
  expect(r.vacuous).toBeUndefined()
  expect(r.properties.filter((p) => p.status === 'failed').map((p) => `${p.id}: ${p.counterexample?.message}`)).toEqual([])
  expect(r.properties.find((p) => p.id === 'ERC4626-ACCESS-002')?.status).toBe('passed')
  // The proxy was initialized once, by the adapter: nobody can initialize it again.
  expect(r.functions?.['vault.initialize']).toMatchObject({ outside: true, changed: 0 })
  expect(r.functions!['vault.initialize'].calls).toBe(r.functions!['vault.initialize'].reverts)
  expect(r.functions?.['vault.deposit']?.changed).toBeGreaterThan(0)
}, 120_000)

test('without the adapter the locked implementation cannot be set up as a vault', async () => {
  await expect(runSuite({ ...target, kind: 'erc4626' }, { runs: 1 })).rejects.toThrow(/UpgradeableVault/)
}, 120_000)
