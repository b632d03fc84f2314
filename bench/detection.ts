/**
 * Detection: for every buggy fixture (properties/fixtures.ts), over N seeds, how soon vaultcheck
 * finds the bug and how small the counterexample is.
 *
 *   npx tsx bench/detection.ts [--seeds 10] [--kind reserve] [--runs 40]
 *
 * Per fixture and seed, the FIRST failure of the campaign gives: actions until detection
 * (PropertyResult.actions of that property: actions run while it was enabled, failing run included
 * as fast-check reports it), time to detect (campaign start, deploy included, to the end of the
 * first violating run), shrink time, and its shrunk length. "best len" is the shortest shrunk
 * counterexample over all properties the fixture tripped in that seed, compared with the minimal
 * length a bounded search finds (bench/minimal-search.ts: fewest steps first over a fixed alphabet
 * of the kind's commands; it tries every sequence shorter than the best campaign's, so it proves
 * that length minimal or finds a shorter one; "≥n" where its budget ran out first).
 * Lengths count user and environment actions only, not the `exit probe:` lines of a trace.
 *
 *   --search-budget 20000   child evaluations per fixture for the search (0: no search)
 *   --search-seconds 120    wall-clock cap per fixture for the search (unproved when it runs out)
 *   --fixture A,B           only these fixtures (contract names)
 *
 * Each fixture's row is printed as soon as it is done (the whole run takes hours on 2 cores); the
 * aligned table and the summary follow at the end.
 */
import { runSuite } from '../runner/suite.ts'
import { loadTarget } from '../engine/target.ts'
import { FIXTURES } from '../properties/fixtures.ts'
import type { Kind } from '../engine/property.ts'
import { actionCount, arg, fmtN, fmtS, median, printTable, worst } from './util.ts'
import { shortestCounterexample, type SearchResult } from './minimal-search.ts'

const seeds = Number(arg('seeds', '10'))
const runs = Number(arg('runs', '40'))
const only = arg('kind')
const searchBudget = Number(arg('search-budget', '20000'))
const searchSeconds = Number(arg('search-seconds', '120'))
const onlyFixtures = arg('fixture')?.split(',')
const fixtures = FIXTURES.filter((f) => (!only || only.split(',').includes(f.kind)) && (!onlyFixtures || onlyFixtures.includes(f.contract)))

type Sample = { actions: number; detectMs: number; shrinkMs: number; firstLen: number; bestLen: number; allFound: boolean }
const rows: (string | number)[][] = [
  ['fixture', 'kind', 'actions med', 'worst', 'detect s med', 'worst', 'shrink s med', 'worst', 'len med', 'worst', 'best len', 'minimal', 'minimal hit', 'all trips'],
]
const summary = { fixtures: 0, proved: 0, everySeed: 0, someSeed: 0, samples: 0, hits: 0 }
const searches: { contract: string; r: SearchResult }[] = []
// Campaigns that found nothing, and how often each "on some seeds" trip (alsoTrips) happened: a
// miss is a result, not a sample to drop, and an alsoTrips entry that never trips is a stale claim.
const misses: string[] = []
const alsoLines: string[] = []
console.log(rows[0].join('\t'))
for (const fx of fixtures) {
  const fixtureStarted = performance.now()
  const target = await loadTarget({ kind: fx.kind as Kind, contract: fx.contract })
  const samples: Sample[] = []
  const also = new Map<string, number>((fx.alsoTrips ?? []).map((id) => [id, 0]))
  for (let seed = 1; seed <= seeds; seed++) {
    const failures: { propertyId: string; detectedMs: number; shrunkMs: number }[] = []
    const r = await runSuite(target, { seed, runs, onFailure: (f) => failures.push(f) })
    const failed = r.properties.filter((p) => p.status === 'failed')
    for (const id of also.keys()) if (failed.some((x) => x.id === id)) also.set(id, also.get(id)! + 1)
    const first = failures[0]
    if (!first) {
      misses.push(`${fx.contract} seed ${seed}: no property failed in ${runs} runs`)
      continue
    }
    const p = failed.find((x) => x.id === first.propertyId)!
    const lens = failed.map((x) => actionCount(x.counterexample!.trace))
    samples.push({
      actions: p.actions,
      detectMs: first.detectedMs,
      shrinkMs: first.shrunkMs - first.detectedMs,
      firstLen: actionCount(p.counterexample!.trace),
      bestLen: Math.min(...lens),
      allFound: fx.trips.every((t) => failed.some((x) => x.id === t)),
    })
  }
  const col = (f: (s: Sample) => number) => samples.map(f)
  const upper = samples.length ? Math.min(...samples.map((s) => s.bestLen)) : undefined
  const campaignsMs = performance.now() - fixtureStarted
  const search = searchBudget > 0 ? await shortestCounterexample(target, { upper, budget: searchBudget, timeMs: searchSeconds * 1000 }) : undefined
  if (search) searches.push({ contract: fx.contract, r: search })
  // Proved minimal: the search's own length; else a campaign's length the search could not beat
  // within its budget is only an upper bound, and hits are not counted.
  const minimal = search?.proved ? search.len! : NaN
  const shown = search ? (search.proved ? String(search.len) : `≥${search.below}`) : '-'
  const hits = samples.filter((s) => s.bestLen <= minimal).length
  summary.fixtures++
  if (search?.proved) summary.proved++
  if (hits === seeds) summary.everySeed++
  if (hits > 0) summary.someSeed++
  summary.samples += seeds
  summary.hits += hits
  for (const [id, n] of also) alsoLines.push(`  ${fx.contract}: ${id} tripped on ${n}/${seeds} seeds${n === 0 ? ' (never: stale?)' : ''}`)
  rows.push([
    fx.contract,
    fx.kind,
    fmtN(median(col((s) => s.actions))),
    fmtN(worst(col((s) => s.actions))),
    fmtS(median(col((s) => s.detectMs))),
    fmtS(worst(col((s) => s.detectMs))),
    fmtS(median(col((s) => s.shrinkMs))),
    fmtS(worst(col((s) => s.shrinkMs))),
    fmtN(median(col((s) => s.firstLen)), 1),
    fmtN(worst(col((s) => s.firstLen))),
    fmtN(median(col((s) => s.bestLen)), 1),
    shown,
    Number.isFinite(minimal) ? `${hits}/${seeds}` : '?',
    `${samples.filter((s) => s.allFound).length}/${seeds}`,
  ])
  console.log(`${rows.at(-1)!.join('\t')}\t(campaigns ${fmtS(campaignsMs)} s, search ${search ? fmtS(search.ms) : '-'} s${misses.length ? `, misses so far ${misses.length}` : ''})`)
}
console.log('')
console.log(`Detection: ${seeds} seeds per fixture, ${runs} runs per campaign (first failure of each campaign; lengths without exit-probe lines)`)
printTable(rows)
console.log(
  `Minimal length proved by the search for ${summary.proved} of ${summary.fixtures} fixtures. ` +
    `Minimal counterexample on every seed for ${summary.everySeed} of those, on at least one seed for ${summary.someSeed}; ` +
    `${summary.hits} of ${summary.samples} campaigns (${fmtN((100 * summary.hits) / Math.max(1, summary.samples))}%).`,
)
console.log(`\nCampaigns that found nothing: ${misses.length} of ${summary.samples}${misses.length ? '' : ' (none)'}`)
for (const m of misses) console.log(`  ${m}`)
if (alsoLines.length) console.log('\nTrips listed as "on some seeds" (alsoTrips):')
for (const l of alsoLines) console.log(l)
if (searches.length) console.log(`\nBounded search (budget ${searchBudget} evaluations per fixture):`)
for (const { contract, r } of searches) console.log(`  ${contract}: ${describeSearch(r)}`)

function describeSearch(r: SearchResult): string {
  const head = r.proved ? `minimal ${r.len}` : r.len !== undefined ? `${r.len} found, none below ${r.below} (budget ran out)` : `none below ${r.below} (budget ran out)`
  const ex = r.example ? `: ${r.example.propertyId} by ${r.example.steps.filter((l) => !l.startsWith('exit probe')).join('; ') || 'the exit probe alone'}` : ''
  return `${head}; ${r.evals} evaluations over ${r.alphabet} commands, ${fmtS(r.ms)} s${ex}`
}
