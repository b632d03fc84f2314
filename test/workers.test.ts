import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { expect, test } from 'vitest'
import { forkWorker } from '../engine/fork.ts'
import { runTargets, type RunTarget } from '../runner/run.ts'

// Campaign chunks are dealt to child processes and committed in order; a chunk run ahead on a wrong
// guess (a property failed in an earlier chunk) runs again. Whatever the worker count, the report
// must be the one a single process gives — failures, shrunk counterexamples and counts included.
test('results are identical for 1 and 3 workers, also when chunks run ahead of a failure', async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-workers-'))
  const targets: RunTarget[] = [
    { kind: 'reserve', contract: 'ReserveWithdrawBurnsRecipient' },
    { kind: 'reserve', contract: 'ReserveVault' },
  ]
  const strip = (v: unknown) => JSON.stringify(v, (k, x) => (k === 'durationMs' ? 0 : typeof x === 'bigint' ? String(x) : x))
  const run = async (workers: number) => {
    const progress: number[] = []
    const done: string[] = []
    const out = await runTargets({ targets, root, options: { runs: 30, seed: 3 }, workers, store: false, onProgress: (_t, p) => progress.push(p.runs), onTargetDone: (r) => done.push(r.target) })
    return { out, progress, done }
  }
  const one = await run(1)
  const three = await run(3)
  expect(one.out.results.map((r) => r.target)).toEqual(['ReserveWithdrawBurnsRecipient', 'ReserveVault'])
  expect(one.out.results[0].properties.some((p) => p.status === 'failed')).toBe(true)
  expect(one.out.results[1].properties.every((p) => p.status === 'passed')).toBe(true)
  expect(one.out.results[1].stats.runs).toBe(30)
  expect(strip(three.out.results)).toBe(strip(one.out.results))
  expect(Math.max(...three.progress)).toBeGreaterThan(0)
  // Targets finish in any order across workers but are announced in the order given.
  expect(three.done).toEqual(['ReserveWithdrawBurnsRecipient', 'ReserveVault'])
  // Three workers start chunks 0-2 of the failing target at once, so the failure in chunk 0 must
  // send at least one of the others round again: the path under test was taken.
  expect(three.out.pool!.reruns).toBeGreaterThan(0)
  expect(one.out.pool).toBeUndefined()
  fs.rmSync(root, { recursive: true, force: true })
}, 240_000)

test('a campaign cut short by its time limit says so in the JSON and pretty reports', async () => {
  const { runSuite } = await import('../runner/suite.ts')
  const { toJsonTarget } = await import('../report/reporters.ts')
  const { formatCampaign } = await import('../report/format.ts')
  const res = await runSuite({ kind: 'native', contract: 'NativeVault' }, { runs: 100_000, timeLimitMs: 300 })
  expect(res.interrupted).toBe('time limit reached')
  expect(res.stats.runs).toBeLessThan(100_000)
  expect(toJsonTarget({ ...res, stored: [] }).interrupted).toBe('time limit reached')
  expect(formatCampaign(res)).toContain('stopped early (time limit reached)')
}, 60_000)

// Worker processes run one pre-built module of vaultcheck's sources, not each file under tsx's
// loader (which cost ~0.7 s per worker start); its name follows its content, so an edit to any
// source it contains gives a new file rather than stale code.
test('workers start from a bundle of the current sources', async () => {
  const child = forkWorker('runner/worker')
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  child.send({ type: 'exit' })
  expect(await exited).toBe(0)
  const script = child.spawnargs.find((a) => a.includes('.bundle-worker-'))
  expect(script).toBeDefined()
  expect(child.spawnargs).not.toContain('--import')
  const text = fs.readFileSync(script!, 'utf8')
  // The bundle holds this checkout's sources: a marker from each of the three source folders.
  expect(text).toContain('var ChunkRunner = class')
  expect(text).toContain('async function runChunk')
  expect(text).toContain('// model/')
  expect(path.basename(script!)).toMatch(/^\.bundle-worker-[0-9a-f]{16}\.mjs$/)
})
