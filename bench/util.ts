/** Small helpers shared by the bench scripts: argument parsing, tables, medians. */

export function arg(name: string, fallback: string): string
export function arg(name: string): string | undefined
export function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`)
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1]
  return fallback
}

export function printTable(rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map(String))
  const widths = cells[0].map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)))
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
  console.log(line(cells[0]))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const r of cells.slice(1)) console.log(line(r))
}

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

export function worst(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : Math.max(...xs)
}

export const fmtS = (ms: number): string => (Number.isFinite(ms) ? (ms / 1000).toFixed(2) : '-')
export const fmtN = (n: number, digits = 0): string => (Number.isFinite(n) ? n.toFixed(digits) : '-')

export { actionCount } from '../report/format.ts'
