/**
 * The result of one model action.
 *
 * Every action falls in one of three classes:
 *  - must-succeed:            `{ ok: true }` without `mayRevert`;
 *  - must-revert:             `{ ok: false, reason }`;
 *  - implementation-defined:  `{ ok: true, mayRevert: '<code>' }`. `state`/`returns`/`events` are the
 *    model's prediction IF the contract succeeds; a revert is acceptable too, and then the state is
 *    unchanged. When several implementation-defined conditions hold at once, `mayRevert` names the
 *    first one in the order listed in the action's doc comment.
 *
 * `events` are the logs emitted BY THE CONTRACT THE ACTION CALLS, in emission order (logs of other
 * contracts touched along the way, e.g. the underlying token during a deposit, are not listed).
 *
 * `reason` is a stable code, not the contract's revert string. Codes used across the models:
 *  'insufficient-balance', 'insufficient-allowance', 'insufficient-backing', 'overflow',
 *  'exceeds-max-deposit', 'exceeds-max-mint', 'exceeds-max-withdraw', 'exceeds-max-redeem',
 *  'division-by-zero', 'insufficient-collateral', 'unhealthy', 'exceeds-debt', 'position-healthy'.
 * Implementation-defined codes: 'zero-address', 'zero-amount', 'zero-shares', 'zero-assets',
 *  'receiver-is-vault', 'overflow', 'insufficient-allowance' (self-transferFrom, see erc20.ts),
 *  're-entrant-call' (a vault may take or refuse a call made from a token hook).
 * Token behaviours (erc20.ts TokenBehaviour) add 'transfer-returned-false' (must-revert).
 */
export type ModelEvent = { name: string; args: Record<string, bigint | string | boolean> }
export type Success<S, R> = { ok: true; state: S; returns: R; events: ModelEvent[]; mayRevert?: string }
export type Revert = { ok: false; reason: string; detail?: string }
export type Outcome<S, R = void> = Success<S, R> | Revert

export function revert(reason: string, detail?: string): Revert {
  return detail === undefined ? { ok: false, reason } : { ok: false, reason, detail }
}

/** Builds a Success; `mayRevert` is omitted from the object (not set to undefined) when absent. */
export function success<S, R>(state: S, returns: R, events: ModelEvent[] = [], mayRevert?: string): Success<S, R> {
  return mayRevert === undefined ? { ok: true, state, returns, events } : { ok: true, state, returns, events, mayRevert }
}

/** The first defined code of a list, for picking `mayRevert` in a documented precedence order. */
export function firstCode(...codes: (string | false | undefined | null)[]): string | undefined {
  for (const c of codes) if (c) return c
  return undefined
}

export function event(name: string, args: Record<string, bigint | string | boolean>): ModelEvent {
  return { name, args }
}

/** Rewraps a successful outcome's state (e.g. a ledger into the vault state holding it). */
export function mapState<S, T, R>(o: Outcome<S, R>, f: (s: S) => T): Outcome<T, R> {
  return o.ok ? { ...o, state: f(o.state) } : o
}
