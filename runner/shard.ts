/**
 * Sharding for CI matrices: the work is the list of (target, property) units, dealt round-robin
 * to shards in a fixed order, so every shard's share is the same on every machine. Shard reports
 * merge back into one with `vaultcheck merge`.
 */
import { propertiesOf } from '../properties/registry.ts'
import { ConfigError } from '../evm/errors.ts'
import { resolveKind } from '../engine/kinds.ts'
import { driverFor } from '../properties/drivers.ts'
import type { JsonReport, JsonTarget } from '../report/reporters.ts'
import { failedTarget } from '../report/reporters.ts'
import type { RunTarget } from './run.ts'

export function parseShard(s: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(s)
  const index = m ? Number(m[1]) : NaN
  const count = m ? Number(m[2]) : NaN
  if (!m || count < 1 || index < 1 || index > count) {
    throw new ConfigError({ issues: [{ path: '--shard', message: `expected i/n with 1 <= i <= n, got "${s}"` }] })
  }
  return { index, count }
}

export async function shardTargets(targets: readonly RunTarget[], shard?: string): Promise<{ targets: RunTarget[]; shard?: string }> {
  if (!shard) return { targets: [...targets] }
  const { index, count } = parseShard(shard)
  const out: RunTarget[] = []
  let unit = 0
  for (const t of targets) {
    const selected = t.options?.properties
    // Shards name properties exactly, which would switch opt-in ones on: leave those out unless enabled.
    const ids = driverFor(await resolveKind(t.kind, t.root)).properties
      .filter((p) => !p.optIn || t.options?.optIn?.includes(p.id) || selected?.includes(p.id))
      .map((p) => p.id)
      .filter((id) => !selected || selected.includes(id))
    const mine = ids.filter(() => unit++ % count === index - 1)
    if (mine.length > 0) out.push({ ...t, options: { ...(t.options ?? {}), properties: mine } })
  }
  return { targets: out, shard }
}

/** Merges shard reports: properties of the same target are gathered; counts add up. */
export function mergeReports(reports: readonly JsonReport[]): JsonReport {
  const byTarget = new Map<string, JsonTarget>()
  for (const r of reports) {
    for (const t of r.targets) {
      const key = `${t.name}|${t.kind}|${t.bytecodeHash}`
      const prev = byTarget.get(key)
      if (!prev) {
        byTarget.set(key, { ...t, properties: [...t.properties], stored: t.stored ? [...t.stored] : undefined, ...(t.functions ? { functions: t.functions.map((f) => ({ ...f })) } : {}) })
        continue
      }
      prev.runs += t.runs
      prev.actions += t.actions
      prev.reverted += t.reverted
      prev.noops += t.noops
      prev.underwaterLiquidations += t.underwaterLiquidations
      prev.durationMs = Math.max(prev.durationMs, t.durationMs)
      for (const p of t.properties) {
        const i = prev.properties.findIndex((x) => x.id === p.id)
        if (i < 0) prev.properties.push(p)
        else if (prev.properties[i].status === 'skipped' && p.status !== 'skipped') prev.properties[i] = p
      }
      for (const f of t.functions ?? []) {
        const mine = (prev.functions ??= []).find((x) => x.function === f.function)
        if (!mine) prev.functions.push({ ...f })
        else {
          mine.calls += f.calls
          mine.reverts += f.reverts
          mine.changed += f.changed
        }
      }
      if (t.stored) prev.stored = [...(prev.stored ?? []), ...t.stored]
      if (t.vacuous) prev.vacuous = t.vacuous
    }
  }
  const targets = [...byTarget.values()].map((t) => {
    const order = propertiesOf(t.kind).map((p) => p.id)
    return { ...t, properties: [...t.properties].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id)) }
  })
  const interrupted = reports.some((r) => r.status === 'interrupted')
  return {
    format: 1,
    tool: 'vaultcheck',
    status: targets.some(failedTarget) ? 'failed' : interrupted ? 'interrupted' : 'passed',
    seed: reports[0]?.seed ?? 1,
    durationMs: Math.max(0, ...reports.map((r) => r.durationMs)),
    targets,
  }
}
