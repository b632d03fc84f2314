import type { KindDriver } from '../harness/engine.ts'
import type { Kind } from './types.ts'
import { reserveDriver } from './reserve.ts'

const DRIVERS: Partial<Record<Kind, KindDriver<any>>> = {
  reserve: reserveDriver,
}

export function driverFor(kind: Kind): KindDriver<unknown> {
  const d = DRIVERS[kind]
  if (!d) throw new Error(`no driver for kind ${kind}`)
  return d as KindDriver<unknown>
}
