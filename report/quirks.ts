/** The token-quirk matrix (`--token-quirks`): target x quirk, from the expanded targets' outcomes. */
import { actionCount } from './format.ts'
import type { TargetOutcome } from './reporters.ts'

export type MatrixCell =
  | { quirk: string; status: 'clean' | 'failed' | 'interrupted'; target: string; failed: string[]; shortest?: { propertyId: string; steps: number; message: string } }
  | { quirk: string; status: 'declared' | 'not-modelled'; reason: string }

export type QuirkMatrix = { quirks: string[]; rows: { target: string; kind: string; cells: MatrixCell[] }[] }

/** Each matrix cell: the expanded target that runs it, or why none does. */
export type MatrixPlan = { quirks: string[]; rows: { target: string; kind: string; cells: ({ quirk: string; target: string } | { quirk: string; status: 'declared' | 'not-modelled'; reason: string })[] }[] }

export const PLAIN = 'plain'

/** The matrix from the expanded targets' outcomes (found by target name; absent: not run, interrupted). */
export function buildMatrix(plan: MatrixPlan, results: readonly TargetOutcome[]): QuirkMatrix {
  return {
    quirks: plan.quirks,
    rows: plan.rows.map((row) => ({
      target: row.target,
      kind: row.kind,
      cells: row.cells.map((c): MatrixCell => {
        if (!('target' in c)) return c
        const r = results.find((x) => x.target === c.target)
        if (!r) return { quirk: c.quirk, status: 'interrupted', target: c.target, failed: [] }
        const failed = r.properties.filter((p) => p.status === 'failed')
        const lengths = failed.map((p) => ({ p, steps: actionCount(p.counterexample!.trace) }))
        lengths.sort((a, b) => a.steps - b.steps || a.p.id.localeCompare(b.p.id))
        const best = lengths[0]
        return {
          quirk: c.quirk,
          status: failed.length ? 'failed' : r.interrupted ? 'interrupted' : 'clean',
          target: r.target,
          failed: failed.map((p) => p.id),
          ...(best ? { shortest: { propertyId: best.p.id, steps: best.steps, message: best.p.counterexample!.message } } : {}),
        }
      }),
    })),
  }
}

/** The matrix as text: one line per target, one column per quirk, then the shortest failure of each failed cell. */
export function formatMatrix(m: QuirkMatrix): string {
  const cell = (c: MatrixCell): string =>
    c.status === 'clean' ? 'clean' : c.status === 'failed' ? c.failed.map((id) => id.replace(/^[A-Z0-9]+-/, '')).join(' ') : c.status === 'declared' ? 'declared' : c.status === 'not-modelled' ? 'n/m' : 'cut'
  const header = ['target', ...m.quirks]
  const rows = m.rows.map((r) => [r.target, ...r.cells.map(cell)])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd()
  const lines = ['', 'Token quirks (property IDs broken; n/m: the kind does not model it yet; declared: unsupportedQuirks)', line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)]
  for (const r of m.rows) {
    for (const c of r.cells) {
      if (c.status === 'failed' && c.shortest) lines.push(`  ${r.target} / ${c.quirk}: ${c.shortest.propertyId} in ${c.shortest.steps} step(s): ${c.shortest.message}`)
      if (c.status === 'declared') lines.push(`  ${r.target} / ${c.quirk}: declared unsupported: ${c.reason}`)
    }
  }
  return lines.join('\n') + '\n'
}
