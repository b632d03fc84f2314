/** What the fast-path patches share: the EVMs they act for, their counters, bigint constants. */

/** The EVMs registered with `enableFastPath`: the patches on shared prototypes act only for these. */
export const FASTPATH_EVMS = new WeakSet<object>()

/** Where a frame's coverage trail goes (evm/coverage.ts), per EVM; absent: nothing is recorded. */
export type CoverageSink = { record(code: Uint8Array, trail: readonly number[], reverted: boolean): void }
export const COVERAGE_SINKS = new WeakMap<object, CoverageSink>()

/** Counters for tests and the bench (hits prove the cache is used). */
export const fastPathStats = {
  jumpCacheHits: 0,
  jumpCacheMisses: 0,
  loopPatched: false,
  fastRuns: 0,
  keccakCacheHits: 0,
  runInterpreterPatched: false,
  syncSloads: 0,
  syncSstores: 0,
  executeCallPatched: false,
  jumpsPatched: false,
  commonMemoised: false,
}

const WARNED = new Set<string>()

/**
 * A patch whose guard failed stays off and says so, once per process: results are unchanged (the
 * stock ethereumjs code runs), only slower, and a user should know why a run is slower.
 */
export function warnPatchOff(patch: string, evmVersion: string): void {
  if (WARNED.has(patch)) return
  WARNED.add(patch)
  process.stderr.write(`vaultcheck: fast path ${patch} is off: the ethereumjs code it relies on is not the reviewed source (@ethereumjs/evm ${evmVersion} installed, 10.1.3 reviewed); results are unchanged, runs are slower\n`)
}

export const BIGINT_0 = 0n
export const BIGINT_1 = 1n
export const BIGINT_32 = 32n
