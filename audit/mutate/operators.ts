/** The mutation operators: their names, the operator swaps they make, and number literals' values. */

export const MUTATION_OPERATORS = [
  /** `<`↔`<=`, `>`↔`>=` (boundary), `<`↔`>`, `<=`↔`>=` (direction), `==`↔`!=`. */
  'comparison',
  /** `+`↔`-`, `*`↔`/`. */
  'arithmetic',
  /** A number literal ±1. */
  'literal',
  /** `require(...);` removed. */
  'drop-require',
  /** `if (...) revert ...;` removed. */
  'drop-if-revert',
  /** mulDivDown↔mulDivUp (a callee named with Down/Up), or a Rounding.Floor/Ceil/Down/Up argument flipped. */
  'rounding',
  /** `x = ...;`, `x += ...;`, `x -= ...;`, `x++;`, `delete x;` removed. */
  'delete-assignment',
  /** A call statement (`_burn(...)`, `token.safeTransfer(...)`, `_spendAllowance(...)`) removed; never an emit. */
  'delete-call',
  /** Two adjacent identifier arguments of the same type swapped in a call. */
  'swap-args',
] as const
export type MutationOperator = (typeof MUTATION_OPERATORS)[number]

export const COMPARISON_SWAPS: Record<string, string[]> = {
  '<': ['<=', '>'],
  '<=': ['<', '>='],
  '>': ['>=', '<'],
  '>=': ['>', '<='],
  '==': ['!='],
  '!=': ['=='],
}
export const ARITHMETIC_SWAPS: Record<string, string> = { '+': '-', '-': '+', '*': '/', '/': '*' }
export const ROUNDING_MEMBERS: Record<string, string> = { Floor: 'Ceil', Ceil: 'Floor', Down: 'Up', Up: 'Down' }

/** The numeric value of a Solidity number literal, or undefined when it is not an integer. */
export function literalValue(text: string): bigint | undefined {
  const t = text.replace(/_/g, '')
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t)
  const m = /^(\d*)(?:\.(\d*))?(?:e(\d+))?$/i.exec(t)
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined
  const frac = m[2] ?? ''
  const exp = Number(m[3] ?? '0') - frac.length
  const digits = BigInt((m[1] || '0') + frac)
  if (exp >= 0) return digits * 10n ** BigInt(exp)
  const div = 10n ** BigInt(-exp)
  return digits % div === 0n ? digits / div : undefined
}
