/**
 * The observation lens (evm/observe.ts + contracts/harness/Multiread.sol) must read exactly
 * what direct `chain.read` calls read: checked after every step of real campaigns on each kind's
 * reference vault and on a buggy fixture, and on the failure paths.
 */
import type { Abi, Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REFERENCE_VAULTS, mockArtifacts } from '../engine/bundled.ts'
import { createChain, type Chain } from '../evm/chain.ts'
import { TargetShapeError } from '../evm/errors.ts'
import { ObservationPlan, type Observation, type ReadSpec } from '../evm/observe.ts'
import { runSuite } from '../runner/suite.ts'
import type { Kind } from '../engine/property.ts'

async function direct(chain: Chain, specs: readonly ReadSpec[]): Promise<Observation> {
  const out: Observation = {}
  for (const s of specs) {
    if (s.kind === 'native') out[s.key] = await chain.getBalance(s.account)
    else out[s.key] = BigInt((await chain.read({ address: s.address, abi: s.abi, functionName: s.functionName, args: s.args })) as bigint)
  }
  return out
}

describe('ObservationPlan', () => {
  const original = ObservationPlan.prototype.read
  const seen = { observations: 0, mismatches: [] as string[] }
  beforeAll(() => {
    ObservationPlan.prototype.read = async function (this: ObservationPlan, chain: Chain) {
      const got = await original.call(this, chain)
      const want = await direct(chain, this.specs)
      seen.observations++
      if (JSON.stringify(got, (_, v) => (typeof v === 'bigint' ? String(v) : v)) !== JSON.stringify(want, (_, v) => (typeof v === 'bigint' ? String(v) : v))) {
        seen.mismatches.push(`${Object.keys(want).find((k) => got[k] !== want[k])}`)
      }
      return got
    }
  })
  afterAll(() => {
    ObservationPlan.prototype.read = original
  })

  const cases: [Kind, string][] = [
    ['reserve', REFERENCE_VAULTS.reserve],
    ['native', REFERENCE_VAULTS.native],
    ['erc4626', REFERENCE_VAULTS.erc4626],
    ['reserve', 'ReserveUnbackedMintOnEdge'],
    ['native', 'NativeOddWithdrawOverpays'],
    ['erc4626', 'VaultNoVirtualOffset'],
  ]
  for (const [kind, contract] of cases) {
    it(`reads what direct calls read after every step (${contract})`, async () => {
      const before = seen.observations
      await runSuite({ kind, contract }, { runs: 6, seed: 3 })
      expect(seen.observations - before).toBeGreaterThan(30)
      expect(seen.mismatches).toEqual([])
    })
  }

  it('reports reverting and non-decoding views, past 256 entries, and reads other return types one by one', async () => {
    const chain = await createChain()
    const mocks = await mockArtifacts()
    const lens = await chain.deploy({ artifact: mocks.Multiread })
    const token = await chain.deploy({ artifact: mocks.MockERC20, args: ['T', 'T', 6] })
    const erc = mocks.MockERC20.abi as Abi
    const alice = chain.actor('alice')
    await chain.call({ address: token, abi: erc, functionName: 'mint', args: [alice, 12345n] })
    const many: ReadSpec[] = []
    for (let i = 0; i < 300; i++) {
      many.push(i % 2 ? { key: `b${i}`, kind: 'call', address: token, abi: erc, functionName: 'balanceOf', args: [alice] } : { key: `n${i}`, kind: 'native', account: alice })
    }
    many.push({ key: 'decimals', kind: 'call', address: token, abi: erc, functionName: 'decimals' })
    const obs = await new ObservationPlan(lens, many).read(chain)
    expect(obs.b299).toBe(12345n)
    expect(obs.n298).toBe(await chain.getBalance(alice))
    expect(obs.decimals).toBe(6n)
    expect(obs).toEqual(await direct(chain, many))

    // A view that reverts (transferFrom with no allowance, called as a view) at index 280.
    const reverting: ReadSpec = { key: 'bad', kind: 'call', address: token, abi: erc, functionName: 'transferFrom', args: [alice, alice, 1n] }
    const withRevert = [...many.slice(0, 280), { ...reverting, abi: [...erc.filter((x) => x.type !== 'function' || x.name !== 'transferFrom'), { type: 'function', name: 'transferFrom', stateMutability: 'view', inputs: [{ name: 'a', type: 'address' }, { name: 'b', type: 'address' }, { name: 'c', type: 'uint256' }], outputs: [{ name: '', type: 'uint256' }] }] as Abi }]
    await expect(new ObservationPlan(lens, withRevert).read(chain)).rejects.toThrow(/transferFrom\(\) reverted on .* while observing bad/)
    // A view on an address without code returns no data.
    const nobody = '0x000000000000000000000000000000000000bEEF' as Address
    const empty: ReadSpec[] = [{ key: 'x', kind: 'call', address: nobody, abi: erc, functionName: 'totalSupply' }]
    const err = await new ObservationPlan(lens, empty).read(chain).catch((e) => e)
    expect(err).toBeInstanceOf(TargetShapeError)
    expect(String(err.message)).toMatch(/totalSupply\(\) on .* returned data that does not decode/)
  })
})

