/**
 * A kind's name: one of the built-in KINDS, or the name a user's kind gives itself (defineKind).
 * Property IDs start with it in capitals (`PSM-BACKING-001`).
 */
export type Kind = string
export type BuiltinKind = 'reserve' | 'native' | 'erc4626' | 'cdp' | 'lending'
export const KINDS: readonly BuiltinKind[] = ['reserve', 'native', 'erc4626', 'cdp', 'lending']

export type Theme = 'backing' | 'redeemability' | 'ratio' | 'rounding' | 'access' | 'differential'

/** A promise a vault makes, with an ID that never changes once published. */
export type PropertyDef = {
  id: string
  kind: Kind
  theme: Theme
  /** One sentence, quoting the vault's promise. */
  promise: string
  /** Where the harness checks it (shown in PROPERTIES.md). */
  checkedIn: string
  /** Opt-in properties are stricter than some correct vaults are; off unless enabled by a knob. */
  optIn?: boolean
}

/**
 * A vault broke a promise. Deliberately not a VaultcheckError: this is the tool working, not failing.
 * `expected` / `actual` are short human-readable renderings of the values at fault.
 */
export class PropertyViolation extends Error {
  override name = 'PropertyViolation'
  readonly propertyId: string
  readonly expected: string
  readonly actual: string
  constructor(params: { propertyId: string; message: string; expected: string; actual: string }) {
    super(`${params.propertyId}: ${params.message}\n  expected: ${params.expected}\n  actual:   ${params.actual}`)
    this.propertyId = params.propertyId
    this.expected = params.expected
    this.actual = params.actual
  }
}
