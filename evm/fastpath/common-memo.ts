/** Patch 2 (see index.ts): Common's answers memoised on one Common instance. */
import type { Common } from '@ethereumjs/common'
import { EVM_VERSION, SOURCE_HASHES, hash16 } from './guard.ts'
import { fastPathStats, warnPatchOff } from './shared.ts'

// Memoising is right only while these answer from the hardfork, EIPs and params alone, and the
// reset methods are every way to change those: the reviewed source, checked by hash.
const COMMON_METHODS = ['isActivatedEIP', 'gteHardfork', 'consensusType', 'param', 'setHardfork', 'setHardforkBy', 'setEIPs', 'updateParams', 'resetParams']

export function memoiseCommon(common: Common): void {
  const c = common as unknown as Record<string, unknown> & {
    isActivatedEIP(eip: number): boolean
    gteHardfork(hf: string): boolean
    consensusType(): string
    param(name: string): bigint
  }
  if (Object.prototype.hasOwnProperty.call(c, '__vaultcheckFastPath')) return
  const proto = Object.getPrototypeOf(c) as typeof c
  if (!COMMON_METHODS.every((m) => hash16((proto as Record<string, unknown>)[m]) === SOURCE_HASHES[m])) return warnPatchOff('patch 2 (Common memo)', EVM_VERSION)
  fastPathStats.commonMemoised = true
  let eips = new Map<number, boolean>()
  let gte = new Map<string, boolean>()
  let params = new Map<string, bigint>()
  let consensus: string | undefined
  const reset = () => {
    eips = new Map()
    gte = new Map()
    params = new Map()
    consensus = undefined
  }
  Object.defineProperty(c, '__vaultcheckFastPath', { value: true })
  c.isActivatedEIP = function (eip: number): boolean {
    let v = eips.get(eip)
    if (v === undefined) {
      v = proto.isActivatedEIP.call(this, eip)
      eips.set(eip, v)
    }
    return v
  }
  c.gteHardfork = function (hf: string): boolean {
    let v = gte.get(hf)
    if (v === undefined) {
      v = proto.gteHardfork.call(this, hf)
      gte.set(hf, v)
    }
    return v
  }
  c.consensusType = function (): string {
    if (consensus === undefined) consensus = proto.consensusType.call(this)
    return consensus
  }
  c.param = function (name: string): bigint {
    let v = params.get(name)
    if (v === undefined) {
      v = proto.param.call(this, name) // throws for an unknown name: not memoised, still throws
      params.set(name, v)
    }
    return v
  }
  for (const m of ['setHardfork', 'setHardforkBy', 'setEIPs', 'updateParams', 'resetParams']) {
    const orig = proto[m] as (...a: unknown[]) => unknown
    c[m] = function (this: unknown, ...args: unknown[]) {
      reset()
      const r = orig.apply(this, args)
      reset()
      return r
    }
  }
}
