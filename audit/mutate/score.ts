/** The scores of a mutation run: killed / (killed + survived), and the same without known-equivalent survivors. */
import { EQUIVALENT_MUTANTS } from './equivalent.ts'
import type { MutantResult, MutantStatus, MutationReport } from './types.ts'

export type Scores = Pick<MutationReport, 'score' | 'nonEquivalentScore' | 'killed' | 'survived' | 'invalid' | 'timeout' | 'errors' | 'equivalent' | 'wronglyEquivalent'>

export function scoreMutants(all: MutantResult[]): Scores {
  const count = (s: MutantStatus) => all.filter((r) => r.status === s).length
  const killed = count('killed')
  const survived = count('survived')
  const equivalent = all.filter((r) => r.status === 'survived' && r.equivalent).length
  return {
    score: ratio(killed, killed + survived),
    nonEquivalentScore: ratio(killed, killed + survived - equivalent),
    killed,
    survived,
    invalid: count('invalid'),
    timeout: count('timeout'),
    errors: count('error'),
    equivalent,
    wronglyEquivalent: all.filter((r) => r.status === 'killed' && EQUIVALENT_MUTANTS[r.key]).map((r) => r.key),
  }
}

const ratio = (a: number, b: number) => (b <= 0 ? 1 : a / b)
