/** The violated check restated from the failure's message: view values, emitted events, allowance. */
import type { Abi } from 'viem'
import type { StoredFailure } from '../failures.ts'
import { addrExpr, msg, type Ctx } from './literals.ts'

/** `key: model X, contract Y` / `key = X` / `key >= X` facts about views, restated as assertions. */
export function stateFacts(p: { f: StoredFailure; ctx: Ctx; contracts: Record<string, string>; actorNames: Map<string, string>; vault?: string }): string[] {
  const { f } = p
  const facts: { key: string; op: '==' | '>='; value: bigint }[] = []
  if (/-ACCESS-002$/.test(f.propertyId)) {
    // `key: before -> after`: a call outside the specification must leave each value as it was.
    for (const part of f.actual.split('; ')) {
      const m = /^(.+): (\d+) -> \d+$/.exec(part)
      if (m) facts.push({ key: m[1], op: '==', value: BigInt(m[2]) })
    }
  } else if (/^state after .* differs from the model$/.test(f.message)) {
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

export type EventCheck = { before: string[]; after: string[] }

/** `X emitted different events`: the expected events of the emitter, restated from recorded logs. */
export function eventFacts(p: { f: StoredFailure; ctx: Ctx; abi?: Abi; emitter?: string; nameExpr: (n: string) => string | undefined }): EventCheck | undefined {
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
export function accessFacts(p: { f: StoredFailure; ctx: Ctx; contracts: Record<string, string>; nameExpr: (n: string) => string | undefined }): EventCheck | undefined {
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
