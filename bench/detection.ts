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
 * counterexample over all properties the fixture tripped in that seed, compared with MINIMAL below.
 * Lengths count user and environment actions only, not the `exit probe:` lines of a trace.
 */
import { runSuite } from '../runner/suite.ts'
import { loadTarget } from '../engine/target.ts'
import { FIXTURES } from '../properties/fixtures.ts'
import type { Kind } from '../engine/property.ts'
import { actionCount, arg, fmtN, fmtS, median, printTable, worst } from './util.ts'

/**
 * The shortest action sequence that trips any of the fixture's properties, by reasoning about the
 * bug and the driver's starting state (reserve actors start holding wrapped tokens; native and
 * erc4626 vaults start empty; the exit probe runs after every run and withdraws everything).
 */
const MINIMAL: Record<string, { len: number; why: string }> = {
  ReserveUnbackedMintOnEdge: { len: 1, why: 'depositFor(7)' },
  ReserveWithdrawBurnsRecipient: { len: 1, why: 'withdrawTo(other, x): burns the holder-recipient' },
  ReserveAllowanceNotSpent: { len: 2, why: 'approve, transferFrom' },
  ReserveFullExitBlocked: { len: 0, why: 'the exit probe alone: actors start holding' },
  ReserveSelfTransferBurns: { len: 1, why: 'transfer to self: actors start holding' },
  ReserveSupplyCapInView: { len: 1, why: 'depositFor most of an underlying balance: the supply passes the cap' },
  NativeFullExitNoBurn: { len: 1, why: 'deposit, then the exit probe withdraws all' },
  NativeOddWithdrawOverpays: { len: 1, why: 'deposit(odd), then the exit probe' },
  NativeTransferFromNoAllowance: { len: 2, why: 'deposit, transferFrom without allowance' },
  NativeSelfTransferMints: { len: 2, why: 'deposit, transfer to self' },
  NativeDustBalanceReverts: { len: 1, why: 'deposit(dust below 1 gwei)' },
  VaultDepositRoundsUp: { len: 2, why: 'donate, deposit (non-integer rate)' },
  VaultRedeemRoundsUp: { len: 2, why: 'deposit, donate, then the exit probe redeems' },
  // Detected as solmate's family, so only the design's weakness is left to find.
  VaultNoVirtualOffset: { len: 3, why: 'assets arrive while no shares exist, then the round-trip probe (deposit, redeem) captures them' },
  VaultWithdrawSkipsAllowance: { len: 2, why: 'deposit, withdraw by a non-owner' },
  VaultMaxWithdrawInShares: { len: 2, why: 'deposit, donate (rate != 1)' },
  VaultConvertRevertsOnZero: { len: 1, why: 'deposit the whole asset balance: convertToShares(0) is read after the step' },
  VaultFullBurnKeepsSupply: { len: 1, why: 'deposit, then the exit probe redeems all' },
  // cdp actors start holding collateral tokens, no position; self-liquidation is allowed.
  CdpBorrowChecksOldPosition: { len: 1, why: 'borrow from an empty position: the old (0, 0) position is healthy' },
  CdpFullWithdrawSkipsHealthCheck: { len: 3, why: 'deposit, borrow, withdraw everything' },
  CdpHealthRoundsForBorrower: { len: 3, why: 'a price off the round values, deposit, borrow one past the limit' },
  CdpLiquidatableAtMinimum: { len: 3, why: 'deposit, borrow maxBorrow (exactly at the ratio), liquidate oneself' },
  CdpLiquidationKeepsTotalDebt: { len: 4, why: 'deposit, borrow, price drop, liquidate oneself' },
  CdpSeizeRoundsUp: { len: 4, why: 'deposit, borrow, price drop (inexact seize), liquidate oneself' },
  CdpFullRepayRejected: { len: 2, why: 'deposit, borrow, then the exit probe repays the whole debt' },
  CdpClosingWithdrawKeepsTotal: { len: 2, why: 'deposit, withdraw everything (no debt)' },
  CdpUnhealthyDebtOfReverts: { len: 3, why: 'deposit, borrow, price drop below the minimum-ratio price' },
}


const seeds = Number(arg('seeds', '10'))
const runs = Number(arg('runs', '40'))
const only = arg('kind')
const fixtures = FIXTURES.filter((f) => !only || only.split(',').includes(f.kind))

type Sample = { actions: number; detectMs: number; shrinkMs: number; firstLen: number; bestLen: number; allFound: boolean }
const rows: (string | number)[][] = [
  ['fixture', 'kind', 'actions med', 'worst', 'detect s med', 'worst', 'shrink s med', 'worst', 'len med', 'worst', 'best len', 'minimal', 'minimal hit', 'all trips'],
]
const summary = { fixtures: 0, everySeed: 0, someSeed: 0, samples: 0, hits: 0 }
// Campaigns that found nothing, and how often each "on some seeds" trip (alsoTrips) happened: a
// miss is a result, not a sample to drop, and an alsoTrips entry that never trips is a stale claim.
const misses: string[] = []
const alsoLines: string[] = []
for (const fx of fixtures) {
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
  const minimal = MINIMAL[fx.contract]?.len ?? NaN
  const hits = samples.filter((s) => s.bestLen <= minimal).length
  summary.fixtures++
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
    minimal,
    `${hits}/${seeds}`,
    `${samples.filter((s) => s.allFound).length}/${seeds}`,
  ])
}
console.log(`Detection: ${seeds} seeds per fixture, ${runs} runs per campaign (first failure of each campaign; lengths without exit-probe lines)`)
printTable(rows)
console.log(
  `Minimal counterexample on every seed for ${summary.everySeed} of ${summary.fixtures} fixtures, on at least one seed for ${summary.someSeed}; ` +
    `${summary.hits} of ${summary.samples} campaigns (${fmtN((100 * summary.hits) / Math.max(1, summary.samples))}%).`,
)
console.log(`\nCampaigns that found nothing: ${misses.length} of ${summary.samples}${misses.length ? '' : ' (none)'}`)
for (const m of misses) console.log(`  ${m}`)
if (alsoLines.length) console.log('\nTrips listed as "on some seeds" (alsoTrips):')
for (const l of alsoLines) console.log(l)
console.log('\nMinimal lengths (by reasoning):')
for (const fx of fixtures) console.log(`  ${fx.contract}: ${MINIMAL[fx.contract]?.len} (${MINIMAL[fx.contract]?.why})`)
