/**
 * End-to-end throughput: actions per second of a full campaign (runSuite) on each kind's reference
 * vault, with the time split three ways: the EVM interpreting (the chain's `exec`, around
 * `evm.runCall`), ABI work inside the chain's methods (viem encoding calldata, decoding returns,
 * logs and reverts, the Multiread lens' words), and the harness (model, comparison, invariants,
 * fast-check).
 *
 *   npx tsx bench/end-to-end.ts [--runs 40] [--kind reserve]
 *
 * Measured by wrapping every public method of the chain class in a timer (outermost call only, so
 * a deploy's internal getNonce is not counted twice) and its private `exec` in another: ABI =
 * chain methods minus exec. Target (issue 7): harness <= 30%.
 */
import path from 'node:path'
import { PACKAGE_ROOT, REFERENCE_VAULTS } from '../engine/bundled.ts'
import { createChain } from '../evm/chain.ts'
import { runSuite } from '../runner/suite.ts'
import { loadTarget } from '../engine/target.ts'
import { KINDS, type Kind } from '../engine/property.ts'
import { arg, fmtN, printTable } from './util.ts'

const runs = Number(arg('runs', '40'))
const only = arg('kind')
const kinds = only ? (only.split(',') as Kind[]) : KINDS

// Wrap the chain class (every chain this process creates) with a timer.
const timing = { ms: 0, calls: 0, depth: 0 }
const proto = Object.getPrototypeOf(await createChain()) as Record<string, unknown>
for (const m of ['deploy', 'call', 'read', 'readRaw', 'callRaw', 'getBalance', 'setBalance', 'snapshot', 'revert', 'getCode', 'getNonce']) {
  const orig = proto[m] as (...a: unknown[]) => Promise<unknown>
  if (typeof orig !== 'function') continue
  proto[m] = async function (this: unknown, ...a: unknown[]) {
    if (timing.depth++ > 0) {
      try {
        return await orig.apply(this, a)
      } finally {
        timing.depth--
      }
    }
    timing.calls++
    const t0 = performance.now()
    try {
      return await orig.apply(this, a)
    } finally {
      timing.ms += performance.now() - t0
      timing.depth--
    }
  }
}

// The interpreter proper: every message the chain runs goes through exec, once.
const exec = { ms: 0 }
const origExec = proto.exec as (...a: unknown[]) => Promise<unknown>
proto.exec = async function (this: unknown, ...a: unknown[]) {
  const t0 = performance.now()
  try {
    return await origExec.apply(this, a)
  } finally {
    exec.ms += performance.now() - t0
  }
}

const rows: (string | number)[][] = [['kind', 'vault', 'runs', 'actions', 'seconds', 'actions/s', 'chain calls', 'EVM s', 'ABI s', 'harness s', 'ABI %', 'harness %']]
let totalMs = 0
let totalEvm = 0
let totalExec = 0
let totalActions = 0
// Morpho Blue (a larger contract than the bundled vaults, through the example adapter) rides with the lending kind.
const morpho = { kind: path.join(PACKAGE_ROOT, 'examples', 'morpho-blue', 'adapter.ts'), source: 'node_modules/@morpho-org/morpho-blue/src/Morpho.sol', contract: 'Morpho', root: PACKAGE_ROOT }
const entries = kinds.flatMap((kind) => [
  { kind, vault: REFERENCE_VAULTS[kind], load: () => loadTarget({ kind, contract: REFERENCE_VAULTS[kind] }) },
  ...(kind === 'lending' ? [{ kind: 'lending', vault: 'Morpho Blue 1.0.0', load: () => loadTarget(morpho) }] : []),
])
for (const { kind, vault, load } of entries) {
  const target = await load()
  // One short warm-up campaign so the JIT has seen the code before the measured one.
  await runSuite(target, { runs: 3, seed: 99 })
  timing.ms = 0
  timing.calls = 0
  exec.ms = 0
  const t0 = performance.now()
  let r
  try {
    r = await runSuite(target, { runs, seed: 1 })
  } catch (e) {
    rows.push([kind, vault, runs, `failed: ${(e as Error).message.split('\n')[0]}`])
    continue
  }
  const ms = performance.now() - t0
  const harness = ms - timing.ms
  totalMs += ms
  totalEvm += timing.ms
  totalExec += exec.ms
  totalActions += r.stats.actions
  rows.push([
    kind,
    vault,
    r.stats.runs,
    r.stats.actions,
    fmtN(ms / 1000, 2),
    fmtN((r.stats.actions * 1000) / ms),
    timing.calls,
    fmtN(exec.ms / 1000, 2),
    fmtN((timing.ms - exec.ms) / 1000, 2),
    fmtN(harness / 1000, 2),
    `${fmtN((100 * (timing.ms - exec.ms)) / ms, 1)}%`,
    `${fmtN((100 * harness) / ms, 1)}%`,
  ])
}
rows.push([
  'all',
  '',
  '',
  totalActions,
  fmtN(totalMs / 1000, 2),
  fmtN((totalActions * 1000) / totalMs),
  '',
  fmtN(totalExec / 1000, 2),
  fmtN((totalEvm - totalExec) / 1000, 2),
  fmtN((totalMs - totalEvm) / 1000, 2),
  `${fmtN((100 * (totalEvm - totalExec)) / totalMs, 1)}%`,
  `${fmtN((100 * (totalMs - totalEvm)) / totalMs, 1)}%`,
])
console.log(`End-to-end: runSuite on the reference vaults, ${runs} runs each, seed 1, node ${process.version}`)
printTable(rows)
console.log('EVM = the interpreter (the chain\'s exec, around evm.runCall); ABI = the rest of the time inside the chain\'s methods (encoding, decoding returns, logs and reverts, snapshots); harness = everything outside the chain. Target: harness <= 30%.')
