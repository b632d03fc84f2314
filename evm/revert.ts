/**
 * Decoding of why an EVM call failed: Solidity's `Error(string)` and `Panic(uint256)`, custom
 * errors (decoded against whichever ABIs the caller knows), raw revert bytes, and the failures
 * that carry no revert data at all (out of gas, invalid opcode).
 */
import { decodeAbiParameters, decodeErrorResult, toFunctionSelector, type Abi, type Hex } from 'viem'
import { formatAbiItem } from 'viem/utils'

type AbiError = Extract<Abi[number], { type: 'error' }>

export type RevertReason =
  | { kind: 'error'; message: string }
  | { kind: 'panic'; code: bigint; meaning: string }
  | { kind: 'custom'; name: string; args: readonly unknown[]; signature: string }
  | { kind: 'raw'; data: Hex }
  | { kind: 'empty' }
  | { kind: 'out-of-gas' }
  | { kind: 'invalid-opcode' }
  | { kind: 'other'; message: string }

const ERROR_SELECTOR = '0x08c379a0' // Error(string)
const PANIC_SELECTOR = '0x4e487b71' // Panic(uint256)

const PANIC_MEANINGS: ReadonlyMap<bigint, string> = new Map([
  [0x00n, 'generic compiler panic'],
  [0x01n, 'assertion failed'],
  [0x11n, 'arithmetic overflow or underflow'],
  [0x12n, 'division or modulo by zero'],
  [0x21n, 'invalid enum value'],
  [0x22n, 'incorrectly encoded storage byte array'],
  [0x31n, 'pop on empty array'],
  [0x32n, 'array index out of bounds'],
  [0x41n, 'out of memory (too much memory allocated)'],
  [0x51n, 'call to zero-initialized function pointer'],
])

export function panicMeaning(code: bigint): string {
  return PANIC_MEANINGS.get(code) ?? 'unknown panic code'
}

/** ethereumjs EVMError strings (EVMError.errorMessages) that map to a RevertReason kind. */
const OUT_OF_GAS_ERRORS = new Set(['out of gas', 'code store out of gas', 'code size to deposit exceeds maximum code size'])

const selectorCache = new WeakMap<Abi, Set<string>>()

/** The 4-byte selectors of an ABI's errors (cached per ABI object: reverts can be frequent). */
function errorSelectors(abi: Abi): Set<string> {
  let s = selectorCache.get(abi)
  if (s === undefined) {
    s = new Set()
    for (const item of abi) if (item.type === 'error') s.add(toFunctionSelector(formatAbiItem(item)))
    selectorCache.set(abi, s)
  }
  return s
}

function errorSignature(e: AbiError): string {
  return formatAbiItem(e)
}

/**
 * Decodes revert data. `exceptionError` is ethereumjs' `execResult.exceptionError.error` string
 * (e.g. 'revert', 'out of gas', 'invalid opcode'): anything other than 'revert' is a failure that
 * did not come from a REVERT opcode, so the data (always empty then) is not looked at.
 */
export function decodeRevert(p: { data: Hex; abis?: readonly Abi[]; exceptionError?: string }): RevertReason {
  const ex = p.exceptionError
  if (ex !== undefined && ex !== 'revert') {
    if (OUT_OF_GAS_ERRORS.has(ex)) return { kind: 'out-of-gas' }
    if (ex === 'invalid opcode') return { kind: 'invalid-opcode' }
    return { kind: 'other', message: ex }
  }
  const data = p.data.toLowerCase() as Hex
  if (data === '0x' || (data as string) === '') return { kind: 'empty' }
  if (data.length < 10) return { kind: 'raw', data }
  const selector = data.slice(0, 10)
  if (selector === ERROR_SELECTOR) {
    try {
      const [message] = decodeAbiParameters([{ type: 'string' }], `0x${data.slice(10)}`)
      return { kind: 'error', message }
    } catch {
      return { kind: 'raw', data }
    }
  }
  if (selector === PANIC_SELECTOR) {
    try {
      const [code] = decodeAbiParameters([{ type: 'uint256' }], `0x${data.slice(10)}`)
      return { kind: 'panic', code, meaning: panicMeaning(code) }
    } catch {
      return { kind: 'raw', data }
    }
  }
  for (const abi of p.abis ?? []) {
    if (!errorSelectors(abi).has(selector)) continue
    try {
      const decoded = decodeErrorResult({ abi, data })
      const item = decoded.abiItem as AbiError
      return {
        kind: 'custom',
        name: decoded.errorName,
        args: (decoded.args ?? []) as readonly unknown[],
        signature: errorSignature(item),
      }
    } catch {
      // Selector matched but the payload did not decode: try the next ABI, then fall back to raw.
    }
  }
  return { kind: 'raw', data }
}

function formatArg(v: unknown): string {
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'string') return v
  if (Array.isArray(v)) return `[${v.map(formatArg).join(', ')}]`
  if (v !== null && typeof v === 'object') {
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${formatArg(x)}`)
      .join(', ')}}`
  }
  return String(v)
}

export function formatRevert(r: RevertReason): string {
  switch (r.kind) {
    case 'error':
      return `Error(${JSON.stringify(r.message)})`
    case 'panic':
      return `Panic(0x${r.code.toString(16).padStart(2, '0')}: ${r.meaning})`
    case 'custom':
      return `${r.name}(${r.args.map(formatArg).join(', ')})`
    case 'raw':
      return `revert ${r.data}`
    case 'empty':
      return 'revert (no data)'
    case 'out-of-gas':
      return 'out of gas'
    case 'invalid-opcode':
      return 'invalid opcode'
    case 'other':
      return r.message
  }
}
