/**
 * Patches 3 and 4 (see index.ts): synchronous copies of the dynamic gas handlers of opcodes whose
 * formula is memory expansion only (plus KECCAK256's and CALLDATACOPY's per-word cost).
 */
import type { Common } from '@ethereumjs/common'
import { EVMError } from '@ethereumjs/evm'
import { BIGINT_0, BIGINT_1, BIGINT_32 } from './shared.ts'
import type { RunState } from './types.ts'

/** opcodes/util.js divCeil, for the non-negative operands the stack holds. */
export function divCeil(a: bigint, b: bigint): bigint {
  const div = a / b
  return a % b === BIGINT_0 ? div : div + BIGINT_1
}

/** opcodes/util.js subMemUsage (10.1.3), verbatim apart from types. */
export function subMemUsage(runState: RunState, offset: bigint, length: bigint, common: Common): bigint {
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

export type SyncGas = (runState: RunState, gas: bigint, common: Common) => bigint
/** Synchronous twins of dynamic gas handlers in opcodes/gas.js (10.1.3), for opcodes with memory-only formulas. */
export const SYNC_GAS: Record<number, SyncGas> = {
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
