import { expect, test } from 'vitest'
import { runSuite } from '../runner/suite.ts'

// ERC4626-RND-004 is stricter than EIP-4626: correct vaults (ours, OpenZeppelin's) mint zero shares
// for a dust deposit once the share price is above one. Off by default, it must bite when enabled.
test('an opt-in property is skipped by default and checked when enabled', async () => {
  const off = await runSuite({ kind: 'erc4626', contract: 'TokenizedVault' }, { runs: 20 })
  expect(off.properties.find((p) => p.id === 'ERC4626-RND-004')).toMatchObject({ status: 'skipped', skipReason: 'opt-in property not enabled' })

  const on = await runSuite({ kind: 'erc4626', contract: 'TokenizedVault' }, { runs: 40, optIn: ['ERC4626-RND-004'] })
  const rnd4 = on.properties.find((p) => p.id === 'ERC4626-RND-004')!
  expect(rnd4.status).toBe('failed')
  expect(rnd4.counterexample!.message).toMatch(/share/)
  expect(on.properties.filter((p) => p.status === 'failed').map((p) => p.id)).toEqual(['ERC4626-RND-004'])
}, 120_000)
