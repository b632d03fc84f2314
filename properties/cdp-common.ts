/** What the `cdp` kind's files share: the model type, the observation keys and the readers of them. */
import type { Address } from 'viem'
import type { ActionSpec, World } from '../engine/step.ts'
import type { Observation } from '../evm/observe.ts'
import * as D from '../model/cdp.ts'
import { actorOf } from './common.ts'

export type M = D.CdpState
/** An action spec that may name the position it acts on besides the caller's (liquidate). */
export type CdpSpec = ActionSpec<M> & { target?: Address }

export const C = 'collateral'
export const DEBT = 'debt'
export const V = 'vault'
export const PRICE = 'oracle.price'

/** The price every run starts from, per world (the reset price move returns to it). */
export const initialPrices = new WeakMap<object, bigint>()

export const collOf = (o: Observation, name: string) => o[`${V}.collateralOf(${name})`] ?? 0n
export const debtOf = (o: Observation, name: string) => o[`${V}.debtOf(${name})`] ?? 0n
export const healthy = (coll: bigint, debt: bigint, price: bigint, ratio: bigint) => debt === 0n || coll * price >= debt * ratio

/** The model's position of `a` (none: zero collateral and debt). */
export const pos = (m: M, a: Address) => D.positionOf(m, a)

/**
 * Actor `i`, or most of the time (3 indexes in 4) one of the actors `meaningful` selects when there
 * is any: a borrow by an actor without collateral or a repay without debt rarely tests anything.
 */
export function prefer(w: World<M>, i: number, meaningful: (a: Address) => boolean) {
  const found = w.actors.filter((a) => meaningful(a.address))
  return found.length > 0 && i % 4 !== 3 ? found[i % found.length] : actorOf(w, i)
}
