/** Patches 3 and 4 (see index.ts): the replaced opcode handlers, MSTORE and KECCAK256. */
import { bytesToHex, bytesToUnprefixedHex } from '@ethereumjs/util'
import { keccak256 } from 'viem'
import { BIGINT_0, fastPathStats } from './shared.ts'
import type { RunState } from './types.ts'

/** Digest (as the stack word) per input bytes in hex; cleared when it grows past KECCAK_CACHE_MAX. */
const KECCAK_CACHE = new Map<string, bigint>()
const KECCAK_CACHE_MAX = 50_000
const EMPTY_BYTES = new Uint8Array(0)

/** KECCAK256: 10.1.3's handler with the digest memoised (see patch 4 in index.ts). */
export function keccakOp(runState: RunState): void {
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
export function mstore(runState: RunState): void {
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
