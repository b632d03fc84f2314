/** Patch 6 (see index.ts): SLOAD and SSTORE without promises. */
import type { Common } from '@ethereumjs/common'
import { EVMError } from '@ethereumjs/evm'
import { OriginalStorageCache } from '@ethereumjs/statemanager'
import { type Account, bigIntToBytes, bytesToBigInt, bytesToUnprefixedHex, EthereumJSErrorWithoutCode } from '@ethereumjs/util'
import type { JournaledStateManager } from '../state.ts'
import { EVM_VERSION, SOURCE_HASHES, hash16 } from './guard.ts'
import { BIGINT_0, fastPathStats, warnPatchOff } from './shared.ts'
import type { InterpreterLike, OpcodeInfo, RunState } from './types.ts'

/** The parts of @ethereumjs/evm's Journal (10.1.3) that warm storage slots. */
type WarmJournal = {
  journal: Map<string, Set<string>>
  alwaysWarmJournal: Map<string, Set<string>>
  journalDiff: [number, [Set<string>, Map<string, Set<string>>, ...unknown[]]][]
  accessList?: Map<string, Set<string>>
  addWarmedAddress(address: Uint8Array): void
}
export type SloadInterpreter = InterpreterLike & {
  journal: WarmJournal
  _env: { contract: Account }
  getAddress(): { bytes: Uint8Array }
  isStatic(): boolean
  getGasLeft(): bigint
  refundGas(amount: bigint, context?: string): void
  subRefund(amount: bigint, context?: string): void
}

/** The Interpreter.prototype methods sload/sstore rely on are the reviewed ones (set by patchRunLoop). */
export let interpreterStorageReviewed = false
const INTERPRETER_STORAGE_METHODS = ['storageLoad', 'getAddress', 'storageStore', 'refundGas', 'subRefund', 'isStatic', 'getGasLeft']

/** Sets interpreterStorageReviewed from the Interpreter prototype patchRunLoop patches. */
export function reviewInterpreterStorage(proto: InterpreterLike): void {
  interpreterStorageReviewed = INTERPRETER_STORAGE_METHODS.every(
    (m) => hash16((proto as unknown as Record<string, unknown>)[m]) === SOURCE_HASHES[m],
  )
  if (!interpreterStorageReviewed || !ORIGINAL_STORAGE_REVIEWED) warnPatchOff('patch 6 (synchronous SLOAD/SSTORE: interpreter storage methods)', EVM_VERSION)
}

export const ORIGINAL_STORAGE_REVIEWED =
  hash16(OriginalStorageCache.prototype.get) === SOURCE_HASHES.originalStorageGet &&
  hash16(OriginalStorageCache.prototype.put) === SOURCE_HASHES.originalStoragePut
const REVIEWED_JOURNALS = new WeakMap<object, boolean>()
export function journalReviewed(journal: WarmJournal): boolean {
  const proto = Object.getPrototypeOf(journal) as Record<string, unknown>
  let ok = REVIEWED_JOURNALS.get(proto)
  if (ok === undefined) {
    ok = hash16(proto.isWarmedStorage) === SOURCE_HASHES.isWarmedStorage && hash16(proto.addWarmedStorage) === SOURCE_HASHES.addWarmedStorage
    REVIEWED_JOURNALS.set(proto, ok)
  }
  return ok
}

/** Unprefixed hex of each contract Address object (one per call frame), as the journal keys it. */
const ADDRESS_HEX = new WeakMap<object, string>()
function addressHex(address: { bytes: Uint8Array }): string {
  let hex = ADDRESS_HEX.get(address)
  if (hex === undefined) {
    hex = bytesToUnprefixedHex(address.bytes)
    ADDRESS_HEX.set(address, hex)
  }
  return hex
}

/** Journal.isWarmedStorage (10.1.3) on hex keys. */
function isWarmedStorageHex(j: WarmJournal, addressHex: string, slotHex: string): boolean {
  const slots = j.journal.get(addressHex)
  if (slots !== undefined && slots.has(slotHex)) return true
  return j.alwaysWarmJournal.get(addressHex)?.has(slotHex) ?? false
}

/** Journal.addWarmedStorage (10.1.3) on hex keys. */
function addWarmedStorageHex(j: WarmJournal, address: Uint8Array, addressHex: string, slotHex: string): void {
  let slots = j.journal.get(addressHex)
  if (slots === undefined) {
    j.addWarmedAddress(address)
    slots = j.journal.get(addressHex)!
  }
  if (!slots.has(slotHex)) {
    slots.add(slotHex)
    const addressSlotMap = j.journalDiff[j.journalDiff.length - 1][1][1]
    let set = addressSlotMap.get(addressHex)
    if (set === undefined) {
      set = new Set()
      addressSlotMap.set(addressHex, set)
    }
    set.add(slotHex)
  }
  j.accessList?.get(addressHex)!.add(slotHex)
}

/**
 * SLOAD as runStep would run it with EIP-2929 on (gas handler, then the handler with
 * interpreter.storageLoad), for the JournaledStateManager: the slot key is formatted as hex once
 * instead of padded into bytes and re-encoded by each of the four journal and state look-ups, and
 * none of the five promises is created.
 */
export function sload(interp: SloadInterpreter, runState: RunState, info: OpcodeInfo, sm: JournaledStateManager, common: Common): void {
  const key = runState.stack.peek()[0]
  const slotHex = key.toString(16).padStart(64, '0')
  const address = interp.getAddress()
  const aHex = addressHex(address)
  let gas = info.feeBigInt
  if (isWarmedStorageHex(interp.journal, aHex, slotHex)) {
    gas += common.param('warmstoragereadGas')
  } else {
    addWarmedStorageHex(interp.journal, address.bytes, aHex, slotHex)
    gas += common.param('coldsloadGas')
  }
  interp.useGas(gas, info)
  runState.programCounter++
  runState.stack.pop()
  const value = sm.storageByHex(aHex, slotHex)
  runState.stack.push(value.length ? bytesToBigInt(value) : BIGINT_0)
  fastPathStats.syncSloads++
}

/** OriginalStorageCache.get (statemanager 10.1.3) on hex keys, without the promise. */
function originalStorageByHex(sm: JournaledStateManager, addressHex: string, slotHex: string): Uint8Array {
  const cache = sm.originalStorageCache as unknown as { map: Map<string, Map<string, Uint8Array>> }
  let slots = cache.map.get(addressHex)
  const hit = slots?.get(slotHex)
  if (hit !== undefined) return hit
  const value = sm.storageByHex(addressHex, slotHex)
  if (slots === undefined) {
    slots = new Map()
    cache.map.set(addressHex, slots)
  }
  slots.set(slotHex, value)
  return value
}

/**
 * adjustSstoreGasEIP2929 (EIP2929.js, 10.1.3): the cheaper charge or refund when the slot is
 * already warm.
 */
function adjustSstoreGas(warm: boolean, defaultCost: bigint, costName: 'noop' | 'initRefund' | 'cleanRefund', common: Common): bigint {
  if (!warm) return defaultCost
  const warmRead = common.param('warmstoragereadGas')
  if (costName === 'noop') return warmRead
  if (costName === 'initRefund') return common.param('sstoreInitEIP2200Gas') - warmRead
  return common.param('sstoreResetGas') - common.param('coldsloadGas') - warmRead
}

/**
 * updateSstoreGasEIP2200 (EIP2200.js, 10.1.3) on the values as words. It compares
 * setLengthLeftStorage'd bytes (empty for zero, else 32 bytes), which is comparing the numbers.
 */
function sstoreGasEIP2200(
  interp: SloadInterpreter,
  warm: boolean,
  current: bigint,
  original: bigint,
  value: bigint,
  common: Common,
): bigint {
  if (interp.getGasLeft() <= common.param('sstoreSentryEIP2200Gas')) throw new EVMError(EVMError.errorMessages.OUT_OF_GAS)
  if (current === value) return adjustSstoreGas(warm, common.param('sstoreNoopEIP2200Gas'), 'noop', common)
  if (original === current) {
    if (original === BIGINT_0) return common.param('sstoreInitEIP2200Gas')
    if (value === BIGINT_0) interp.refundGas(common.param('sstoreClearRefundEIP2200Gas'), 'EIP-2200 -> sstoreClearRefundEIP2200')
    return common.param('sstoreCleanEIP2200Gas')
  }
  if (original !== BIGINT_0) {
    if (current === BIGINT_0) {
      interp.subRefund(common.param('sstoreClearRefundEIP2200Gas'), 'EIP-2200 -> sstoreClearRefundEIP2200')
    } else if (value === BIGINT_0) {
      interp.refundGas(common.param('sstoreClearRefundEIP2200Gas'), 'EIP-2200 -> sstoreClearRefundEIP2200')
    }
  }
  if (original === value) {
    if (original === BIGINT_0) {
      interp.refundGas(adjustSstoreGas(warm, common.param('sstoreInitRefundEIP2200Gas'), 'initRefund', common), 'EIP-2200 -> initRefund')
    } else {
      interp.refundGas(adjustSstoreGas(warm, common.param('sstoreCleanRefundEIP2200Gas'), 'cleanRefund', common), 'EIP-2200 -> cleanRefund')
    }
  }
  return common.param('sstoreDirtyEIP2200Gas')
}

/**
 * SSTORE as runStep would run it from Istanbul on with EIP-2929 (and none of EIPs 8037/8038/7928,
 * which the plan and the step-aside list rule out): the gas handler's EIP-2200 charge and refunds,
 * then warming, then the handler's interpreter.storageStore (write, then refresh the frame's
 * contract account).
 */
export function sstore(interp: SloadInterpreter, runState: RunState, info: OpcodeInfo, sm: JournaledStateManager, common: Common): void {
  if (interp.isStatic()) throw new EVMError(EVMError.errorMessages.STATIC_STATE_CHANGE)
  const [key, val] = runState.stack.peek(2)
  const slotHex = key.toString(16).padStart(64, '0')
  const address = interp.getAddress()
  const aHex = addressHex(address)
  const current = bytesToBigInt(sm.storageByHex(aHex, slotHex))
  const original = bytesToBigInt(originalStorageByHex(sm, aHex, slotHex))
  const warm = isWarmedStorageHex(interp.journal, aHex, slotHex)
  let gas = info.feeBigInt + sstoreGasEIP2200(interp, warm, current, original, val, common)
  if (!warm) {
    addWarmedStorageHex(interp.journal, address.bytes, aHex, slotHex)
    gas += common.param('coldsloadGas')
  }
  interp.useGas(gas, info)
  runState.programCounter++
  runState.stack.popN(2)
  sm.putStorageByHex(aHex, slotHex, val === BIGINT_0 ? new Uint8Array(0) : bigIntToBytes(val))
  const account = sm.accountByHex(aHex)
  if (!account) throw EthereumJSErrorWithoutCode('could not read account while persisting memory')
  interp._env.contract = account
  fastPathStats.syncSstores++
}
