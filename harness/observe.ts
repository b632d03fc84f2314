import { decodeFunctionResult, encodeFunctionData, type Abi, type Address, type Hex } from 'viem'
import type { Chain } from './chain.ts'
import { HarnessError, TargetShapeError } from './errors.ts'

/**
 * One view the harness reads after every step, named by a readable key
 * (`wRSV.balanceOf(alice)`) so that a mismatch prints as the thing a user would look at.
 */
export type ReadSpec =
  | { key: string; kind: 'call'; address: Address; abi: Abi; functionName: string; args?: readonly unknown[] }
  | { key: string; kind: 'native'; account: Address }

/** A flat snapshot of everything observed: key -> value. */
export type Observation = Record<string, bigint>

const MULTIREAD_ABI = [
  {
    type: 'function',
    name: 'read',
    stateMutability: 'view',
    inputs: [
      { name: 'targets', type: 'address[]' },
      { name: 'data', type: 'bytes[]' },
      { name: 'natives', type: 'address[]' },
    ],
    outputs: [
      {
        name: 'results',
        type: 'tuple[]',
        components: [
          { name: 'ok', type: 'bool' },
          { name: 'data', type: 'bytes' },
        ],
      },
      { name: 'nativeBalances', type: 'uint256[]' },
    ],
  },
] as const

/**
 * A compiled plan: the calldata is encoded once, then every observation is one EVM call into the
 * Multiread lens, which entering the EVM a dozen times per step would otherwise dominate.
 */
export class ObservationPlan {
  private readonly calls: { spec: Extract<ReadSpec, { kind: 'call' }>; data: Hex }[] = []
  private readonly natives: { key: string; account: Address }[] = []
  readonly keys: string[]

  constructor(
    private readonly multiread: Address,
    specs: readonly ReadSpec[],
  ) {
    for (const spec of specs) {
      if (spec.kind === 'native') this.natives.push({ key: spec.key, account: spec.account })
      else
        this.calls.push({
          spec,
          data: encodeFunctionData({ abi: spec.abi, functionName: spec.functionName, args: spec.args ?? [] } as never),
        })
    }
    this.keys = specs.map((s) => s.key)
  }

  async read(chain: Chain): Promise<Observation> {
    const [results, balances] = (await chain.read({
      address: this.multiread,
      abi: MULTIREAD_ABI,
      functionName: 'read',
      args: [this.calls.map((c) => c.spec.address), this.calls.map((c) => c.data), this.natives.map((n) => n.account)],
    })) as readonly [readonly { ok: boolean; data: Hex }[], readonly bigint[]]
    if (results.length !== this.calls.length) throw new HarnessError('Multiread returned the wrong number of results')
    const out: Observation = {}
    for (let i = 0; i < this.calls.length; i++) {
      const { spec } = this.calls[i]
      const r = results[i]
      if (!r.ok) {
        throw new TargetShapeError(`${spec.functionName}() reverted on ${spec.address} while observing ${spec.key}`, {
          details: ['every view a kind requires must succeed; check the contract implements the interface'],
        })
      }
      let value: unknown
      try {
        value = decodeFunctionResult({ abi: spec.abi, functionName: spec.functionName, data: r.data } as never)
      } catch (cause) {
        throw new TargetShapeError(`${spec.functionName}() on ${spec.address} returned data that does not decode`, {
          cause,
        })
      }
      out[spec.key] = toBigint(value, spec.key)
    }
    for (let i = 0; i < this.natives.length; i++) out[this.natives[i].key] = balances[i]
    return out
  }
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
