/**
 * An in-process Ethereum chain for running vault contracts: one @ethereumjs EVM over an in-memory
 * state, named actors with deterministic addresses, ABI encoding/decoding via viem, decoded
 * reverts, and cheap snapshots.
 *
 * Every call goes through `evm.runCall` (a bare message, not a signed transaction: ~4x faster than
 * runTx) with gas price 0, so native balances change only by value transfers. Each top-level call
 * is still treated like a transaction: the sender's nonce goes up, origin/target/precompiles/coinbase
 * start warm (EIP-2929/3651), and the access journal, transient storage and original-storage cache
 * are cleared afterwards.
 */
import { Common, Mainnet, type Hardfork } from '@ethereumjs/common'
import { createEVM, type EVM, type Log } from '@ethereumjs/evm'
import { SimpleStateManager } from '@ethereumjs/statemanager'
import { Account, Address as EthAddress, bytesToHex, bytesToUnprefixedHex, hexToBytes } from '@ethereumjs/util'
import {
  decodeAbiParameters,
  decodeEventLog,
  encodeAbiParameters,
  encodeDeployData,
  encodeFunctionData,
  decodeFunctionResult,
  getAddress,
  getContractAddress,
  keccak256,
  stringToHex,
  toEventSelector,
  toFunctionSelector,
  type Abi,
  type AbiEvent,
  type AbiFunction,
  type Address,
  type Hex,
} from 'viem'
import { formatAbiItem } from 'viem/utils'
import { DeployError, HarnessError, MalformedReturnError, ReadRevertedError, VaultcheckError } from './errors.ts'
import { enableFastPath } from './fastpath/index.ts'
import { JournaledStateManager } from './state.ts'
import { attachCoverage, type CoverageRecorder } from './coverage.ts'
import { DEFAULT_EVM_VERSION, toHardfork, type EvmVersion } from './evm-version.ts'
import { decodeRevert, formatRevert, type RevertReason } from './revert.ts'

type AbiError = Extract<Abi[number], { type: 'error' }>

export type { RevertReason } from './revert.ts'

export type ChainOptions = {
  evmVersion?: EvmVersion
  /** Gas limit of every call and deploy. Default 30_000_000n. */
  gasCap?: bigint
  /** Actor names. Default ['alice', 'bob', 'carol']. */
  actors?: readonly string[]
  /** Initial native balance of every actor, in wei. Default 10n ** 24n. */
  actorBalance?: bigint
  /**
   * Use the ethereumjs speed-ups in fastpath/ (default true). Only tests and the bench turn
   * this off, to show the speed-ups change nothing observable.
   */
  fastPath?: boolean
  /** Count which code runs (evm/coverage.ts); read it from the chain's `coverage`. Needs the fast path. */
  coverage?: boolean
}

export type DecodedLog = { address: Address; eventName?: string; args?: unknown; topics: Hex[]; data: Hex }
export type CallSuccess = { ok: true; result: unknown; returnData: Hex; logs: DecodedLog[]; gasUsed: bigint }
export type CallFailure = { ok: false; revert: RevertReason; gasUsed: bigint }
export type CallResult = CallSuccess | CallFailure
export type RawCallResult = { ok: boolean; returnData: Hex; revert?: RevertReason; logs: DecodedLog[]; gasUsed: bigint }
export type SnapshotId = number & { readonly __brand: 'SnapshotId' }
export type Artifact = { name: string; abi: Abi; bytecode: Hex }

export interface Chain {
  readonly evmVersion: EvmVersion
  readonly actors: Readonly<Record<string, Address>>
  actor(name: string): Address
  deploy(p: { artifact: Artifact; args?: readonly unknown[]; from?: Address; value?: bigint }): Promise<Address>
  call(p: {
    address: Address
    abi: Abi
    functionName: string
    args?: readonly unknown[]
    from?: Address
    value?: bigint
  }): Promise<CallResult>
  read<T = unknown>(p: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[]; from?: Address }): Promise<T>
  callRaw(p: { from?: Address; to: Address; data?: Hex; value?: bigint }): Promise<RawCallResult>
  /**
   * A read-only call with raw calldata: state is reverted afterwards (like `read`), nothing is
   * decoded. The observation lens uses it with calldata encoded once per run.
   */
  readRaw(p: { from?: Address; to: Address; data: Uint8Array }): Promise<{ ok: boolean; returnData: Uint8Array }>
  getBalance(a: Address): Promise<bigint>
  setBalance(a: Address, wei: bigint): Promise<void>
  setTimestamp(t: bigint): void
  setBlockNumber(n: bigint): void
  readonly timestamp: bigint
  readonly blockNumber: bigint
  snapshot(): Promise<SnapshotId>
  revert(id: SnapshotId): Promise<void>
  getCode(a: Address): Promise<Hex>
  /** What code ran, when the chain was created with `coverage: true`. */
  readonly coverage?: CoverageRecorder
  getNonce(a: Address): Promise<bigint>
}

export const DEFAULT_GAS_CAP = 30_000_000n
export const DEFAULT_ACTORS: readonly string[] = ['alice', 'bob', 'carol']
export const DEFAULT_ACTOR_BALANCE = 10n ** 24n
/** 2023-11-14T22:13:20Z: a plausible post-merge time, so time-based vault logic sees sane values. */
export const DEFAULT_TIMESTAMP = 1_700_000_000n
export const DEFAULT_BLOCK_NUMBER = 1n

/** Deterministic address of an actor: the last 20 bytes of keccak256("vaultcheck:actor:<name>"). */
export function actorAddress(name: string): Address {
  return getAddress(`0x${keccak256(stringToHex(`vaultcheck:actor:${name}`)).slice(-40)}`)
}

const COINBASE = actorAddress('(coinbase)')

// ---------------------------------------------------------------------------------------------
// ABI helpers, cached per ABI object: viem recomputes keccak selectors on every encode/decode.

type FnEntry = { item: AbiFunction; selector: Hex }
const fnCache = new WeakMap<Abi, Map<string, FnEntry | null>>()

/** The unique function of that name, or null when overloaded / missing (viem then resolves it). */
function functionEntry(abi: Abi, name: string): FnEntry | null {
  let m = fnCache.get(abi)
  if (m === undefined) {
    m = new Map()
    fnCache.set(abi, m)
  }
  let e = m.get(name)
  if (e === undefined) {
    const items = abi.filter((x): x is AbiFunction => x.type === 'function' && x.name === name)
    e = items.length === 1 ? { item: items[0], selector: toFunctionSelector(formatAbiItem(items[0])) } : null
    m.set(name, e)
  }
  return e
}

function encodeCall(abi: Abi, functionName: string, args: readonly unknown[]): Hex {
  const e = functionEntry(abi, functionName)
  if (e === null) return encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0])
  if (e.item.inputs.length === 0) return e.selector
  return `${e.selector}${encodeAbiParameters(e.item.inputs, args as unknown[]).slice(2)}`
}

/** The decoded return of a call at `address`; bytes that do not decode are the contract's fault. */
function decodeReturn(abi: Abi, functionName: string, args: readonly unknown[], data: Hex, address: string): unknown {
  try {
    return decodeResult(abi, functionName, args, data)
  } catch (cause) {
    throw new MalformedReturnError({ functionName, address, data, cause })
  }
}

function decodeResult(abi: Abi, functionName: string, args: readonly unknown[], data: Hex): unknown {
  const e = functionEntry(abi, functionName)
  if (e === null) {
    return decodeFunctionResult({ abi, functionName, args, data } as Parameters<typeof decodeFunctionResult>[0])
  }
  // Same shape as viem's decodeFunctionResult: undefined / the single value / the array.
  const outputs = e.item.outputs
  if (outputs.length === 0) return undefined
  const values = decodeAbiParameters(outputs, data)
  return outputs.length === 1 ? values[0] : values
}

const eventCache = new WeakMap<Abi, Map<string, AbiEvent[]>>()

function eventsByTopic(abi: Abi): Map<string, AbiEvent[]> {
  let m = eventCache.get(abi)
  if (m === undefined) {
    m = new Map()
    for (const item of abi) {
      if (item.type !== 'event' || item.anonymous) continue
      const t = toEventSelector(formatAbiItem(item))
      const list = m.get(t) ?? []
      list.push(item)
      m.set(t, list)
    }
    eventCache.set(abi, m)
  }
  return m
}

const checksumCache = new Map<string, Address>()

/** Checksummed address of 20 raw bytes (getAddress hashes every time; the set of addresses is tiny). */
function checksumAddress(bytes: Uint8Array): Address {
  const hex = bytesToHex(bytes)
  let a = checksumCache.get(hex)
  if (a === undefined) {
    a = getAddress(hex)
    if (checksumCache.size > 10_000) checksumCache.clear()
    checksumCache.set(hex, a)
  }
  return a
}

function decodeKnownEvent(topics: Hex[], data: Hex, abis: readonly Abi[]): { eventName?: string; args?: unknown } {
  const t0 = topics[0]
  if (t0 === undefined) return {}
  for (const abi of abis) {
    // Several events can share a topic0 but differ in which params are indexed: try each.
    for (const ev of eventsByTopic(abi).get(t0) ?? []) {
      try {
        const d = decodeEventLog({ abi: [ev], topics: topics as [Hex, ...Hex[]], data, strict: true })
        return { eventName: d.eventName, args: d.args }
      } catch {
        // wrong indexing for this candidate
      }
    }
  }
  return {}
}

/**
 * `eventName` and `args` are decoded on first access (enumerable getters, so spreading, toEqual and
 * JSON see them like plain fields): most callers never look at the logs of most calls, and decoding
 * was ~5% of a deposit's cost.
 */
function decodeLog(log: Log, abis: readonly Abi[]): DecodedLog {
  const topics = log[1].map((t) => bytesToHex(t))
  const data = bytesToHex(log[2])
  let decoded: { eventName?: string; args?: unknown } | undefined
  const resolve = () => (decoded ??= decodeKnownEvent(topics, data, abis))
  const out = { address: checksumAddress(log[0]), topics, data } as DecodedLog
  Object.defineProperty(out, 'eventName', { enumerable: true, get: () => resolve().eventName })
  Object.defineProperty(out, 'args', { enumerable: true, get: () => resolve().args })
  return out
}

// ---------------------------------------------------------------------------------------------

type BlockHeader = {
  number: bigint
  coinbase: EthAddress
  timestamp: bigint
  difficulty: bigint
  prevRandao: Uint8Array
  gasLimit: bigint
  baseFeePerGas: bigint
  slotNumber: bigint
  getBlobGasPrice(): bigint | undefined
}

type SnapshotEntry = { id: number; timestamp: bigint; blockNumber: bigint }

/** What the chain itself uses of its state manager (JournaledStateManager or SimpleStateManager). */
type ChainState = Pick<SimpleStateManager, 'getAccount' | 'putAccount' | 'getCode' | 'checkpoint' | 'revert'> & {
  originalStorageCache: { clear(): void }
}

type ExecOutcome = {
  ok: boolean
  returnData: Uint8Array
  exceptionError?: string
  logs: Log[]
  gasUsed: bigint
  createdAddress?: EthAddress
}

class LocalChain implements Chain {
  readonly evmVersion: EvmVersion
  readonly actors: Readonly<Record<string, Address>>
  private readonly evm: EVM
  private readonly sm: ChainState
  private readonly gasCap: bigint
  private readonly header: BlockHeader
  private readonly block: { header: BlockHeader }
  private readonly addrCache = new Map<string, EthAddress>()
  private readonly warm2929: boolean
  private readonly warm3651: boolean
  private readonly precompiles: string[]
  private readonly coinbaseHex: string
  /** Error and event fragments of every artifact deployed so far (a fresh array on each change). */
  private errorAbi: Abi = []
  private eventAbi: Abi = []
  private readonly knownErrors = new Set<string>()
  private readonly knownEvents = new Set<string>()
  /** One state-manager checkpoint layer per live snapshot, bottom first. */
  private snapshots: SnapshotEntry[] = []
  private nextSnapshotId = 1
  /** Set when the chain was created with `coverage: true`. */
  coverage?: CoverageRecorder

  constructor(p: { evm: EVM; sm: ChainState; evmVersion: EvmVersion; gasCap: bigint; actors: Record<string, Address> }) {
    this.evm = p.evm
    this.sm = p.sm
    this.evmVersion = p.evmVersion
    this.gasCap = p.gasCap
    this.actors = Object.freeze({ ...p.actors })
    this.header = {
      number: DEFAULT_BLOCK_NUMBER,
      coinbase: this.ethAddress(COINBASE),
      timestamp: DEFAULT_TIMESTAMP,
      difficulty: 0n,
      prevRandao: new Uint8Array(32),
      gasLimit: p.gasCap,
      baseFeePerGas: 0n,
      slotNumber: 0n,
      getBlobGasPrice: () => 1n,
    }
    this.block = { header: this.header }
    this.warm2929 = this.evm.common.isActivatedEIP(2929)
    this.warm3651 = this.evm.common.isActivatedEIP(3651)
    this.precompiles = [...this.evm.precompiles.keys()]
    this.coinbaseHex = bytesToUnprefixedHex(this.header.coinbase.bytes)
  }

  get timestamp(): bigint {
    return this.header.timestamp
  }
  get blockNumber(): bigint {
    return this.header.number
  }
  setTimestamp(t: bigint): void {
    this.header.timestamp = t
  }
  setBlockNumber(n: bigint): void {
    this.header.number = n
  }

  actor(name: string): Address {
    const a = this.actors[name]
    if (a === undefined) {
      const known = Object.keys(this.actors)
      throw new VaultcheckError(`Unknown actor "${name}"`, {
        details: [known.length ? `known actors: ${known.join(', ')}` : 'the chain has no actors'],
      })
    }
    return a
  }

  private ethAddress(a: Address): EthAddress {
    const key = a.toLowerCase()
    let e = this.addrCache.get(key)
    if (e === undefined) {
      e = new EthAddress(hexToBytes(key as Hex))
      this.addrCache.set(key, e)
    }
    return e
  }

  private defaultSender(): Address {
    const first = Object.values(this.actors)[0]
    if (first === undefined) throw new VaultcheckError('No sender given and the chain has no actors')
    return first
  }

  private registerArtifact(abi: Abi): void {
    const errors: AbiError[] = []
    const events: AbiEvent[] = []
    for (const item of abi) {
      if (item.type === 'error') {
        const sig = formatAbiItem(item)
        if (!this.knownErrors.has(sig)) {
          this.knownErrors.add(sig)
          errors.push(item)
        }
      } else if (item.type === 'event') {
        // Same signature with different `indexed` flags decodes differently: keep both.
        const sig = `${formatAbiItem(item)}|${item.inputs.map((i) => (i.indexed ? 1 : 0)).join('')}`
        if (!this.knownEvents.has(sig)) {
          this.knownEvents.add(sig)
          events.push(item)
        }
      }
    }
    // New arrays (not push) so the per-ABI caches keyed by identity never go stale.
    if (errors.length) this.errorAbi = [...this.errorAbi, ...errors]
    if (events.length) this.eventAbi = [...this.eventAbi, ...events]
  }

  /** One top-level message, treated as a transaction (see the module comment). */
  private async exec(p: {
    from: Address
    to?: Address
    data: Uint8Array
    value: bigint
    readOnly: boolean
  }): Promise<ExecOutcome> {
    const caller = this.ethAddress(p.from)
    const to = p.to === undefined ? undefined : this.ethAddress(p.to)
    const journal = this.evm.journal
    if (this.warm2929) {
      for (const a of this.precompiles) journal.addAlwaysWarmAddress(a)
      journal.addAlwaysWarmAddress(bytesToUnprefixedHex(caller.bytes))
      if (to !== undefined) journal.addAlwaysWarmAddress(bytesToUnprefixedHex(to.bytes))
      if (this.warm3651) journal.addAlwaysWarmAddress(this.coinbaseHex)
    }
    if (p.readOnly) await this.sm.checkpoint()
    try {
      const res = await this.evm.runCall({
        block: this.block,
        caller,
        origin: caller,
        to,
        data: p.data,
        value: p.value,
        gasLimit: this.gasCap,
        gasPrice: 0n,
      })
      const ex = res.execResult
      return {
        ok: ex.exceptionError === undefined,
        returnData: ex.returnValue,
        exceptionError: ex.exceptionError?.error,
        logs: ex.logs ?? [],
        gasUsed: ex.executionGasUsed,
        createdAddress: res.createdAddress,
      }
    } catch (e) {
      throw new HarnessError(`The EVM failed internally while running a call to ${p.to ?? '(create)'}`, {
        details: [e instanceof Error ? e.message : String(e)],
        cause: e,
      })
    } finally {
      await journal.cleanup()
      this.sm.originalStorageCache.clear()
      if (p.readOnly) await this.sm.revert()
    }
  }

  private revertAbis(abi?: Abi): readonly Abi[] {
    return abi === undefined ? [this.errorAbi] : [abi, this.errorAbi]
  }

  async deploy(p: { artifact: Artifact; args?: readonly unknown[]; from?: Address; value?: bigint }): Promise<Address> {
    const { artifact } = p
    const from = p.from ?? this.defaultSender()
    if (artifact.bytecode === '0x' || (artifact.bytecode as string) === '') {
      throw new DeployError({
        contractName: artifact.name,
        reason: 'it has no bytecode',
        details: ['an abstract contract or an interface cannot be deployed'],
      })
    }
    let data: Hex
    try {
      data = encodeDeployData({ abi: artifact.abi, bytecode: artifact.bytecode, args: p.args ?? [] } as Parameters<typeof encodeDeployData>[0])
    } catch (e) {
      throw new DeployError({
        contractName: artifact.name,
        reason: 'the constructor arguments do not match its ABI',
        details: [e instanceof Error ? e.message.split('\n')[0] : String(e)],
        cause: e,
      })
    }
    // Register first: a constructor may revert with a custom error of its own ABI.
    this.registerArtifact(artifact.abi)
    const nonce = await this.getNonce(from)
    const expected = getContractAddress({ from, nonce })
    const out = await this.exec({ from, data: hexToBytes(data), value: p.value ?? 0n, readOnly: false })
    if (!out.ok) {
      const reason = decodeRevert({
        data: bytesToHex(out.returnData),
        abis: this.revertAbis(artifact.abi),
        exceptionError: out.exceptionError,
      })
      throw new DeployError({ contractName: artifact.name, reason: `constructor reverted: ${formatRevert(reason)}` })
    }
    const created = out.createdAddress === undefined ? undefined : getAddress(out.createdAddress.toString())
    if (created !== expected) {
      throw new HarnessError(`Deployed ${artifact.name} at ${created ?? '(nowhere)'}, expected ${expected} (sender nonce ${nonce})`)
    }
    return created
  }

  async call(p: {
    address: Address
    abi: Abi
    functionName: string
    args?: readonly unknown[]
    from?: Address
    value?: bigint
  }): Promise<CallResult> {
    const args = p.args ?? []
    const data = encodeCall(p.abi, p.functionName, args)
    const out = await this.exec({
      from: p.from ?? this.defaultSender(),
      to: p.address,
      data: hexToBytes(data),
      value: p.value ?? 0n,
      readOnly: false,
    })
    if (!out.ok) {
      return {
        ok: false,
        revert: decodeRevert({ data: bytesToHex(out.returnData), abis: this.revertAbis(p.abi), exceptionError: out.exceptionError }),
        gasUsed: out.gasUsed,
      }
    }
    const returnData = bytesToHex(out.returnData)
    const logAbis = [p.abi, this.eventAbi]
    return {
      ok: true,
      result: decodeReturn(p.abi, p.functionName, args, returnData, p.address),
      returnData,
      logs: out.logs.map((l) => decodeLog(l, logAbis)),
      gasUsed: out.gasUsed,
    }
  }

  async read<T = unknown>(p: { address: Address; abi: Abi; functionName: string; args?: readonly unknown[]; from?: Address }): Promise<T> {
    const args = p.args ?? []
    const data = encodeCall(p.abi, p.functionName, args)
    const out = await this.exec({
      from: p.from ?? this.defaultSender(),
      to: p.address,
      data: hexToBytes(data),
      value: 0n,
      readOnly: true,
    })
    if (!out.ok) {
      const reason = decodeRevert({ data: bytesToHex(out.returnData), abis: this.revertAbis(p.abi), exceptionError: out.exceptionError })
      throw new ReadRevertedError({ functionName: p.functionName, address: p.address, reason: formatRevert(reason) })
    }
    return decodeReturn(p.abi, p.functionName, args, bytesToHex(out.returnData), p.address) as T
  }

  async callRaw(p: { from?: Address; to: Address; data?: Hex; value?: bigint }): Promise<RawCallResult> {
    const out = await this.exec({
      from: p.from ?? this.defaultSender(),
      to: p.to,
      data: p.data === undefined ? new Uint8Array(0) : hexToBytes(p.data),
      value: p.value ?? 0n,
      readOnly: false,
    })
    const returnData = bytesToHex(out.returnData)
    if (!out.ok) {
      return {
        ok: false,
        returnData,
        revert: decodeRevert({ data: returnData, abis: this.revertAbis(), exceptionError: out.exceptionError }),
        logs: [],
        gasUsed: out.gasUsed,
      }
    }
    const logAbis = [this.eventAbi]
    return { ok: true, returnData, logs: out.logs.map((l) => decodeLog(l, logAbis)), gasUsed: out.gasUsed }
  }

  async readRaw(p: { from?: Address; to: Address; data: Uint8Array }): Promise<{ ok: boolean; returnData: Uint8Array }> {
    const out = await this.exec({ from: p.from ?? this.defaultSender(), to: p.to, data: p.data, value: 0n, readOnly: true })
    return { ok: out.ok, returnData: out.returnData }
  }

  async getBalance(a: Address): Promise<bigint> {
    return (await this.sm.getAccount(this.ethAddress(a)))?.balance ?? 0n
  }

  async getNonce(a: Address): Promise<bigint> {
    return (await this.sm.getAccount(this.ethAddress(a)))?.nonce ?? 0n
  }

  async setBalance(a: Address, wei: bigint): Promise<void> {
    if (wei < 0n) throw new VaultcheckError(`Cannot set a negative balance (${wei}) for ${a}`)
    const addr = this.ethAddress(a)
    // Mutating in place is safe: both state managers hand out (or keep, per layer) copies.
    const acc = (await this.sm.getAccount(addr)) ?? new Account()
    acc.balance = wei
    await this.sm.putAccount(addr, acc)
  }

  async getCode(a: Address): Promise<Hex> {
    return bytesToHex(await this.sm.getCode(this.ethAddress(a)))
  }

  async snapshot(): Promise<SnapshotId> {
    await this.sm.checkpoint()
    const id = this.nextSnapshotId++
    this.snapshots.push({ id, timestamp: this.header.timestamp, blockNumber: this.header.number })
    return id as SnapshotId
  }

  async revert(id: SnapshotId): Promise<void> {
    const i = this.snapshots.findIndex((s) => s.id === id)
    if (i < 0) {
      throw new HarnessError(`Snapshot ${id} does not exist (never taken, or discarded by a revert to an earlier one)`)
    }
    // Layers above snapshot i (later snapshots, then the working layer) go; the layer holding the
    // state at snapshot i becomes the top, and a fresh working copy goes on it so the same id can be
    // reverted to again.
    for (let n = this.snapshots.length - i; n > 0; n--) await this.sm.revert()
    await this.sm.checkpoint()
    const s = this.snapshots[i]
    this.snapshots = this.snapshots.slice(0, i + 1)
    this.header.timestamp = s.timestamp
    this.header.number = s.blockNumber
    this.evm.journal.cleanJournal()
    this.sm.originalStorageCache.clear()
    this.evm.transientStorage.clear()
  }
}

/**
 * The chain's EVM: with the fast path, the journaled state manager (state.ts) and the patches of
 * fastpath/; without it, the stock ethereumjs set-up (SimpleStateManager) that the equivalence
 * tests and the bench compare against.
 */
export async function createChainEvm(evmVersion: EvmVersion, fast: boolean): Promise<{ evm: EVM; sm: JournaledStateManager | SimpleStateManager }> {
  const common = new Common({ chain: Mainnet, hardfork: toHardfork(evmVersion) as Hardfork })
  const sm = fast ? new JournaledStateManager({ common }) : new SimpleStateManager({ common })
  const evm = await createEVM({ common, stateManager: sm })
  if (fast) {
    // The Interpreter class is not exported; take its prototype from a trivial run (see fastpath/index.ts).
    const probe = (await evm.runCode({ code: Uint8Array.of(0x00), gasLimit: 100n })) as { runState?: { interpreter?: object } }
    const interpreter = probe.runState?.interpreter
    if (interpreter === undefined) throw new HarnessError('Could not find the ethereumjs Interpreter to enable the fast path')
    enableFastPath(evm, Object.getPrototypeOf(interpreter) as object)
  }
  return { evm, sm }
}

export async function createChain(options: ChainOptions = {}): Promise<Chain> {
  const evmVersion = options.evmVersion ?? DEFAULT_EVM_VERSION
  const gasCap = options.gasCap ?? DEFAULT_GAS_CAP
  const actorNames = options.actors ?? DEFAULT_ACTORS
  const actorBalance = options.actorBalance ?? DEFAULT_ACTOR_BALANCE
  if (gasCap <= 0n) throw new VaultcheckError(`gasCap must be positive, got ${gasCap}`)
  if (actorBalance < 0n) throw new VaultcheckError(`actorBalance must not be negative, got ${actorBalance}`)
  const seen = new Set<string>()
  for (const n of actorNames) {
    if (n === '') throw new VaultcheckError('Actor names must not be empty')
    if (seen.has(n)) throw new VaultcheckError(`Actor "${n}" is listed twice`)
    seen.add(n)
  }

  const { evm, sm } = await createChainEvm(evmVersion, options.fastPath !== false)
  const actors: Record<string, Address> = {}
  for (const name of actorNames) actors[name] = actorAddress(name)
  const chain = new LocalChain({ evm, sm, evmVersion, gasCap, actors })
  if (options.coverage) {
    if (options.fastPath === false) throw new VaultcheckError('coverage needs the fast path (fastPath: false was given)')
    chain.coverage = attachCoverage(evm)
  }
  for (const a of Object.values(actors)) await chain.setBalance(a, actorBalance)
  return chain
}
