import { describe, expect, it } from 'vitest'
import { MAX_UINT256, WAD, assertUint256, fitsUint256, max, min, mulDiv, productOverflows } from './math.ts'

describe('math', () => {
  it('defines WAD as 1e18 and MAX_UINT256 as 2^256 - 1', () => {
    expect(WAD).toBe(1_000_000_000_000_000_000n)
    expect(MAX_UINT256).toBe(115792089237316195423570985008687907853269984665640564039457584007913129639935n)
  })

  it('gives the same result for floor and ceil on an exact division', () => {
    // 6 * 4 / 3 = 24 / 3 = 8 exactly
    expect(mulDiv(6n, 4n, 3n, 'floor')).toBe(8n)
    expect(mulDiv(6n, 4n, 3n, 'ceil')).toBe(8n)
  })

  it('rounds floor down and ceil up on an inexact division', () => {
    // 7 * 1 / 2 = 3.5
    expect(mulDiv(7n, 1n, 2n, 'floor')).toBe(3n)
    expect(mulDiv(7n, 1n, 2n, 'ceil')).toBe(4n)
    // 1 * 1 / 3 = 0.33: floor 0, ceil 1 (the smallest nonzero remainder still rounds up)
    expect(mulDiv(1n, 1n, 3n, 'floor')).toBe(0n)
    expect(mulDiv(1n, 1n, 3n, 'ceil')).toBe(1n)
    // 2 * 1 / 3 = 0.67: floor 0, ceil 1
    expect(mulDiv(2n, 1n, 3n, 'floor')).toBe(0n)
    expect(mulDiv(2n, 1n, 3n, 'ceil')).toBe(1n)
  })

  it('returns zero for a zero numerator whichever the rounding', () => {
    expect(mulDiv(0n, 5n, 7n, 'floor')).toBe(0n)
    expect(mulDiv(0n, 5n, 7n, 'ceil')).toBe(0n)
  })

  it('throws a RangeError on division by zero', () => {
    expect(() => mulDiv(1n, 1n, 0n, 'floor')).toThrow(RangeError)
    expect(() => mulDiv(0n, 0n, 0n, 'ceil')).toThrow(RangeError)
  })

  it('throws a RangeError on a negative operand', () => {
    expect(() => mulDiv(-1n, 1n, 1n, 'floor')).toThrow(RangeError)
  })

  it('keeps full precision when the intermediate product exceeds 2^256', () => {
    // MAX * MAX / MAX = MAX; the product is about 2^512
    expect(mulDiv(MAX_UINT256, MAX_UINT256, MAX_UINT256, 'floor')).toBe(MAX_UINT256)
    // (2^255) * 4 / 8 = 2^254
    expect(mulDiv(2n ** 255n, 4n, 8n, 'ceil')).toBe(2n ** 254n)
  })

  it('flags values outside uint256 with fitsUint256', () => {
    expect(fitsUint256(0n)).toBe(true)
    expect(fitsUint256(MAX_UINT256)).toBe(true)
    expect(fitsUint256(MAX_UINT256 + 1n)).toBe(false)
    expect(fitsUint256(2n ** 255n + 2n ** 255n)).toBe(false) // 2^256
    expect(fitsUint256(-1n)).toBe(false)
  })

  it('flags a product that overflows a checked 256-bit multiplication', () => {
    expect(productOverflows(2n ** 128n, 2n ** 128n)).toBe(true) // 2^256
    expect(productOverflows(2n ** 128n, 2n ** 128n - 1n)).toBe(false) // 2^256 - 2^128
    expect(productOverflows(2n ** 255n, 2n)).toBe(true)
  })

  it('rejects non-uint256 inputs with assertUint256', () => {
    expect(() => assertUint256(-1n)).toThrow(RangeError)
    expect(() => assertUint256(MAX_UINT256 + 1n)).toThrow(RangeError)
    expect(() => assertUint256(MAX_UINT256)).not.toThrow()
  })

  it('picks the smaller and larger of two values with min and max', () => {
    expect(min(3n, 5n)).toBe(3n)
    expect(min(5n, 3n)).toBe(3n)
    expect(max(3n, 5n)).toBe(5n)
    expect(max(4n, 4n)).toBe(4n)
  })
})
