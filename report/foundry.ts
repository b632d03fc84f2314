/**
 * Foundry reproducers: a stored failure rendered as a standalone forge test. The test deploys the
 * same contracts (imported from their sources), makes the exact calls the harness recorded (setup,
 * then the run) from the same actor addresses, and states the violated check as an assertion whose
 * revert message starts with the property ID. It fails while the vault is broken and passes once it
 * is fixed. It needs no forge-std: the few cheatcodes it uses are declared inline.
 *
 * What is asserted, generically:
 *  - the outcome class of the violating call: the model said it must succeed but it reverted (or the
 *    reverse) -> the call's success (or failure) is asserted;
 *  - the kind's model-free invariants (backing, sum of balances) after every replayed step, and for
 *    the 1:1 wrappers (reserve, native) the exit probe after the last one;
 *  - for a model mismatch (`state after X differs from the model`) or a `key = value` / `key >= value`
 *    expectation, the contract's view is compared with the model's value right after the violating call.
 * Checks that need the model beyond that (a different return value or event) are not restated: the
 * reproducer says so in its header, and the vitest reproducer remains the exact one.
 */
import fs from 'node:fs'
import path from 'node:path'
import { getAbiItem, getAddress, toFunctionSignature, encodeFunctionData, encodeDeployData, type Abi, type AbiFunction, type AbiParameter, type Address, type Hex } from 'viem'
import { DEFAULT_ACTOR_BALANCE, DEFAULT_BLOCK_NUMBER, DEFAULT_TIMESTAMP, actorAddress } from '../evm/chain.ts'
import type { StoredFailure } from './failures.ts'
import type { RecordedCall } from '../evm/recorder.ts'
import type { ReplayResult } from '../engine/suite.ts'
import { DEFAULT_EVM_VERSION, type EvmVersion } from '../evm/evm-version.ts'

export type FoundryReplay = Pick<ReplayResult, 'setupLog' | 'runLog' | 'trace' | 'names' | 'contracts'>

export type FoundryInput = {
  f: StoredFailure
  replay: FoundryReplay
  /** Absolute path the .t.sol is written to (imports are made relative to it). */
  file: string
  /** Artifact name -> absolute path of the Solidity file declaring it. */
  sources: Readonly<Record<string, string>>
  /** Artifact name -> creation bytecode, for contracts without a source (deployed from bytecode). */
  bytecodes?: Readonly<Record<string, Hex>>
  /** Remappings of foundry.toml (prefix -> absolute dir), tried in order for import paths. */
  remaps?: readonly { prefix: string; dir: string }[]
}

/** The remappings every reproducers directory declares (see renderFoundryToml). */
export function standardRemaps(p: { projectRoot: string; packageRoot: string }): { prefix: string; dir: string }[] {
  return [
    { prefix: 'project/', dir: path.resolve(p.projectRoot) },
    { prefix: 'vaultcheck/', dir: path.join(path.resolve(p.packageRoot), 'contracts') },
  ]
}

/** Contracts the harness deploys for itself (a read lens): never called, so not replayed. */
const HARNESS_ONLY = new Set(['Multiread'])

const SOLIDITY_RESERVED = new Set(['vm', 'ok', 'snaps', 'address', 'this', 'super', 'new', 'delete', 'mapping', 'function', 'contract', 'error', 'event', 'type', 'return', 'returns', 'emit', 'storage', 'memory', 'calldata', 'public', 'internal', 'external', 'private', 'assert', 'require', 'revert', 'true', 'false', 'now', 'block', 'msg', 'tx', 'abi'])

function ident(s: string): string {
  let id = s.replace(/[^A-Za-z0-9_]/g, '_')
  if (/^[0-9]/.test(id)) id = `_${id}`
  if (SOLIDITY_RESERVED.has(id)) id = `${id}_`
  return id
}

function importPath(fromFile: string, to: string, remaps: readonly { prefix: string; dir: string }[]): string {
  // The most specific remapping holding the file.
  for (const m of [...remaps].sort((a, b) => b.dir.length - a.dir.length)) {
    const r = path.relative(m.dir, to)
    if (!r.startsWith('..') && !path.isAbsolute(r)) return m.prefix + r.split(path.sep).join('/')
  }
  const r = path.relative(path.dirname(fromFile), to).split(path.sep).join('/')
  return r.startsWith('.') ? r : `./${r}`
}

/** A Solidity string literal (ASCII only), or undefined. */
function strLit(s: string): string | undefined {
  if (!/^[\x20-\x7e\n\t]*$/.test(s)) return undefined
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\t/g, '\\t')}"`
}

/** Text safe inside a Solidity string literal used as a revert message. */
function msg(s: string): string {
  return strLit(s.replace(/[^\x20-\x7e]/g, '?'))!
}

type Ctx = {
  /** lowercase address -> Solidity expression (actor constant or contract variable). */
  refs: Map<string, string>
}

function addrExpr(ctx: Ctx, a: string): string {
  const r = ctx.refs.get(a.toLowerCase())
  if (r) return r
  if (/^0x0{40}$/i.test(a)) return 'address(0)'
  return getAddress(a)
}

const MAX_UINT256 = (1n << 256n) - 1n

/** A Solidity expression of ABI type `p` with value `v`, or undefined when not expressible simply. */
function valueExpr(ctx: Ctx, p: AbiParameter, v: unknown): string | undefined {
  const t = p.type
  if (t === 'address' && typeof v === 'string') return addrExpr(ctx, v)
  if (t === 'bool' && typeof v === 'boolean') return String(v)
  let m = /^(u?)int(\d*)$/.exec(t)
  if (m && (typeof v === 'bigint' || typeof v === 'number')) {
    const n = BigInt(v)
    const ty = `${m[1]}int${m[2] || '256'}`
    if (ty === 'uint256' && n === MAX_UINT256) return 'type(uint256).max'
    return `${ty}(${n})`
  }
  m = /^bytes(\d+)$/.exec(t)
  if (m && typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v) && v.length === 2 + 2 * Number(m[1])) return `${t}(${v})`
  if (t === 'bytes' && typeof v === 'string' && /^0x[0-9a-fA-F]*$/.test(v)) return `bytes(hex"${v.slice(2)}")`
  if (t === 'string' && typeof v === 'string') return strLit(v)
  return undefined
}

function fnItem(abi: Abi, name: string, args: readonly unknown[]): AbiFunction | undefined {
  try {
    const item = getAbiItem({ abi, name, args } as Parameters<typeof getAbiItem>[0]) as AbiFunction | undefined
    return item?.type === 'function' ? item : undefined
  } catch {
    return undefined
  }
}

/** `abi.encodeWithSignature(...)` for a call, or the raw calldata when an argument is not simple. */
function calldataExpr(ctx: Ctx, abi: Abi, functionName: string, args: readonly unknown[]): string {
  const item = fnItem(abi, functionName, args)
  if (item) {
    const parts = item.inputs.map((p, i) => valueExpr(ctx, p, args[i]))
    if (parts.every((x) => x !== undefined)) {
      return `abi.encodeWithSignature(${[`"${toFunctionSignature(item)}"`, ...parts].join(', ')})`
    }
  }
  // Arrays, tuples, non-ASCII strings: the recorded calldata as is (contract addresses inside it are
  // those of the harness's chain, not this test's).
  const data = encodeFunctionData({ abi, functionName, args } as Parameters<typeof encodeFunctionData>[0])
  return `hex"${data.slice(2)}"`
}

function fmtValue(v: unknown, names: Record<string, string>): string {
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v)) return names[v.toLowerCase()] ?? v
  if (typeof v === 'bigint') return v.toString()
  if (Array.isArray(v)) return `[${v.map((x) => fmtValue(x, names)).join(', ')}]`
  return String(v)
}

function describeRevert(r: unknown, names: Record<string, string>): string {
  const rv = r as { kind?: string; name?: string; args?: unknown[]; reason?: string; message?: string; code?: number | bigint } | undefined
  if (!rv) return 'reverted'
  if (rv.name) return `${rv.name}(${(rv.args ?? []).map((a) => fmtValue(a, names)).join(', ')})`
  if (rv.reason !== undefined) return `"${rv.reason}"`
  if (rv.message !== undefined) return rv.message
  return rv.kind ?? 'reverted'
}

function describeCall(c: RecordedCall, names: Record<string, string>): string {
  const n = (a?: string) => (a ? (names[a.toLowerCase()] ?? a) : names[Object.keys(names)[0]] ?? '?')
  switch (c.op) {
    case 'call': {
      const res = c.result.ok ? 'ok' : `reverted: ${describeRevert(c.result.revert, names)}`
      const value = c.value ? `{value: ${c.value}}` : ''
      return `${n(c.from)} -> ${n(c.to)}.${c.functionName}${value}(${c.args.map((a) => fmtValue(a, names)).join(', ')})   [recorded: ${res}]`
    }
    case 'raw':
      return `${n(c.from)} -> ${n(c.to)} send ${c.value ?? 0n} wei${c.data && c.data !== '0x' ? ` with data ${c.data}` : ''}   [recorded: ${c.ok ? 'ok' : 'reverted'}]`
    default:
      return c.op
  }
}

/** How a kind restates its model-free checks in Solidity. */
type KindChecks = {
  invariants: string[]
  exitProbe: string[]
}

function kindChecks(p: { f: StoredFailure; ctx: Ctx; actors: { name: string; expr: string }[]; contracts: Record<string, string> }): KindChecks {
  const { f, ctx, actors } = p
  const on = (id: string) => f.enabled.includes(id)
  const ref = (role: string) => (p.contracts[role] ? addrExpr(ctx, p.contracts[role]) : undefined)
  const out: KindChecks = { invariants: [], exitProbe: [] }
  const accounts = [...actors.map((a) => a.expr)]
  const wrapper = ref('wrapper')
  if ((f.kind === 'reserve' || f.kind === 'native') && wrapper) {
    const P = f.kind.toUpperCase()
    const underlying = ref('underlying')
    const reserveOf = (who: string) => (f.kind === 'reserve' ? `_balanceOf(${underlying}, ${who})` : `${who}.balance`)
    if (f.kind === 'native' || underlying) {
      const all = [...accounts, wrapper, 'address(0)']
      if (on(`${P}-BACKING-001`)) {
        out.invariants.push(
          `_check(${reserveOf(wrapper)} >= _totalSupply(${wrapper}), string.concat("${P}-BACKING-001: after ", step, " the supply exceeds the ${f.kind === 'reserve' ? 'reserve' : 'coin the vault holds'}"));`,
        )
      }
      if (on(`${P}-BACKING-002`)) {
        out.invariants.push(
          `_check(${all.map((a) => `_balanceOf(${wrapper}, ${a})`).join(' + ')} == _totalSupply(${wrapper}), string.concat("${P}-BACKING-002: after ", step, " balances do not add up to the supply"));`,
        )
      }
      const id = `${P}-EXIT-001`
      if (on(id)) {
        const withdraw = (a: string, amount: string) =>
          f.kind === 'reserve' ? `abi.encodeWithSignature("withdrawTo(address,uint256)", ${a}, ${amount})` : `abi.encodeWithSignature("withdraw(uint256)", ${amount})`
        out.exitProbe.push(`// Exit probe: every holder in turn withdraws its whole balance and must receive exactly that.`)
        out.exitProbe.push('uint256 owed;', 'uint256 before;')
        for (const a of actors) {
          out.exitProbe.push(
            `owed = _balanceOf(${wrapper}, ${a.expr});`,
            `if (owed != 0) {`,
            `    before = ${reserveOf(a.expr)};`,
            `    vm.prank(${a.expr});`,
            `    (ok, ) = ${wrapper}.call(${withdraw(a.expr, 'owed')});`,
            `    _check(ok, "${id}: ${a.name} cannot withdraw its whole balance");`,
            `    _check(${reserveOf(a.expr)} >= before && ${reserveOf(a.expr)} - before == owed, "${id}: ${a.name} withdrew its whole balance but received a different amount");`,
            `}`,
          )
        }
        out.exitProbe.push(
          `_check(_totalSupply(${wrapper}) == _balanceOf(${wrapper}, ${wrapper}) + _balanceOf(${wrapper}, address(0)), "${id}: claims remain outstanding after every holder exited");`,
        )
      }
    }
  }
  if (f.kind === 'erc4626') {
    const shares = ref('vault') ?? ref('shares') ?? ref('wrapper')
    if (shares && on('ERC4626-BACKING-002')) {
      const all = [...accounts, shares, 'address(0)']
      out.invariants.push(
        `_check(${all.map((a) => `_balanceOf(${shares}, ${a})`).join(' + ')} == _totalSupply(${shares}), string.concat("ERC4626-BACKING-002: after ", step, " share balances do not add up to the supply"));`,
      )
    }
  }
  return out
}

/** `key: model X, contract Y` / `key = X` / `key >= X` facts about views, restated as assertions. */
function stateFacts(p: { f: StoredFailure; ctx: Ctx; contracts: Record<string, string>; actorNames: Map<string, string>; vault?: string }): string[] {
  const { f } = p
  const facts: { key: string; op: '==' | '>='; value: bigint }[] = []
  if (/^state after .* differs from the model$/.test(f.message)) {
    for (const part of f.actual.split('; ')) {
      const m = /^(.+): model (\d+), contract (\d+)$/.exec(part)
      if (m) facts.push({ key: m[1], op: '==', value: BigInt(m[2]) })
    }
  } else {
    const m = /^([\w]+\.[\w]+(?:\([\w,]*\))?) (=|>=) (\d+)$/.exec(f.expected)
    if (m) facts.push({ key: m[1], op: m[2] === '=' ? '==' : '>=', value: BigInt(m[3]) })
  }
  const lines: string[] = []
  for (const fact of facts) {
    const m = /^(\w+)\.(\w+)(?:\(([\w,]*)\))?$/.exec(fact.key)
    if (!m) continue
    const args = m[3] ? m[3].split(',') : []
    const exprs = args.map((a) => (a === 'zero' ? 'address(0)' : p.actorNames.get(a) ?? (a === 'vault' && p.vault ? addrExpr(p.ctx, p.vault) : p.contracts[a] ? addrExpr(p.ctx, p.contracts[a]) : undefined)))
    if (exprs.some((e) => e === undefined)) continue
    let call: string
    // `native.balanceOf(x)`: the coin balance of x.
    if (m[1] === 'native' && m[2] === 'balanceOf' && exprs.length === 1) call = `${exprs[0]}.balance`
    else {
      const target = p.contracts[m[1]]
      if (!target) continue
      const sig = `${m[2]}(${args.map(() => 'address').join(',')})`
      call = `_view(${addrExpr(p.ctx, target)}, abi.encodeWithSignature(${[`"${sig}"`, ...exprs].join(', ')}))`
    }
    lines.push(`_check(${call} ${fact.op} ${fact.value}, "${f.propertyId}: ${fact.key} must be ${fact.op === '==' ? '' : '>= '}${fact.value} (the model's value)");`)
  }
  return lines
}

type EventCheck = { before: string[]; after: string[] }

/** `X emitted different events`: the expected events of the emitter, restated from recorded logs. */
function eventFacts(p: { f: StoredFailure; ctx: Ctx; abi?: Abi; emitter?: string; nameExpr: (n: string) => string | undefined }): EventCheck | undefined {
  const { f } = p
  if (!/ emitted different events$/.test(f.message) || !p.abi || !p.emitter) return undefined
  const parse = (s: string) => (s === '(none)' ? [] : [...s.matchAll(/(\w+)\(([^()]*)\)/g)].map((m) => ({ name: m[1], args: m[2] === '' ? [] : m[2].split(', ') })))
  const expected = parse(f.expected)
  const wanted = new Set([...expected, ...parse(f.actual)].map((e) => e.name))
  const events = p.abi.filter((x): x is Extract<Abi[number], { type: 'event' }> => x.type === 'event')
  const sig = (e: Extract<Abi[number], { type: 'event' }>) => `${e.name}(${e.inputs.map((i) => i.type).join(',')})`
  const topic0s: string[] = []
  for (const n of wanted) for (const e of events.filter((x) => x.name === n)) topic0s.push(`keccak256("${sig(e)}")`)
  if (topic0s.length === 0) return undefined
  const word = (type: string, v: string): string | undefined => {
    if (type === 'address') {
      const e = p.nameExpr(v) ?? (/^0x[0-9a-fA-F]{40}$/.test(v) ? addrExpr(p.ctx, v) : undefined)
      return e && `bytes32(uint256(uint160(${e})))`
    }
    if (/^uint\d*$/.test(type) && /^\d+$/.test(v)) return `bytes32(uint256(${v}))`
    if (type === 'bool' && (v === 'true' || v === 'false')) return `bytes32(uint256(${v === 'true' ? 1 : 0}))`
    return undefined
  }
  const after: string[] = [`logs = _logsOf(vm.getRecordedLogs(), ${addrExpr(p.ctx, p.emitter)}, _words(${topic0s.join(', ')}));`]
  const what = msg(`${f.propertyId}: ${f.message}: expected ${f.expected}`)
  after.push(`_check(logs.length == ${expected.length}, ${what});`)
  for (const [i, ev] of expected.entries()) {
    const e = events.find((x) => x.name === ev.name && x.inputs.length === ev.args.length)
    if (!e) return undefined
    const topics = [`keccak256("${sig(e)}")`]
    const data: string[] = []
    for (const [j, input] of e.inputs.entries()) {
      const w = word(input.type, ev.args[j])
      if (!w) return undefined
      if (input.indexed) topics.push(w)
      else data.push(w)
    }
    after.push(`_check(keccak256(abi.encode(logs[${i}].topics, logs[${i}].data)) == keccak256(abi.encode(_words(${topics.join(', ')}), abi.encodePacked(${data.join(', ')}))), ${what});`)
  }
  return { before: ['vm.recordLogs();'], after }
}

/** `X took N <token> from Y beyond its allowance to C` (expected `at most A`): Y's balance may drop by A at most. */
function accessFacts(p: { f: StoredFailure; ctx: Ctx; contracts: Record<string, string>; nameExpr: (n: string) => string | undefined }): EventCheck | undefined {
  const m = / took \d+ (\w+) from (\w+) beyond its allowance to \w+$/.exec(p.f.message)
  const a = /^at most (\d+)$/.exec(p.f.expected)
  if (!m || !a) return undefined
  const token = p.contracts[m[1]]
  const who = p.nameExpr(m[2])
  if (!token || !who) return undefined
  const t = addrExpr(p.ctx, token)
  return {
    before: [`uint256 balanceBefore = _balanceOf(${t}, ${who});`],
    after: [`_check(_balanceOf(${t}, ${who}) + ${a[1]} >= balanceBefore, ${msg(`${p.f.propertyId}: ${p.f.message.replace(/ took \d+ /, ' took ')} (at most ${a[1]})`)});`],
  }
}

export type FoundryReproducer = {
  source: string
  /** Whether the violated check is restated (false: the steps are replayed, the check is not). */
  exact: boolean
}

export function renderFoundryReproducer(input: FoundryInput): FoundryReproducer {
  const { f, replay: r } = input
  const names = r.names
  const ctx: Ctx = { refs: new Map() }

  // Actors: the names whose address is the harness's deterministic actor address.
  const actors: { name: string; expr: string; address: Address }[] = []
  const taken = new Set<string>()
  for (const [addr, name] of Object.entries(names)) {
    const a = actorAddress(name)
    if (a.toLowerCase() !== addr) continue
    const id = ident(name)
    taken.add(id)
    actors.push({ name, expr: id, address: a })
    ctx.refs.set(addr, id)
  }
  const actorNames = new Map(actors.map((a) => [a.name, a.expr]))

  // Contracts: every deploy of the setup, named by role where the replay knows one.
  const roleOf = new Map<string, string>()
  for (const [role, addr] of Object.entries(r.contracts ?? {})) if (!roleOf.has(addr.toLowerCase())) roleOf.set(addr.toLowerCase(), role)
  for (const [addr, name] of Object.entries(names)) if (!ctx.refs.has(addr) && !roleOf.has(addr)) roleOf.set(addr, name)
  const deploys = [...r.setupLog, ...r.runLog].filter((c): c is Extract<RecordedCall, { op: 'deploy' }> => c.op === 'deploy' && !HARNESS_ONLY.has(c.name))
  const vars: { name: string; artifact: string }[] = []
  for (const d of deploys) {
    let v = ident(roleOf.get(d.address.toLowerCase()) ?? d.name.charAt(0).toLowerCase() + d.name.slice(1))
    while (taken.has(v)) v = `${v}_`
    taken.add(v)
    vars.push({ name: v, artifact: d.name })
    ctx.refs.set(d.address.toLowerCase(), v)
  }

  const imports = new Map<string, string>()
  const bytecodeDeploys = new Set<string>()
  for (const d of deploys) {
    const src = input.sources[d.name]
    if (src) imports.set(d.name, importPath(input.file, src, input.remaps ?? []))
    else if (input.bytecodes?.[d.name]) bytecodeDeploys.add(d.name)
    else throw new Error(`no source or bytecode for ${d.name}: cannot write a Foundry reproducer`)
  }

  const failing = r.trace.find((l) => l.failed)
  // The violating call: the last call of the run (a failing step throws right after its checks;
  // a failing probe call is the last before the probe's snapshot is reverted).
  let violating = -1
  for (let i = r.runLog.length - 1; i >= 0; i--) {
    const op = r.runLog[i].op
    if (op === 'call' || op === 'raw') {
      violating = i
      break
    }
    if (op !== 'revert' && op !== 'snapshot') break
  }
  let outcomeCheck: string | undefined
  if (failing && violating >= 0) {
    const c = r.runLog[violating] as Extract<RecordedCall, { op: 'call' | 'raw' }>
    const recordedOk = c.op === 'call' ? c.result.ok : c.ok
    const mustRevert = failing.model.startsWith('revert (')
    const mayRevert = /, or revert \(/.test(failing.model)
    if (!recordedOk && !mustRevert && !mayRevert) outcomeCheck = `_check(ok, ${msg(`${f.propertyId}: ${failing.label} must succeed but reverted`)});`
    else if (recordedOk && mustRevert) outcomeCheck = `_check(!ok, ${msg(`${f.propertyId}: ${failing.label} must ${failing.model} but succeeded`)});`
  }
  const checks = kindChecks({ f, ctx, actors, contracts: r.contracts ?? {} })
  const vaultAddr = Object.entries(names).find(([, n]) => n === 'vault')?.[0]
  const facts = stateFacts({ f, ctx, contracts: r.contracts ?? {}, actorNames, vault: vaultAddr })
  const nameExpr = (n: string) => (n === 'zero' ? 'address(0)' : actorNames.get(n) ?? (vaultAddr && n === 'vault' ? addrExpr(ctx, vaultAddr) : undefined))
  const violatingCall = violating >= 0 ? r.runLog[violating] : undefined
  const events = eventFacts({ f, ctx, abi: violatingCall?.op === 'call' ? violatingCall.abi : undefined, emitter: vaultAddr, nameExpr })
  const access = accessFacts({ f, ctx, contracts: r.contracts ?? {}, nameExpr })
  const restates = outcomeCheck !== undefined || facts.length > 0 || events !== undefined || access !== undefined || [...checks.invariants, ...checks.exitProbe].some((l) => l.includes(`"${f.propertyId}:`))

  // ---- rendering
  const stmt = (c: RecordedCall, inSetup: boolean, snapDepth: { d: number }): string[] => {
    const out: string[] = []
    const from = (a?: string) => (a ? addrExpr(ctx, a) : actors[0]?.expr ?? 'address(this)')
    switch (c.op) {
      case 'deploy': {
        if (HARNESS_ONLY.has(c.name)) return []
        const v = ctx.refs.get(c.address.toLowerCase())!
        out.push(`vm.prank(${from(c.from)});`)
        if (bytecodeDeploys.has(c.name)) {
          const data = encodeDeployData({ abi: c.abi, bytecode: input.bytecodes![c.name], args: c.args } as Parameters<typeof encodeDeployData>[0])
          out.push(`${v} = _create(hex"${data.slice(2)}", ${c.value ?? 0n});`)
        } else {
          const ctor = c.abi.find((x) => x.type === 'constructor') as { inputs: readonly AbiParameter[] } | undefined
          const args = (ctor?.inputs ?? []).map((p, i) => valueExpr(ctx, p, c.args[i]))
          if (args.some((a) => a === undefined)) throw new Error(`constructor arguments of ${c.name} are not expressible in Solidity`)
          out.push(`${v} = address(new ${c.name}${c.value ? `{value: ${c.value}}` : ''}(${args.join(', ')}));`)
        }
        return out
      }
      case 'call':
      case 'raw': {
        out.push(`// ${describeCall(c, names)}`)
        out.push(`vm.prank(${from(c.from)});`)
        const data = c.op === 'call' ? calldataExpr(ctx, c.abi, c.functionName, c.args) : c.data && c.data !== '0x' ? `hex"${c.data.slice(2)}"` : '""'
        out.push(`(ok, ) = ${addrExpr(ctx, c.to)}.call${c.value ? `{value: ${c.value}}` : ''}(${data});`)
        if (inSetup) out.push(`_check(ok, "setup: this call succeeded in vaultcheck's run");`)
        return out
      }
      case 'setBalance':
        return [`vm.deal(${addrExpr(ctx, c.address)}, ${c.wei});`]
      case 'setTimestamp':
        return [`vm.warp(${c.value});`]
      case 'setBlockNumber':
        return [`vm.roll(${c.value});`]
      case 'snapshot':
        snapDepth.d++
        return [`snaps[${c.id}] = vm.snapshotState();`]
      case 'revert':
        snapDepth.d = Math.max(0, snapDepth.d - 1)
        return [`vm.revertToState(snaps[${c.id}]);`]
    }
  }

  const setup: string[] = []
  setup.push(`vm.warp(${DEFAULT_TIMESTAMP});`, `vm.roll(${DEFAULT_BLOCK_NUMBER});`)
  for (const a of actors) setup.push(`vm.deal(${a.expr}, ${DEFAULT_ACTOR_BALANCE});`)
  setup.push('bool ok;')
  const sd = { d: 0 }
  for (const c of r.setupLog) setup.push(...stmt(c, true, sd))

  const body: string[] = ['bool ok;']
  if (events) body.push('Vm.Log[] memory logs;')
  const rd = { d: 0 }
  let step = 0
  // The harness's exit probe runs in a snapshot it reverts. Where the kind restates the probe in
  // Solidity (reading the balances then, not replaying amounts read from the broken vault), the
  // recorded probe calls are left out: being reverted, they change nothing that follows.
  const probeRegion = new Set<number>()
  if (checks.exitProbe.length > 0) {
    let depth = 0
    for (const [i, c] of r.runLog.entries()) {
      if (c.op === 'snapshot') depth++
      if (depth > 0) probeRegion.add(i)
      if (c.op === 'revert') depth = Math.max(0, depth - 1)
    }
  }
  let skipped = false
  for (const [i, c] of r.runLog.entries()) {
    if (probeRegion.has(i)) {
      if (!skipped) body.push("// (vaultcheck's exit probe ran here, in a snapshot it reverted: restated below)")
      skipped = true
      continue
    }
    skipped = false
    const lines = stmt(c, false, rd)
    const action = (c.op === 'call' || c.op === 'raw' || c.op === 'setBalance') && rd.d === 0
    if (action) step++
    if (i === violating) {
      body.push(`// ---- the violating call (${f.propertyId})`)
      if (events) body.push(...events.before)
      if (access) body.push(...access.before)
      body.push(...lines)
      if (outcomeCheck) body.push(outcomeCheck)
      body.push(...facts)
      if (events) body.push(...events.after)
      if (access) body.push(...access.after)
    } else body.push(...lines)
    if (action && checks.invariants.length > 0) body.push(`_invariants("step ${step}");`)
  }
  if (checks.exitProbe.length > 0) body.push(...checks.exitProbe)

  const contractName = `Repro_${ident(f.target)}_${ident(f.propertyId)}_${path.basename(input.file, '.t.sol').slice(-10).replace(/[^A-Za-z0-9]/g, '')}`
  const ind = (lines: string[], n: number) => lines.map((l) => (l ? ' '.repeat(n) + l : l)).join('\n')
  const header = [
    `// Reproducer written by vaultcheck: ${f.target} breaks ${f.propertyId}.`,
    `// ${f.propertyId}: ${f.promise}`,
    `// ${f.message}`,
    `//   expected: ${f.expected}`,
    `//   actual:   ${f.actual}`,
    '// Counterexample:',
    ...f.steps.map((s, i) => `//   ${i + 1}. ${s}`),
    '//',
    '// It replays vaultcheck\'s exact calls (same actor addresses; contracts are referred to by variable,',
    '// since their addresses differ here) and fails, with a message naming the property, while the vault',
    '// is broken; it passes once it is fixed.',
    ...(restates
      ? []
      : [`// NOTE: ${f.propertyId}'s check compares the contract with vaultcheck's model in a way this file does not`, '// restate: it replays the steps and checks the model-free invariants only. The vitest reproducer is exact.']),
    '//',
    '// Run: forge test --root .vaultcheck/reproducers (see foundry.toml there; no forge-std needed).',
  ]
    .map((l) => l.replace(/[^\x20-\x7e]/g, '?'))
    .join('\n')

  const source = `// SPDX-License-Identifier: UNLICENSED
${header}
pragma solidity ^0.8.24;

${[...imports].map(([name, p]) => `import {${name}} from ${JSON.stringify(p)};`).join('\n')}

interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }
    function prank(address) external;
    function deal(address, uint256) external;
    function warp(uint256) external;
    function roll(uint256) external;
    function snapshotState() external returns (uint256);
    function revertToState(uint256) external returns (bool);
    function expectRevert() external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
}

contract ${contractName} {
    Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

${actors.map((a) => `    address constant ${a.expr} = ${a.address};`).join('\n')}

${vars.map((v) => `    address internal ${v.name}; // ${v.artifact}`).join('\n')}
    mapping(uint256 => uint256) internal snaps;

    function setUp() public {
${ind(setup, 8)}
    }

    function test_${ident(f.propertyId)}() public {
${ind(body, 8)}
    }

    function _invariants(string memory step) internal view {
${checks.invariants.length ? ind(checks.invariants, 8) : '        step;'}
    }

    function _check(bool condition, string memory message) internal pure {
        if (!condition) revert(message);
    }

    function _view(address target, bytes memory data) internal view returns (uint256) {
        (bool success, bytes memory ret) = target.staticcall(data);
        _check(success && ret.length >= 32, "view call failed");
        return abi.decode(ret, (uint256));
    }

    function _balanceOf(address token, address who) internal view returns (uint256) {
        return _view(token, abi.encodeWithSignature("balanceOf(address)", who));
    }

    function _totalSupply(address token) internal view returns (uint256) {
        return _view(token, abi.encodeWithSignature("totalSupply()"));
    }
${
  events
    ? `
    /// The logs of \`emitter\` whose first topic is one of \`wanted\`, in order.
    function _logsOf(Vm.Log[] memory all, address emitter, bytes32[] memory wanted) internal pure returns (Vm.Log[] memory out) {
        out = new Vm.Log[](all.length);
        uint256 n;
        for (uint256 i; i < all.length; i++) {
            if (all[i].emitter != emitter || all[i].topics.length == 0) continue;
            for (uint256 j; j < wanted.length; j++) {
                if (all[i].topics[0] == wanted[j]) {
                    out[n++] = all[i];
                    break;
                }
            }
        }
        assembly {
            mstore(out, n)
        }
    }
${[1, 2, 3, 4]
  .map(
    (k) => `
    function _words(${Array.from({ length: k }, (_, i) => `bytes32 w${i}`).join(', ')}) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](${k});
${Array.from({ length: k }, (_, i) => `        out[${i}] = w${i};`).join('\n')}
    }
`,
  )
  .join('')}`
    : ''
}${
  bytecodeDeploys.size
    ? `
    function _create(bytes memory code, uint256 value) internal returns (address a) {
        assembly {
            a := create(value, add(code, 0x20), mload(code))
        }
        _check(a != address(0), "deploy failed");
    }
`
    : ''
}}
`
  return { source, exact: restates }
}

/** The foundry.toml of a reproducers directory: forge run offline with the bundled solc stand-in. */
export function renderFoundryToml(p: { dir: string; solc: string; projectRoot: string; packageRoot: string; remappings?: readonly string[]; evmVersion?: EvmVersion }): string {
  const std = standardRemaps(p)
  const rel = (to: string) => {
    const r = path.relative(p.dir, to).split(path.sep).join('/')
    return r === '' ? '.' : r
  }
  const libs = new Set<string>()
  for (let d = p.projectRoot; ; d = path.dirname(d)) {
    const nm = path.join(d, 'node_modules')
    if (fs.existsSync(nm)) libs.add(rel(nm))
    if (path.dirname(d) === d) break
  }
  const user = (p.remappings ?? []).map((m) => {
    const eq = m.indexOf('=')
    if (eq < 0) return m
    const target = m.slice(eq + 1)
    return `${m.slice(0, eq)}=${rel(path.resolve(p.projectRoot, target))}${target.endsWith('/') ? '/' : ''}`
  })
  const remappings = [...std.map((m) => `${m.prefix}=${rel(m.dir)}/`), ...user]
  const q = (s: string) => JSON.stringify(s)
  return `# Written by vaultcheck for its Foundry reproducers (*.t.sol): forge test --root ${path.relative(p.projectRoot, p.dir).split(path.sep).join('/') || '.'}
# forge compiles with vaultcheck's bundled solc (solc-js) through a stand-in, so nothing is downloaded.
[profile.default]
src = "."
test = "."
out = "out"
cache_path = "cache"
libs = [${[...libs].map(q).join(', ')}]
allow_paths = [${[rel(p.projectRoot), rel(p.packageRoot)].map(q).join(', ')}]
remappings = [${remappings.map(q).join(', ')}]
solc = ${q(p.solc)}
auto_detect_solc = false
offline = true
evm_version = ${q(p.evmVersion ?? DEFAULT_EVM_VERSION)}
optimizer = true
optimizer_runs = 200
`
}
