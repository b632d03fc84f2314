/** What `vaultcheck mutate` takes and reports: its parameters, each mutant's verdict, the report. */
import type { Kind } from '../../engine/property.ts'
import type { EvmVersion } from '../../evm/evm-version.ts'
import type { Mutant } from './generate.ts'
import type { MutationOperator } from './operators.ts'

export type MutantStatus = 'killed' | 'survived' | 'invalid' | 'timeout' | 'error'

export type MutantResult = Mutant & {
  status: MutantStatus
  /** The property that failed, or the error the suite raised (DeployError, TargetShapeError, ...). */
  killedBy?: string
  /** Why it was killed (the failure's message), why it did not compile, or what went wrong. */
  detail?: string
  /** For a survivor listed in EQUIVALENT_MUTANTS: why it is equivalent. */
  equivalent?: string
  durationMs: number
}

export type MutateParams = {
  kind: Kind
  /** The vault source; default the bundled reference vault of the kind. */
  source?: string
  /** Default the bundled reference vault's name (required with `source`). */
  contract?: string
  /** Project root (imports, remappings); default process.cwd() (the package root for bundled vaults). */
  root?: string
  remappings?: readonly string[]
  evmVersion?: EvmVersion
  /** Runs per mutant (default 20), actions per run, seed. */
  runs?: number
  depth?: number
  seed?: number
  /** Parallel child processes; default the number of cores. */
  workers?: number
  /** Per-mutant budget in milliseconds (default 120 s): exploration stops at half, the process is killed at the full budget. */
  timeoutMs?: number
  operators?: readonly MutationOperator[]
  /** Only these mutant ids (after generation). */
  only?: readonly string[]
  /** Only mutants inside these functions (by name; `constructor`, `modifier m`): the code under review. */
  functions?: readonly string[]
  signal?: AbortSignal
  onMutantDone?: (r: MutantResult, done: number, total: number) => void
}

export type MutationReport = {
  kind: Kind
  file: string
  contract: string
  /** killed / scored; 0 when there is nothing to score. */
  score: number
  /** killed / (scored - equivalent survivors): what --min-score gates on. */
  nonEquivalentScore: number
  /** Mutants judged: killed + survived + timed out + errored (invalid ones are not). */
  scored: number
  killed: number
  survived: number
  invalid: number
  timeout: number
  errors: number
  /** Survivors listed in EQUIVALENT_MUTANTS. */
  equivalent: number
  /** Killed mutants that EQUIVALENT_MUTANTS calls equivalent: that entry is wrong. */
  wronglyEquivalent: string[]
  mutants: MutantResult[]
  budget: { runs: number; depth?: number; seed: number; timeoutMs: number }
  interrupted?: string
  durationMs: number
}
