/**
 * Integer arithmetic shared by every reference model.
 *
 * All amounts are non-negative `bigint`s standing for Solidity `uint256`. Division always names its
 * rounding through {@link mulDiv}; no other model file divides amounts with a bare `/`.
 */

/** 1e18: the fixed-point unit for prices, ratios and bonuses (1e18 = 1.0 = 100%). */
export const WAD = 10n ** 18n

/** The largest uint256, 2^256 - 1. Also the "infinite" ERC20 allowance. */
export const MAX_UINT256 = 2n ** 256n - 1n

export type Rounding = 'floor' | 'ceil'

/** True iff `x` is representable as a uint256: 0 <= x <= 2^256 - 1. */
export function fitsUint256(x: bigint): boolean {
  return x >= 0n && x <= MAX_UINT256
}

/**
 * Throws a RangeError unless `x` is a uint256. Used on the inputs of every model operation: an
 * amount outside the range cannot be ABI-encoded, so receiving one is a bug in the caller (the
 * harness), never a revert.
 */
export function assertUint256(x: bigint, name = 'value'): void {
  if (typeof x !== 'bigint') throw new TypeError(`${name} must be a bigint, got ${typeof x}`)
  if (!fitsUint256(x)) throw new RangeError(`${name} = ${x} is not a uint256`)
}

/**
 * a * b / c computed exactly (no intermediate overflow: bigint is unbounded), rounded as asked:
 *  - 'floor': the largest integer <= a*b/c;
 *  - 'ceil':  the smallest integer >= a*b/c.
 * The result may exceed MAX_UINT256; callers that store it check {@link fitsUint256}.
 * Throws RangeError when c == 0 (the contract's division would revert) or any operand is negative.
 */
export function mulDiv(a: bigint, b: bigint, c: bigint, rounding: Rounding): bigint {
  if (c === 0n) throw new RangeError('mulDiv: division by zero')
  if (a < 0n || b < 0n || c < 0n) throw new RangeError(`mulDiv: negative operand (${a}, ${b}, ${c})`)
  const product = a * b
  const q = product / c // bigint division truncates, which is floor for non-negative operands
  if (rounding === 'ceil' && q * c !== product) return q + 1n
  return q
}

/** True iff the product a * b would overflow a checked 256-bit multiplication. */
export function productOverflows(a: bigint, b: bigint): boolean {
  return a * b > MAX_UINT256
}

export function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b
}

export function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}
