/**
 * A chain that remembers what was done to it: every state-changing call, deploy, cheat and
 * snapshot, in order. Reproducers in other tools (a Foundry test) are written from this log, so
 * they make exactly the calls the harness made. Reads are not recorded: they change nothing.
 */
import type { Abi, Address, Hex } from 'viem'
import type { Chain, CallResult } from './chain.ts'

export type RecordedCall =
  | { op: 'deploy'; name: string; abi: Abi; args: readonly unknown[]; from?: Address; value?: bigint; address: Address }
  | { op: 'call'; to: Address; abi: Abi; functionName: string; args: readonly unknown[]; from?: Address; value?: bigint; result: CallResult }
  | { op: 'raw'; to: Address; data?: Hex; from?: Address; value?: bigint; ok: boolean }
  | { op: 'setBalance'; address: Address; wei: bigint }
  | { op: 'setTimestamp'; value: bigint }
  | { op: 'setBlockNumber'; value: bigint }
  | { op: 'snapshot'; id: number }
  | { op: 'revert'; id: number }

export type Recorder = { log: RecordedCall[] | undefined }

export function recordingChain(chain: Chain, rec: Recorder): Chain {
  const push = (c: RecordedCall) => rec.log?.push(c)
  return {
    get evmVersion() {
      return chain.evmVersion
    },
    get actors() {
      return chain.actors
    },
    get timestamp() {
      return chain.timestamp
    },
    get blockNumber() {
      return chain.blockNumber
    },
    actor: (n) => chain.actor(n),
    async deploy(p) {
      const address = await chain.deploy(p)
      push({ op: 'deploy', name: p.artifact.name, abi: p.artifact.abi, args: p.args ?? [], from: p.from, value: p.value, address })
      return address
    },
    async call(p) {
      const result = await chain.call(p)
      push({ op: 'call', to: p.address, abi: p.abi, functionName: p.functionName, args: p.args ?? [], from: p.from, value: p.value, result })
      return result
    },
    read: (p) => chain.read(p),
    readRaw: (p) => chain.readRaw(p),
    async callRaw(p) {
      const r = await chain.callRaw(p)
      push({ op: 'raw', to: p.to, data: p.data, from: p.from, value: p.value, ok: r.ok })
      return r
    },
    getBalance: (a) => chain.getBalance(a),
    async setBalance(a, wei) {
      await chain.setBalance(a, wei)
      push({ op: 'setBalance', address: a, wei })
    },
    setTimestamp(t) {
      chain.setTimestamp(t)
      push({ op: 'setTimestamp', value: t })
    },
    setBlockNumber(n) {
      chain.setBlockNumber(n)
      push({ op: 'setBlockNumber', value: n })
    },
    async snapshot() {
      const id = await chain.snapshot()
      push({ op: 'snapshot', id })
      return id
    },
    async revert(id) {
      await chain.revert(id)
      push({ op: 'revert', id })
    },
    getCode: (a) => chain.getCode(a),
    getNonce: (a) => chain.getNonce(a),
  }
}
