/**
 * `--token-quirks`: every target run once with a plain asset and once under each quirk token, as
 * separate targets (so workers deal them like any campaign, and stored failures of a quirk replay
 * under it), then read back as a matrix of target x quirk.
 */
import { DECIMAL_QUIRKS, type TokenQuirk } from '../engine/quirks.ts'
import { loadTarget } from '../engine/target.ts'
import { driverFor } from '../properties/drivers.ts'
import { PLAIN, type MatrixPlan } from '../report/quirks.ts'
import { targetName, type RunTarget } from './run.ts'

/** A target as a matrix row: quirks it declares it does not support, each with the reason. */
export type QuirkTarget = RunTarget & { unsupportedQuirks?: Readonly<Record<string, string>> }

/** The targets to run: each target as given, then one per quirk it can run under. */
export async function expandQuirks(targets: readonly QuirkTarget[], quirks: readonly TokenQuirk[]): Promise<{ targets: RunTarget[]; plan: MatrixPlan }> {
  const out: RunTarget[] = []
  const plan: MatrixPlan = { quirks: [PLAIN, ...quirks.map((q) => q.name)], rows: [] }
  for (const t of targets) {
    const { unsupportedQuirks, ...spec } = t
    const loaded = await loadTarget(spec)
    const name = targetName(spec, loaded)
    const followed = new Set(driverFor(loaded).tokenQuirks ?? DECIMAL_QUIRKS)
    const row: MatrixPlan['rows'][number] = { target: name, kind: loaded.kind, cells: [{ quirk: PLAIN, target: name }] }
    out.push(spec)
    for (const q of quirks) {
      const declared = unsupportedQuirks?.[q.name]
      if (declared !== undefined) row.cells.push({ quirk: q.name, status: 'declared', reason: declared })
      else if (!followed.has(q.name)) row.cells.push({ quirk: q.name, status: 'not-modelled', reason: followed.size ? `the ${loaded.kind} kind's models do not follow ${q.name} yet` : `the ${loaded.kind} kind has no token asset` })
      else {
        const quirked = `${name} [${q.name}]`
        row.cells.push({ quirk: q.name, target: quirked })
        out.push({ ...spec, name: quirked, options: { ...(spec.options ?? {}), tokenQuirk: q.name } })
      }
    }
    plan.rows.push(row)
  }
  return { targets: out, plan }
}
