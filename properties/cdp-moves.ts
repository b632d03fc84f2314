/**
 * The oracle price moves of the `cdp` kind (the environment): drifts, crashes, spikes, a borrower's
 * minimum-ratio price (the liquidation boundary) or a fraction of it, zero, and back to the start.
 */
import fc from 'fast-check'
import type { World } from '../engine/step.ts'
import * as D from '../model/cdp.ts'
import { MAX_UINT256 } from '../model/math.ts'
import { type CdpSpec, type M, initialPrices, pos, prefer } from './cdp-common.ts'
import { callOn, fmt, role } from './common.ts'

export type PriceMove =
  | { t: 'drift'; ppm: number }
  | { t: 'crash'; ppm: number }
  | { t: 'spike'; ppm: number }
  | { t: 'atMin'; delta: -1 | 0 | 1 }
  | { t: 'belowMin'; ppm: number }
  | { t: 'zero' }
  | { t: 'reset' }
  /** The price plus an odd number of wei: collateral x price then lands between multiples of 1e18. */
  | { t: 'odd'; wei: number }

/**
 * Price moves on coarse grids (basis points, whole percents, tenths): a move and an amount that only
 * fail together would otherwise shrink in lockstep one ppm at a time.
 */
export const priceMove: fc.Arbitrary<PriceMove> = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -500, max: 500 }).map((bp): PriceMove => ({ t: 'drift', ppm: bp * 100 })) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 90 }).map((pct): PriceMove => ({ t: 'crash', ppm: pct * 10_000 })) },
  { weight: 2, arbitrary: fc.integer({ min: 10, max: 100 }).map((tenths): PriceMove => ({ t: 'spike', ppm: tenths * 100_000 })) },
  { weight: 6, arbitrary: fc.constantFrom<-1 | 0 | 1>(0, -1, 1).map((delta): PriceMove => ({ t: 'atMin', delta })) },
  { weight: 3, arbitrary: fc.integer({ min: 50, max: 99 }).map((pct): PriceMove => ({ t: 'belowMin', ppm: pct * 10_000 })) },
  { weight: 1, arbitrary: fc.constant<PriceMove>({ t: 'zero' }) },
  { weight: 1, arbitrary: fc.constant<PriceMove>({ t: 'reset' }) },
  // A health check that rounds in the borrower's favour only shows where collateral x price is not
  // a multiple of 1e18: round prices hide it.
  { weight: 2, arbitrary: fc.constantFrom(1, 3, 7, 333_333_333, 999_999_999_999_999_999).map((wei): PriceMove => ({ t: 'odd', wei })) },
)

/** The moves that make a borrower liquidatable, or sit exactly on its boundary. */
export const fallMove: fc.Arbitrary<PriceMove> = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom<-1 | 0>(-1, 0).map((delta): PriceMove => ({ t: 'atMin', delta })) },
  { weight: 2, arbitrary: fc.integer({ min: 50, max: 99 }).map((pct): PriceMove => ({ t: 'belowMin', ppm: pct * 10_000 })) },
  { weight: 1, arbitrary: fc.constant<PriceMove>({ t: 'zero' }) },
)

export function describeMove(m: PriceMove): string {
  switch (m.t) {
    case 'drift':
      return `drift ${(m.ppm / 10_000).toFixed(2)}%`
    case 'crash':
      return `crash to ${(m.ppm / 10_000).toFixed(2)}%`
    case 'spike':
      return `spike x${(m.ppm / 1_000_000).toFixed(2)}`
    case 'atMin':
      return `minimum-ratio price${m.delta === 0 ? '' : m.delta > 0 ? '+1' : '-1'}`
    case 'belowMin':
      return `${(m.ppm / 10_000).toFixed(2)}% of the minimum-ratio price`
    case 'zero':
      return 'zero'
    case 'reset':
      return 'reset'
    case 'odd':
      return `+${m.wei} wei`
  }
}

/**
 * The oracle call for move `r`, resolved against the live model; undefined for a move relative to a
 * borrower's minimum-ratio price when there is no borrower.
 */
export const priceSpec = (world: World<M>, r: { move: PriceMove; actor: number }): CdpSpec | undefined => {
  const m = world.model
  const initial = initialPrices.get(world) ?? m.price
  // Relative moves from a zero price start again from the initial one (0 would stay 0).
  const base = m.price === 0n ? initial : m.price
  let next: bigint
  let why: string
  switch (r.move.t) {
    case 'drift':
      next = (base * BigInt(1_000_000 + r.move.ppm)) / 1_000_000n
      why = `drift ${(r.move.ppm / 10_000).toFixed(2)}%`
      break
    case 'crash':
      next = (base * BigInt(r.move.ppm)) / 1_000_000n
      why = `crash to ${(r.move.ppm / 10_000).toFixed(2)}%`
      break
    case 'spike':
      next = (base * BigInt(r.move.ppm)) / 1_000_000n
      why = `spike x${(r.move.ppm / 1_000_000).toFixed(2)}`
      break
    case 'zero':
      next = 0n
      why = 'zero'
      break
    case 'reset':
      next = initial
      why = 'back to the initial price'
      break
    case 'odd':
      next = base + BigInt(r.move.wei)
      why = `+${r.move.wei} wei`
      break
    case 'atMin':
    case 'belowMin': {
      // The lowest price at which a borrower is still healthy (±1), or a fraction of it (the
      // borrower becomes liquidatable); nothing without a borrower.
      const who = prefer(world, r.actor, (a) => pos(m, a).debt > 0n)
      const at = pos(m, who.address).debt > 0n ? D.priceAtMinRatio(m, who.address) : undefined
      if (at === undefined) return undefined
      if (r.move.t === 'atMin') {
        next = at + BigInt(r.move.delta)
        why = `${who.name}'s minimum-ratio price${r.move.delta === 0 ? '' : r.move.delta > 0 ? '+1' : '-1'}`
      } else {
        next = (at * BigInt(r.move.ppm)) / 1_000_000n
        why = `${(r.move.ppm / 10_000).toFixed(2)}% of ${who.name}'s minimum-ratio price`
      }
      break
    }
  }
  if (next < 0n) next = 0n
  if (next > MAX_UINT256) next = MAX_UINT256
  const p = next
  const o = role(world, 'oracle')
  const spec: CdpSpec = {
    name: 'price',
    label: `oracle: price ${fmt(m.price)} -> ${fmt(p)} (${why})`,
    caller: world.actors[0].address,
    user: false,
    predict: (s) => D.setPrice(s, p),
    perform: (wd) => callOn(wd, o.address, o.abi, 'setPrice', [p], wd.actors[0].address),
  }
  return spec
}
