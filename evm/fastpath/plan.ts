/** Patches 3, 4 and 6 (see index.ts): per opcode table, how fastRun runs each opcode. */
import { Hardfork, type Common } from '@ethereumjs/common'
import { type SyncGas, SYNC_GAS } from './gas.ts'
import { EVM_VERSION, EVM_VERSION_REVIEWED, SOURCE_HASHES, hash16 } from './guard.ts'
import { warnPatchOff } from './shared.ts'
import { keccakOp, mstore } from './opcodes.ts'
import type { OpEntry } from './types.ts'

/**
 * How each opcode runs: 0 = original async runStep, 1 = sync static gas, 2 = sync with SYNC_GAS,
 * 3 = SLOAD/SSTORE through `sload`/`sstore` (storage.ts) when the run allows it (else runStep).
 */
export type Plan = { mode: Uint8Array; awaitResult: Uint8Array; gas: (SyncGas | undefined)[]; handler: OpEntry['opHandler'][] }
const PLANS = new WeakMap<object, Plan>()

export function planFor(opcodeMap: OpEntry[], common: Common): Plan {
  let plan = PLANS.get(opcodeMap)
  if (plan !== undefined) return plan
  plan = { mode: new Uint8Array(256), awaitResult: new Uint8Array(256), gas: [], handler: [] }
  for (let op = 0; op < 256; op++) {
    const entry = opcodeMap[op]
    const info = entry.opcodeInfo
    plan.handler[op] = entry.opHandler
    // codes.js flags ADDRESS, CALLER, CALLVALUE, CALLDATALOAD, CALLDATACOPY... as async although
    // their handlers are plain functions: runStep only awaits their (undefined) result.
    if (info.isAsync && Object.getPrototypeOf(entry.opHandler) !== Function.prototype) continue
    plan.awaitResult[op] = info.isAsync ? 1 : 0
    if (!info.dynamicGas) plan.mode[op] = 1
    else if (SYNC_GAS[op] !== undefined && info.code === op && hash16(entry.gasHandler) === SOURCE_HASHES[`gas:0x${op.toString(16)}`]) {
      plan.mode[op] = 2
      plan.gas[op] = SYNC_GAS[op]
    }
  }
  if (hash16(opcodeMap[0x52].opHandler) === SOURCE_HASHES['op:0x52'] && opcodeMap[0x52].opcodeInfo.code === 0x52) {
    plan.handler[0x52] = mstore as OpEntry['opHandler']
  }
  const customKeccak = (common as unknown as { customCrypto?: { keccak256?: unknown } }).customCrypto?.keccak256
  if (
    plan.mode[0x20] === 2 &&
    customKeccak === undefined &&
    hash16(opcodeMap[0x20].opHandler) === SOURCE_HASHES['op:0x20'] &&
    opcodeMap[0x20].opcodeInfo.code === 0x20
  ) {
    plan.handler[0x20] = keccakOp as OpEntry['opHandler']
  }
  const sstoreEntry = opcodeMap[0x55]
  const sstoreReviewed = sstoreEntry.opcodeInfo.code === 0x55 && hash16(sstoreEntry.gasHandler) === SOURCE_HASHES['gas:0x55'] && hash16(sstoreEntry.opHandler) === SOURCE_HASHES['op:0x55'] && EVM_VERSION_REVIEWED
  if (!sstoreReviewed) warnPatchOff('patch 6 (synchronous SSTORE)', EVM_VERSION)
  if (
    sstoreReviewed &&
    common.isActivatedEIP(2929) &&
    !common.isActivatedEIP(8038) &&
    // From Istanbul on (which also rules out Constantinople's EIP-1283 rule): EIP-2200.
    common.gteHardfork(Hardfork.Istanbul)
  ) {
    plan.mode[0x55] = 3
  }
  const sloadEntry = opcodeMap[0x54]
  const sloadReviewed = sloadEntry.opcodeInfo.code === 0x54 && hash16(sloadEntry.gasHandler) === SOURCE_HASHES['gas:0x54'] && hash16(sloadEntry.opHandler) === SOURCE_HASHES['op:0x54']
  if (!sloadReviewed) warnPatchOff('patch 6 (synchronous SLOAD)', EVM_VERSION)
  if (sloadReviewed && common.isActivatedEIP(2929)) {
    plan.mode[0x54] = 3
  }
  PLANS.set(opcodeMap, plan)
  return plan
}
