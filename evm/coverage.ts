/**
 * Which code a chain ran: hits of basic blocks, per runtime code, split by whether the call frame
 * that ran them ended in success or in a revert.
 *
 * The fast interpreter loop (fastpath/run-loop.ts) records a frame's block starts (pc 0 on entry,
 * every JUMPDEST executed, the fall-through after a JUMPI not taken) in a plain array that it hands over when the frame ends. The per-opcode `step` event would see more,
 * but costs an event object per opcode and turns the fast loop off; a block runs to its end unless
 * the frame halts inside it, so its start is enough to say which instructions ran.
 */
import { bytesToHex, keccak256 } from 'viem'
import type { Hex } from 'viem'
import { HarnessError } from './errors.ts'
import { COVERAGE_SINKS, fastPathStats } from './fastpath/shared.ts'

/** Hits by pc (sparse, so it travels as JSON between worker processes). */
export type PcCounts = Record<number, number>

export type CodeCoverage = {
  /** The runtime code as it ran (immutables filled in), to match it to a compiled contract. */
  code: Hex
  /** Block starts hit in frames that returned or stopped. */
  ok: PcCounts
  /** Block starts hit in frames that reverted or failed (out of gas, invalid opcode). */
  reverted: PcCounts
}

/** Keyed by keccak256 of the code. */
export type CoverageData = Record<string, CodeCoverage>

type Counts = { code: Uint8Array; ok: Uint32Array; reverted: Uint32Array }

export class CoverageRecorder {
  /** While true nothing is counted (shrinking replays the same calls over and over). */
  paused = false
  private byCode = new Map<Uint8Array, Counts>()

  /** One frame's trail: the pcs of the blocks it started, in order. Called by the interpreter loop only. */
  record(code: Uint8Array, trail: readonly number[], reverted: boolean): void {
    if (this.paused) return
    let c = this.byCode.get(code)
    if (c === undefined) {
      const n = code.length + 1
      c = { code, ok: new Uint32Array(n), reverted: new Uint32Array(n) }
      this.byCode.set(code, c)
    }
    const blocks = reverted ? c.reverted : c.ok
    for (const pc of trail) blocks[pc]++
  }

  /** Forgets everything counted so far. */
  reset(): void {
    this.byCode = new Map()
  }

  /** What was counted, by code hash; codes with the same bytes (one Uint8Array per deploy of init code) are summed. */
  export(): CoverageData {
    const out: CoverageData = {}
    for (const c of this.byCode.values()) {
      const code = bytesToHex(c.code)
      const key = keccak256(code)
      const into = (out[key] ??= { code, ok: {}, reverted: {} })
      addTyped(into.ok, c.ok)
      addTyped(into.reverted, c.reverted)
    }
    return sortKeys(out)
  }
}

function addTyped(into: PcCounts, from: Uint32Array): void {
  for (let pc = 0; pc < from.length; pc++) if (from[pc] !== 0) into[pc] = (into[pc] ?? 0) + from[pc]
}

function addCounts(into: PcCounts, from: PcCounts): void {
  for (const [pc, n] of Object.entries(from)) into[Number(pc)] = (into[Number(pc)] ?? 0) + n
}

// Same data, same bytes: a report written from a merge must not depend on the order chunks finished.
function sortKeys(d: CoverageData): CoverageData {
  return Object.fromEntries(Object.keys(d).sort().map((k) => [k, d[k]]))
}

/** Sums coverage (chunks of a campaign, workers, shards). */
export function mergeCoverage(parts: readonly (CoverageData | undefined)[]): CoverageData {
  const out: CoverageData = {}
  for (const p of parts) {
    if (!p) continue
    for (const [key, c] of Object.entries(p)) {
      const into = (out[key] ??= { code: c.code, ok: {}, reverted: {} })
      addCounts(into.ok, c.ok)
      addCounts(into.reverted, c.reverted)
    }
  }
  return sortKeys(out)
}

/** Starts counting for one EVM; it must run the fast interpreter loop, which is where the hooks are. */
export function attachCoverage(evm: object): CoverageRecorder {
  if (!fastPathStats.loopPatched) {
    throw new HarnessError(
      'coverage needs the fast interpreter loop (fast path patch 3), which is off: the installed @ethereumjs/evm is not the reviewed release',
    )
  }
  const r = new CoverageRecorder()
  COVERAGE_SINKS.set(evm, r)
  return r
}
