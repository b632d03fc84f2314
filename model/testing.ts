/** Assertions shared by the model unit tests (not used by the models themselves). */
import { expect } from 'vitest'
import type { Outcome, Revert, Success } from './outcome.ts'

/** Asserts a must-succeed outcome (ok, no mayRevert) and returns it narrowed. */
export function expectOk<S, R>(o: Outcome<S, R>): Success<S, R> {
  if (!o.ok) throw new Error(`expected success, got revert ${o.reason}${o.detail ? ` (${o.detail})` : ''}`)
  expect(o.mayRevert).toBeUndefined()
  return o
}

/** Asserts an implementation-defined outcome with the given code and returns it narrowed. */
export function expectMayRevert<S, R>(o: Outcome<S, R>, code: string): Success<S, R> {
  if (!o.ok) throw new Error(`expected success (mayRevert ${code}), got revert ${o.reason}`)
  expect(o.mayRevert).toBe(code)
  return o
}

/** Asserts a must-revert outcome with the given reason. */
export function expectRevert<S, R>(o: Outcome<S, R>, reason: string): Revert {
  if (o.ok) throw new Error(`expected revert ${reason}, got success${o.mayRevert ? ` (mayRevert ${o.mayRevert})` : ''}`)
  expect(o.reason).toBe(reason)
  return o
}

export const A = '0x' + 'a'.repeat(40)
export const B = '0x' + 'b'.repeat(40)
export const C = '0x' + 'c'.repeat(40)
export const VAULT = '0x' + 'f'.repeat(40)
export const ZERO = '0x0000000000000000000000000000000000000000'
