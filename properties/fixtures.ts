/**
 * The deliberately broken vaults in contracts/buggy/, and the properties each must trip. A test
 * proves every fixture trips exactly these (and the reference vaults trip none).
 */
import type { Kind } from './types.ts'

export type Fixture = { contract: string; kind: Kind; bug: string; trips: readonly string[] }

export const FIXTURES: readonly Fixture[] = [
  {
    contract: 'ReserveUnbackedMintOnEdge',
    kind: 'reserve',
    bug: 'depositFor mints value + 1 when value % 1000 == 7',
    trips: ['RESERVE-DIFF-002', 'RESERVE-BACKING-001', 'RESERVE-EXIT-001'],
  },
  {
    contract: 'ReserveWithdrawBurnsRecipient',
    kind: 'reserve',
    bug: 'withdrawTo burns from the recipient instead of the caller',
    trips: ['RESERVE-DIFF-001', 'RESERVE-DIFF-002', 'RESERVE-ACCESS-001'],
  },
  {
    contract: 'ReserveAllowanceNotSpent',
    kind: 'reserve',
    bug: 'transferFrom checks the allowance but never spends it',
    trips: ['RESERVE-DIFF-002', 'RESERVE-ACCESS-001'],
  },
  {
    contract: 'ReserveFullExitBlocked',
    kind: 'reserve',
    bug: 'withdrawTo rejects withdrawing the whole balance (>= instead of >)',
    trips: ['RESERVE-DIFF-001', 'RESERVE-EXIT-001'],
  },
]

export function fixturesOf(kind: Kind): Fixture[] {
  return FIXTURES.filter((f) => f.kind === kind)
}
