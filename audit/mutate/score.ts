/**
 * The scores of a mutation run. A mutant that timed out or errored was not shown to be killed, so
 * it counts against the score like a survivor (a gate must not pass by mutants it never judged);
 * nothing scored gives 0, never 1.
 */
import { equivalenceOf } from './equivalent.ts'
import type { MutantResult, MutantStatus, MutationReport } from './types.ts'

export type Scores = Pick<MutationReport, 'score' | 'nonEquivalentScore' | 'scored' | 'killed' | 'survived' | 'invalid' | 'timeout' | 'errors' | 'equivalent' | 'wronglyEquivalent'>

export function scoreMutants(all: MutantResult[], content: string): Scores {
  const count = (s: MutantStatus) => all.filter((r) => r.status === s).length
  const killed = count('killed')
  const survived = count('survived')
  const timeout = count('timeout')
  const errors = count('error')
  const equivalent = all.filter((r) => r.status === 'survived' && r.equivalent).length
  const scored = killed + survived + timeout + errors
  return {
    score: ratio(killed, scored),
    nonEquivalentScore: ratio(killed, scored - equivalent),
    scored,
    killed,
    survived,
    invalid: count('invalid'),
    timeout,
    errors,
    equivalent,
    wronglyEquivalent: all.filter((r) => r.status === 'killed' && equivalenceOf(r.key, content)).map((r) => r.key),
  }
}

const ratio = (a: number, b: number) => (b <= 0 ? 0 : a / b)
