/** Mutants of one source file, found in solc's AST (every edit a source range solc reported), and applied to its text. */
import path from 'node:path'
import { HarnessError } from '../../evm/errors.ts'
import { ARITHMETIC_SWAPS, COMPARISON_SWAPS, MUTATION_OPERATORS, ROUNDING_MEMBERS, literalValue, type MutationOperator } from './operators.ts'

export type Mutant = {
  id: string
  /** Source unit name of the mutated file (relative to the project root). */
  file: string
  line: number
  column: number
  /** The function (or constructor, receive, modifier) the edit is in. */
  function: string
  operator: MutationOperator
  /** Text of the mutated AST node, and what replaces it ('' for a removed statement). */
  original: string
  replacement: string
  /** `- <old line>\n+ <new line>` with whitespace collapsed. */
  change: string
  /** Stable description, independent of ids and line numbers: the key of EQUIVALENT_MUTANTS. */
  key: string
  /** Byte range (solc source offsets) replaced. */
  start: number
  end: number
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Node = { nodeType: string; src: string; [k: string]: any }

function range(n: Node): { start: number; end: number } {
  const [s, l] = n.src.split(':').map(Number)
  return { start: s, end: s + l }
}

export const collapse = (s: string) => s.replace(/\s+/g, ' ').trim()

/**
 * Every mutant of one source file. `ast` is solc's AST of that file (CompileOutput.sources[unit].ast);
 * only function, constructor, receive/fallback and modifier bodies of the contracts declared in the
 * file are mutated, never imported code.
 */
export function generateMutants(p: { file: string; content: string; ast: unknown; operators?: readonly MutationOperator[] }): Mutant[] {
  const buf = Buffer.from(p.content, 'utf8')
  const text = (s: number, e: number) => buf.subarray(s, e).toString('utf8')
  const enabled = new Set<MutationOperator>(p.operators ?? MUTATION_OPERATORS)
  const out: Omit<Mutant, 'id'>[] = []
  const seen = new Set<string>()
  const root = p.ast as Node | null
  if (!root || root.nodeType !== 'SourceUnit') throw new HarnessError(`no solc AST for ${p.file}`)

  const add = (op: MutationOperator, fn: string, start: number, end: number, replacement: string) => {
    if (!enabled.has(op)) return
    const dedupe = `${start}:${end}:${replacement}`
    if (seen.has(dedupe)) return
    seen.add(dedupe)
    const original = text(start, end)
    const before = buf.subarray(0, start).toString('utf8')
    const lines = before.split('\n')
    const lineStart = before.length - lines[lines.length - 1].length
    const all = p.content
    // Character offsets of the edit (the byte offsets above may differ with non-ASCII text).
    const cStart = before.length
    const cEnd = cStart + original.length
    const nl = all.indexOf('\n', cEnd)
    const lineEnd = nl < 0 ? all.length : nl
    const oldLine = collapse(all.slice(lineStart, lineEnd))
    const newLine = collapse(all.slice(lineStart, cStart) + replacement + all.slice(cEnd, lineEnd))
    out.push({
      file: p.file,
      line: lines.length,
      column: lines[lines.length - 1].length + 1,
      function: fn,
      operator: op,
      original,
      replacement,
      change: `- ${oldLine}\n+ ${newLine || '/* removed */'}`,
      key: `${path.posix.basename(p.file)}:${fn}:${collapse(original)} => ${collapse(replacement) || '(removed)'}`,
      start,
      end,
    })
  }

  /** A statement range, extended over its `;` when solc's range stops before it. */
  const statementRange = (n: Node) => {
    const r = range(n)
    let e = r.end
    while (e < buf.length && (buf[e] === 0x20 || buf[e] === 0x09)) e++
    return { start: r.start, end: buf[e] === 0x3b && text(r.end - 1, r.end) !== ';' ? e + 1 : r.end }
  }
  const removal = (parent: Node | undefined) => (parent && (parent.nodeType === 'Block' || parent.nodeType === 'UncheckedBlock') ? '' : '{}')

  const isRevert = (s: Node | undefined): boolean => {
    if (!s) return false
    if (s.nodeType === 'RevertStatement') return true
    if (s.nodeType === 'ExpressionStatement') return s.expression?.nodeType === 'FunctionCall' && s.expression.expression?.nodeType === 'Identifier' && s.expression.expression.name === 'revert'
    if (s.nodeType === 'Block') return s.statements?.length === 1 && isRevert(s.statements[0])
    return false
  }

  const visit = (n: Node, parent: Node | undefined, fn: string): void => {
    switch (n.nodeType) {
      case 'BinaryOperation': {
        const l = range(n.leftExpression)
        const r = range(n.rightExpression)
        const gap = text(l.end, r.start)
        const op = n.operator as string
        const { start, end } = range(n)
        if (gap.trim() === op) {
          const swap = (to: string) => text(start, l.end) + gap.replace(op, to) + text(r.start, end)
          for (const to of COMPARISON_SWAPS[op] ?? []) add('comparison', fn, start, end, swap(to))
          const a = ARITHMETIC_SWAPS[op]
          if (a) add('arithmetic', fn, start, end, swap(a))
        }
        break
      }
      case 'Literal': {
        if (n.kind === 'number' && !n.subdenomination) {
          const v = literalValue(String(n.value))
          if (v !== undefined) {
            const { start, end } = range(n)
            add('literal', fn, start, end, String(v + 1n))
            if (v > 0n) add('literal', fn, start, end, String(v - 1n))
          }
        }
        break
      }
      case 'ExpressionStatement': {
        const e = n.expression as Node
        const { start, end } = statementRange(n)
        if (e.nodeType === 'Assignment' || (e.nodeType === 'UnaryOperation' && ['++', '--', 'delete'].includes(e.operator))) {
          add('delete-assignment', fn, start, end, removal(parent))
        } else if (e.nodeType === 'FunctionCall' && e.kind === 'functionCall') {
          const callee = e.expression as Node
          const name = callee.nodeType === 'Identifier' ? callee.name : undefined
          if (name === 'require') add('drop-require', fn, start, end, removal(parent))
          else if (name !== 'revert' && name !== 'assert') add('delete-call', fn, start, end, removal(parent))
        }
        break
      }
      case 'IfStatement': {
        if (!n.falseBody && isRevert(n.trueBody)) {
          const { start, end } = statementRange(n)
          add('drop-if-revert', fn, start, end, removal(parent))
        }
        break
      }
      case 'RevertStatement':
        // A custom error's arguments are diagnostics, not behaviour a kind's promises cover: skip them.
        return
      case 'FunctionCall': {
        if (n.kind !== 'functionCall') break
        const callee = n.expression as Node
        // mulDivDown -> mulDivUp: only the name changes, at the end of the callee's range.
        const calleeName: string | undefined = callee.nodeType === 'Identifier' ? callee.name : callee.nodeType === 'MemberAccess' ? callee.memberName : undefined
        if (calleeName && /Down|Up/.test(calleeName)) {
          const swapped = calleeName.replace(/Down|Up/g, (m) => (m === 'Down' ? 'Up' : 'Down'))
          const { end } = range(callee)
          add('rounding', fn, end - Buffer.byteLength(calleeName), end, swapped)
        }
        const args = (n.arguments ?? []) as Node[]
        for (const a of args) {
          if (a.nodeType === 'MemberAccess' && ROUNDING_MEMBERS[a.memberName] && String(a.typeDescriptions?.typeString ?? '').startsWith('enum ')) {
            const { end } = range(a)
            add('rounding', fn, end - a.memberName.length, end, ROUNDING_MEMBERS[a.memberName])
          }
        }
        for (let i = 0; i + 1 < args.length; i++) {
          const [a, b] = [args[i], args[i + 1]]
          if (a.nodeType !== 'Identifier' || b.nodeType !== 'Identifier' || a.name === b.name) continue
          if (a.typeDescriptions?.typeString !== b.typeDescriptions?.typeString) continue
          const ra = range(a)
          const rb = range(b)
          add('swap-args', fn, ra.start, rb.end, text(rb.start, rb.end) + text(ra.end, rb.start) + text(ra.start, ra.end))
        }
        break
      }
    }
    for (const [k, v] of Object.entries(n)) {
      if (k === 'typeDescriptions' || k === 'argumentTypes') continue
      if (Array.isArray(v)) {
        for (const c of v) if (c && typeof c === 'object' && typeof c.nodeType === 'string') visit(c, n, fn)
      } else if (v && typeof v === 'object' && typeof (v as Node).nodeType === 'string') visit(v as Node, n, fn)
    }
  }

  for (const c of root.nodes as Node[]) {
    if (c.nodeType !== 'ContractDefinition' || c.contractKind === 'interface') continue
    for (const d of c.nodes as Node[]) {
      if ((d.nodeType !== 'FunctionDefinition' && d.nodeType !== 'ModifierDefinition') || !d.body) continue
      const fn = d.nodeType === 'ModifierDefinition' ? `modifier ${d.name}` : d.kind === 'function' ? d.name : d.kind
      visit(d.body, undefined, `${c.name}.${fn}`)
    }
  }
  out.sort((a, b) => a.start - b.start || a.end - b.end || (a.replacement < b.replacement ? -1 : 1))
  const width = String(out.length).length
  return out.map((m, i) => ({ id: `M${String(i + 1).padStart(Math.max(3, width), '0')}`, ...m }))
}

/** The source with one mutant applied. */
export function applyMutant(content: string, m: Pick<Mutant, 'start' | 'end' | 'replacement'>): string {
  const buf = Buffer.from(content, 'utf8')
  return Buffer.concat([buf.subarray(0, m.start), Buffer.from(m.replacement, 'utf8'), buf.subarray(m.end)]).toString('utf8')
}
