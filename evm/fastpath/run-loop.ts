/** Patch 3 (see index.ts): Interpreter.prototype.run with synchronous steps. */
import { EVMError } from '@ethereumjs/evm'
import { JournaledStateManager } from '../state.ts'
import { EVM_VERSION, SOURCE_HASHES, hash16 } from './guard.ts'
import { planFor } from './plan.ts'
import { BIGINT_0, COVERAGE_SINKS, FASTPATH_EVMS, fastPathStats, warnPatchOff } from './shared.ts'
import { type SloadInterpreter, ORIGINAL_STORAGE_REVIEWED, interpreterStorageReviewed, journalReviewed, reviewInterpreterStorage, sload, sstore } from './storage.ts'
import type { InterpreterLike, OpEntry, RunResult, RunState } from './types.ts'

const STEP_ASIDE_EIPS = [3540, 6800, 7864, 7928, 8037]

export function patchRunLoop(proto: InterpreterLike): void {
  const originalRun = proto.run
  if (hash16(originalRun) !== SOURCE_HASHES.run || hash16(proto.runStep) !== SOURCE_HASHES.runStep || hash16(proto.useGas) !== SOURCE_HASHES.useGas) {
    warnPatchOff('patch 3 (run loop)', EVM_VERSION)
    return
  }
  fastPathStats.loopPatched = true
  reviewInterpreterStorage(proto)
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

/** interpreter.js run() of 10.1.3 with the EOF, EIP-7864 and profiler branches removed (see patch 3 in index.ts). */
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
  // Coverage (evm/coverage.ts): the blocks this frame starts, handed over when it ends.
  const sink = COVERAGE_SINKS.get(this._evm)
  const trail: number[] | undefined = sink && []
  if (trail && pc === 0) trail.push(0)
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
    if (trail !== undefined && opCode === 0x5b) trail.push(programCounter)
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
      // A JUMPI not taken starts a block at the next pc; onto a JUMPDEST, that JUMPDEST counts it.
      if (trail !== undefined && opCode === 0x57 && runState.programCounter === programCounter + 1 && code[programCounter + 1] !== 0x5b) {
        trail.push(programCounter + 1)
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
  if (sink !== undefined) sink.record(code, trail!, err !== undefined)
  return { runState, exceptionError: err }
}
