/**
 * Speed-ups for @ethereumjs/evm that change no observable behaviour. Every patch vaultcheck applies
 * to ethereumjs lives here, and nowhere else.
 *
 * Checked against @ethereumjs/evm 10.1.3 and @ethereumjs/common 10.1.3 (dist/esm). After an
 * upgrade, re-read the methods named below and re-run test/chain.test.ts (it compares the chain with
 * and without these patches) and bench/chain-throughput.ts.
 *
 * Why: a profile of OpenZeppelin ERC4626 deposit/redeem calls showed two hot spots that are pure
 * recomputation:
 *
 *  1. `Interpreter.prototype._getValidJumpDestinations(code)` runs on the first JUMP of EVERY call
 *     frame and walks the whole bytecode, building the JUMPDEST bitmap, the decoded PUSH immediates
 *     and the per-pc opcode table (~11% of the time). Its result depends only on the code bytes and
 *     on the EVM's opcode table / EIPs, and the interpreter only ever READS it (checked:
 *     `runState.validJumps[dest] === 1` in opcodes/util.js, `runState.cachedPushes[pc]` in
 *     opcodes/functions.js, `cachedOpcodes[pc]` in interpreter.js run()). So we memoise it per
 *     (EVM opcode table, code Uint8Array identity). Code arrays come from the state manager, which
 *     keeps the same Uint8Array for a contract's code and never writes into it; init code (a new
 *     array per deploy) simply misses the cache, and the WeakMap lets it be collected.
 *     The patch is on the prototype (the Interpreter is created per call frame) but only acts for
 *     EVMs registered with `enableFastPath`; every other EVM runs the original method.
 *
 *  2. `Common` answers `isActivatedEIP` with `Array.prototype.includes` over ~90 EIPs,
 *     `gteHardfork` by scanning the hardfork list, `consensusType()` by scanning hardfork changes
 *     and `param()` with a `BigInt()` conversion, and the interpreter asks these per opcode / per
 *     frame (~10%). For a Common whose hardfork and EIPs never change, the answers are constant: we
 *     memoise them on that one Common instance (own properties, not the prototype). Should anything
 *     call `setHardfork`/`setHardforkBy`/`setEIPs`/`updateParams`/`resetParams` later, the memo is
 *     dropped.
 *
 *  3. `Interpreter.prototype.run` awaits the async `runStep` for EVERY opcode: one promise and one
 *     microtask per PUSH/DUP/ADD..., which made the interpreter loop and the garbage collector the
 *     top of the profile. `fastRun` below is a copy of 10.1.3's `run` loop that executes an opcode
 *     synchronously when its handler is synchronous and its gas is either static or one of the
 *     memory-expansion formulas (MLOAD/MSTORE/MSTORE8, CALLDATACOPY, RETURN/REVERT, LOG0-4, copied
 *     from opcodes/gas.js + subMemUsage in opcodes/util.js); every other opcode still goes through
 *     the original `runStep`. "Synchronous" goes by the handler, not by codes.js' isAsync flag,
 *     which also marks plain functions (ADDRESS, CALLER, CALLVALUE, CALLDATALOAD...) whose
 *     undefined result runStep merely awaits. MSTORE's handler is replaced by one that writes the
 *     word straight into memory (10.1.3 builds it with setLengthLeft, which pads through array
 *     spreads). It steps aside (calls the original `run`) whenever anything it does not replicate
 *     could matter: step listeners or DEBUG, the profiler, EOF code, or any of EIPs
 *     3540/6800/7864/7928/8037 active.
 *     Because this copies ethereumjs code, it is installed only if the source text of the methods
 *     it replaces hashes to what was reviewed (SOURCE_HASHES); otherwise it is silently skipped
 *     (`fastPathStats.loopPatched` says which), leaving patches 1 and 2.
 *
 *  4. `KECCAK256` (0x20) is synchronous but has dynamic gas, so patch 3 sent it through the async
 *     `runStep`; its gas formula (memory expansion + per-word cost, copied from opcodes/gas.js) is
 *     now run synchronously like MLOAD's. Its handler is replaced by one that memoises the digest
 *     per input bytes: Solidity hashes the same (key, mapping slot) pairs over and over, and a
 *     JS keccak of 64 bytes costs several times a Map look-up. Only when Common has no
 *     customCrypto.keccak256. Guarded by the same source hashes ('gas:0x20', 'op:0x20').
 *
 *  5. `EVM.prototype.runInterpreter` ends every call frame by building
 *     `runState: { ...interpreterRes.runState, ...result, ...interpreter._env }`: two spreads of
 *     ~20-property objects per frame (~4% of the time plus the garbage). Nothing in
 *     @ethereumjs/evm or /vm 10.1.3 reads `execResult.runState` (grepped: only runCode's callers
 *     do, e.g. createChain's probe), so `fastRunInterpreter` (a copy of 10.1.3's method) builds the
 *     same object on first access instead, through an enumerable getter that then replaces itself
 *     with the data property (shared accessor functions: see LAZY_RUN_STATE). Installed on the
 *     EVM instance (not the prototype) only if the method's source hashes to the reviewed value.
 *
 *  6. SLOAD and SSTORE went through the async `runStep`: their gas handlers and handlers each
 *     padded the key into 32 bytes, the journal, the original-storage cache and the state manager
 *     hex-encoded key and address again for every look-up, and an SSTORE awaited nine promises.
 *     With EIP-2929 on and the chain's JournaledStateManager, `sload` and `sstore` below do the
 *     same (same warm/cold charge, EIP-2200 charge and refunds, journal and cache entries, stored
 *     value, refreshed frame account) with the key formatted once and no promise. Guarded by the
 *     source hashes of both opcodes' handlers, the Journal, OriginalStorageCache and Interpreter
 *     methods they call, and (for the EIP-2200 helpers, which are not exported) the
 *     @ethereumjs/evm version; any other state manager takes the original path. test/chain.test.ts
 *     compares gas used, refunds, errors and storage with stock ethereumjs on generated SSTORE/SLOAD
 *     sequences (static calls, reverts, the 2300-gas sentry).
 *
 *  7. `EVM.prototype._executeCall` hands runInterpreter `{ ...{ codeAddress }, ...message, gasLimit }`;
 *     that spread alone was ~15% of a deposit call (see makeFastExecuteCall). The copy on the EVM
 *     instance builds the same object with Object.assign and keeps the rest of the method, minus
 *     the branches of EIPs it steps aside for. Installed only if the method's source hashes to the
 *     reviewed value; the same test generates calls to a precompile, to an account without code
 *     and to itself, with and without the value to send, and transient storage across frames.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { Hardfork, type Common } from '@ethereumjs/common'
import { EVMError, type EVM } from '@ethereumjs/evm'
import { OriginalStorageCache } from '@ethereumjs/statemanager'
import {
  Account,
  bigIntToBytes,
  bytesToBigInt,
  bytesToHex,
  bytesToUnprefixedHex,
  createZeroAddress,
  EthereumJSErrorWithoutCode,
} from '@ethereumjs/util'
import { keccak256 } from 'viem'
import { JournaledStateManager } from './state.ts'

type JumpAnalysis = { jumps: Uint8Array; pushes: Record<number, bigint>; opcodesCached: unknown[] }
type OpcodeInfo = { code: number; isAsync: boolean; dynamicGas: boolean; isInvalid: boolean; feeBigInt: bigint }
type OpEntry = {
  opcodeInfo: OpcodeInfo
  opHandler: (runState: RunState, common: Common) => unknown
  gasHandler?: (runState: RunState, gas: bigint, common: Common) => unknown
}
type Memory = { _store: Uint8Array; extend(offset: number, size: number): void; read(offset: number, size: number): Uint8Array }
type RunState = {
  programCounter: number
  opCode: number
  code: Uint8Array
  validJumps: Uint8Array
  cachedPushes: Record<number, bigint>
  shouldDoJumpAnalysis: boolean
  gasLeft: bigint
  memory: Memory
  memoryWordCount: bigint
  highestMemCost: bigint
  stack: { peek(n?: number): bigint[]; pop(): bigint; popN(n: number): bigint[]; push(v: bigint): void }
  env: { accessWitness?: { commit(): void; revert(): void } }
  interpreter: { isStatic(): boolean }
  eip8037BurnLeftoverAfterCreateHaltOntoAlive?: boolean
}
type RunResult = { runState: RunState; exceptionError?: unknown }
type InterpreterLike = {
  _evm: EVM & { _opcodeMap: OpEntry[]; DEBUG: boolean }
  _runState: RunState
  common: Common
  profilerOpts?: { enabled?: boolean }
  _getValidJumpDestinations(code: Uint8Array): JumpAnalysis
  run(code: Uint8Array, opts?: { pc?: number }): Promise<RunResult>
  runStep(entry?: OpEntry): Promise<void>
  useGas(amount: bigint, context?: unknown): void
}

/** sha256 (first 16 hex) of the source text of the 10.1.3 methods patch 3 replaces or relies on. */
const SOURCE_HASHES: Record<string, string> = {
  run: '8e769d9b5ec21205',
  runStep: 'cc2ccda2341c2f42',
  useGas: '2362d4d43a082739',
  'gas:0x51': '160c132911371eb2',
  'gas:0x52': '6ad9393e3de696fe',
  'gas:0x53': '50702563129d262a',
  'op:0x52': '29edc93190b4e005',
  'gas:0x20': '5842e8c742c7782c',
  'gas:0x37': 'c1c4be957f61e467',
  'gas:0xf3': '78f2f17fb10abd8e',
  'gas:0xfd': '78f2f17fb10abd8e',
  'gas:0xa0': 'de048fe2e93ad689',
  'gas:0xa1': 'de048fe2e93ad689',
  'gas:0xa2': 'de048fe2e93ad689',
  'gas:0xa3': 'de048fe2e93ad689',
  'gas:0xa4': 'de048fe2e93ad689',
  'op:0x20': '5ec46a4fd5dac211',
  runInterpreter: '1f4905264075376d',
  executeCall: 'f2358d2eeecc46e1',
  'gas:0x54': 'bcc3d658b9e4417b',
  'op:0x54': 'f0aad8fd616a7024',
  isWarmedStorage: '52bfcecd810efc2b',
  addWarmedStorage: '4025a2e5951e6487',
  storageLoad: 'b214ad54b3e98264',
  'gas:0x55': 'b51063daf05d5f11',
  'op:0x55': '707207ab1d17a826',
  storageStore: 'a9c09252524190c3',
  refundGas: '00601ac0a27b7bdc',
  subRefund: '1aa67976a364cf40',
  isStatic: 'f127ff372c0f8f9a',
  getGasLeft: 'baa17b69379ca0f1',
  originalStorageGet: 'fb3b7b86ed073928',
  originalStoragePut: '017a8e80ac4c68c4',
  getAddress: '02483f1e9c6cd7e1',
}
const hash16 = (f: unknown) => createHash('sha256').update(String(f)).digest('hex').slice(0, 16)

const FASTPATH_EVMS = new WeakSet<object>()
/** Per opcode table (one per EVM instance and hardfork), per code array. */
const JUMP_CACHE = new WeakMap<object, WeakMap<Uint8Array, JumpAnalysis>>()
const PATCHED_PROTOTYPES = new WeakSet<object>()
const PATCHED_LOOPS = new WeakSet<object>()

/** Counters for tests and the bench (hits prove the cache is used). */
export const fastPathStats = {
  jumpCacheHits: 0,
  jumpCacheMisses: 0,
  loopPatched: false,
  fastRuns: 0,
  keccakCacheHits: 0,
  runInterpreterPatched: false,
  syncSloads: 0,
  syncSstores: 0,
  executeCallPatched: false,
}

function patchInterpreterPrototype(proto: InterpreterLike): void {
  if (PATCHED_PROTOTYPES.has(proto)) return
  PATCHED_PROTOTYPES.add(proto)
  const original = proto._getValidJumpDestinations
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

// ----------------------------------------------------------------------------------------------
// Patch 3: synchronous steps.

const BIGINT_0 = 0n
const BIGINT_1 = 1n
const BIGINT_32 = 32n

/** opcodes/util.js divCeil, for the non-negative operands the stack holds. */
function divCeil(a: bigint, b: bigint): bigint {
  const div = a / b
  return a % b === BIGINT_0 ? div : div + BIGINT_1
}

/** opcodes/util.js subMemUsage (10.1.3), verbatim apart from types. */
function subMemUsage(runState: RunState, offset: bigint, length: bigint, common: Common): bigint {
  if (length === BIGINT_0) return BIGINT_0
  const newMemoryWordCount = divCeil(offset + length, BIGINT_32)
  if (newMemoryWordCount <= runState.memoryWordCount) return BIGINT_0
  const words = newMemoryWordCount
  const fee = common.param('memoryGas')
  const quadCoefficient = common.param('quadCoefficientDivGas')
  let cost = words * fee + (words * words) / quadCoefficient
  if (cost > runState.highestMemCost) {
    const currentHighestMemCost = runState.highestMemCost
    runState.highestMemCost = cost
    cost -= currentHighestMemCost
  }
  runState.memoryWordCount = newMemoryWordCount
  return cost
}

type SyncGas = (runState: RunState, gas: bigint, common: Common) => bigint
/** Synchronous twins of dynamic gas handlers in opcodes/gas.js (10.1.3), for opcodes with memory-only formulas. */
const SYNC_GAS: Record<number, SyncGas> = {
  0x51: (rs, gas, common) => gas + subMemUsage(rs, rs.stack.peek()[0], BIGINT_32, common),
  0x52: (rs, gas, common) => gas + subMemUsage(rs, rs.stack.peek()[0], BIGINT_32, common),
  0x53: (rs, gas, common) => gas + subMemUsage(rs, rs.stack.peek()[0], BIGINT_1, common),
  0x20: (rs, gas, common) => {
    const [offset, length] = rs.stack.peek(2)
    gas += subMemUsage(rs, offset, length, common)
    gas += common.param('keccak256WordGas') * divCeil(length, BIGINT_32)
    return gas
  },
  // CALLDATACOPY
  0x37: (rs, gas, common) => {
    const [memOffset, , dataLength] = rs.stack.peek(3)
    gas += subMemUsage(rs, memOffset, dataLength, common)
    if (dataLength !== BIGINT_0) gas += common.param('copyGas') * divCeil(dataLength, BIGINT_32)
    return gas
  },
  0xf3: returnGas,
  0xfd: returnGas,
  0xa0: logGas,
  0xa1: logGas,
  0xa2: logGas,
  0xa3: logGas,
  0xa4: logGas,
}

/** RETURN's and REVERT's shared gas handler (one function in opcodes/gas.js too). */
function returnGas(rs: RunState, gas: bigint, common: Common): bigint {
  const [offset, length] = rs.stack.peek(2)
  return gas + subMemUsage(rs, offset, length, common)
}

/** LOG0..LOG4's shared gas handler. */
function logGas(rs: RunState, gas: bigint, common: Common): bigint {
  if (rs.interpreter.isStatic()) throw new EVMError(EVMError.errorMessages.STATIC_STATE_CHANGE)
  const [memOffset, memLength] = rs.stack.peek(2)
  const topicsCount = rs.opCode - 0xa0
  if (topicsCount < 0 || topicsCount > 4) throw new EVMError(EVMError.errorMessages.OUT_OF_RANGE)
  gas += subMemUsage(rs, memOffset, memLength, common)
  gas += common.param('logTopicGas') * BigInt(topicsCount) + memLength * common.param('logDataGas')
  return gas
}

/** Digest (as the stack word) per input bytes in hex; cleared when it grows past KECCAK_CACHE_MAX. */
const KECCAK_CACHE = new Map<string, bigint>()
const KECCAK_CACHE_MAX = 50_000
const EMPTY_BYTES = new Uint8Array(0)

/** KECCAK256: 10.1.3's handler with the digest memoised (see patch 4 above). */
function keccakOp(runState: RunState): void {
  const [offset, length] = runState.stack.popN(2)
  let data: Uint8Array = EMPTY_BYTES
  if (length !== BIGINT_0) data = runState.memory.read(Number(offset), Number(length))
  const key = bytesToUnprefixedHex(data)
  let r = KECCAK_CACHE.get(key)
  if (r === undefined) {
    r = BigInt(bytesToHex(keccak256(data, 'bytes')))
    if (KECCAK_CACHE.size >= KECCAK_CACHE_MAX) KECCAK_CACHE.clear()
    KECCAK_CACHE.set(key, r)
  } else {
    fastPathStats.keccakCacheHits++
  }
  runState.stack.push(r)
}

const HEX_VALUE = new Int8Array(128).fill(-1)
for (let i = 0; i < 10; i++) HEX_VALUE[48 + i] = i
for (let i = 0; i < 6; i++) HEX_VALUE[97 + i] = 10 + i

/** MSTORE: the 32-byte big-endian word written in place (same effect as 10.1.3's handler). */
function mstore(runState: RunState): void {
  const [offset, word] = runState.stack.popN(2)
  const off = Number(offset)
  const memory = runState.memory
  memory.extend(off, 32)
  const store = memory._store
  store.fill(0, off, off + 32)
  if (word === BIGINT_0) return
  const hex = word.toString(16)
  let j = off + 31
  let i = hex.length
  while (i > 1) {
    const lo = HEX_VALUE[hex.charCodeAt(--i)]
    const hi = HEX_VALUE[hex.charCodeAt(--i)]
    store[j--] = (hi << 4) | lo
  }
  if (i === 1) store[j] = HEX_VALUE[hex.charCodeAt(0)]
}

/**
 * How each opcode runs: 0 = original async runStep, 1 = sync static gas, 2 = sync with SYNC_GAS,
 * 3 = SLOAD/SSTORE through `sload`/`sstore` below when the run allows it (else runStep).
 */
type Plan = { mode: Uint8Array; awaitResult: Uint8Array; gas: (SyncGas | undefined)[]; handler: OpEntry['opHandler'][] }
const PLANS = new WeakMap<object, Plan>()

function planFor(opcodeMap: OpEntry[], common: Common): Plan {
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
  if (
    sstoreEntry.opcodeInfo.code === 0x55 &&
    hash16(sstoreEntry.gasHandler) === SOURCE_HASHES['gas:0x55'] &&
    hash16(sstoreEntry.opHandler) === SOURCE_HASHES['op:0x55'] &&
    EVM_VERSION_REVIEWED &&
    common.isActivatedEIP(2929) &&
    !common.isActivatedEIP(8038) &&
    // From Istanbul on (which also rules out Constantinople's EIP-1283 rule): EIP-2200.
    common.gteHardfork(Hardfork.Istanbul)
  ) {
    plan.mode[0x55] = 3
  }
  const sloadEntry = opcodeMap[0x54]
  if (
    sloadEntry.opcodeInfo.code === 0x54 &&
    hash16(sloadEntry.gasHandler) === SOURCE_HASHES['gas:0x54'] &&
    hash16(sloadEntry.opHandler) === SOURCE_HASHES['op:0x54'] &&
    common.isActivatedEIP(2929)
  ) {
    plan.mode[0x54] = 3
  }
  PLANS.set(opcodeMap, plan)
  return plan
}

const STEP_ASIDE_EIPS = [3540, 6800, 7864, 7928, 8037]

// ----------------------------------------------------------------------------------------------
// Patch 6: SLOAD and SSTORE without promises.

/** The parts of @ethereumjs/evm's Journal (10.1.3) that warm storage slots. */
type WarmJournal = {
  journal: Map<string, Set<string>>
  alwaysWarmJournal: Map<string, Set<string>>
  journalDiff: [number, [Set<string>, Map<string, Set<string>>, ...unknown[]]][]
  accessList?: Map<string, Set<string>>
  addWarmedAddress(address: Uint8Array): void
}
type SloadInterpreter = InterpreterLike & {
  journal: WarmJournal
  _env: { contract: Account }
  getAddress(): { bytes: Uint8Array }
  isStatic(): boolean
  getGasLeft(): bigint
  refundGas(amount: bigint, context?: string): void
  subRefund(amount: bigint, context?: string): void
}

/** The Interpreter.prototype methods sload/sstore rely on are the reviewed ones (set by patchRunLoop). */
let interpreterStorageReviewed = false
const INTERPRETER_STORAGE_METHODS = ['storageLoad', 'getAddress', 'storageStore', 'refundGas', 'subRefund', 'isStatic', 'getGasLeft']

/**
 * SSTORE's gas handler calls updateSstoreGasEIP2200 and adjustSstoreGasEIP2929, which the package
 * does not export (so their source cannot be hashed): the SSTORE path also requires the reviewed
 * @ethereumjs/evm release.
 */
const EVM_VERSION_REVIEWED = (() => {
  const require = createRequire(import.meta.url)
  for (let dir = path.dirname(require.resolve('@ethereumjs/evm')); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json')
    if (!fs.existsSync(file)) continue
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string }
    if (pkg.name === '@ethereumjs/evm') return pkg.version === '10.1.3'
  }
  return false
})()

const ORIGINAL_STORAGE_REVIEWED =
  hash16(OriginalStorageCache.prototype.get) === SOURCE_HASHES.originalStorageGet &&
  hash16(OriginalStorageCache.prototype.put) === SOURCE_HASHES.originalStoragePut
const REVIEWED_JOURNALS = new WeakMap<object, boolean>()
function journalReviewed(journal: WarmJournal): boolean {
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
function sload(interp: SloadInterpreter, runState: RunState, info: OpcodeInfo, sm: JournaledStateManager, common: Common): void {
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
function sstore(interp: SloadInterpreter, runState: RunState, info: OpcodeInfo, sm: JournaledStateManager, common: Common): void {
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

function patchRunLoop(proto: InterpreterLike): void {
  const originalRun = proto.run
  if (hash16(originalRun) !== SOURCE_HASHES.run || hash16(proto.runStep) !== SOURCE_HASHES.runStep || hash16(proto.useGas) !== SOURCE_HASHES.useGas) {
    return
  }
  fastPathStats.loopPatched = true
  interpreterStorageReviewed = INTERPRETER_STORAGE_METHODS.every(
    (m) => hash16((proto as unknown as Record<string, unknown>)[m]) === SOURCE_HASHES[m],
  )
  proto.run = function (this: InterpreterLike, code: Uint8Array, opts: { pc?: number } = {}): Promise<RunResult> {
    const evm = this._evm
    if (
      !FASTPATH_EVMS.has(evm) ||
      evm.DEBUG ||
      evm.events.listenerCount('step') > 0 ||
      this.profilerOpts?.enabled === true ||
      STEP_ASIDE_EIPS.some((eip) => this.common.isActivatedEIP(eip))
    ) {
      return originalRun.call(this, code, opts)
    }
    return fastRun.call(this, code, opts)
  }
}

/** interpreter.js run() of 10.1.3 with the EOF, EIP-7864 and profiler branches removed (see above). */
async function fastRun(this: InterpreterLike, code: Uint8Array, opts: { pc?: number }): Promise<RunResult> {
  fastPathStats.fastRuns++
  const runState = this._runState
  runState.code = code
  runState.programCounter = opts.pc ?? runState.programCounter
  const pc = runState.programCounter
  if (pc !== 0 && (pc < 0 || pc >= runState.code.length)) {
    throw new Error('Internal error: program counter not in range')
  }
  const opcodeMap = this._evm._opcodeMap
  const plan = planFor(opcodeMap, this.common)
  const { mode, awaitResult, gas: syncGas, handler } = plan
  const common = this.common
  const sm = (runState as RunState & { stateManager: unknown }).stateManager
  const syncStorage =
    interpreterStorageReviewed &&
    ORIGINAL_STORAGE_REVIEWED &&
    sm instanceof JournaledStateManager &&
    journalReviewed((this as SloadInterpreter).journal)
  let err: { error: string } | undefined
  let cachedOpcodes: OpEntry[] | undefined
  let doJumpAnalysis = true
  while (runState.programCounter < runState.code.length) {
    const programCounter = runState.programCounter
    let opCode: number
    let opCodeObj: OpEntry | undefined
    if (doJumpAnalysis) {
      opCode = runState.code[programCounter]
      if (opCode === 0x56 || opCode === 0x57 || opCode === 0x5e) {
        const { jumps, pushes, opcodesCached } = this._getValidJumpDestinations(runState.code)
        runState.validJumps = jumps
        runState.cachedPushes = pushes
        runState.shouldDoJumpAnalysis = false
        cachedOpcodes = opcodesCached as OpEntry[]
        doJumpAnalysis = false
      }
    } else {
      opCodeObj = cachedOpcodes![programCounter]
      opCode = opCodeObj.opcodeInfo.code
    }
    runState.opCode = opCode
    try {
      const m = mode[opCode]
      if (m === 0 || (m === 3 && !syncStorage)) {
        await this.runStep(opCodeObj)
      } else if (m === 3) {
        const info = (opCodeObj ?? opcodeMap[opCode]).opcodeInfo
        if (opCode === 0x54) sload(this as SloadInterpreter, runState, info, sm as JournaledStateManager, common)
        else sstore(this as SloadInterpreter, runState, info, sm as JournaledStateManager, common)
        runState.env.accessWitness?.commit()
      } else {
        // runStep() for a synchronous opcode, minus what the guards above rule out.
        const info = (opCodeObj ?? opcodeMap[opCode]).opcodeInfo
        let gas = info.feeBigInt
        if (m === 2) gas = syncGas[opCode]!(runState, gas, common)
        if (info.isInvalid) throw new EVMError(EVMError.errorMessages.INVALID_OPCODE)
        this.useGas(gas, info)
        runState.programCounter++
        const r = handler[opCode](runState, common)
        // A plain handler flagged async could still hand back a promise; runStep would await it.
        if (awaitResult[opCode] === 1 && r !== undefined && typeof (r as PromiseLike<unknown>).then === 'function') await r
        runState.env.accessWitness?.commit()
      }
    } catch (e) {
      runState.env.accessWitness?.revert()
      const ev = e as { errorType?: string; error?: string }
      if (!(typeof e === 'object' && e !== null && 'errorType' in e && ev.errorType === 'EVMError')) throw e
      if (ev.error !== EVMError.errorMessages.STOP) err = ev as { error: string }
      break
    }
  }
  if (err === undefined && runState.eip8037BurnLeftoverAfterCreateHaltOntoAlive === true && runState.gasLeft > BIGINT_0) {
    runState.gasLeft = BIGINT_0
    err = new EVMError(EVMError.errorMessages.OUT_OF_GAS)
  }
  return { runState, exceptionError: err }
}

// ----------------------------------------------------------------------------------------------
// Patch 5: runInterpreter without the per-frame runState spreads.

type Msg = {
  to?: unknown
  caller?: unknown
  data?: Uint8Array
  value?: bigint
  code?: unknown
  isStatic?: boolean
  isCreate?: boolean
  depth?: number
  codeAddress?: unknown
  gasRefund?: bigint
  chargeCodeAccesses?: boolean
  blobVersionedHashes?: unknown[]
  accessWitness?: { commit(): void }
  createdAddresses?: Set<string>
  selfdestruct?: Map<string, unknown>
  gasLimit: bigint
}
type InterpreterResult = { logs: unknown[]; returnValue?: Uint8Array; selfdestruct: unknown; createdAddresses?: unknown }
type FullRunState = RunState & { gasRefund: bigint; stateGasSpilled: bigint }
type InterpreterInstance = {
  _result: InterpreterResult
  _env: object
  run(code: unknown, opts: object): Promise<{ runState: FullRunState; exceptionError?: { error: string } }>
}
type InterpreterCtor = new (...args: unknown[]) => InterpreterInstance
type EvmInternals = {
  stateManager: { getAccount(a: unknown): Promise<Account | undefined> }
  blockchain: unknown
  journal: unknown
  performanceLogger: unknown
  _optsCached: { profiler?: unknown }
  _tx?: { gasPrice: bigint; origin?: unknown }
  _block?: unknown
  runInterpreter(message: Msg, opts?: { initialLogs?: unknown[]; pc?: number }): Promise<unknown>
}

/** evm.js runInterpreter() of 10.1.3, with `runState` built on first read (see patch 5 above). */
function makeFastRunInterpreter(Interpreter: InterpreterCtor, original: EvmInternals['runInterpreter']) {
  return async function fastRunInterpreter(this: EvmInternals, message: Msg, opts: { initialLogs?: unknown[]; pc?: number } = {}) {
    // 10.1.3 would use defaultBlock() here; runCall/runCode always set both, so never reached.
    if (this._tx === undefined || this._block === undefined) return original.call(this, message, opts)
    let contract = await this.stateManager.getAccount(message.to ?? createZeroAddress())
    if (!contract) contract = new Account()
    const env = {
      address: message.to ?? createZeroAddress(),
      caller: message.caller ?? createZeroAddress(),
      callData: message.data ?? Uint8Array.from([0]),
      callValue: message.value ?? BIGINT_0,
      code: message.code,
      isStatic: message.isStatic ?? false,
      isCreate: message.isCreate ?? false,
      depth: message.depth ?? 0,
      gasPrice: this._tx.gasPrice,
      origin: this._tx.origin ?? message.caller ?? createZeroAddress(),
      block: this._block,
      contract,
      codeAddress: message.codeAddress,
      gasRefund: message.gasRefund,
      chargeCodeAccesses: message.chargeCodeAccesses,
      blobVersionedHashes: message.blobVersionedHashes ?? [],
      accessWitness: message.accessWitness,
      createdAddresses: message.createdAddresses,
      initialLogs: opts.initialLogs,
    }
    const interpreter = new Interpreter(
      this,
      this.stateManager,
      this.blockchain,
      env,
      message.gasLimit,
      this.journal,
      this.performanceLogger,
      this._optsCached.profiler,
    )
    if (message.selfdestruct) interpreter._result.selfdestruct = message.selfdestruct
    if (message.createdAddresses) interpreter._result.createdAddresses = message.createdAddresses
    const interpreterRes = await interpreter.run(message.code, opts)
    let result = interpreter._result
    let gasUsed = message.gasLimit - interpreterRes.runState.gasLeft
    if (interpreterRes.exceptionError) {
      if (
        interpreterRes.exceptionError.error !== EVMError.errorMessages.REVERT &&
        interpreterRes.exceptionError.error !== EVMError.errorMessages.INVALID_EOF_FORMAT
      ) {
        gasUsed = message.gasLimit
      }
      result = { ...result, logs: [], selfdestruct: new Map(), createdAddresses: new Set() }
    }
    message.accessWitness?.commit()
    const finalResult = result
    // Same keys, values and order as 10.1.3's eager `runState: {...}`; runState computed on first
    // read. Shared accessor functions (the thunk hides in a non-enumerable symbol property): an
    // object literal with its own getter and setter after a spread was built in dictionary mode,
    // and those objects were a third of what survived young-generation collections.
    const out = { ...finalResult } as Record<PropertyKey, unknown>
    Object.defineProperty(out, RUN_STATE_THUNK, { value: () => ({ ...interpreterRes.runState, ...finalResult, ...interpreter._env }) })
    Object.defineProperty(out, 'runState', LAZY_RUN_STATE)
    out.exceptionError = interpreterRes.exceptionError
    out.gas = interpreterRes.runState?.gasLeft
    out.executionGasUsed = gasUsed
    out.gasRefund = interpreterRes.runState.gasRefund
    out.stateGasSpilled = interpreterRes.runState.stateGasSpilled
    out.returnValue = finalResult.returnValue ?? new Uint8Array(0)
    return out
  }
}

const RUN_STATE_THUNK = Symbol('runState thunk')
const LAZY_RUN_STATE: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: Record<PropertyKey, unknown>) {
    const v = (this[RUN_STATE_THUNK] as () => unknown)()
    Object.defineProperty(this, 'runState', { value: v, writable: true, enumerable: true, configurable: true })
    return v
  },
  set(this: object, v: unknown) {
    Object.defineProperty(this, 'runState', { value: v, writable: true, enumerable: true, configurable: true })
  },
}

function patchRunInterpreter(evm: EVM, interpreterPrototype: object): void {
  const e = evm as unknown as EvmInternals
  if (Object.prototype.hasOwnProperty.call(e, 'runInterpreter')) return
  const original = (Object.getPrototypeOf(e) as EvmInternals).runInterpreter
  if (hash16(original) !== SOURCE_HASHES.runInterpreter) return
  const Interpreter = (interpreterPrototype as { constructor: InterpreterCtor }).constructor
  e.runInterpreter = makeFastRunInterpreter(Interpreter, original)
  fastPathStats.runInterpreterPatched = true
}

// ----------------------------------------------------------------------------------------------
// Patch 7: _executeCall without the slow message spread.

type CallMessage = Msg & {
  caller: unknown
  to: unknown
  code?: Uint8Array | ((...a: unknown[]) => unknown)
  codeAddress: unknown
  delegatecall?: boolean
  isCompiled?: boolean
}
type ExecResult = { executionGasUsed: bigint; gasRefund?: bigint }
type CallInternals = EvmInternals & {
  DEBUG: boolean
  common: Common
  _executeCall(message: CallMessage): Promise<{ execResult: unknown }>
  _reduceSenderBalance(account: Account, message: CallMessage): Promise<void>
  _addToBalance(account: Account, message: CallMessage): Promise<void>
  _loadCode(message: CallMessage): Promise<void>
  runPrecompile(code: unknown, data: unknown, gasLimit: bigint): Promise<ExecResult>
  postMessageCleanup(): void
}

/** EIPs whose branches in _executeCall (10.1.3) fastExecuteCall leaves out: it steps aside for them. */
const EXECUTE_CALL_STEP_ASIDE_EIPS = [2780, 6800, 7708, 7864, 7928, 8037]

/**
 * evm.js _executeCall() of 10.1.3 for a Common with none of EXECUTE_CALL_STEP_ASIDE_EIPS, without
 * DEBUG or the profiler (it steps aside otherwise). The one change: the message handed to
 * runInterpreter is built with Object.assign instead of `{ ...{ codeAddress }, ...message,
 * gasLimit }` (same properties, values and order). A spread that does not come first in its
 * literal takes V8's generic path, and the copy it builds was slow to read afterwards: together
 * ~15% of a deposit call and ~20% of a view call.
 */
function makeFastExecuteCall(original: CallInternals['_executeCall']) {
  return async function fastExecuteCall(this: CallInternals, message: CallMessage): Promise<{ execResult: unknown }> {
    const common = this.common
    const profiling = (this._optsCached.profiler as { enabled?: boolean } | undefined)?.enabled === true
    if (this.DEBUG || profiling || EXECUTE_CALL_STEP_ASIDE_EIPS.some((eip) => common.isActivatedEIP(eip))) {
      return original.call(this, message)
    }
    const gasLimit = message.gasLimit
    let account = await this.stateManager.getAccount(message.caller)
    if (!account) account = new Account()
    let errorMessage: unknown
    if (!message.delegatecall) {
      try {
        await this._reduceSenderBalance(account, message)
      } catch (e) {
        errorMessage = e
      }
    }
    let toAccount = await this.stateManager.getAccount(message.to)
    if (!toAccount) toAccount = new Account()
    if (!message.delegatecall) {
      try {
        await this._addToBalance(toAccount, message)
      } catch (e) {
        errorMessage = e
      }
    }
    await this._loadCode(message)
    const code = message.code
    if (!code || (typeof code !== 'function' && code.length === 0) || errorMessage !== undefined) {
      const earlyResult = {
        gasRefund: message.gasRefund,
        executionGasUsed: message.gasLimit - gasLimit,
        exceptionError: errorMessage,
        returnValue: new Uint8Array(0),
        logs: undefined,
      }
      return { execResult: earlyResult }
    }
    let result: ExecResult
    if (message.isCompiled) {
      result = await this.runPrecompile(message.code, message.data, gasLimit)
      result.gasRefund = message.gasRefund
    } else {
      const copy = Object.assign({ codeAddress: message.codeAddress }, message, { gasLimit }) as CallMessage
      result = (await this.runInterpreter(copy, { initialLogs: undefined })) as ExecResult
    }
    if (message.depth === 0) this.postMessageCleanup()
    result.executionGasUsed += message.gasLimit - gasLimit
    return { execResult: result }
  }
}

function patchExecuteCall(evm: EVM): void {
  const e = evm as unknown as CallInternals
  if (Object.prototype.hasOwnProperty.call(e, '_executeCall')) return
  const original = (Object.getPrototypeOf(e) as CallInternals)._executeCall
  if (hash16(original) !== SOURCE_HASHES.executeCall) return
  e._executeCall = makeFastExecuteCall(original)
  fastPathStats.executeCallPatched = true
}

// ----------------------------------------------------------------------------------------------
// Patch 2: Common memo.

function memoiseCommon(common: Common): void {
  const c = common as unknown as Record<string, unknown> & {
    isActivatedEIP(eip: number): boolean
    gteHardfork(hf: string): boolean
    consensusType(): string
    param(name: string): bigint
  }
  if (Object.prototype.hasOwnProperty.call(c, '__vaultcheckFastPath')) return
  const proto = Object.getPrototypeOf(c) as typeof c
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

/**
 * Turns the fast path on for one EVM. `interpreterPrototype` is the prototype of the Interpreter
 * class that EVM instantiates: it is taken from a live call result (`execResult.runState.interpreter`)
 * rather than imported, because @ethereumjs/evm does not export it and a deep import could resolve
 * to a second copy of the module (src/ vs dist/) that the EVM never uses.
 */
export function enableFastPath(evm: EVM, interpreterPrototype: object): void {
  patchInterpreterPrototype(interpreterPrototype as InterpreterLike)
  if (!PATCHED_LOOPS.has(interpreterPrototype)) {
    PATCHED_LOOPS.add(interpreterPrototype)
    patchRunLoop(interpreterPrototype as InterpreterLike)
  }
  memoiseCommon(evm.common)
  patchRunInterpreter(evm, interpreterPrototype)
  patchExecuteCall(evm)
  FASTPATH_EVMS.add(evm)
}
