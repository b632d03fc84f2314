/**
 * Addresses in the models are plain lowercase hex strings, used as opaque map keys. Every model
 * operation passes the addresses it receives through {@link toAddress}, so callers may hand in
 * checksummed (mixed-case) strings.
 */
export type Address = string

export const ZERO_ADDRESS: Address = '0x0000000000000000000000000000000000000000'

/** The single normalisation point: lowercases the string. The format is not otherwise checked. */
export function toAddress(a: string): Address {
  return a.toLowerCase()
}

export function isZeroAddress(a: string): boolean {
  return toAddress(a) === ZERO_ADDRESS
}

export function sameAddress(a: string, b: string): boolean {
  return toAddress(a) === toAddress(b)
}
