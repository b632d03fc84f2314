/** runMutation: the baseline run, then every mutant through the worker pool, scored. */
import os from 'node:os'
import { ConfigError, VaultcheckError } from '../../evm/errors.ts'
import { equivalenceOf } from './equivalent.ts'
import { applyMutant, generateMutants } from './generate.ts'
import { runMutantJob, type JobOutcome, type MutantJob } from './job.ts'
import { WorkerPool } from './pool.ts'
import { scoreMutants } from './score.ts'
import { resolveSource, type Resolved } from './source.ts'
import type { MutantResult, MutateParams, MutationReport } from './types.ts'

export const DEFAULT_MUTANT_RUNS = 20
const DEFAULT_TIMEOUT_MS = 120_000

export async function runMutation(p: MutateParams): Promise<MutationReport> {
  const started = Date.now()
  const src = await resolveSource(p)
  const runs = p.runs ?? DEFAULT_MUTANT_RUNS
  const seed = p.seed ?? 1
  const timeoutMs = p.timeoutMs ?? DEFAULT_TIMEOUT_MS
  let mutants = generateMutants({ file: src.unit, content: src.content, ast: src.ast, operators: p.operators })
  if (p.only?.length) mutants = mutants.filter((m) => p.only!.includes(m.id))
  if (p.functions?.length) {
    // `borrow` or `Morpho.borrow`: a function's name alone matches it in every contract of the file.
    const matches = (fn: string, f: string) => fn === f || fn.endsWith(`.${f}`)
    const known = new Set(mutants.map((m) => m.function))
    const unknown = p.functions.filter((f) => ![...known].some((fn) => matches(fn, f)))
    if (unknown.length) throw new ConfigError({ file: src.file, issues: unknown.map((f) => ({ path: '--function', message: `no mutants in a function ${f} of ${src.unit} (functions with mutants: ${[...known].sort().join(', ')})` })) })
    mutants = mutants.filter((m) => p.functions!.some((f) => matches(m.function, f)))
  }

  // The unmutated vault must keep every promise at this budget, or no kill means anything.
  const baseline = await runMutantJob({ ...jobBase(p, src, runs, seed, timeoutMs), id: 'original', content: src.content })
  if (baseline.status !== 'survived') {
    throw new VaultcheckError(`the unmutated ${src.contract} does not pass the ${p.kind} suite (${baseline.status}${baseline.killedBy ? ` by ${baseline.killedBy}` : ''}): mutation testing needs a vault that keeps its promises`, {
      details: baseline.detail ? [baseline.detail] : [],
    })
  }

  const results: (MutantResult | undefined)[] = new Array(mutants.length)
  let done = 0
  const finish = (i: number, o: JobOutcome, ms: number) => {
    const m = mutants[i]
    const eq = equivalenceOf(m.key, src.content)
    results[i] = { ...m, ...o, ...(eq && o.status === 'survived' ? { equivalent: eq } : {}), durationMs: ms }
    done++
    p.onMutantDone?.(results[i]!, done, mutants.length)
  }
  const jobs = mutants.map((m) => ({ ...jobBase(p, src, runs, seed, timeoutMs), id: m.id, content: applyMutant(src.content, m) }))
  const workers = Math.max(1, Math.min(p.workers ?? os.availableParallelism(), jobs.length))
  const pool = new WorkerPool(timeoutMs)
  let next = 0
  try {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < jobs.length && !p.signal?.aborted) {
          const i = next++
          const t0 = Date.now()
          finish(i, await pool.run(jobs[i]), Date.now() - t0)
        }
      }),
    )
  } finally {
    pool.close()
  }
  const all = results.filter((r): r is MutantResult => r !== undefined)
  return {
    kind: p.kind,
    file: src.unit,
    contract: src.contract,
    ...scoreMutants(all, src.content),
    mutants: all,
    budget: { runs, depth: p.depth, seed, timeoutMs },
    ...(p.signal?.aborted ? { interrupted: `interrupted after ${all.length} of ${mutants.length} mutants` } : {}),
    durationMs: Date.now() - started,
  }
}

function jobBase(p: MutateParams, src: Resolved, runs: number, seed: number, timeoutMs: number): Omit<MutantJob, 'id' | 'content'> {
  return { kind: p.kind, contract: src.contract, file: src.file, unit: src.unit, root: src.root, remappings: p.remappings, evmVersion: p.evmVersion, runs, depth: p.depth, seed, softTimeoutMs: Math.floor(timeoutMs / 2) }
}
