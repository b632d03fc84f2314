/**
 * Scaling: the same campaigns with 1 and then 2 (or --workers n) workers, same seed, in one process.
 * Two workloads: the bundled run (every kind's reference vault) and one target alone (chunks of one
 * campaign dealt to the workers). Results must be identical (JSON without durations).
 * Then the bundled run as --shard 1/n .. n/n one after another (as n CI machines would run them)
 * and merged: each shard's time against the single process, and the shards' summed actions
 * against the single process's (1.0: nothing explored twice).
 *
 *   npx tsx bench/scaling.ts [--runs 200] [--workers 2] [--single CollateralDebtVault]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { REFERENCE_VAULTS } from '../engine/bundled.ts'
import { runTargets, type RunTarget } from '../runner/run.ts'
import { mergeShards, runShard } from '../runner/shard.ts'
import { KINDS } from '../engine/property.ts'
import { arg, fmtN, printTable } from './util.ts'

const runs = Number(arg('runs', '200'))
const maxWorkers = Number(arg('workers', '2'))
const single = arg('single', 'CollateralDebtVault')
const shardCount = Number(arg('shards', '4'))
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-scaling-'))
const workloads: { name: string; targets: RunTarget[] }[] = [
  { name: `4 reference vaults`, targets: KINDS.map((kind) => ({ kind, contract: REFERENCE_VAULTS[kind] })) },
  { name: `${single} alone`, targets: [{ kind: KINDS.find((k) => REFERENCE_VAULTS[k] === single) ?? 'cdp', contract: single }] },
]

const strip = (v: unknown): string =>
  JSON.stringify(v, (k, x) => (k === 'durationMs' ? undefined : typeof x === 'bigint' ? String(x) : x))

// Warm the compile cache so that neither row pays for solc.
await runTargets({ targets: workloads[0].targets, root, options: { runs: 1, seed: 1 }, workers: 1, store: false })

const rows: (string | number)[][] = [['workload', 'workers', 'seconds', 'speed-up', 'CPU busy', 'chunks (re-run)', 'identical to 1 worker']]
let busyOne = 0
for (const w of workloads) {
  let base = 0
  let reference = ''
  for (let workers = 1; workers <= maxWorkers; workers++) {
    const cpu = process.cpuUsage()
    const t0 = performance.now()
    const out = await runTargets({ targets: w.targets, root, options: { runs, seed: 1 }, workers, store: false })
    const s = (performance.now() - t0) / 1000
    const used = process.cpuUsage(cpu)
    const cores = (used.user + used.system) / 1e6 / s
    const json = strip(out.results)
    if (workers === 1) {
      base = s
      reference = json
      busyOne = Math.max(busyOne, cores)
    }
    rows.push([
      w.name,
      workers,
      fmtN(s, 2),
      `${fmtN(base / s, 2)}x`,
      // Only measurable in-process: children's CPU is not this process's.
      workers === 1 ? `${fmtN(cores, 2)} cores` : '',
      out.pool ? `${out.pool.chunks} (${out.pool.reruns})` : '',
      json === reference ? 'yes' : 'NO',
    ])
    if (json !== reference) process.exitCode = 1
  }
}
// Shards, one after another on this machine: what each of n CI machines would spend.
const bundled = workloads[0].targets
const t1 = performance.now()
const whole = await runTargets({ targets: bundled, root, options: { runs, seed: 1 }, store: false })
const wholeS = (performance.now() - t1) / 1000
const wholeActions = whole.results.reduce((a, r) => a + r.stats.actions, 0)
const shardRows: (string | number)[][] = [['shard', 'seconds', 'of one process', 'actions']]
const inputs = []
let shardActions = 0
for (let i = 1; i <= shardCount; i++) {
  const t0 = performance.now()
  const { data } = await runShard({ targets: bundled, root, options: { runs, seed: 1 }, store: false }, { index: i, count: shardCount })
  const s = (performance.now() - t0) / 1000
  const actions = data.targets.reduce((a, t) => a + t.chunks.reduce((b, c) => b + c.stats.actions, 0), 0)
  shardActions += actions
  inputs.push({ file: `shard ${i}`, seed: 1, shard: data })
  shardRows.push([`${i}/${shardCount}`, fmtN(s, 2), `${fmtN((100 * s) / wholeS, 1)}%`, actions])
}
const merged = await mergeShards(inputs, root)
const same = strip(merged.results) === strip(whole.results)
if (!same) process.exitCode = 1
fs.rmSync(root, { recursive: true, force: true })
console.log(`Shards: the 4 reference vaults, ${runs} runs each, as ${shardCount} shards run one after another; one process: ${fmtN(wholeS, 2)} s, ${wholeActions} actions`)
printTable(shardRows)
console.log(`summed shard actions / one process's: ${fmtN(shardActions / wholeActions, 3)}; merged report identical to one process's: ${same ? 'yes' : 'NO'}; chunks re-run by merge: ${merged.reran}`)
console.log(`Scaling: ${runs} runs per target, seed 1, ${os.cpus().length} CPUs; chunks of 10 runs dealt to this process and n-1 children`)
printTable(rows)
console.log(
  `One process already keeps ${fmtN(busyOne, 2)} cores busy (V8 collects garbage on helper threads), so on ${os.cpus().length} cores ` +
    `the best 2-worker speed-up is about ${fmtN(Math.min(2, os.cpus().length) / busyOne, 2)}x before start-up costs.`,
)
