/**
 * Block hits (coverage.ts) mapped onto Solidity sources through solc's runtime source maps and
 * ASTs: statements, functions and branches, in istanbul's file-coverage shape so that maintained
 * reporters (lcov, HTML) can write them.
 *
 * An instruction belongs to the innermost statement whose source range contains its own; a
 * statement's hits are the most any of its instructions ran. Instructions mapped to a whole
 * function (its entry and exit jumps) or to no source (solc's generated helpers) belong to no
 * statement. Branches: both sides of every `if` (the side without an `else` counts the times the
 * condition ran and the body did not), of every ternary, and of every `require` (failing = the
 * times a REVERT inside the require's own source range ran).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { CompileOutput } from './compile.ts'
import type { CodeCoverage, CoverageData } from './coverage.ts'

export type Position = { line: number; column: number }
export type Range = { start: Position; end: Position }

/** istanbul-lib-coverage's FileCoverageData, with what istanbul has no field for kept aside. */
export type FileCoverage = {
  path: string
  statementMap: Record<string, Range>
  fnMap: Record<string, { name: string; decl: Range; loc: Range; line: number }>
  branchMap: Record<string, { loc: Range; type: string; locations: Range[]; line: number }>
  s: Record<string, number>
  f: Record<string, number>
  b: Record<string, number[]>
}

export type SourceCoverage = {
  /** By absolute path, sorted. */
  files: Record<string, FileCoverage>
  /** Lines of statements reached only inside call frames that reverted, by absolute path. */
  revertedOnly: Record<string, number[]>
  /** Codes that ran and match no compiled contract of the given outputs (proxies, mocks compiled elsewhere). */
  unmatched: number
}

export type SourceFilter = {
  /** Globs over source unit names (`**` crosses folders); default: every source of the outputs. */
  include?: readonly string[]
  /** Default DEFAULT_COVERAGE_EXCLUDE. */
  exclude?: readonly string[]
}

/**
 * Libraries, and vaultcheck's own mocks and lens: what a campaign runs but the user did not write.
 * A segment named `lib` is Foundry's library folder (and the bundled vaults' shared library).
 */
export const DEFAULT_COVERAGE_EXCLUDE: readonly string[] = ['**/node_modules/**', 'node_modules/**', 'lib/**', '**/lib/**', 'contracts/mocks/**', 'contracts/harness/**']

export function globMatcher(glob: string): RegExp {
  let re = ''
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]
    if (c === '*' && glob[i + 1] === '*') {
      // `**/` matches zero or more folders.
      if (glob[i + 2] === '/') {
        re += '(?:.*/)?'
        i += 2
      } else {
        re += '.*'
        i++
      }
    } else if (c === '*') re += '[^/]*'
    else if (c === '?') re += '[^/]'
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${re}$`)
}

type AstNode = { nodeType: string; src: string; id: number; [k: string]: unknown }
type Span = { start: number; end: number }

type Item =
  | { kind: 'statement'; node: AstNode; span: Span }
  | { kind: 'expression'; node: AstNode; span: Span }

type SourceIndex = {
  name: string
  fileIndex: number
  bytes: Buffer
  lineStarts: number[]
  /** Statements and ternary sides: what an instruction is attributed to. */
  anchors: Item[]
  functions: { node: AstNode; span: Span; name: string }[]
  ifs: AstNode[]
  conditionals: AstNode[]
  requires: { node: AstNode; span: Span }[]
}

const STATEMENTS = new Set([
  'ExpressionStatement',
  'VariableDeclarationStatement',
  'Return',
  'EmitStatement',
  'RevertStatement',
  'IfStatement',
  'ForStatement',
  'WhileStatement',
  'DoWhileStatement',
  'Break',
  'Continue',
  'InlineAssembly',
  'TryStatement',
  'Throw',
])

function span(src: string): Span & { file: number } {
  const [s, l, f] = src.split(':').map(Number)
  return { start: s, end: s + l, file: f }
}

function children(n: Record<string, unknown>): AstNode[] {
  const out: AstNode[] = []
  for (const v of Object.values(n)) {
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === 'object' && 'nodeType' in x) out.push(x as AstNode)
    } else if (v && typeof v === 'object' && 'nodeType' in v) out.push(v as AstNode)
  }
  return out
}

function indexSource(name: string, content: string, ast: AstNode): SourceIndex {
  const bytes = Buffer.from(content, 'utf8')
  const lineStarts = [0]
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) lineStarts.push(i + 1)
  const idx: SourceIndex = { name, fileIndex: span(ast.src).file, bytes, lineStarts, anchors: [], functions: [], ifs: [], conditionals: [], requires: [] }
  const walk = (n: AstNode, inInitCode: boolean) => {
    let init = inInitCode
    if (n.nodeType === 'FunctionDefinition' || n.nodeType === 'ModifierDefinition') {
      // A constructor runs as init code, which the runtime source map does not describe.
      init = n.kind === 'constructor'
      if (n.body && !init) idx.functions.push({ node: n, span: span(n.src), name: functionName(n) })
    }
    if (!init) {
      if (STATEMENTS.has(n.nodeType)) idx.anchors.push({ kind: 'statement', node: n, span: span(n.src) })
      if (n.nodeType === 'IfStatement') idx.ifs.push(n)
      if (n.nodeType === 'Conditional') {
        idx.conditionals.push(n)
        for (const side of [n.trueExpression, n.falseExpression] as AstNode[]) idx.anchors.push({ kind: 'expression', node: side, span: span(side.src) })
      }
      if (n.nodeType === 'FunctionCall' && (n.expression as AstNode | undefined)?.nodeType === 'Identifier' && (n.expression as { name?: string }).name === 'require') {
        idx.requires.push({ node: n, span: span(n.src) })
      }
    }
    for (const c of children(n)) walk(c, init)
  }
  walk(ast, false)
  // Innermost first when spans nest: sort by length, so the first containing anchor is the innermost.
  idx.anchors.sort((a, b) => a.span.end - a.span.start - (b.span.end - b.span.start) || a.span.start - b.span.start)
  return idx
}

function isRevertCall(n: AstNode): boolean {
  const e = n.nodeType === 'ExpressionStatement' ? (n.expression as AstNode) : undefined
  return e?.nodeType === 'FunctionCall' && (e.expression as AstNode | undefined)?.nodeType === 'Identifier' && (e.expression as { name?: string }).name === 'revert'
}

function functionName(n: AstNode): string {
  if (n.nodeType === 'ModifierDefinition') return `modifier ${n.name as string}`
  if (n.kind === 'fallback' || n.kind === 'receive') return n.kind as string
  return (n.name as string) || '(anonymous)'
}

function position(idx: SourceIndex, offset: number): Position {
  let lo = 0
  let hi = idx.lineStarts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (idx.lineStarts[mid] <= offset) lo = mid
    else hi = mid - 1
  }
  return { line: lo + 1, column: offset - idx.lineStarts[lo] }
}

function range(idx: SourceIndex, s: Span): Range {
  return { start: position(idx, s.start), end: position(idx, Math.max(s.start, s.end - 1)) }
}

type Instruction = { pc: number; op: number; s: number; l: number; f: number }

/** Instructions of runtime code with their source-map entries (solc's compressed `s:l:f:j:m` list). */
function instructions(code: Uint8Array, sourceMap: string): Instruction[] {
  const entries = sourceMap === '' ? [] : sourceMap.split(';')
  const out: Instruction[] = []
  let s = -1
  let l = -1
  let f = -1
  let pc = 0
  for (const e of entries) {
    if (pc >= code.length) break
    if (e !== '') {
      const [ps, pl, pf] = e.split(':')
      if (ps !== undefined && ps !== '') s = Number(ps)
      if (pl !== undefined && pl !== '') l = Number(pl)
      if (pf !== undefined && pf !== '') f = Number(pf)
    }
    const op = code[pc]
    out.push({ pc, op, s, l, f })
    pc += 1 + (op >= 0x60 && op <= 0x7f ? op - 0x5f : 0)
  }
  return out
}

const TERMINATORS = new Set([0x00, 0x56, 0xf3, 0xfd, 0xfe, 0xff])

/** Hits of every instruction: its block's count (blocks start at pc 0, JUMPDESTs and after a JUMPI). */
function instructionHits(ins: readonly Instruction[], c: CodeCoverage): { ok: number; rev: number }[] {
  const out: { ok: number; rev: number }[] = []
  let cur = { ok: 0, rev: 0 }
  let prev = -1
  for (const i of ins) {
    if (i.pc === 0 || i.op === 0x5b || prev === 0x57) cur = { ok: c.ok[i.pc] ?? 0, rev: c.reverted[i.pc] ?? 0 }
    else if (prev !== -1 && TERMINATORS.has(prev)) cur = { ok: 0, rev: 0 }
    out.push(cur)
    prev = i.op
  }
  return out
}

function hexBytes(hex: string): { bytes: Uint8Array; wild: Uint8Array } {
  const h = hex.startsWith('0x') ? hex.slice(2) : hex
  const bytes = new Uint8Array(h.length / 2)
  const wild = new Uint8Array(h.length / 2)
  for (let i = 0; i < bytes.length; i++) {
    const pair = h.slice(2 * i, 2 * i + 2)
    // Library link placeholders (`__$…$__`) match anything.
    if (pair.includes('_') || pair.includes('$')) wild[i] = 1
    else bytes[i] = parseInt(pair, 16)
  }
  return { bytes, wild }
}

/** Runtime code as deployed vs as compiled: the same but for immutables (zeros in solc's output) and link placeholders. */
function sameCode(ran: Uint8Array, compiled: { bytes: Uint8Array; wild: Uint8Array }): boolean {
  if (ran.length !== compiled.bytes.length) return false
  for (let i = 0; i < ran.length; i++) {
    if (ran[i] !== compiled.bytes[i] && compiled.wild[i] === 0 && compiled.bytes[i] !== 0) return false
  }
  return true
}

type Tally = { ok: number; rev: number }

export function mapCoverage(outputs: readonly CompileOutput[], data: CoverageData, p: SourceFilter & { root: string }): SourceCoverage {
  const include = p.include?.map(globMatcher)
  const exclude = (p.exclude ?? DEFAULT_COVERAGE_EXCLUDE).map(globMatcher)
  // A unit name that is no file under the root came from a package (node_modules, include paths).
  const wanted = (name: string) =>
    (include ? include.some((r) => r.test(name)) : fs.existsSync(path.resolve(p.root, name))) && !exclude.some((r) => r.test(name))

  // One compile output may be passed twice (a bundled target is also where the mocks come from).
  const seen = new Set<string>()
  const unique = outputs.filter((o) => (seen.has(o.settingsHash) ? false : (seen.add(o.settingsHash), true)))
  const indexes = new Map<CompileOutput, Map<number, SourceIndex>>()
  const indexOf = (o: CompileOutput) => {
    let m = indexes.get(o)
    if (!m) {
      m = new Map()
      for (const [name, s] of Object.entries(o.sources)) {
        if (!wanted(name) || !s.ast) continue
        const idx = indexSource(name, s.content, s.ast as AstNode)
        m.set(idx.fileIndex, idx)
      }
      indexes.set(o, m)
    }
    return m
  }
  const compiled = unique.flatMap((o) => o.artifacts.filter((a) => a.deployedBytecode.length > 2).map((a) => ({ o, a, code: hexBytes(a.deployedBytecode) })))

  const creation = unique.flatMap((o) => o.artifacts.filter((a) => a.bytecode.length > 2).map((a) => hexBytes(a.bytecode)))
  // Per source, per AST node id: the hits attributed to it.
  const anchorHits = new Map<SourceIndex, Map<number, Tally>>()
  const exactHits = new Map<SourceIndex, Map<string, number>>()
  const requireFails = new Map<SourceIndex, Map<number, number>>()
  let unmatched = 0
  // Only sources that hold code of a contract that ran are reported, not every file compiled.
  const used = new Set<SourceIndex>()
  for (const c of Object.values(data)) {
    const ran = hexBytes(c.code).bytes
    const match = compiled.find((x) => sameCode(ran, x.code))
    if (!match) {
      // Init code (a deploy: creation code, then the constructor's arguments) is not mapped: the
      // runtime source map does not describe it.
      if (!creation.some((x) => sameCode(ran.subarray(0, x.bytes.length), x))) unmatched++
      continue
    }
    const files = indexOf(match.o)
    const ins = instructions(ran, match.a.deployedSourceMap)
    for (const i of ins) {
      const idx = files.get(i.f)
      if (idx) used.add(idx)
    }
    const hits = instructionHits(ins, c)
    const memo = new Map<string, Item | undefined>()
    for (const [k, i] of ins.entries()) {
      const idx = files.get(i.f)
      if (!idx || i.s < 0) continue
      const h = hits[k]
      const key = `${i.s}:${i.l}`
      const ex = exactHits.get(idx) ?? exactHits.set(idx, new Map()).get(idx)!
      ex.set(key, Math.max(ex.get(key) ?? 0, h.ok + h.rev))
      let anchor = memo.get(key)
      if (!memo.has(key)) {
        anchor = idx.anchors.find((a) => a.span.start <= i.s && i.s + i.l <= a.span.end)
        memo.set(key, anchor)
      }
      if (anchor) {
        const m = anchorHits.get(idx) ?? anchorHits.set(idx, new Map()).get(idx)!
        const t = m.get(anchor.node.id) ?? { ok: 0, rev: 0 }
        // Present in the map = some instruction belongs to it (the optimizer merges identical code)
        m.set(anchor.node.id, { ok: Math.max(t.ok, h.ok), rev: Math.max(t.rev, h.rev) })
      }
      if (i.op === 0xfd) {
        const r = idx.requires.find((q) => q.span.start <= i.s && i.s + i.l <= q.span.end)
        if (r) {
          const m = requireFails.get(idx) ?? requireFails.set(idx, new Map()).get(idx)!
          m.set(r.node.id, (m.get(r.node.id) ?? 0) + h.ok + h.rev)
        }
      }
    }
  }

  const files: Record<string, FileCoverage> = {}
  const revertedOnly: Record<string, number[]> = {}
  const all = [...used].sort((a, b) => (a.name < b.name ? -1 : 1))
  for (const idx of all) {
    const abs = path.resolve(p.root, idx.name)
    if (files[abs]) continue
    const hitsOf = (id: number): Tally => anchorHits.get(idx)?.get(id) ?? { ok: 0, rev: 0 }
    const total = (id: number) => {
      const t = hitsOf(id)
      return t.ok + t.rev
    }
    const fc: FileCoverage = { path: abs, statementMap: {}, fnMap: {}, branchMap: {}, s: {}, f: {}, b: {} }
    // A statement no instruction belongs to has no code of its own to run (merged by the
    // optimizer, or dead code solc dropped): it is left out rather than shown as never reached.
    const mapped = (id: number) => anchorHits.get(idx)?.has(id) === true
    const statements = idx.anchors.filter((a) => a.kind === 'statement' && mapped(a.node.id)).sort((a, b) => a.span.start - b.span.start || b.span.end - a.span.end)
    const rev = new Set<number>()
    statements.forEach((a, k) => {
      fc.statementMap[k] = range(idx, a.span)
      fc.s[k] = total(a.node.id)
      const t = hitsOf(a.node.id)
      // A revert statement runs only in frames that revert: no news.
      if (t.ok === 0 && t.rev > 0 && a.node.nodeType !== 'RevertStatement' && !isRevertCall(a.node)) rev.add(position(idx, a.span.start).line)
    })
    const stmtsIn = (s: Span) => statements.filter((a) => s.start <= a.span.start && a.span.end <= s.end)
    idx.functions
      .sort((a, b) => a.span.start - b.span.start)
      // Like statements: a function no instruction belongs to was merged or dropped by solc.
      .filter((fn) => exactHits.get(idx)?.has(`${fn.span.start}:${fn.span.end - fn.span.start}`) || stmtsIn(fn.span).length > 0)
      .forEach((fn, k) => {
        const loc = range(idx, fn.span)
        const entry = exactHits.get(idx)?.get(`${fn.span.start}:${fn.span.end - fn.span.start}`) ?? 0
        const inner = Math.max(0, ...stmtsIn(fn.span).map((a) => total(a.node.id)))
        fc.fnMap[k] = { name: fn.name, decl: loc, loc, line: loc.start.line }
        fc.f[k] = Math.max(entry, inner)
      })
    // The hits of a body: its first statement's (an empty body: nothing to count).
    const bodyHits = (body: AstNode | undefined): number => {
      if (!body) return 0
      const s = span(body.src)
      const first = stmtsIn(s)[0]
      return first ? total(first.node.id) : 0
    }
    type Branch = { at: Span; type: string; sides: { span: Span; hits: number }[] }
    const branches: Branch[] = []
    for (const n of idx.ifs) {
      if (!mapped(n.id)) continue
      const at = span(n.src)
      const t = bodyHits(n.trueBody as AstNode)
      const falseBody = n.falseBody as AstNode | undefined
      const f = falseBody ? bodyHits(falseBody) : Math.max(0, total(n.id) - t)
      branches.push({ at, type: 'if', sides: [{ span: span((n.trueBody as AstNode).src), hits: t }, { span: falseBody ? span(falseBody.src) : at, hits: f }] })
    }
    for (const n of idx.conditionals) {
      const sides = [n.trueExpression, n.falseExpression] as AstNode[]
      if (!sides.some((x) => mapped(x.id))) continue
      branches.push({ at: span(n.src), type: 'cond-expr', sides: sides.map((x) => ({ span: span(x.src), hits: total(x.id) })) })
    }
    for (const r of idx.requires) {
      const stmt = statements.find((a) => a.span.start <= r.span.start && r.span.end <= a.span.end)
      if (!stmt) continue
      const ran = stmt ? total(stmt.node.id) : 0
      const failed = Math.min(ran, requireFails.get(idx)?.get(r.node.id) ?? 0)
      branches.push({ at: r.span, type: 'require', sides: [{ span: r.span, hits: ran - failed }, { span: r.span, hits: failed }] })
    }
    branches
      .sort((a, b) => a.at.start - b.at.start)
      .forEach((br, k) => {
        const loc = range(idx, br.at)
        fc.branchMap[k] = { loc, type: br.type, locations: br.sides.map((x) => range(idx, x.span)), line: loc.start.line }
        fc.b[k] = br.sides.map((x) => x.hits)
      })
    files[abs] = fc
    if (rev.size > 0) revertedOnly[abs] = [...rev].sort((a, b) => a - b)
  }
  return { files, revertedOnly, unmatched }
}

/** Per-file figures for a summary line: covered / total of lines, statements, branches, functions. */
export type CoverageFigures = { lines: [number, number]; statements: [number, number]; branches: [number, number]; functions: [number, number] }

export function figures(fc: FileCoverage): CoverageFigures {
  const lines = new Map<number, number>()
  for (const [k, r] of Object.entries(fc.statementMap)) lines.set(r.start.line, Math.max(lines.get(r.start.line) ?? 0, fc.s[k]))
  const count = (xs: number[]): [number, number] => [xs.filter((x) => x > 0).length, xs.length]
  return {
    lines: count([...lines.values()]),
    statements: count(Object.values(fc.s)),
    branches: count(Object.values(fc.b).flat()),
    functions: count(Object.values(fc.f)),
  }
}

/** `file:line` of every branch side never taken, in file order. */
export function unreachedBranches(cov: SourceCoverage, root: string): string[] {
  const out: string[] = []
  for (const [abs, fc] of Object.entries(cov.files)) {
    const rel = path.relative(root, abs)
    for (const [k, br] of Object.entries(fc.branchMap)) {
      fc.b[k].forEach((hits, side) => {
        if (hits === 0) out.push(`${rel}:${br.locations[side].start.line} (${br.type} ${br.type === 'require' ? (side === 0 ? 'passing' : 'failing') : side === 0 ? 'true' : 'false'} side)`)
      })
    }
  }
  return out
}
