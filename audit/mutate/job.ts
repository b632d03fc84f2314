/** One mutant's job: compile the mutated source and run the kind's suite on it, to a verdict. */
import type { Kind } from '../../engine/property.ts'
import { compile, getArtifact, type Artifact } from '../../evm/compile.ts'
import { VaultcheckError } from '../../evm/errors.ts'
import type { EvmVersion } from '../../evm/evm-version.ts'
import { runSuite } from '../../runner/suite.ts'
import type { MutantResult } from './types.ts'
import { companionsOf } from '../../engine/target.ts'
import type { CodeSource } from '../../engine/system.ts'

/** The message a worker gets for one mutant. */
export type MutantJob = {
  id: string
  kind: Kind
  contract: string
  /** Absolute path of the original file, its unit name, and the mutated content. */
  file: string
  unit: string
  content: string
  root: string
  remappings?: readonly string[]
  evmVersion?: EvmVersion
  runs: number
  depth?: number
  seed: number
  softTimeoutMs: number
}

export type JobOutcome = Pick<MutantResult, 'status' | 'killedBy' | 'detail'>

/** Compiles one mutant and runs the suite on it (in a worker, or in-process). */
export async function runMutantJob(job: MutantJob): Promise<JobOutcome> {
  let artifact: Artifact
  let companions: CodeSource[] | undefined
  try {
    const out = await compile({ sources: [job.file], root: job.root, remappings: job.remappings, evmVersion: job.evmVersion, overrides: { [job.unit]: job.content }, cacheDir: false })
    artifact = getArtifact(out, `${job.unit}:${job.contract}`)
    // The mutated file's other contracts (a debt token beside the vault) are part of the system.
    companions = companionsOf(out, artifact)
  } catch (e) {
    if (e instanceof VaultcheckError && e.kind === 'usage') return { status: 'invalid', detail: firstLine(e) }
    throw e
  }
  return judge(() =>
    runSuite({ kind: job.kind, name: job.contract, artifact, companions, evmVersion: job.evmVersion }, { runs: job.runs, depth: job.depth, seed: job.seed, stopOnFirstFailure: true, timeLimitMs: job.softTimeoutMs }),
  )
}

async function judge(run: () => ReturnType<typeof runSuite>): Promise<JobOutcome> {
  try {
    const r = await run()
    const failed = r.properties.find((p) => p.status === 'failed')
    if (failed) return { status: 'killed', killedBy: failed.id, detail: failed.counterexample?.message }
    if (r.interrupted) return { status: 'timeout', detail: `no property failed before the ${r.interrupted}` }
    return { status: 'survived' }
  } catch (e) {
    // The suite could not even run the mutant as a vault of its kind (its constructor or setup
    // reverts, a view the harness reads reverts, it no longer has the kind's shape): a real
    // change of behaviour the suite noticed.
    if (e instanceof VaultcheckError && e.kind === 'usage') return { status: 'killed', killedBy: e.name, detail: firstLine(e) }
    return { status: 'error', detail: `${(e as Error).name}: ${firstLine(e as Error)}` }
  }
}

const firstLine = (e: Error) => (e instanceof VaultcheckError ? e.shortMessage : e.message.split('\n')[0])
