/** What the fast-path patches share: the EVMs they act for, their counters, bigint constants. */

/** The EVMs registered with `enableFastPath`: the patches on shared prototypes act only for these. */
export const FASTPATH_EVMS = new WeakSet<object>()

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
}

export const BIGINT_0 = 0n
export const BIGINT_1 = 1n
export const BIGINT_32 = 32n
