/**
 * The exit probe's cost against what it buys: reference-suite time and fixture detection for
 * several checkInterval values, all measured in this one process.
 *
 *   npx tsx bench/check-interval.ts [intervals=0,4,8,16] [runs=40]
 */
import { REFERENCE_VAULTS } from '../engine/bundled.ts'
import { runSuite } from '../runner/suite.ts'
import { FIXTURES } from '../properties/fixtures.ts'
import { KINDS } from '../engine/property.ts'

const intervals = (process.argv[2] ?? '0,4,8,16').split(',').map(Number)
const runs = Number(process.argv[3] ?? 40)
// Only fixtures whose documented trips include an exit property depend on the probe's frequency.
const exitFixtures = FIXTURES.filter((f) => f.trips.some((t) => t.includes('-EXIT-')))

const rows: string[][] = [['checkInterval', 'reference s', 'vs k=0', 'probes', 'exit fixtures caught', 'fixtures s']]
let baseline = 0
for (const k of intervals) {
  let refMs = 0
  let probes = 0
  for (const kind of KINDS) {
    const r = await runSuite({ kind, contract: REFERENCE_VAULTS[kind] }, { runs, checkInterval: k })
    refMs += r.durationMs
    probes += r.stats.probes
  }
  if (baseline === 0) baseline = refMs
  let caught = 0
  let fxMs = 0
  for (const f of exitFixtures) {
    const r = await runSuite({ kind: f.kind, contract: f.contract }, { runs, checkInterval: k })
    fxMs += r.durationMs
    const failed = new Set(r.properties.filter((p) => p.status === 'failed').map((p) => p.id))
    if (f.trips.every((t) => failed.has(t))) caught++
  }
  rows.push([String(k), (refMs / 1000).toFixed(1), (refMs / baseline).toFixed(2) + 'x', String(probes), `${caught}/${exitFixtures.length}`, (fxMs / 1000).toFixed(1)])
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
for (const r of rows) console.log(r.map((c, i) => c.padEnd(widths[i])).join('  '))
console.log(`\n(${runs} runs per suite; k=0 means the exit probe runs only at the end of each run)`)
