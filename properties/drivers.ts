import type { KindDriver } from '../engine/step.ts'
import { HarnessError } from '../evm/errors.ts'
import { cdpDriver } from './cdp.ts'
import { erc4626Driver } from './erc4626.ts'
import { nativeDriver } from './native.ts'
import { reserveDriver } from './reserve.ts'
import type { Kind } from '../engine/property.ts'

// Drivers are generic over their model type; the registry erases it at this one boundary.
const DRIVERS: Record<Kind, KindDriver<any>> = {
  reserve: reserveDriver,
  native: nativeDriver,
  erc4626: erc4626Driver,
  cdp: cdpDriver,
}

export function driverFor(kind: Kind): KindDriver<unknown> {
  const d = DRIVERS[kind]
  if (!d) throw new HarnessError(`no driver for kind ${kind}`)
  return d as KindDriver<unknown>
}
