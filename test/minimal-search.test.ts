import { describe, expect, test } from 'vitest'
import { shortestCounterexample } from '../bench/minimal-search.ts'
import { loadTarget } from '../engine/target.ts'

// The bounded search behind bench:detection's and bench:race's "minimal" column.
describe('the bounded search for the shortest counterexample', () => {
  test('finds a one-step counterexample that needs the fixture’s own amount (value % 1000 == 7), and proves it minimal', async () => {
    const r = await shortestCounterexample(await loadTarget({ kind: 'reserve', contract: 'ReserveUnbackedMintOnEdge' }))
    expect(r).toMatchObject({ len: 1, proved: true, below: 1 })
    expect(r.example!.steps[0]).toMatch(/depositFor\(\w+, 7\)/)
  }, 120_000)

  test('the exit probe alone counts as a counterexample of length 0', async () => {
    const r = await shortestCounterexample(await loadTarget({ kind: 'reserve', contract: 'ReserveFullExitBlocked' }))
    expect(r).toMatchObject({ len: 0, proved: true, evals: 0 })
  }, 120_000)

  test('a known counterexample is proved minimal when nothing shorter fails, and beaten when something does', async () => {
    const allowance = await loadTarget({ kind: 'native', contract: 'NativeTransferFromNoAllowance' })
    // deposit, then transferFrom without allowance: no single step breaks a promise.
    const two = await shortestCounterexample(allowance, { upper: 2 })
    expect(two).toMatchObject({ len: 2, proved: true, below: 2 })
    expect(two.example).toBeUndefined()
    expect(two.evals).toBe(two.alphabet)
    const edge = await loadTarget({ kind: 'reserve', contract: 'ReserveUnbackedMintOnEdge' })
    expect(await shortestCounterexample(edge, { upper: 3 })).toMatchObject({ len: 1, proved: true })
  }, 120_000)

  test('a budget too small proves nothing and says how far it got', async () => {
    const r = await shortestCounterexample(await loadTarget({ kind: 'native', contract: 'NativeTransferFromNoAllowance' }), { budget: 50 })
    expect(r).toMatchObject({ proved: false, below: 1, evals: 50 })
    expect(r.len).toBeUndefined()
  }, 120_000)
})
