/** The comment above each replayed call: the call and its recorded outcome, in the harness's names. */
import type { RecordedCall } from '../../evm/recorder.ts'

function fmtValue(v: unknown, names: Record<string, string>): string {
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v)) return names[v.toLowerCase()] ?? v
  if (typeof v === 'bigint') return v.toString()
  if (Array.isArray(v)) return `[${v.map((x) => fmtValue(x, names)).join(', ')}]`
  return String(v)
}

function describeRevert(r: unknown, names: Record<string, string>): string {
  const rv = r as { kind?: string; name?: string; args?: unknown[]; reason?: string; message?: string; code?: number | bigint } | undefined
  if (!rv) return 'reverted'
  if (rv.name) return `${rv.name}(${(rv.args ?? []).map((a) => fmtValue(a, names)).join(', ')})`
  if (rv.reason !== undefined) return `"${rv.reason}"`
  if (rv.message !== undefined) return rv.message
  return rv.kind ?? 'reverted'
}

export function describeCall(c: RecordedCall, names: Record<string, string>): string {
  const n = (a?: string) => (a ? (names[a.toLowerCase()] ?? a) : names[Object.keys(names)[0]] ?? '?')
  switch (c.op) {
    case 'call': {
      const res = c.result.ok ? 'ok' : `reverted: ${describeRevert(c.result.revert, names)}`
      const value = c.value ? `{value: ${c.value}}` : ''
      return `${n(c.from)} -> ${n(c.to)}.${c.functionName}${value}(${c.args.map((a) => fmtValue(a, names)).join(', ')})   [recorded: ${res}]`
    }
    case 'raw':
      return `${n(c.from)} -> ${n(c.to)} send ${c.value ?? 0n} wei${c.data && c.data !== '0x' ? ` with data ${c.data}` : ''}   [recorded: ${c.ok ? 'ok' : 'reverted'}]`
    default:
      return c.op
  }
}
