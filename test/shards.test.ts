/**
 * Shards split the exploration: n shards run the chunks one process would, and merge gives that
 * process's report (durations aside), also when a failure found late by one shard changes what
 * the chunks after it should have checked. Mismatched shard reports are refused.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { REFERENCE_VAULTS } from '../engine/bundled.ts'
import { KINDS } from '../engine/property.ts'
import { toJsonTarget } from '../report/reporters.ts'
import { runTargets, type RunTarget } from '../runner/run.ts'
import { mergeShards, runShard, type ShardData } from '../runner/shard.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/** A report's targets without their durations: the only thing allowed to differ. */
function comparable(results: readonly Parameters<typeof toJsonTarget>[0][]): string {
  return JSON.stringify(results.map(toJsonTarget), (k, v) => (k === 'durationMs' ? undefined : v), 1)
}

async function single(targets: RunTarget[], options: { runs: number; seed: number }) {
  return (await runTargets({ targets, root: ROOT, options, store: false })).results
}

async function sharded(targets: RunTarget[], options: { runs: number; seed: number }, n: number) {
  const shards: ShardData[] = []
  for (let i = 1; i <= n; i++) shards.push((await runShard({ targets, root: ROOT, options, store: false }, { index: i, count: n })).data)
  const inputs = shards.map((shard, i) => ({ file: `shard-${i + 1}.json`, seed: options.seed, shard }))
  return { shards, inputs, merged: await mergeShards(inputs, ROOT) }
}

describe('shards', () => {
  test('the bundled suite at 200 runs: 4 shards merged give the report of one process; each shard ran a quarter of the chunks', async () => {
    // The four hand-written drivers; the lending kind, compiled from defineKind, has its own shorter test below.
    const targets = KINDS.filter((k) => k !== 'lending').map((kind) => ({ kind, contract: REFERENCE_VAULTS[kind] }))
    const options = { runs: 200, seed: 1 }
    const one = await single(targets, options)
    const { shards, merged } = await sharded(targets, options, 4)
    expect(merged.reran).toBe(0)
    expect(comparable(merged.results)).toBe(comparable(one))
    for (const s of shards) for (const t of s.targets) expect(t.chunks.map((c) => c.index)).toEqual([0, 1, 2, 3, 4].map((k) => k * 4 + s.index - 1))
    // Runs and actions are counted once: the shards' chunks add up to the single process's.
    const actions = shards.flatMap((s) => s.targets.flatMap((t) => t.chunks.map((c) => c.stats.actions))).reduce((a, b) => a + b, 0)
    expect(actions).toBe(one.reduce((a, r) => a + r.stats.actions, 0))
  }, 600_000)

  test('a kind compiled from defineKind (lending): 2 shards merge to the single-process report', async () => {
    const targets = [{ kind: 'lending', contract: REFERENCE_VAULTS.lending }]
    const options = { runs: 40, seed: 2 }
    const { merged } = await sharded(targets, options, 2)
    expect(merged.reran).toBe(0)
    expect(comparable(merged.results)).toBe(comparable(await single(targets, options)))
  }, 120_000)

  test.each([1, 2, 3])('%i shard(s) of one vault merge to the single-process report', async (n) => {
    const targets = [{ kind: 'reserve', contract: REFERENCE_VAULTS.reserve }]
    const options = { runs: 40, seed: 3 }
    const { merged } = await sharded(targets, options, n)
    expect(comparable(merged.results)).toBe(comparable(await single(targets, options)))
  }, 120_000)

  test('a failure found in a late chunk by shard 3 merges to the single-process report; the chunks after it are re-run', async () => {
    // ReserveAllowanceNotSpent at seed 1: one process first fails in chunk 2, which is shard 3's of 4.
    const targets = [{ kind: 'reserve', source: 'contracts/buggy/ReserveAllowanceNotSpent.sol', contract: 'ReserveAllowanceNotSpent', root: ROOT }]
    const options = { runs: 60, seed: 1 }
    const one = await single(targets, options)
    const { shards, merged } = await sharded(targets, options, 4)
    const firstFailing = shards.flatMap((s) => s.targets[0].chunks).filter((c) => c.failures.length > 0).map((c) => c.index).sort((a, b) => a - b)[0]
    expect(firstFailing).toBe(2)
    expect(shards[2].targets[0].chunks.find((c) => c.index === 2)!.failures.length).toBeGreaterThan(0)
    expect(merged.reran).toBeGreaterThan(0)
    expect(comparable(merged.results)).toBe(comparable(one))
    expect(one[0].properties.some((p) => p.status === 'failed')).toBe(true)
  }, 180_000)

  test('mismatched shard reports are refused, naming the files', async () => {
    const targets = [{ kind: 'reserve', contract: REFERENCE_VAULTS.reserve }]
    const { inputs } = await sharded(targets, { runs: 20, seed: 1 }, 2)
    const [a, b] = inputs
    const tweak = (x: typeof b, f: (d: ShardData) => void) => {
      const shard = structuredClone(x.shard)
      f(shard)
      return { ...x, shard }
    }
    const issues = async (list: typeof inputs) => {
      try {
        await mergeShards(list, ROOT)
      } catch (e) {
        return (e as { issues: { path: string; message: string }[] }).issues.map((i) => `${i.path}: ${i.message}`).join('\n')
      }
      return 'merged'
    }
    expect(await issues([a])).toMatch(/shard 2\/2 is missing/)
    expect(await issues([a, a, b])).toMatch(/^shard-1\.json, shard-1\.json: shard 1\/2 is given more than once/)
    expect(await issues([a, { ...b, seed: 2 }])).toMatch(/seeds differ: shard-1\.json: 1, shard-2\.json: 2/)
    expect(await issues([a, tweak(b, (d) => (d.count = 3))])).toMatch(/shard counts differ/)
    expect(await issues([a, tweak(b, (d) => (d.version = '0.0.1'))])).toMatch(/different vaultcheck versions/)
    expect(await issues([a, tweak(b, (d) => (d.targets[0].bytecodeHash = 'ffff'))])).toMatch(/^shard-1\.json, shard-2\.json: ReserveVault: bytecode differs/)
    expect(await issues([a, tweak(b, (d) => (d.targets[0].spec.options = { ...d.targets[0].spec.options, runs: 40 }))])).toMatch(/budgets or options differ/)
    expect(await issues([a, { ...b, shard: undefined } as unknown as typeof b])).toMatch(/shard-2\.json: not a shard report/)
    expect(await issues([a, b])).toBe('merged')
  }, 120_000)

  test('a shard keeps a checkpoint: resumed after a cancelled job or a time-limit cut, it ends as the uninterrupted shard; a checkpoint of another campaign is refused', async () => {
    const targets = [{ kind: 'reserve', contract: REFERENCE_VAULTS.reserve }]
    const options = { runs: 60, seed: 5 }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-checkpoint-'))
    const params = (o: Record<string, unknown> = {}) => ({ targets, root: ROOT, options: { ...options, ...o }, store: false })
    const strip = (x: unknown) => JSON.stringify(x, (k, v) => (k === 'durationMs' ? undefined : v))
    try {
      const file = path.join(dir, 'shard-1-of-2.jsonl')
      const whole = await runShard(params(), { index: 1, count: 2 }, { file, resume: false })
      // A header, then one line per finished chunk.
      const lines = fs.readFileSync(file, 'utf8').split('\n').slice(0, -1)
      expect(JSON.parse(lines[0])).toMatchObject({ format: 2, index: 1, count: 2 })
      expect(lines.slice(1).map((l) => JSON.parse(l).chunk.index)).toEqual([0, 2, 4])

      // A job killed while writing its second chunk's line left this checkpoint: the torn line is
      // ignored, and only the two chunks after the first run again.
      fs.writeFileSync(file, lines.slice(0, 2).join('\n') + '\n' + lines[2].slice(0, 40))
      const resumed = await runShard(params(), { index: 1, count: 2 }, { file, resume: true })
      expect(resumed.resumed).toBe(1)
      expect(comparable(resumed.results)).toBe(comparable(whole.results))
      expect(strip(resumed.data)).toBe(strip(whole.data))
      expect(fs.readFileSync(file, 'utf8')).toBe(lines.join('\n') + '\n')

      // A time limit cuts shard 1 in its first chunk: the merged report says how far each shard got.
      const cutFile = path.join(dir, 'cut.jsonl')
      const cut = await runShard(params({ timeLimitMs: 1 }), { index: 1, count: 2 }, { file: cutFile, resume: false })
      expect(cut.data.targets[0].cut).toBe('time limit reached')
      const two = (await runShard(params(), { index: 2, count: 2 })).data
      const partial = await mergeShards([{ file: 's1.json', seed: 5, shard: cut.data }, { file: 's2.json', seed: 5, shard: two }], ROOT)
      expect(partial.cut).toEqual([{ shard: '1/2', target: 'ReserveVault', reason: 'time limit reached', chunks: 1 }])
      expect(partial.results[0].interrupted).toBe('time limit reached')
      expect(partial.results[0].stats.runs).toBeLessThan(60)
      // Resumed without the limit, it completes; merged with shard 2, the single process's report.
      const after = await runShard(params(), { index: 1, count: 2 }, { file: cutFile, resume: true })
      const merged = await mergeShards([{ file: 's1.json', seed: 5, shard: after.data }, { file: 's2.json', seed: 5, shard: two }], ROOT)
      expect(comparable(merged.results)).toBe(comparable(await single(targets, options)))

      await expect(runShard(params({ seed: 6 }), { index: 1, count: 2 }, { file, resume: true })).rejects.toThrow(/checkpoint is of another campaign: ReserveVault: the budget or options changed/)
      await expect(runShard(params(), { index: 2, count: 2 }, { file, resume: true })).rejects.toThrow(/it belongs to shard 1\/2/)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 180_000)

  test('from the CLI: shard reports merge into one; a missing shard exits 2 naming the files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-shards-'))
    try {
      const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'cli', 'dev.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
      for (const i of [1, 2]) expect(cli('run', '--kind', 'reserve', '--runs', '20', '--shard', `${i}/2`, '--reporter', 'json', '--output', `s${i}.json`).status).toBe(0)
      const one = cli('run', '--kind', 'reserve', '--runs', '20', '--no-store', '--reporter', 'json')
      const merged = cli('merge', 's1.json', 's2.json')
      expect(merged.status, merged.stderr).toBe(0)
      const strip = (t: string) => JSON.stringify(JSON.parse(t), (k, v) => (k === 'durationMs' ? undefined : v))
      expect(strip(merged.stdout)).toBe(strip(one.stdout))
      const missing = cli('merge', 's1.json')
      expect(missing.status).toBe(2)
      expect(missing.stderr).toMatch(/s1\.json: shard 2\/2 is missing/)

      // Every shard left a checkpoint; --resume runs only what it lacks (here nothing) and writes the same report.
      const again = cli('run', '--kind', 'reserve', '--runs', '20', '--shard', '1/2', '--resume', '--reporter', 'json', '--output', 'r1.json')
      expect(again.status, again.stderr).toBe(0)
      expect(again.stderr).toMatch(/resumed from \.vaultcheck\/checkpoints\/shard-1-of-2\.jsonl: 1 chunk\(s\) already done/)
      expect(strip(fs.readFileSync(path.join(dir, 'r1.json'), 'utf8'))).toBe(strip(fs.readFileSync(path.join(dir, 's1.json'), 'utf8')))
      const alone = cli('run', '--kind', 'reserve', '--resume')
      expect(alone.status).toBe(2)
      expect(alone.stderr).toMatch(/--resume: .*use it with --shard i\/n/)

      // Merge stores the merged campaign's failures with the budget the shards ran (a replay needs their depth).
      const buggy = ['--kind', 'reserve', '--source', path.join(ROOT, 'contracts', 'buggy', 'ReserveFullExitBlocked.sol'), '--contract', 'ReserveFullExitBlocked', '--runs', '20', '--depth', '12']
      for (const i of [1, 2]) expect(cli('run', ...buggy, '--shard', `${i}/2`, '--reporter', 'json', '--output', `b${i}.json`).status).toBe(1)
      expect(fs.existsSync(path.join(dir, '.vaultcheck', 'failures'))).toBe(false)
      expect(cli('merge', 'b1.json', 'b2.json').status).toBe(1)
      const stored = fs.readdirSync(path.join(dir, '.vaultcheck', 'failures', 'ReserveFullExitBlocked'))
      expect(stored.length).toBeGreaterThan(0)
      for (const f of stored) expect(JSON.parse(fs.readFileSync(path.join(dir, '.vaultcheck', 'failures', 'ReserveFullExitBlocked', f), 'utf8')).options.depth).toBe(12)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})
