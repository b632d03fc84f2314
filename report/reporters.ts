/**
 * Report formats. The JSON report is a documented, stable contract (see README "JSON report");
 * `REPORT_FORMAT` changes only when a field is removed or changes meaning.
 */
import type { CoverageSummary } from './coverage.ts'
import junitImport, { type Builder } from 'junit-report-builder'
import type { Kind } from '../engine/property.ts'
import { formatCampaign, formatCounterexample } from './format.ts'
import type { SuiteResult } from '../engine/suite.ts'

export const REPORT_FORMAT = 1

// A CommonJS package: its builder sits on `.default` or on the import itself depending on the loader.
const junit: Builder = ((junitImport as unknown as { default?: Builder }).default ?? junitImport) as Builder

export type JsonCounterexample = {
  steps: string[]
  seed: number
  path: string
  replayPath: string
  /** Present when commands were dropped after shrinking: replay skips these positions. */
  skip?: number[]
  /** Present when amounts were pinned after shrinking: replay uses these per command position. */
  pins?: Record<string, string[]>
  /** Present when sub-steps of composite commands were left out: replay drops these. */
  dropSteps?: Record<string, number[]>
  /** Present when a command was rewritten into another form of its action: replay uses these. */
  rewrites?: Record<string, number>
  expected: string
  actual: string
  message: string
}

export type JsonProperty = {
  id: string
  status: 'passed' | 'failed' | 'skipped'
  runs: number
  actions: number
  skipReason?: string
  counterexample?: JsonCounterexample
}

export type JsonFunction = {
  function: string
  /** Outside the kind's specification: called by generated actions and held to ACCESS-002. */
  outside: boolean
  calls: number
  reverts: number
  /** Successful calls that changed an observed value. */
  changed: number
  excluded?: string
  privileged?: string
}

export type JsonTarget = {
  name: string
  kind: Kind
  compilerVersion: string
  bytecodeHash: string
  runs: number
  actions: number
  reverted: number
  noops: number
  underwaterLiquidations: number
  vacuous?: string
  /** Present when the campaign stopped before its run budget (time limit, Ctrl-C): the figures cover what ran. */
  interrupted?: string
  /** What the kind detected about the vault at setup (its implementation family, ...). */
  detected?: string[]
  /** Every state-changing function of the system: how often actions called it, and with what effect. */
  functions?: JsonFunction[]
  durationMs: number
  properties: JsonProperty[]
  /** Stored failures replayed before exploring, and what became of them. */
  stored?: { file: string; propertyId: string; status: 'reproduced' | 'fixed?' | 'error'; note?: string }[]
}

export type JsonReport = {
  format: typeof REPORT_FORMAT
  tool: 'vaultcheck'
  status: 'passed' | 'failed' | 'interrupted'
  seed: number
  durationMs: number
  targets: JsonTarget[]
  /** Set when the run was cut short (Ctrl-C or --time-limit): what is here was covered. */
  interrupted?: string
  shard?: string
  /** A shard's chunks, for `vaultcheck merge` (runner/shard.ts's ShardData). */
  shardData?: unknown
  /** With --coverage: per-file figures, branches never taken, the reports written. */
  coverage?: CoverageSummary
  /** With --token-quirks: target x quirk (runner/quirks.ts). */
  matrix?: import('./quirks.ts').QuirkMatrix
}

export type TargetOutcome = SuiteResult & { stored?: JsonTarget['stored'] }

export function toJsonTarget(r: TargetOutcome): JsonTarget {
  return {
    name: r.target,
    kind: r.kind,
    compilerVersion: r.compilerVersion,
    bytecodeHash: r.bytecodeHash,
    runs: r.stats.runs,
    actions: r.stats.actions,
    reverted: r.stats.reverted,
    noops: r.stats.noops,
    underwaterLiquidations: r.stats.underwater,
    ...(r.vacuous ? { vacuous: r.vacuous } : {}),
    ...(r.interrupted ? { interrupted: r.interrupted } : {}),
    ...(r.detected?.length ? { detected: r.detected } : {}),
    ...(r.functions ? { functions: Object.entries(r.functions).map(([k, f]) => ({ function: k, ...f })) } : {}),
    durationMs: r.durationMs,
    properties: r.properties.map((p) => ({
      id: p.id,
      status: p.status,
      runs: p.runs,
      actions: p.actions,
      ...(p.skipReason ? { skipReason: p.skipReason } : {}),
      ...(p.counterexample
        ? {
            counterexample: {
              steps: p.counterexample.steps,
              seed: p.counterexample.seed,
              path: p.counterexample.path,
              replayPath: p.counterexample.replayPath,
              ...(p.counterexample.skip.length ? { skip: p.counterexample.skip } : {}),
              ...(p.counterexample.pins ? { pins: p.counterexample.pins } : {}),
              ...(p.counterexample.dropSteps ? { dropSteps: p.counterexample.dropSteps } : {}),
              ...(p.counterexample.rewrites ? { rewrites: p.counterexample.rewrites } : {}),
              expected: p.counterexample.expected,
              actual: p.counterexample.actual,
              message: p.counterexample.message,
            },
          }
        : {}),
    })),
    ...(r.stored ? { stored: r.stored } : {}),
  }
}

export function failedTarget(t: JsonTarget): boolean {
  return t.properties.some((p) => p.status === 'failed') || t.vacuous !== undefined || (t.stored ?? []).some((s) => s.status === 'reproduced')
}

export function renderJson(report: JsonReport): string {
  return JSON.stringify(report, null, 2) + '\n'
}

export function renderJunit(report: JsonReport): string {
  const b = junit.newBuilder()
  for (const t of report.targets) {
    const suite = b.testSuite().name(`${t.name} (${t.kind})`).time(t.durationMs / 1000)
    suite.property('compilerVersion', t.compilerVersion).property('bytecodeHash', t.bytecodeHash)
    if (t.vacuous) suite.testCase().className(t.name).name('runs exercised the vault').failure(`vacuous: ${t.vacuous}`)
    for (const p of t.properties) {
      const c = suite.testCase().className(t.name).name(p.id)
      if (p.status === 'skipped') c.skipped()
      if (p.status === 'failed' && p.counterexample) {
        const cx = p.counterexample
        c.failure(`${p.id}: ${cx.message}`, 'PropertyViolation')
        c.standardOutput(
          formatCounterexample({ ...cx, skip: cx.skip ?? [], propertyId: p.id, promise: '', trace: [], numShrinks: 0, enabled: [], dictionary: [] }),
        )
      }
    }
  }
  return b.build()
}

export function renderPretty(results: readonly TargetOutcome[], opts: { color?: boolean } = {}): string {
  const parts: string[] = []
  for (const r of results) {
    parts.push(formatCampaign(r, opts))
    for (const s of r.stored ?? []) parts.push(`  stored failure ${s.file}: ${s.status}${s.note ? ` — ${s.note}` : ''}`)
  }
  return parts.join('\n\n') + '\n'
}
