import type { KindDriver } from '../engine/step.ts'
import { kindDriver, registerKind } from '../engine/kinds.ts'
import { compileKind } from '../engine/define-kind.ts'
import { cdpDriver } from './cdp.ts'
import { erc4626Driver } from './erc4626.ts'
import { nativeDriver } from './native.ts'
import { lending } from './lending.ts'
import { reserveDriver } from './reserve.ts'

// The built-in kinds go into the same registry as a user's: nothing below finds them another way.
for (const d of [reserveDriver, nativeDriver, erc4626Driver, cdpDriver] as KindDriver<any>[]) registerKind(d.kind, d)
// The lending kind is written with defineKind, the API a user's kind is written with.
registerKind('lending', compileKind(lending))

/** The driver of a loaded target (its kindKey when the kind came from a module), or of a built-in kind by name. */
export function driverFor(t: { kind: string; kindKey?: string } | string): KindDriver<unknown> {
  return kindDriver(typeof t === 'string' ? t : (t.kindKey ?? t.kind))
}
