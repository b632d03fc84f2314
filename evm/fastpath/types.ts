/** The shapes of @ethereumjs/evm 10.1.3 internals the fast-path patches read and write (not exported by the package). */
import type { Common } from '@ethereumjs/common'
import type { EVM } from '@ethereumjs/evm'

export type JumpAnalysis = { jumps: Uint8Array; pushes: Record<number, bigint>; opcodesCached: unknown[] }
export type OpcodeInfo = { code: number; isAsync: boolean; dynamicGas: boolean; isInvalid: boolean; feeBigInt: bigint }
export type OpEntry = {
  opcodeInfo: OpcodeInfo
  opHandler: (runState: RunState, common: Common) => unknown
  gasHandler?: (runState: RunState, gas: bigint, common: Common) => unknown
}
export type Memory = { _store: Uint8Array; extend(offset: number, size: number): void; read(offset: number, size: number): Uint8Array }
export type RunState = {
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
export type RunResult = { runState: RunState; exceptionError?: unknown }
export type InterpreterLike = {
  _evm: EVM & { _opcodeMap: OpEntry[]; DEBUG: boolean }
  _runState: RunState
  common: Common
  profilerOpts?: { enabled?: boolean }
  _getValidJumpDestinations(code: Uint8Array): JumpAnalysis
  run(code: Uint8Array, opts?: { pc?: number }): Promise<RunResult>
  runStep(entry?: OpEntry): Promise<void>
  useGas(amount: bigint, context?: unknown): void
}
