import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { runSuite } from '../runner/suite.ts'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const target = { kind: 'reserve' as const, source: 'test/fixtures/RenamedReserve.sol', contract: 'RenamedReserve', root }

test('a vault of a known shape under other function names passes through a rename', async () => {
  const res = await runSuite(target, { runs: 10, knobs: { functions: { depositFor: 'wrap', withdrawTo: 'unwrap' } } })
  expect(res.properties.filter((p) => p.status === 'failed').map((p) => p.id)).toEqual([])
  expect(res.vacuous).toBeUndefined()
})

test('without the rename the same vault breaks its promises (the rename is what made it pass)', async () => {
  await expect(runSuite(target, { runs: 5 })).rejects.toThrow(/setting up a reserve vault failed|use wrap/)
})

test('a rename to a function the vault lacks is a config error naming it', async () => {
  await expect(runSuite(target, { runs: 1, knobs: { functions: { depositFor: 'stake' } } })).rejects.toThrow('functions.depositFor: RenamedReserve has no function "stake"')
})
