/**
 * Scaling: the bundled run (every kind's reference vault) with 1 and then 2 workers, same seed.
 * Results must be identical (JSON of the results without durations); prints the speed-up.
 *
 *   npx tsx bench/scaling.ts [--runs 40] [--workers 2]
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { REFERENCE_VAULTS } from '../harness/bundled.ts'
import { runTargets } from '../harness/run.ts'
import { KINDS } from '../properties/types.ts'
import { arg, fmtN, printTable } from './util.ts'

const runs = Number(arg('runs', '40'))
const maxWorkers = Number(arg('workers', '2'))
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-scaling-'))
const targets = KINDS.map((kind) => ({ kind, contract: REFERENCE_VAULTS[kind] }))

const strip = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (k, x) => (k === 'durationMs' ? undefined : typeof x === 'bigint' ? String(x) : x)))

const rows: (string | number)[][] = [['workers', 'seconds', 'speed-up', 'per-target s', 'identical to 1 worker']]
let base = 0
let reference = ''
for (let workers = 1; workers <= maxWorkers; workers++) {
  const t0 = performance.now()
  const out = await runTargets({ targets, root, options: { runs, seed: 1 }, workers, store: false })
  const s = (performance.now() - t0) / 1000
  const json = JSON.stringify(strip(out.results))
  if (workers === 1) {
    base = s
    reference = json
  }
  rows.push([workers, fmtN(s, 2), `${fmtN(base / s, 2)}x`, out.results.map((r) => `${r.target} ${fmtN(r.durationMs / 1000, 1)}`).join(', '), json === reference ? 'yes' : 'NO'])
  if (json !== reference) process.exitCode = 1
}
fs.rmSync(root, { recursive: true, force: true })
console.log(`Scaling: ${targets.length} reference vaults, ${runs} runs each, seed 1, ${os.cpus().length} CPUs`)
printTable(rows)
console.log('Workers take whole targets: the run cannot finish before its longest target (ideal speed-up = total / max(total / workers, longest)).')
