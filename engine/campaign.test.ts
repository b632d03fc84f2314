import { describe, expect, test } from 'vitest'
import { propertiesOf } from '../properties/registry.ts'
import { ChunkLedger, chunkPlan, chunkSeed, mergeChunks, selectProperties, vacuity, type ChunkOutcome, type Counterexample } from './campaign.ts'

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
    const { enabled, skipped } = selectProperties('erc4626', propertiesOf('erc4626'), { properties: ['ERC4626-RND-*'], skip: { 'ERC4626-RND-003': 'no empty vault in production' } })
    expect(enabled.map((p) => p.id)).toEqual(['ERC4626-RND-001', 'ERC4626-RND-002'])
    expect(skipped.find((s) => s.def.id === 'ERC4626-RND-004')?.reason).toBe('opt-in property not enabled')
    expect(selectProperties('erc4626', propertiesOf('erc4626'), { properties: ['ERC4626-RND-004'] }).enabled.map((p) => p.id)).toEqual(['ERC4626-RND-004'])
    expect(selectProperties('erc4626', propertiesOf('erc4626'), { optIn: ['ERC4626-RND-004'] }).enabled.some((p) => p.id === 'ERC4626-RND-004')).toBe(true)
    expect(skipped.find((s) => s.def.id === 'ERC4626-RND-003')?.reason).toBe('no empty vault in production')
    expect(selectProperties('erc4626', propertiesOf('erc4626'), {}).enabled.some((p) => p.id === 'ERC4626-RND-004')).toBe(false)
  })

  test('an unknown property in a skip list is a config error naming the known ones', () => {
    expect(() => selectProperties('cdp', propertiesOf('cdp'), { skip: { 'CDP-NOPE-001': 'x' } })).toThrow(/unknown property CDP-NOPE-001 for kind cdp; known: CDP-DIFF-001/)
  })
})


describe('chunks', () => {
  const outcome = (index: number, startEnabled: string[], failed: string[] = []): ChunkOutcome => ({
    index,
    startEnabled,
    failures: failed.map((id) => ({ runs: 1, actions: 5, counterexample: { propertyId: id } as Counterexample })),
    active: {},
    stats: { runs: 10, actions: 50, reverted: 0, noops: 0, probes: 0, underwater: 0 },
    interrupted: false,
    detected: [],
    functions: {},
  })

  test('the run budget is cut into chunks by its size alone, each chunk with a seed of its own', () => {
    expect(chunkPlan(40)).toEqual([10, 10, 10, 10])
    expect(chunkPlan(25)).toEqual([10, 10, 5])
    expect(chunkPlan(0)).toEqual([])
    expect(chunkSeed(7, 0)).toBe(7)
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => chunkSeed(7, i)))
    expect(seeds.size).toBe(1000)
    expect(chunkSeed(7, 3)).toBe(chunkSeed(7, 3))
    expect(chunkSeed(8, 3)).not.toBe(chunkSeed(7, 3))
  })

  test('a chunk commits only in order and only from the set the chunks before it left enabled', () => {
    const ledger = new ChunkLedger([10, 10, 10], ['B', 'A', 'C'])
    expect(ledger.enabled).toEqual(['A', 'B', 'C'])
    expect(() => ledger.commit(outcome(1, ['A', 'B', 'C']))).toThrow(/out of order/)
    expect(ledger.commit(outcome(0, ['A', 'B', 'C'], ['B']))).toBe(true)
    // Run ahead on the guess that nothing failed: wrong, so it must run again.
    expect(ledger.commit(outcome(1, ['A', 'B', 'C']))).toBe(false)
    expect(ledger.commit(outcome(1, ['A', 'C']))).toBe(true)
    expect(ledger.done).toBe(false)
    expect(ledger.commit(outcome(2, ['A', 'C'], ['A', 'C']))).toBe(true)
    expect(ledger.done).toBe(true)
    expect(ledger.enabled).toEqual([])
  })

  test('with stopOnFirstFailure the campaign ends at the first chunk that failed', () => {
    const ledger = new ChunkLedger([10, 10], ['A'], true)
    ledger.commit(outcome(0, ['A']))
    expect(ledger.done).toBe(false)
    const l2 = new ChunkLedger([10, 10], ['A', 'B'], true)
    l2.commit(outcome(0, ['A', 'B'], ['A']))
    expect(l2.done).toBe(true)
  })

  test('merging adds up runs per property while it was enabled and keeps the first failure', () => {
    const defs = selectProperties('reserve', propertiesOf('reserve'), {}).enabled
    const [a, b] = defs
    const c0 = { ...outcome(0, defs.map((d) => d.id).sort(), [a.id]), active: Object.fromEntries(defs.slice(1).map((d) => [d.id, { runs: 10, actions: 50 }])) }
    const c1 = { ...outcome(1, defs.slice(1).map((d) => d.id).sort()), active: Object.fromEntries(defs.slice(1).map((d) => [d.id, { runs: 10, actions: 50 }])) }
    const res = mergeChunks({ name: 'V', kind: 'reserve' }, propertiesOf('reserve'), defs, [], [c0, c1], { durationMs: 1 })
    expect(res.stats.runs).toBe(20)
    expect(res.properties.find((p) => p.id === a.id)).toMatchObject({ status: 'failed', runs: 1, actions: 5 })
    expect(res.properties.find((p) => p.id === b.id)).toMatchObject({ status: 'passed', runs: 20, actions: 100 })
  })
})
