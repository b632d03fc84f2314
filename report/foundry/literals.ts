/** Solidity literals and expressions of a Foundry reproducer: identifiers, strings, addresses, ABI values, calldata. */
import { getAbiItem, getAddress, toFunctionSignature, encodeFunctionData, type Abi, type AbiFunction, type AbiParameter } from 'viem'

const SOLIDITY_RESERVED = new Set(['vm', 'ok', 'snaps', 'address', 'this', 'super', 'new', 'delete', 'mapping', 'function', 'contract', 'error', 'event', 'type', 'return', 'returns', 'emit', 'storage', 'memory', 'calldata', 'public', 'internal', 'external', 'private', 'assert', 'require', 'revert', 'true', 'false', 'now', 'block', 'msg', 'tx', 'abi'])

export function ident(s: string): string {
  let id = s.replace(/[^A-Za-z0-9_]/g, '_')
  if (/^[0-9]/.test(id)) id = `_${id}`
  if (SOLIDITY_RESERVED.has(id)) id = `${id}_`
  return id
}

/** A Solidity string literal (ASCII only), or undefined. */
function strLit(s: string): string | undefined {
  if (!/^[\x20-\x7e\n\t]*$/.test(s)) return undefined
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`
}

/** Text safe inside a Solidity string literal used as a revert message. */
export function msg(s: string): string {
  return strLit(s.replace(/[^\x20-\x7e]/g, '?'))!
}

export type Ctx = {
  /** lowercase address -> Solidity expression (actor constant or contract variable). */
  refs: Map<string, string>
}

export function addrExpr(ctx: Ctx, a: string): string {
  const r = ctx.refs.get(a.toLowerCase())
  if (r) return r
  if (/^0x0{40}$/i.test(a)) return 'address(0)'
  return getAddress(a)
}

const MAX_UINT256 = (1n << 256n) - 1n

/** A Solidity expression of ABI type `p` with value `v`, or undefined when not expressible simply. */
export function valueExpr(ctx: Ctx, p: AbiParameter, v: unknown): string | undefined {
  const t = p.type
  if (t === 'address' && typeof v === 'string') return addrExpr(ctx, v)
  if (t === 'bool' && typeof v === 'boolean') return String(v)
  let m = /^(u?)int(\d*)$/.exec(t)
  if (m && (typeof v === 'bigint' || typeof v === 'number')) {
    const n = BigInt(v)
    const ty = `${m[1]}int${m[2] || '256'}`
    if (ty === 'uint256' && n === MAX_UINT256) return 'type(uint256).max'
    return `${ty}(${n})`
  }
  m = /^bytes(\d+)$/.exec(t)
  if (m && typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v) && v.length === 2 + 2 * Number(m[1])) return `${t}(${v})`
  if (t === 'bytes' && typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v)) return `bytes(hex"${v.slice(2)}")`
  if (t === 'string' && typeof v === 'string') return strLit(v)
  return undefined
}

function fnItem(abi: Abi, name: string, args: readonly unknown[]): AbiFunction | undefined {
  try {
    const item = getAbiItem({ abi, name, args } as Parameters<typeof getAbiItem>[0]) as AbiFunction | undefined
    return item?.type === 'function' ? item : undefined
  } catch {
    return undefined
  }
}

/** `abi.encodeWithSignature(...)` for a call, or the raw calldata when an argument is not simple. */
export function calldataExpr(ctx: Ctx, abi: Abi, functionName: string, args: readonly unknown[]): string {
  const item = fnItem(abi, functionName, args)
  if (item) {
    const parts = item.inputs.map((p, i) => valueExpr(ctx, p, args[i]))
    if (parts.every((x) => x !== undefined)) {
      return `abi.encodeWithSignature(${[`"${toFunctionSignature(item)}"`, ...parts].join(', ')})`
    }
  }
  // Arrays, tuples, non-ASCII strings: the recorded calldata as is (contract addresses inside it are
  // those of the harness's chain, not this test's).
  const data = encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0])
  return `hex"${data.slice(2)}"`
}
