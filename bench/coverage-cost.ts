/**
 * What `--coverage` costs: time per action of the same campaign (same seed, so the same actions)
 * with coverage off and on, alternated in one process, for every bundled reference vault, plus
 * the time to map the counts onto sources. Target: at most 15% more time per action.
 *
 *   npm run bench:coverage [-- --runs 40 --rounds 3]
 */
import { KINDS } from '../engine/property.ts'
import { loadTarget } from '../engine/target.ts'
import { mapCoverage } from '../evm/source-coverage.ts'
import { runSuite } from '../runner/suite.ts'
import { PACKAGE_ROOT } from '../engine/bundled.ts'
import { arg, fmtN, median, printTable } from './util.ts'

const runs = Number(arg('runs', '40'))
const rounds = Number(arg('rounds', '3'))
const rows: (string | number)[][] = [['kind', 'actions', 'off ms/action', 'on ms/action', 'ratio', 'mapping ms']]
const ratios: number[] = []
for (const kind of KINDS) {
  const target = await loadTarget({ kind, root: PACKAGE_ROOT })
  await runSuite(target, { runs: 10, seed: 1 }) // warm the JIT and caches for both columns
  const off: number[] = []
  const on: number[] = []
  let actions = 0
  let mapMs = 0
  for (let r = 0; r < rounds; r++) {
    for (const coverage of r % 2 === 0 ? [false, true] : [true, false]) {
      const t0 = performance.now()
      const res = await runSuite(target, { runs, seed: 1, coverage })
      const ms = performance.now() - t0
      actions = res.stats.actions
      ;(coverage ? on : off).push(ms / actions)
      if (coverage) {
        const m0 = performance.now()
        mapCoverage([target.output!], res.coverage!, { root: PACKAGE_ROOT })
        mapMs = performance.now() - m0
      }
    }
  }
  const ratio = median(on) / median(off)
  ratios.push(ratio)
  rows.push([kind, actions, fmtN(median(off), 3), fmtN(median(on), 3), fmtN(ratio, 3), fmtN(mapMs, 0)])
}
printTable(rows)
console.log(`\nmedian ratio on/off: ${fmtN(median(ratios), 3)} (target <= 1.15)`)
