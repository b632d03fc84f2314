/**
 * The token-quirk matrix's cost: one vault's full matrix (plain + every quirk its kind follows)
 * against one plain run of it, in the same process, and with 2 workers against 1.
 *
 *   npx tsx bench/quirk-matrix.ts [--kind reserve] [--runs 40]
 *
 * Targets: the matrix takes at most (cells) x one run's time (each cell is one campaign, so more
 * means overhead per cell), and 2 workers are at least 1.5x faster than 1 on 2 cores.
 */
import os from 'node:os'
import { TOKEN_QUIRKS } from '../engine/quirks.ts'
import { expandQuirks } from '../runner/quirks.ts'
import { runTargets } from '../runner/run.ts'
import type { Kind } from '../engine/property.ts'
import { arg, fmtS } from './util.ts'

const kind = arg('kind', 'reserve') as Kind
const runs = Number(arg('runs', '40'))
const root = os.tmpdir()
const options = { runs, seed: 1 }

const timed = async (f: () => Promise<unknown>): Promise<number> => {
  const t = performance.now()
  await f()
  return performance.now() - t
}

const { targets, plan } = await expandQuirks([{ kind }], TOKEN_QUIRKS)
const cells = plan.rows[0].cells.filter((c) => 'target' in c).length
// Warm-up: compile once, so every measurement below pays the same (cached) compile.
await runTargets({ targets: [{ kind }], root, options: { runs: 1 }, store: false })
const plain = await timed(() => runTargets({ targets: [{ kind }], root, options, store: false }))
const one = await timed(() => runTargets({ targets, root, options, store: false }))
const two = await timed(() => runTargets({ targets, root, options, store: false, workers: 2 }))

console.log(`Token-quirk matrix of the bundled ${kind} vault, ${runs} runs per cell, ${cells} cells run (plain + ${cells - 1} quirks; ${plan.quirks.length - cells} not followed by the kind)`)
console.log(`  one plain run:            ${fmtS(plain)} s`)
console.log(`  matrix, 1 worker:         ${fmtS(one)} s = ${(one / plain).toFixed(2)}x one run (target: at most ${cells}x)`)
console.log(`  matrix, 2 workers:        ${fmtS(two)} s: ${(one / two).toFixed(2)}x faster than 1 worker (target: at least 1.5x)`)
