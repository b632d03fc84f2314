import { describe, expect, test } from 'vitest'
import { selectProperties, vacuity } from './campaign.ts'

describe('vacuity', () => {
  test('a campaign whose actions all reverted or changed nothing is vacuous, and says so', () => {
    expect(vacuity({ runs: 40, actions: 300, reverted: 250, noops: 45, probes: 0, underwater: 0 })).toMatchInlineSnapshot(
      `"runs did almost nothing: 5 state-changing actions in 40 runs (250 reverted, 45 no-ops)"`,
    )
    expect(vacuity({ runs: 0, actions: 0, reverted: 0, noops: 0, probes: 0, underwater: 0 })).toBe('no run completed')
  })

  test('a campaign with at least one state-changing action per run is not vacuous', () => {
    expect(vacuity({ runs: 40, actions: 300, reverted: 100, noops: 60, probes: 0, underwater: 0 })).toBeUndefined()
  })
})

describe('selecting properties', () => {
  test('globs select, opt-in properties stay off unless named or enabled, skips carry their reason', () => {
    const { enabled, skipped } = selectProperties('erc4626', { properties: ['ERC4626-RND-*'], skip: { 'ERC4626-RND-003': 'no empty vault in production' } })
    expect(enabled.map((p) => p.id)).toEqual(['ERC4626-RND-001', 'ERC4626-RND-002'])
    expect(skipped.find((s) => s.def.id === 'ERC4626-RND-004')?.reason).toBe('opt-in property not enabled')
    expect(selectProperties('erc4626', { properties: ['ERC4626-RND-004'] }).enabled.map((p) => p.id)).toEqual(['ERC4626-RND-004'])
    expect(selectProperties('erc4626', { optIn: ['ERC4626-RND-004'] }).enabled.some((p) => p.id === 'ERC4626-RND-004')).toBe(true)
    expect(skipped.find((s) => s.def.id === 'ERC4626-RND-003')?.reason).toBe('no empty vault in production')
    expect(selectProperties('erc4626', {}).enabled.some((p) => p.id === 'ERC4626-RND-004')).toBe(false)
  })

  test('an unknown property in a skip list is a config error naming the known ones', () => {
    expect(() => selectProperties('cdp', { skip: { 'CDP-NOPE-001': 'x' } })).toThrow(/unknown property CDP-NOPE-001 for kind cdp; known: CDP-DIFF-001/)
  })
})

describe('sharding', () => {
  test('shards deal (target, property) units round-robin, cover everything once, and leave opt-in properties off', async () => {
    const { shardTargets } = await import('./shard.ts')
    const targets = [{ kind: 'erc4626' as const, contract: 'TokenizedVault' }, { kind: 'cdp' as const, contract: 'CollateralDebtVault' }]
    const a = shardTargets(targets, '1/2').targets.flatMap((t) => t.options!.properties!)
    const b = shardTargets(targets, '2/2').targets.flatMap((t) => t.options!.properties!)
    expect(a.filter((id) => b.includes(id))).toEqual([])
    expect([...a, ...b]).not.toContain('ERC4626-RND-004')
    expect(a.length + b.length).toBe(10 + 9)
    expect(() => shardTargets(targets, '3/2')).toThrow(/--shard: expected i\/n/)
  })
})
