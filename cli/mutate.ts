/**
 * `vaultcheck mutate`: would the suite notice a bug here?
 *
 *   vaultcheck mutate --kind <kind> [--source <file.sol> --contract <Name>] [--runs n] [--workers n]
 *                     [--reporter pretty|json] [--output f] [--min-score x]
 *
 * Without --source, the bundled reference vault of the kind is mutated. A mutation score is a
 * measurement: exit 0 when done, 1 only when --min-score is given and the non-equivalent score is
 * below it, 2 on bad input (usage, source, contract, compile errors).
 */
import path from 'node:path'
import { InvalidArgumentError, Option, type Command } from 'commander'
import { ConfigError, VaultcheckError } from '../evm/errors.ts'
// The operator list only (no imports of its own): the mutation engine loads when `mutate` runs.
import { MUTATION_OPERATORS, type MutationOperator } from '../audit/mutate/operators.ts'
import { KINDS, type Kind } from '../engine/property.ts'

type MutateFlags = {
  kind: Kind
  source?: string
  contract?: string
  runs?: number
  depth?: number
  seed?: number
  workers?: number
  timeout?: number
  operator?: string[]
  mutant?: string[]
  function?: string[]
  reporter?: string
  output?: string
  minScore?: number
}

const int = (name: string) => (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got "${v}"`)
  return n
}
const collect = (v: string, prev: string[] = []) => [...prev, v]
/** A fraction from 0 to 1 (0.9), or a percentage with its sign (90%): never a bare 90, never 1.5. */
export const score = (v: string) => {
  const pct = v.trim().endsWith('%')
  const n = Number(pct ? v.trim().slice(0, -1) : v)
  const max = pct ? 100 : 1
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > max) {
    throw new InvalidArgumentError(`--min-score must be a fraction from 0 to 1 (0.9) or a percentage with % (90%), got "${v}"`)
  }
  return pct ? n / 100 : n
}

export async function mutateCommand(flags: MutateFlags): Promise<number> {
  const cwd = process.cwd()
  const reporter = flags.reporter ?? 'pretty'
  if (reporter !== 'pretty' && reporter !== 'json') throw new ConfigError({ issues: [{ path: '--reporter', message: `unknown reporter "${reporter}"; expected pretty or json` }] })
  if (flags.source && !flags.contract) throw new ConfigError({ issues: [{ path: '--contract', message: `required with --source ${flags.source}` }] })
  const operators = flags.operator?.map((o) => {
    if (!(MUTATION_OPERATORS as readonly string[]).includes(o)) throw new ConfigError({ issues: [{ path: '--operator', message: `unknown operator "${o}"; expected one of ${MUTATION_OPERATORS.join(', ')}` }] })
    return o as MutationOperator
  })
  const [{ formatMutation, mutationJson, runMutation }, { writeAtomic }] = await Promise.all([import('../audit/mutate/index.ts'), import('../report/failures.ts')])
  const controller = new AbortController()
  const onSigint = () => {
    process.stderr.write('\nInterrupted: finishing the mutants under test and reporting them\n')
    controller.abort()
  }
  process.on('SIGINT', onSigint)
  try {
    const r = await runMutation({
      kind: flags.kind,
      source: flags.source,
      contract: flags.contract,
      root: cwd,
      runs: flags.runs,
      depth: flags.depth,
      seed: flags.seed,
      workers: flags.workers,
      timeoutMs: flags.timeout !== undefined ? flags.timeout * 1000 : undefined,
      operators,
      only: flags.mutant,
      functions: flags.function,
      signal: controller.signal,
      onMutantDone: (m, done, total) => {
        const verdict = m.status === 'killed' ? `killed by ${m.killedBy}` : m.status
        process.stderr.write(`[${done}/${total}] ${m.id} ${m.file}:${m.line} ${m.operator}: ${verdict}\n`)
      },
    })
    if (r.scored === 0 && !controller.signal.aborted) {
      // A score over no mutants would read as 0% or 100%; neither says anything about the suite.
      throw new VaultcheckError(`nothing to score: ${r.mutants.length} mutant(s) of ${r.file}, ${r.invalid} of them invalid (did not compile)`, {
        details: ['check --operator and --mutant, or the file: mutation testing needs mutants that compile'],
      })
    }
    const text = reporter === 'json' ? mutationJson(r) : formatMutation(r)
    if (flags.output) writeAtomic(path.resolve(cwd, flags.output), text)
    else process.stdout.write(text)
    if (flags.minScore !== undefined && r.nonEquivalentScore < flags.minScore) {
      process.stderr.write(`mutation score ${(r.nonEquivalentScore * 100).toFixed(1)}% (non-equivalent) is below --min-score ${(flags.minScore * 100).toFixed(1)}%\n`)
      return 1
    }
    return 0
  } finally {
    process.off('SIGINT', onSigint)
  }
}

export function registerMutate(program: Command): void {
  program
    .command('mutate')
    .description('mutation testing: small bugs are made in the vault source; does the suite notice each? (no --source: the bundled reference vault)')
    .addOption(new Option('--kind <kind>', `target kind: ${KINDS.join(', ')}, or the path of a kind or adapter module`).makeOptionMandatory())
    .option('--source <file>', 'Solidity source of the vault to mutate (default: the bundled reference vault)')
    .option('--contract <name>', 'contract to test (declared in --source)')
    .option('--runs <n>', 'runs per mutant (default 20)', int('--runs'))
    .option('--depth <n>', 'actions per run at most', int('--depth'))
    .option('--seed <n>', 'seed (same seed, same result)', int('--seed'))
    .option('--workers <n>', 'mutants tested in parallel processes (default: the number of cores)', int('--workers'))
    .option('--timeout <seconds>', 'per-mutant budget (default 120)', int('--timeout'))
    .option('--operator <name>', `only these operators (repeatable): ${MUTATION_OPERATORS.join(', ')}`, collect)
    .option('--mutant <id>', 'only these mutant ids (repeatable)', collect)
    .option('--function <name>', 'only mutants inside these functions of the file (repeatable): the code under review', collect)
    .option('--min-score <x>', 'exit 1 when the non-equivalent score (timeouts and errors count as not killed) is below x (0.9 or 90%)', score)
    .option('--reporter <name>', 'pretty | json')
    .option('--output <file>', 'write the report here instead of stdout')
    .action(async (flags: MutateFlags) => {
      process.exitCode = await mutateCommand(flags)
    })
}
