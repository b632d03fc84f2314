/** Patch 5 (see index.ts): runInterpreter without the per-frame runState spreads. */
import { EVMError, type EVM } from '@ethereumjs/evm'
import { Account, createZeroAddress } from '@ethereumjs/util'
import { EVM_VERSION, SOURCE_HASHES, hash16 } from './guard.ts'
import { BIGINT_0, fastPathStats, warnPatchOff } from './shared.ts'
import type { RunState } from './types.ts'

export type Msg = {
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
export type EvmInternals = {
  stateManager: { getAccount(a: unknown): Promise<Account | undefined> }
  blockchain: unknown
  journal: unknown
  performanceLogger: unknown
  _optsCached: { profiler?: unknown }
  _tx?: { gasPrice: bigint; origin?: unknown }
  _block?: unknown
  runInterpreter(message: Msg, opts?: { initialLogs?: unknown[]; pc?: number }): Promise<unknown>
}

/** evm.js runInterpreter() of 10.1.3, with `runState` built on first read (see patch 5 in index.ts). */
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

export function patchRunInterpreter(evm: EVM, interpreterPrototype: object): void {
  const e = evm as unknown as EvmInternals
  if (Object.prototype.hasOwnProperty.call(e, 'runInterpreter')) return
  const original = (Object.getPrototypeOf(e) as EvmInternals).runInterpreter
  if (hash16(original) !== SOURCE_HASHES.runInterpreter) return warnPatchOff('patch 5 (runInterpreter)', EVM_VERSION)
  const Interpreter = (interpreterPrototype as { constructor: InterpreterCtor }).constructor
  e.runInterpreter = makeFastRunInterpreter(Interpreter, original)
  fastPathStats.runInterpreterPatched = true
}
