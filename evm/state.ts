/**
 * A journaled in-memory state manager for the chain: the subset of ethereumjs's
 * `StateManagerInterface` that @ethereumjs/evm 10.1.3 uses (checked by grepping its dist/esm for
 * `stateManager.`: getAccount, putAccount, deleteAccount, modifyAccountFields, getCode, putCode,
 * getCodeSize, getStorage, putStorage, clearStorage, checkpoint, commit, revert,
 * originalStorageCache, shallowCopy), with the same observable results as `SimpleStateManager`.
 *
 * Why: `SimpleStateManager.checkpoint()` copies the whole account map (cloning every Account), the
 * code map and the storage map, and the EVM checkpoints at every call frame and every top-level
 * call. Here a checkpoint only remembers the journal length; a write records the value it replaces
 * (an undo entry) the first time its key is written within the current checkpoint, and `revert()`
 * replays the undo entries of that checkpoint backwards. `commit()` hands the child's undo entries
 * to the parent, dropping those for keys the parent had already saved, so the journal of a
 * checkpoint never holds more than one entry per key it changed (chain snapshots are checkpoints
 * too: reverting one costs the number of distinct keys changed since, not the size of the state).
 * With no checkpoint open, writes are not journaled at all.
 *
 * Accounts are copied on the way in and on the way out (like MerkleStateManager, which re-decodes
 * them from RLP on every read), so no caller can mutate a stored Account, or one kept by the
 * journal, in place. Storage values and code are stored and returned as given, like
 * SimpleStateManager (nothing in the EVM writes into them; the jump-analysis cache in
 * fastpath/ relies on a contract's code array staying the same object).
 *
 * test/chain.test.ts runs a scripted workload on the chain with this state manager and the fast
 * path, and with SimpleStateManager and no fast path, and requires identical results.
 */
import type { StateManagerInterface } from '@ethereumjs/common'
import { OriginalStorageCache } from '@ethereumjs/statemanager'
import { Account, bytesToUnprefixedHex, EthereumJSErrorWithoutCode, type Address } from '@ethereumjs/util'
import { keccak256 } from 'viem'

/** A stored value and the serial of the checkpoint that last journaled its key (0: none). */
type Rec<T> = { v: T; at: number }
type Undo =
  | { m: Map<string, Rec<unknown>>; k: string; prev: Rec<unknown> | undefined }
  /** clearStorage: the account's whole slot map was replaced; prev is the old one (or none). */
  | { m: Map<string, Map<string, Rec<Uint8Array>>>; k: string; prev: Map<string, Rec<Uint8Array>> | undefined; clear: true }
type Level = { mark: number; serial: number }

type AccountFields = Partial<Pick<Account, 'nonce' | 'balance' | 'storageRoot' | 'codeHash' | 'codeSize'>>

const ACCOUNT_PROTO = Account.prototype

/** The same copy SimpleStateManager.checkpoint() makes of every account. */
function copyAccount(a: Account): Account {
  return Object.assign(Object.create(ACCOUNT_PROTO) as Account, a)
}

export class JournaledStateManager implements StateManagerInterface {
  common?: { customCrypto?: { keccak256?: (b: Uint8Array) => Uint8Array } }
  readonly originalStorageCache: OriginalStorageCache
  private accounts = new Map<string, Rec<Account | undefined>>()
  private code = new Map<string, Rec<Uint8Array>>()
  private storage = new Map<string, Map<string, Rec<Uint8Array>>>()
  private journal: Undo[] = []
  private levels: Level[] = []
  /** Serial of the innermost open checkpoint; 0 when none is open (nothing is journaled). */
  private serial = 0
  private nextSerial = 1

  constructor(opts: { common?: JournaledStateManager['common'] } = {}) {
    this.common = opts.common
    this.originalStorageCache = new OriginalStorageCache(this.getStorage.bind(this))
  }

  /** Number of undo entries held (tests: the journal stays bounded). */
  get journalLength(): number {
    return this.journal.length
  }

  private write<T>(m: Map<string, Rec<T>>, k: string, v: T): void {
    const prev = m.get(k)
    const serial = this.serial
    if (serial !== 0 && prev?.at !== serial) {
      this.journal.push({ m: m as Map<string, Rec<unknown>>, k, prev })
    }
    m.set(k, { v, at: serial })
  }

  async getAccount(address: Address): Promise<Account | undefined> {
    return this.accountByHex(bytesToUnprefixedHex(address.bytes))
  }

  /** getAccount on unprefixed hex, without the promise (the fast path's SSTORE). */
  accountByHex(addressHex: string): Account | undefined {
    const a = this.accounts.get(addressHex)?.v
    return a === undefined ? undefined : copyAccount(a)
  }

  async putAccount(address: Address, account: Account | undefined): Promise<void> {
    this.write(this.accounts, bytesToUnprefixedHex(address.bytes), account === undefined ? undefined : copyAccount(account))
  }

  async deleteAccount(address: Address): Promise<void> {
    this.write(this.accounts, bytesToUnprefixedHex(address.bytes), undefined)
  }

  /** statemanager's util.js modifyAccountFields (10.1.3). */
  async modifyAccountFields(address: Address, fields: AccountFields): Promise<void> {
    const account = (await this.getAccount(address)) ?? new Account()
    account.nonce = fields.nonce ?? account.nonce
    account.balance = fields.balance ?? account.balance
    account.storageRoot = fields.storageRoot ?? account.storageRoot
    account.codeHash = fields.codeHash ?? account.codeHash
    account.codeSize = fields.codeSize ?? account.codeSize
    await this.putAccount(address, account)
  }

  async getCode(address: Address): Promise<Uint8Array> {
    return this.code.get(bytesToUnprefixedHex(address.bytes))?.v ?? new Uint8Array(0)
  }

  async putCode(address: Address, value: Uint8Array): Promise<void> {
    this.write(this.code, bytesToUnprefixedHex(address.bytes), value)
    if ((await this.getAccount(address)) === undefined) await this.putAccount(address, new Account())
    const hash = this.common?.customCrypto?.keccak256 ?? ((b: Uint8Array) => keccak256(b, 'bytes'))
    await this.modifyAccountFields(address, { codeHash: hash(value) })
  }

  async getCodeSize(address: Address): Promise<number> {
    return (await this.getCode(address)).length
  }

  async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    return this.storageByHex(bytesToUnprefixedHex(address.bytes), bytesToUnprefixedHex(key))
  }

  /** getStorage on the unprefixed hex the journal keys use, without the promise (the fast path's SLOAD). */
  storageByHex(addressHex: string, keyHex: string): Uint8Array {
    return this.storage.get(addressHex)?.get(keyHex)?.v ?? new Uint8Array(0)
  }

  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    this.putStorageByHex(bytesToUnprefixedHex(address.bytes), bytesToUnprefixedHex(key), value)
  }

  /** putStorage on unprefixed hex (the fast path's SSTORE). */
  putStorageByHex(addressHex: string, keyHex: string, value: Uint8Array): void {
    let slots = this.storage.get(addressHex)
    if (slots === undefined) {
      slots = new Map()
      // A new empty slot map is equivalent to none: no need to journal its creation.
      this.storage.set(addressHex, slots)
    }
    this.write(slots, keyHex, value)
  }

  async clearStorage(address: Address): Promise<void> {
    const a = bytesToUnprefixedHex(address.bytes)
    const prev = this.storage.get(a)
    if (prev === undefined || prev.size === 0) return
    if (this.serial !== 0) this.journal.push({ m: this.storage, k: a, prev, clear: true })
    // A fresh map (the old one is kept untouched by the undo entry).
    this.storage.set(a, new Map())
  }

  async checkpoint(): Promise<void> {
    this.levels.push({ mark: this.journal.length, serial: this.serial })
    this.serial = this.nextSerial++
  }

  async commit(): Promise<void> {
    const level = this.levels.pop()
    if (level === undefined) throw EthereumJSErrorWithoutCode('commit() without a checkpoint')
    const parent = level.serial
    this.serial = parent
    const j = this.journal
    if (parent === 0) {
      j.length = 0
      return
    }
    // Fold the child's entries into the parent: drop those whose key the parent already saved,
    // and mark every key the child wrote as saved by the parent.
    let w = level.mark
    for (let r = level.mark; r < j.length; r++) {
      const e = j[r]
      if ('clear' in e) {
        j[w++] = e
        continue
      }
      const cur = e.m.get(e.k)
      if (cur !== undefined) cur.at = parent
      if (e.prev !== undefined && e.prev.at === parent) continue
      j[w++] = e
    }
    j.length = w
  }

  async revert(): Promise<void> {
    const level = this.levels.pop()
    if (level === undefined) throw EthereumJSErrorWithoutCode('revert() without a checkpoint')
    const j = this.journal
    for (let i = j.length - 1; i >= level.mark; i--) {
      const e = j[i]
      if (e.prev === undefined) e.m.delete(e.k)
      else (e.m as Map<string, unknown>).set(e.k, e.prev)
    }
    j.length = level.mark
    this.serial = level.serial
  }

  async flush(): Promise<void> {}
  clearCaches(): void {}

  /** A copy of the current state, with no checkpoints open (EVM.shallowCopy). */
  shallowCopy(): JournaledStateManager {
    const copy = new JournaledStateManager({ common: this.common })
    for (const [k, r] of this.accounts) copy.accounts.set(k, { v: r.v === undefined ? undefined : copyAccount(r.v), at: 0 })
    for (const [k, r] of this.code) copy.code.set(k, { v: r.v, at: 0 })
    for (const [a, slots] of this.storage) {
      const m = new Map<string, Rec<Uint8Array>>()
      for (const [k, r] of slots) m.set(k, { v: r.v, at: 0 })
      copy.storage.set(a, m)
    }
    return copy
  }

  getStateRoot(): Promise<Uint8Array> {
    throw EthereumJSErrorWithoutCode('Method not implemented.')
  }
  setStateRoot(): Promise<void> {
    throw EthereumJSErrorWithoutCode('Method not implemented.')
  }
  hasStateRoot(): Promise<boolean> {
    throw EthereumJSErrorWithoutCode('Method not implemented.')
  }
}
