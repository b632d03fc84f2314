/**
 * Coverage reports: lcov.info and an HTML site written by istanbul's maintained reporters from
 * the per-file data evm/source-coverage.ts maps out, plus the summary the pretty and JSON
 * reports carry.
 */
import fs from 'node:fs'
import path from 'node:path'
import libCoverage from 'istanbul-lib-coverage'
import libReport from 'istanbul-lib-report'
import reports from 'istanbul-reports'
import { figures, unreachedBranches, type CoverageFigures, type FileCoverage, type SourceCoverage } from '../evm/source-coverage.ts'

export type CoverageSummary = {
  /** By path relative to the project root. */
  files: Record<string, CoverageFigures>
  /** `file:line (side)` of every branch side no run took. */
  unreachedBranches: string[]
  /** `file:line` of statements reached only inside calls that reverted. */
  revertedOnly: string[]
  /** Where the reports were written, relative to the root. */
  written: string[]
}

/** Several targets' coverage of the same files add up. */
export function mergeSources(parts: readonly SourceCoverage[]): SourceCoverage {
  const map = libCoverage.createCoverageMap({})
  const rev = new Map<string, Set<number>>()
  let unmatched = 0
  for (const p of parts) {
    map.merge(p.files as never)
    unmatched += p.unmatched
    for (const [f, lines] of Object.entries(p.revertedOnly)) for (const l of lines) (rev.get(f) ?? rev.set(f, new Set()).get(f)!).add(l)
  }
  const files: Record<string, FileCoverage> = {}
  for (const f of map.files().sort()) files[f] = map.fileCoverageFor(f).toJSON() as unknown as FileCoverage
  // A line reached without a revert by another target is no longer reverted-only.
  const revertedOnly: Record<string, number[]> = {}
  for (const [f, lines] of [...rev].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const kept = [...lines].filter((l) => parts.every((p) => !p.files[f] || p.revertedOnly[f]?.includes(l) || hitsOnLine(p.files[f], l) === 0))
    if (kept.length) revertedOnly[f] = kept.sort((a, b) => a - b)
  }
  return { files, revertedOnly, unmatched }
}

function hitsOnLine(fc: FileCoverage, line: number): number {
  return Object.entries(fc.statementMap).reduce((n, [k, r]) => (r.start.line === line ? n + (fc.s[k] ?? 0) : n), 0)
}

/**
 * Writes `<dir>/lcov.info` and `<dir>/index.html` (with a page per source). Written beside the
 * old reports and swapped in at the end, so an interrupted write leaves the previous ones whole.
 */
export function writeCoverageReports(cov: SourceCoverage, dir: string): string[] {
  const tmp = `${dir}.tmp-${process.pid}`
  fs.rmSync(tmp, { recursive: true, force: true })
  fs.mkdirSync(tmp, { recursive: true })
  const map = libCoverage.createCoverageMap(cov.files as never)
  const context = libReport.createContext({ dir: tmp, coverageMap: map, defaultSummarizer: 'nested' })
  reports.create('lcovonly', { file: 'lcov.info', projectRoot: process.cwd() } as never).execute(context)
  reports.create('html', { subdir: '' } as never).execute(context)
  fs.rmSync(dir, { recursive: true, force: true })
  fs.renameSync(tmp, dir)
  return [path.join(dir, 'lcov.info'), path.join(dir, 'index.html')]
}

export function summarize(cov: SourceCoverage, root: string, written: readonly string[]): CoverageSummary {
  const files: Record<string, CoverageFigures> = {}
  for (const [abs, fc] of Object.entries(cov.files)) files[path.relative(root, abs)] = figures(fc)
  const revertedOnly = Object.entries(cov.revertedOnly).flatMap(([abs, lines]) => lines.map((l) => `${path.relative(root, abs)}:${l}`))
  return { files, unreachedBranches: unreachedBranches(cov, root), revertedOnly, written: written.map((w) => path.relative(root, w)) }
}

const pct = ([hit, all]: [number, number]) => (all === 0 ? '-' : `${((100 * hit) / all).toFixed(1)}%`)
const cell = (x: [number, number]) => `${x[0]}/${x[1]} (${pct(x)})`

/** The pretty report's coverage section. */
export function formatCoverage(s: CoverageSummary, p: { maxListed?: number } = {}): string {
  const max = p.maxListed ?? 20
  const lines = ['', 'Coverage (lines, statements, branches, functions reached):']
  const names = Object.keys(s.files)
  const width = Math.max(4, ...names.map((n) => n.length))
  for (const n of names) {
    const f = s.files[n]
    lines.push(`  ${n.padEnd(width)}  lines ${cell(f.lines)}  statements ${cell(f.statements)}  branches ${cell(f.branches)}  functions ${cell(f.functions)}`)
  }
  if (names.length === 0) lines.push('  no source of the targets ran (every source was excluded, or came from a package)')
  const list = (title: string, xs: readonly string[]) => {
    if (xs.length === 0) return
    lines.push(title)
    for (const x of xs.slice(0, max)) lines.push(`  ${x}`)
    if (xs.length > max) lines.push(`  … ${xs.length - max} more in the HTML report`)
  }
  list('Branches never taken:', s.unreachedBranches)
  list('Reached only in calls that reverted:', s.revertedOnly)
  if (s.written.length) lines.push(`Coverage reports: ${s.written.join(', ')}`)
  return `${lines.join('\n')}\n`
}
