/** Patch 1 (see index.ts): the jump analysis memoised per (EVM opcode table, code array). */
import { EVM_VERSION, SOURCE_HASHES, hash16 } from './guard.ts'
import { FASTPATH_EVMS, fastPathStats, warnPatchOff } from './shared.ts'
import type { InterpreterLike, JumpAnalysis } from './types.ts'

/** Per opcode table (one per EVM instance and hardfork), per code array. */
const JUMP_CACHE = new WeakMap<object, WeakMap<Uint8Array, JumpAnalysis>>()
const PATCHED_PROTOTYPES = new WeakSet<object>()

export function patchInterpreterPrototype(proto: InterpreterLike): void {
  if (PATCHED_PROTOTYPES.has(proto)) return
  PATCHED_PROTOTYPES.add(proto)
  const original = proto._getValidJumpDestinations
  // The memo is right only while the analysis depends on nothing but the code and the opcode table.
  if (hash16(original) !== SOURCE_HASHES.getValidJumpDestinations) return warnPatchOff('patch 1 (jump analysis memo)', EVM_VERSION)
  fastPathStats.jumpsPatched = true
  proto._getValidJumpDestinations = function (this: InterpreterLike, code: Uint8Array): JumpAnalysis {
    const evm = this._evm
    if (!FASTPATH_EVMS.has(evm)) return original.call(this, code)
    // The opcode table is replaced when the hardfork changes, so it keys the outer level.
    const opcodeMap = (evm as unknown as { _opcodeMap: object })._opcodeMap
    let perCode = JUMP_CACHE.get(opcodeMap)
    if (perCode === undefined) {
      perCode = new WeakMap()
      JUMP_CACHE.set(opcodeMap, perCode)
    }
    let hit = perCode.get(code)
    if (hit === undefined) {
      fastPathStats.jumpCacheMisses++
      hit = original.call(this, code)
      // The interpreter only reads these; freezing the holder object documents that (the typed
      // array itself cannot be frozen, and freezing `pushes`/`opcodesCached` would make them
      // slower dictionaries).
      Object.freeze(hit)
      perCode.set(code, hit)
    } else {
      fastPathStats.jumpCacheHits++
    }
    return hit
  }
}
