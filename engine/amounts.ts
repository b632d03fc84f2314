import fc from 'fast-check'

/**
 * An amount is generated as a *recipe* and resolved against the state at the moment the action
 * runs. A recipe stays meaningful after shrinking ("half of alice's balance" is still half of it
 * once earlier steps are gone), which raw numbers would not.
 *
 * `refs` are the amounts that matter for the action at hand (a balance, a max*, the amount that
 * lands exactly on a health boundary); recipes pick a fraction of one, or land on one exactly ±1.
 */
export type AmountRecipe =
  | { t: 'frac'; ref: number; ppm: number }
  | { t: 'ref'; ref: number; delta: -1 | 0 | 1 }
  | { t: 'const'; value: bigint }
  | { t: 'dict'; index: number; delta: -1 | 0 | 1 }

const MAX_UINT256 = 2n ** 256n - 1n
export const BOUNDARY_VALUES: readonly bigint[] = [0n, 1n, 2n, 2n ** 255n, MAX_UINT256 - 1n, MAX_UINT256]

export type AmountContext = {
  /** Constants harvested from the target's bytecode, each already a plausible amount. */
  dictionary: readonly bigint[]
  decimals: number
  /**
   * A closed set of recipes to draw from instead of the weighted mix: a bounded search enumerates
   * sequences over a small alphabet (bench/minimal-search.ts); campaigns never set it.
   */
  space?: readonly AmountRecipe[]
}

/** The recipes of `space` that mean something with `refCount` references. */
function spaceArb(space: readonly AmountRecipe[], refCount: number, only?: AmountRecipe['t']): fc.Arbitrary<AmountRecipe> {
  const fits = space.filter((r) => (only ? r.t === only : true) && (r.t === 'const' || r.t === 'dict' || r.ref < Math.max(1, refCount)))
  return fc.constantFrom(...(fits.length ? fits : space))
}

export function roundValues(decimals: number): bigint[] {
  const out = new Set<bigint>()
  for (let k = 0; k <= 24; k += 3) out.add(10n ** BigInt(k))
  const unit = 10n ** BigInt(decimals)
  for (const m of [1n, 2n, 5n, 10n, 1000n]) out.add(m * unit)
  return [...out]
}

/**
 * The arbitrary for an amount recipe. Weights favour fractions of live references (most actions
 * should be meaningful) while keeping boundaries, round numbers and mined constants in the mix.
 */
export function amountRecipe(ctx: AmountContext, refCount: number, opts: { liveOnly?: boolean } = {}): fc.Arbitrary<AmountRecipe> {
  if (ctx.space) return spaceArb(ctx.space, refCount)
  const refIdx = fc.nat({ max: Math.max(0, refCount - 1) })
  // Landing exactly on a reference (a whole balance, the exact max) matters most; ±1 probes its edges.
  const delta = fc.constantFrom<-1 | 0 | 1>(0, 0, -1, 1)
  const constants = [...BOUNDARY_VALUES, ...roundValues(ctx.decimals)]
  const arbs: fc.WeightedArbitrary<AmountRecipe>[] = [
    {
      weight: 6,
      arbitrary: fc
        .record({ ref: refIdx, ppm: fc.integer({ min: 0, max: 1_000_000 }) })
        .map((r): AmountRecipe => ({ t: 'frac', ...r })),
    },
    { weight: 3, arbitrary: fc.record({ ref: refIdx, delta }).map((r): AmountRecipe => ({ t: 'ref', ...r })) },
  ]
  // Live-only: fractions and exact references, for steps meant to build on each other (a kind's sequences).
  if (opts.liveOnly) return fc.oneof(...arbs)
  arbs.push({ weight: 2, arbitrary: fc.constantFrom(...constants).map((value): AmountRecipe => ({ t: 'const', value })) })
  if (ctx.dictionary.length > 0) {
    arbs.push({
      weight: 3,
      arbitrary: fc
        .record({ index: fc.nat({ max: ctx.dictionary.length - 1 }), delta })
        .map((r): AmountRecipe => ({ t: 'dict', ...r })),
    })
  }
  return fc.oneof(...arbs)
}

/** A recipe that lands on one of the references exactly, or one past either side of it. */
export function exactRecipe(refCount: number, space?: readonly AmountRecipe[]): fc.Arbitrary<AmountRecipe> {
  if (space) return spaceArb(space, refCount, 'ref')
  return fc.record({ ref: fc.nat({ max: Math.max(0, refCount - 1) }), delta: fc.constantFrom<-1 | 0 | 1>(0, 0, 0, -1, 1) }).map((r): AmountRecipe => ({ t: 'ref', ...r }))
}

export function resolveAmount(recipe: AmountRecipe, refs: readonly bigint[], dictionary: readonly bigint[]): bigint {
  const clamp = (v: bigint) => (v < 0n ? 0n : v > MAX_UINT256 ? MAX_UINT256 : v)
  switch (recipe.t) {
    case 'frac': {
      const ref = refs.length ? refs[recipe.ref % refs.length] : 0n
      // Fractions round down: 100% must give the reference exactly, never one past it.
      return (ref * BigInt(recipe.ppm)) / 1_000_000n
    }
    case 'ref': {
      const ref = refs.length ? refs[recipe.ref % refs.length] : 0n
      return clamp(ref + BigInt(recipe.delta))
    }
    case 'const':
      return recipe.value
    case 'dict':
      return clamp((dictionary[recipe.index % dictionary.length] ?? 0n) + BigInt(recipe.delta))
  }
}

/**
 * An amount a command resolves while it runs: the next pinned value when a concretised
 * counterexample fixed it, else the recipe against the live references; recorded when asked.
 */
export function pinnedAmount(w: { pins: bigint[] | undefined; resolved: bigint[] | undefined; options: { dictionary: readonly bigint[] } }, recipe: AmountRecipe, refs: readonly bigint[]): bigint {
  const v = w.pins?.length ? w.pins.shift()! : resolveAmount(recipe, refs, w.options.dictionary)
  w.resolved?.push(v)
  return v
}

/**
 * Constants a contract compares amounts against sit in its bytecode as PUSH operands. Offering them
 * (and their neighbours) as amounts reaches threshold-guarded code that random values never hit.
 * Selectors, jump targets and masks are filtered out as they are not amounts.
 */
export function harvestDictionary(bytecodes: readonly string[], limit = 48): bigint[] {
  const found = new Map<bigint, number>()
  for (const hex of bytecodes) {
    const bytes = Buffer.from(hex.startsWith('0x') ? hex.slice(2) : hex, 'hex')
    const pushes: { n: number; value: bigint }[] = []
    const jumpdests = new Set<bigint>()
    for (let pc = 0; pc < bytes.length; pc++) {
      const op = bytes[pc]
      if (op === 0x5b) jumpdests.add(BigInt(pc))
      if (op < 0x60 || op > 0x7f) continue
      const n = op - 0x5f
      const operand = bytes.subarray(pc + 1, pc + 1 + n)
      pc += n
      if (operand.length === n) pushes.push({ n, value: BigInt('0x' + Buffer.from(operand).toString('hex')) })
    }
    for (const { n, value } of pushes) {
      // PUSH4 operands are almost always selectors, PUSH20+ addresses or hashes, and a value equal
      // to a JUMPDEST offset is a jump target: none of them is an amount.
      if (n === 4 || n >= 20) continue
      if (jumpdests.has(value)) continue
      if (value <= 2n || value >= 2n ** 160n || COMPILER_CONSTANTS.has(value) || isMask(value)) continue
      found.set(value, (found.get(value) ?? 0) + 1)
    }
  }
  return [...found.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, limit)
    .map(([v]) => v)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

/**
 * Constants solc emits in every contract: ABI word sizes and offsets, shift widths, panic codes.
 * Offering them as amounts only dilutes the dictionary.
 */
const COMPILER_CONSTANTS: ReadonlySet<bigint> = new Set(
  [3, 4, 0x11, 0x12, 0x1f, 0x20, 0x21, 0x22, 0x24, 0x31, 0x32, 0x3f, 0x40, 0x41, 0x44, 0x51, 0x60, 0x64, 0x80, 0x84, 0xa0, 0xa4, 0xc0, 0xc4, 0xe0, 0xe4, 0x100].map(BigInt),
)

function isMask(v: bigint): boolean {
  // 0xff, 0xffff, ...: all-ones masks are bit twiddling, not amounts.
  return (v & (v + 1n)) === 0n && v >= 0xffn
}

export function describeRecipe(r: AmountRecipe, refNames: readonly string[]): string {
  const ref = (i: number) => refNames[i % Math.max(1, refNames.length)] ?? 'ref'
  switch (r.t) {
    case 'frac':
      return `${(r.ppm / 10_000).toFixed(2)}% of ${ref(r.ref)}`
    case 'ref':
      return `${ref(r.ref)}${r.delta === 0 ? '' : r.delta > 0 ? '+1' : '-1'}`
    case 'const':
      return fmt(r.value)
    case 'dict':
      return `dict[${r.index}]${r.delta === 0 ? '' : r.delta > 0 ? '+1' : '-1'}`
  }
}

/** Readable big numbers: 2^255 and max stay recognisable in a counterexample. */
export function fmt(v: bigint): string {
  if (v === MAX_UINT256) return 'MAX'
  if (v === MAX_UINT256 - 1n) return 'MAX-1'
  if (v === 2n ** 255n) return '2^255'
  return v.toString()
}
