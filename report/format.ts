/**
 * What a person reads: a campaign's result as text. Colour is optional so that snapshots and CI
 * logs stay plain.
 */
import pc from 'picocolors'
import type { CampaignResult, Counterexample, PropertyResult } from '../engine/campaign.ts'

type Paint = { red: (s: string) => string; green: (s: string) => string; yellow: (s: string) => string; dim: (s: string) => string; bold: (s: string) => string }
const plain: Paint = { red: (s) => s, green: (s) => s, yellow: (s) => s, dim: (s) => s, bold: (s) => s }

export type FormatOptions = { color?: boolean; timing?: boolean }

/** Actions in a counterexample trace: user and environment actions, not the exit probe's lines. */
export const actionCount = (steps: readonly { label: string }[]): number => steps.filter((l) => !l.label.startsWith('exit probe')).length

export function formatCounterexample(cx: Counterexample, opts: FormatOptions = {}): string {
  const p = opts.color ? (pc as unknown as Paint) : plain
  const steps = cx.steps.length
  const lines = [
    `  ${cx.message}`,
    `    expected: ${cx.expected}`,
    `    actual:   ${cx.actual}`,
    `  counterexample (${steps} step${steps === 1 ? '' : 's'}, shrunk ${cx.numShrinks} time${cx.numShrinks === 1 ? '' : 's'}):`,
    ...cx.steps.map((s, i) => `    ${String(i + 1).padStart(2)}. ${s.includes('<--') ? p.red(s) : s}`),
    p.dim(`  replay: vaultcheck replay with { seed: ${cx.seed}, path: "${cx.path}", replayPath: "${cx.replayPath}"${cx.skip.length ? `, skip: [${cx.skip.join(', ')}]` : ''}${cx.pins ? `, pins: ${JSON.stringify(cx.pins)}` : ''}${cx.dropSteps ? `, dropSteps: ${JSON.stringify(cx.dropSteps)}` : ''}${cx.rewrites ? `, rewrites: ${JSON.stringify(cx.rewrites)}` : ''} }`),
  ]
  return lines.join('\n')
}

export function formatProperty(r: PropertyResult, opts: FormatOptions = {}): string {
  const p = opts.color ? (pc as unknown as Paint) : plain
  if (r.status === 'passed') return `${p.green('✓')} ${r.id}  ${p.dim(`${r.runs} runs, ${r.actions} actions`)}`
  if (r.status === 'skipped') return `${p.yellow('-')} ${r.id}  ${p.dim(`skipped: ${r.skipReason ?? ''}`)}`
  return [`${p.red('✗')} ${p.bold(r.id)}  ${r.promise}`, formatCounterexample(r.counterexample!, opts)].join('\n')
}

export function formatCampaign(res: CampaignResult, opts: FormatOptions = {}): string {
  const p = opts.color ? (pc as unknown as Paint) : plain
  const failed = res.properties.filter((r) => r.status === 'failed').length
  const passed = res.properties.filter((r) => r.status === 'passed').length
  const skipped = res.properties.filter((r) => r.status === 'skipped').length
  const s = res.stats
  const head = `${p.bold(res.target)} (${res.kind}): ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`
  const stats = `  ${s.runs} runs, ${s.actions} actions (${s.reverted} reverted, ${s.noops} no-ops), ${s.probes} exit probes${s.underwater ? `, ${s.underwater} under-water liquidations (bad debt)` : ''}${opts.timing === false ? '' : `, ${(res.durationMs / 1000).toFixed(1)} s`}`
  const lines = [head, p.dim(stats)]
  for (const d of res.detected ?? []) lines.push(p.dim(`  ${d}`))
  if (res.vacuous) lines.push(p.red(`  vacuous: ${res.vacuous}`))
  if (res.interrupted) lines.push(p.yellow(`  stopped early (${res.interrupted}): the figures cover the runs that completed`))
  for (const r of res.properties) lines.push(formatProperty(r, opts).replace(/^/gm, '  '))
  if (res.functions) lines.push(...formatFunctions(res.functions, p))
  return lines.join('\n')
}

/**
 * Every state-changing function of the system with what the runs did with it: a function never
 * called successfully was not explored, whatever the properties say.
 */
function formatFunctions(fns: NonNullable<CampaignResult['functions']>, p: Paint): string[] {
  const rows = Object.entries(fns)
  if (rows.length === 0) return []
  const width = Math.max(...rows.map(([k]) => k.length))
  const lines = [p.dim(`  functions (calls, reverted, changed state):`)]
  for (const [k, f] of rows) {
    const what = f.excluded ? `excluded: ${f.excluded}` : `${f.calls} calls, ${f.reverts} reverted, ${f.changed} changed state`
    const tags = [f.outside ? 'outside the specification' : '', f.privileged ? `privileged (${f.privileged})` : '', f.excluded ? '' : f.calls === 0 ? 'never called' : f.calls === f.reverts ? 'never succeeded' : ''].filter(Boolean)
    const line = `    ${k.padEnd(width)}  ${what}${tags.length ? `  [${tags.join(', ')}]` : ''}`
    lines.push(!f.excluded && f.calls === f.reverts && !f.outside ? p.yellow(line) : p.dim(line))
  }
  return lines
}
