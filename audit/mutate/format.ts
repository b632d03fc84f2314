/** The mutation report as text (per-mutant verdicts, survivors) and as JSON. */
import { collapse } from './generate.ts'
import type { MutationReport } from './types.ts'

export function mutationJson(r: MutationReport): string {
  return (
    JSON.stringify(
      {
        tool: 'vaultcheck',
        command: 'mutate',
        kind: r.kind,
        file: r.file,
        contract: r.contract,
        score: round4(r.score),
        nonEquivalentScore: round4(r.nonEquivalentScore),
        scored: r.scored,
        killed: r.killed,
        survived: r.survived,
        invalid: r.invalid,
        timeout: r.timeout,
        errors: r.errors,
        equivalent: r.equivalent,
        ...(r.wronglyEquivalent.length ? { wronglyEquivalent: r.wronglyEquivalent } : {}),
        budget: r.budget,
        ...(r.interrupted ? { interrupted: r.interrupted } : {}),
        durationMs: r.durationMs,
        mutants: r.mutants.map((m) => ({
          id: m.id,
          file: m.file,
          line: m.line,
          column: m.column,
          function: m.function,
          operator: m.operator,
          original: m.original,
          replacement: m.replacement,
          change: m.change,
          status: m.status,
          ...(m.killedBy ? { killedBy: m.killedBy } : {}),
          ...(m.detail ? { detail: m.detail } : {}),
          ...(m.equivalent ? { equivalent: m.equivalent } : {}),
          key: m.key,
        })),
      },
      null,
      2,
    ) + '\n'
  )
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000
const pct = (x: number) => `${(x * 100).toFixed(1)}%`

export function formatMutation(r: MutationReport): string {
  const lines: string[] = []
  lines.push(`${r.contract} (${r.kind}) — ${r.file}: ${r.mutants.length} mutants, ${r.budget.runs} runs each, seed ${r.budget.seed}`)
  lines.push(`score ${pct(r.score)} (${r.killed} killed / ${r.scored} scored); ${r.survived} survived (${r.equivalent} known equivalent), ${r.timeout} timed out and ${r.errors} errored (scored as not killed), ${r.invalid} invalid (not scored)`)
  lines.push(`non-equivalent score ${pct(r.nonEquivalentScore)}`)
  if (r.interrupted) lines.push(r.interrupted)
  lines.push('')
  const w = Math.max(...r.mutants.map((m) => `${m.file}:${m.line}`.length), 8)
  for (const m of r.mutants) {
    const [minus, plus] = m.change.split('\n')
    const verdict = m.status === 'killed' ? `killed by ${m.killedBy}` : m.status === 'survived' && m.equivalent ? 'survived (equivalent)' : m.status
    lines.push(`${m.id}  ${`${m.file}:${m.line}`.padEnd(w)}  ${m.operator.padEnd(17)} ${verdict}`)
    lines.push(`      ${minus}`)
    lines.push(`      ${plus}`)
  }
  const survivors = r.mutants.filter((m) => m.status === 'survived')
  lines.push('')
  if (survivors.length === 0) lines.push('no survivors')
  else {
    lines.push(`survivors (${survivors.length}):`)
    lines.push(`  ${'id'.padEnd(5)} ${'location'.padEnd(w)}  ${'function'.padEnd(28)} change`)
    for (const m of survivors) {
      lines.push(`  ${m.id.padEnd(5)} ${`${m.file}:${m.line}`.padEnd(w)}  ${m.function.padEnd(28)} ${collapse(m.original)}  =>  ${collapse(m.replacement) || '(removed)'}`)
      lines.push(`        ${m.equivalent ? `equivalent: ${m.equivalent}` : 'NOT known equivalent: a blind spot of the suite, or add it to EQUIVALENT_MUTANTS with the reason'}`)
    }
  }
  if (r.wronglyEquivalent.length) lines.push('', `listed as equivalent but killed (fix EQUIVALENT_MUTANTS): ${r.wronglyEquivalent.join('; ')}`)
  const other = r.mutants.filter((m) => m.status === 'timeout' || m.status === 'error')
  if (other.length) {
    lines.push('', 'timed out or errored (count as not killed):')
    for (const m of other) lines.push(`  ${m.id} ${m.status}: ${m.detail ?? ''}`)
  }
  return lines.join('\n') + '\n'
}
