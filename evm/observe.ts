import { concatBytes, encodeFunctionData, hexToBytes, type Abi, type AbiFunction, type Address } from 'viem'
import type { Chain } from './chain.ts'
import { HarnessError, MalformedReturnError, ReadRevertedError, TargetShapeError, VaultcheckError } from './errors.ts'

/**
 * One view the harness reads after every step, named by a readable key
 * (`wRSV.balanceOf(alice)`) so that a mismatch prints as the thing a user would look at.
 */
export type ReadSpec =
  | {
      key: string
      kind: 'call'
      address: Address
      abi: Abi
      functionName: string
      args?: readonly unknown[]
      /** For a function with several outputs (Morpho's `market(id)`), the one observed: by name or position. */
      output?: string | number
    }
  | { key: string; kind: 'native'; account: Address }

/** A flat snapshot of everything observed: key -> value. */
export type Observation = Record<string, bigint>

type CallSpec = Extract<ReadSpec, { kind: 'call' }>

/** The function a spec calls, when it is unambiguous and returns exactly one uint256. */
function returnsOneWord(spec: CallSpec): boolean {
  const n = spec.args?.length ?? 0
  const fns = spec.abi.filter((x) => x.type === 'function' && x.name === spec.functionName && x.inputs.length === n) as AbiFunction[]
  return spec.output === undefined && fns.length === 1 && fns[0].outputs.length === 1 && fns[0].outputs[0].type === 'uint256'
}

/** The output a spec names, out of what viem decoded (an array when the function has several). */
export function pickOutput(value: unknown, spec: { abi: Abi; functionName: string; output?: string | number; args?: readonly unknown[]; key?: string }): unknown {
  if (spec.output === undefined) return value
  const n = spec.args?.length ?? 0
  const fn = spec.abi.find((x) => x.type === 'function' && x.name === spec.functionName && x.inputs.length === n) as AbiFunction | undefined
  const index = typeof spec.output === 'number' ? spec.output : (fn?.outputs.findIndex((o) => o.name === spec.output) ?? -1)
  if (!fn || index < 0 || index >= fn.outputs.length) {
    throw new TargetShapeError(`${spec.functionName}() has no output ${JSON.stringify(spec.output)}${fn ? ` (outputs: ${fn.outputs.map((o, i) => o.name || String(i)).join(', ')})` : ''}`)
  }
  return fn.outputs.length === 1 ? value : (value as readonly unknown[])[index]
}

/**
 * A compiled plan: the lens calldata is encoded once, then every observation is one EVM call into
 * the Multiread lens (contracts/harness/Multiread.sol, packed format documented there) and a
 * decode of its return: one word per view, read in a tight loop. Views that do not return a single
 * uint256 (none of the bundled drivers' reads) are read one by one with `chain.read` instead.
 */
export class ObservationPlan {
  /** Where each lens entry's word goes: a key, and for calls the spec (for error messages). */
  private readonly entries: { key: string; spec?: CallSpec }[] = []
  private readonly slow: CallSpec[] = []
  private readonly calldata: Uint8Array
  readonly keys: string[]

  constructor(
    private readonly multiread: Address,
    readonly specs: readonly ReadSpec[],
  ) {
    const parts: Uint8Array[] = []
    for (const spec of specs) {
      if (spec.kind === 'native') {
        this.entries.push({ key: spec.key })
        parts.push(Uint8Array.of(1), hexToBytes(spec.account))
      } else if (returnsOneWord(spec)) {
        const data = hexToBytes(encodeFunctionData({ abi: spec.abi, functionName: spec.functionName, args: spec.args ?? [] } as never))
        if (data.length > 0xffff) throw new HarnessError(`calldata of ${spec.key} is too long for the Multiread lens`)
        this.entries.push({ key: spec.key, spec })
        parts.push(Uint8Array.of(0), hexToBytes(spec.address), Uint8Array.of(data.length >> 8, data.length & 0xff), data)
      } else {
        this.slow.push(spec)
      }
    }
    const n = this.entries.length
    const header = new Uint8Array(32)
    new DataView(header.buffer).setUint32(28, n)
    this.calldata = concatBytes([header, ...parts])
    this.keys = specs.map((s) => s.key)
  }

  async read(chain: Chain): Promise<Observation> {
    const out: Observation = {}
    const n = this.entries.length
    if (n > 0) {
      const r = await chain.readRaw({ to: this.multiread, data: this.calldata })
      const bitmapWords = (n + 255) >> 8
      const ret = r.returnData
      if (!r.ok) await this.blame(chain)
      if (!r.ok || ret.length !== (bitmapWords + n) * 32) throw new HarnessError('the Multiread lens failed or returned the wrong number of words')
      for (let i = 0; i < n; i++) {
        const off = (bitmapWords + i) * 32
        const e = this.entries[i]
        // Bit i of bitmap word i / 256 (big-endian word: bit 0 is the last byte's lowest bit).
        const failed = (ret[((i >> 8) << 5) + 31 - ((i & 255) >> 3)] >> (i & 7)) & 1
        if (failed) {
          const spec = e.spec!
          if (ret[off + 31] === 0) {
            throw new TargetShapeError(`${spec.functionName}() reverted on ${spec.address} while observing ${spec.key}`, {
              details: ['every view a kind requires must succeed; check the contract implements the interface'],
            })
          }
          throw new TargetShapeError(`${spec.functionName}() on ${spec.address} returned data that does not decode`)
        }
        out[e.key] = wordAt(ret, off)
      }
    }
    for (const spec of this.slow) {
      let value: unknown
      try {
        value = await chain.read({ address: spec.address, abi: spec.abi, functionName: spec.functionName, args: spec.args })
      } catch (cause) {
        if (cause instanceof ReadRevertedError) {
          throw new TargetShapeError(`${spec.functionName}() reverted on ${spec.address} while observing ${spec.key}`, {
            details: ['every view a kind requires must succeed; check the contract implements the interface'],
          })
        }
        if (cause instanceof MalformedReturnError) throw new TargetShapeError(cause.shortMessage, { cause })
        if (cause instanceof VaultcheckError) throw cause
        throw new TargetShapeError(`${spec.functionName}() on ${spec.address} returned data that does not decode`, { cause })
      }
      out[spec.key] = toBigint(pickOutput(value, spec), spec.key)
    }
    return out
  }

  /**
   * The lens call as a whole failed: a view it called used up the gas (an endless loop, a view that
   * grows with state) and left too little for the lens to finish. Each view is read alone to name
   * the one at fault, which is the vault's failure; only if each answers alone is the lens to blame.
   */
  private async blame(chain: Chain): Promise<void> {
    for (const spec of this.specs) {
      if (spec.kind !== 'call') continue
      const data = hexToBytes(encodeFunctionData({ abi: spec.abi, functionName: spec.functionName, args: spec.args ?? [] } as never))
      const r = await chain.readRaw({ to: spec.address, data })
      if (!r.ok) {
        throw new TargetShapeError(`${spec.functionName}() failed on ${spec.address} while observing ${spec.key} (reverted or ran out of gas)`, {
          details: ['every view a kind requires must answer, within the block gas limit'],
        })
      }
    }
  }
}

/** The big-endian uint256 at `off`: four 64-bit limbs, each built from two 32-bit halves. */
function wordAt(b: Uint8Array, off: number): bigint {
  let v = 0n
  for (let k = 0; k < 32; k += 8) {
    const hi = ((b[off + k] << 24) | (b[off + k + 1] << 16) | (b[off + k + 2] << 8) | b[off + k + 3]) >>> 0
    const lo = ((b[off + k + 4] << 24) | (b[off + k + 5] << 16) | (b[off + k + 6] << 8) | b[off + k + 7]) >>> 0
    if (v === 0n && hi === 0 && lo === 0) continue
    v = (v << 64n) | (BigInt(hi) << 32n) | BigInt(lo)
  }
  return v
}

function toBigint(v: unknown, key: string): bigint {
  if (typeof v === 'bigint') return v
  if (typeof v === 'number') return BigInt(v)
  if (typeof v === 'boolean') return v ? 1n : 0n
  if (typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v)) return BigInt(v)
  throw new TargetShapeError(`${key} did not return a number`)
}

/** Keys whose values differ between two observations, as readable lines. */
export function diffObservations(expected: Observation, actual: Observation): string[] {
  const lines: string[] = []
  for (const key of Object.keys(expected)) {
    if (!(key in actual)) continue
    if (expected[key] !== actual[key]) lines.push(`${key}: model ${expected[key]}, contract ${actual[key]}`)
  }
  return lines
}
