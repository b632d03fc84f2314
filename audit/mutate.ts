/**
 * `vaultcheck mutate`: would the suite notice a bug here? Small, plausible bugs (mutants) are made
 * in one vault source file from solc's AST — every edit is a source range solc reported, never a
 * regular expression over text — and the kind's suite is run against each. A mutant the suite fails
 * on is killed; one it passes survived: a blind spot, or an equivalent mutant (no observable change).
 *
 *   score = killed / (killed + survived)
 *
 * Mutants that do not compile are discarded and counted (`invalid`). Mutants run in child processes
 * (audit/mutate-worker.ts), each with a small budget that stops at the first failed property.
 */
import type { ChildProcess } from 'node:child_process'
import { forkWorker } from '../engine/fork.ts'
import os from 'node:os'
import path from 'node:path'
import type { Kind } from '../engine/property.ts'
import { KINDS } from '../engine/property.ts'
import { PACKAGE_ROOT, REFERENCE_VAULTS } from '../engine/bundled.ts'
import { compile, getArtifact } from '../evm/compile.ts'
import { ConfigError, ContractNotFoundError, HarnessError, SourceNotFoundError, VaultcheckError } from '../evm/errors.ts'
import type { EvmVersion } from '../evm/evm-version.ts'
import { runSuite } from '../runner/suite.ts'
import fs from 'node:fs'

// ---------------------------------------------------------------------------------------------
// Mutants

export const MUTATION_OPERATORS = [
  /** `<`↔`<=`, `>`↔`>=` (boundary), `<`↔`>`, `<=`↔`>=` (direction), `==`↔`!=`. */
  'comparison',
  /** `+`↔`-`, `*`↔`/`. */
  'arithmetic',
  /** A number literal ±1. */
  'literal',
  /** `require(...);` removed. */
  'drop-require',
  /** `if (...) revert ...;` removed. */
  'drop-if-revert',
  /** mulDivDown↔mulDivUp (a callee named with Down/Up), or a Rounding.Floor/Ceil/Down/Up argument flipped. */
  'rounding',
  /** `x = ...;`, `x += ...;`, `x -= ...;`, `x++;`, `delete x;` removed. */
  'delete-assignment',
  /** A call statement (`_burn(...)`, `token.safeTransfer(...)`, `_spendAllowance(...)`) removed; never an emit. */
  'delete-call',
  /** Two adjacent identifier arguments of the same type swapped in a call. */
  'swap-args',
] as const
export type MutationOperator = (typeof MUTATION_OPERATORS)[number]

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

const COMPARISON_SWAPS: Record<string, string[]> = {
  '<': ['<=', '>'],
  '<=': ['<', '>='],
  '>': ['>=', '<'],
  '>=': ['>', '<='],
  '==': ['!='],
  '!=': ['=='],
}
const ARITHMETIC_SWAPS: Record<string, string> = { '+': '-', '-': '+', '*': '/', '/': '*' }
const ROUNDING_MEMBERS: Record<string, string> = { Floor: 'Ceil', Ceil: 'Floor', Down: 'Up', Up: 'Down' }

function range(n: Node): { start: number; end: number } {
  const [s, l] = n.src.split(':').map(Number)
  return { start: s, end: s + l }
}

/** The numeric value of a Solidity number literal, or undefined when it is not an integer. */
export function literalValue(text: string): bigint | undefined {
  const t = text.replace(/_/g, '')
  if (/^0x[0-9a-f]+$/i.test(t)) return BigInt(t)
  const m = /^(\d*)(?:\.(\d*))?(?:e(\d+))?$/i.exec(t)
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined
  const frac = m[2] ?? ''
  const exp = Number(m[3] ?? '0') - frac.length
  const digits = BigInt((m[1] || '0') + frac)
  if (exp >= 0) return digits * 10n ** BigInt(exp)
  const div = 10n ** BigInt(-exp)
  return digits % div === 0n ? digits / div : undefined
}

const collapse = (s: string) => s.replace(/\s+/g, ' ').trim()

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

// ---------------------------------------------------------------------------------------------
// Equivalent mutants of the bundled reference vaults
//
// A mutant is equivalent when no caller can observe the change. Those are excluded from the
// "non-equivalent" score: no suite can kill them. Keyed by Mutant.key (file:function:orig => repl).

export const EQUIVALENT_MUTANTS: Readonly<Record<string, string>> = {
  // ReserveVault: the receiver == vault guard. Not equivalent in the strict sense (the call succeeds
  // instead of reverting), but the reserve specification makes receiver == vault implementation-
  // defined ('receiver-is-vault' in model/reserve.ts: OpenZeppelin reverts, others may not), and the
  // model checks the non-reverting behaviour exactly when it happens. No promise of the kind is broken.
  'ReserveVault.sol:ReserveVault.depositFor:if (account == address(this)) revert InvalidAccount(account); => (removed)':
    'permitted by the specification: depositFor(vault, x) is implementation-defined (receiver-is-vault); without the guard the wrapped tokens are minted to the vault and parked there, which the model predicts and allows',
  'ReserveVault.sol:ReserveVault.withdrawTo:if (account == address(this)) revert InvalidAccount(account); => (removed)':
    'permitted by the specification: withdrawTo(vault, x) is implementation-defined (receiver-is-vault); without the guard the caller burns x and the underlying stays in the vault, which the model predicts and allows',
  // TokenizedVault: max* guards that other code already enforces.
  'TokenizedVault.sol:TokenizedVault.deposit:if (assets > max) revert ExceededMaxDeposit(receiver, assets, max); => (removed)':
    'maxDeposit is type(uint256).max, so assets > max can never hold',
  'TokenizedVault.sol:TokenizedVault.deposit:assets > max => assets >= max':
    'max is type(uint256).max: only deposit(2^256-1) changes, and it reverts either way (no account holds 2^256-1 assets, so the asset transfer fails); only the revert reason differs',
  'TokenizedVault.sol:TokenizedVault.mint:if (shares > max) revert ExceededMaxMint(receiver, shares, max); => (removed)':
    'maxMint is type(uint256).max, so shares > max can never hold',
  'TokenizedVault.sol:TokenizedVault.mint:shares > max => shares >= max':
    'max is type(uint256).max: only mint(2^256-1) changes, and it reverts either way (previewMint overflows or costs 2^256-1 assets no one holds); only the revert reason differs',
  'TokenizedVault.sol:TokenizedVault.withdraw:if (assets > max) revert ExceededMaxWithdraw(owner, assets, max); => (removed)':
    'assets > maxWithdraw(owner) = floor(balance * (totalAssets+1) / (totalSupply+1)) implies previewWithdraw(assets) > balance, so _burn (or _spendAllowance) reverts anyway; only the revert reason differs',
  'TokenizedVault.sol:TokenizedVault.redeem:if (shares > max) revert ExceededMaxRedeem(owner, shares, max); => (removed)':
    'maxRedeem(owner) is balanceOf(owner): shares > balance makes _burn (or _spendAllowance) revert anyway; only the revert reason differs',
  // CollateralDebtVault: a tie the ternary resolves either way, and Liquidate event fields.
  'CollateralDebtVault.sol:CollateralDebtVault._seizedCollateral:owed < collateral => owed <= collateral':
    'min(owed, collateral) either way: the two differ only when owed == collateral, and then both branches return the same value',
  'CollateralDebtVault.sol:CollateralDebtVault.liquidate:debt, seized => seized, debt':
    "only the Liquidate event's fields change: the cdp kind has no standard interface, its events are the reference's own (model/cdp.ts), and the cdp specification promises none of them (CDP-DIFF-002 covers positions, balances and seized collateral, all unchanged)",
  'CollateralDebtVault.sol:CollateralDebtVault.liquidate:seized, price => price, seized':
    "only the Liquidate event's fields change: the cdp kind has no standard interface, its events are the reference's own (model/cdp.ts), and the cdp specification promises none of them (CDP-DIFF-002 covers positions, balances and seized collateral, all unchanged)",
}

// ---------------------------------------------------------------------------------------------
// Running

export type MutantStatus = 'killed' | 'survived' | 'invalid' | 'timeout' | 'error'

export type MutantResult = Mutant & {
  status: MutantStatus
  /** The property that failed, or the error the suite raised (DeployError, TargetShapeError, ...). */
  killedBy?: string
  /** Why it was killed (the failure's message), why it did not compile, or what went wrong. */
  detail?: string
  /** For a survivor listed in EQUIVALENT_MUTANTS: why it is equivalent. */
  equivalent?: string
  durationMs: number
}

export type MutateParams = {
  kind: Kind
  /** The vault source; default the bundled reference vault of the kind. */
  source?: string
  /** Default the bundled reference vault's name (required with `source`). */
  contract?: string
  /** Project root (imports, remappings); default process.cwd() (the package root for bundled vaults). */
  root?: string
  remappings?: readonly string[]
  evmVersion?: EvmVersion
  /** Runs per mutant (default 20), actions per run, seed. */
  runs?: number
  depth?: number
  seed?: number
  /** Parallel child processes; default the number of cores. */
  workers?: number
  /** Per-mutant budget in milliseconds (default 120 s): exploration stops at half, the process is killed at the full budget. */
  timeoutMs?: number
  operators?: readonly MutationOperator[]
  /** Only these mutant ids (after generation). */
  only?: readonly string[]
  signal?: AbortSignal
  onMutantDone?: (r: MutantResult, done: number, total: number) => void
}

export type MutationReport = {
  kind: Kind
  file: string
  contract: string
  /** killed / (killed + survived); 1 when there is nothing to score. */
  score: number
  /** killed / (killed + survived - equivalent survivors). */
  nonEquivalentScore: number
  killed: number
  survived: number
  invalid: number
  timeout: number
  errors: number
  /** Survivors listed in EQUIVALENT_MUTANTS. */
  equivalent: number
  /** Killed mutants that EQUIVALENT_MUTANTS calls equivalent: that entry is wrong. */
  wronglyEquivalent: string[]
  mutants: MutantResult[]
  budget: { runs: number; depth?: number; seed: number; timeoutMs: number }
  interrupted?: string
  durationMs: number
}

export const DEFAULT_MUTANT_RUNS = 20
const DEFAULT_TIMEOUT_MS = 120_000

/** The message a worker gets for one mutant. */
export type MutantJob = {
  id: string
  kind: Kind
  contract: string
  /** Absolute path of the original file, its unit name, and the mutated content. */
  file: string
  unit: string
  content: string
  root: string
  remappings?: readonly string[]
  evmVersion?: EvmVersion
  runs: number
  depth?: number
  seed: number
  softTimeoutMs: number
}

export type JobOutcome = Pick<MutantResult, 'status' | 'killedBy' | 'detail'>

/** Compiles one mutant and runs the suite on it (in a worker, or in-process). */
export async function runMutantJob(job: MutantJob): Promise<JobOutcome> {
  let artifact
  try {
    const out = await compile({ sources: [job.file], root: job.root, remappings: job.remappings, evmVersion: job.evmVersion, overrides: { [job.unit]: job.content }, cacheDir: false })
    artifact = getArtifact(out, `${job.unit}:${job.contract}`)
  } catch (e) {
    if (e instanceof VaultcheckError && e.kind === 'usage') return { status: 'invalid', detail: firstLine(e) }
    throw e
  }
  return judge(() =>
    runSuite({ kind: job.kind, name: job.contract, artifact, evmVersion: job.evmVersion }, { runs: job.runs, depth: job.depth, seed: job.seed, stopOnFirstFailure: true, timeLimitMs: job.softTimeoutMs }),
  )
}

async function judge(run: () => ReturnType<typeof runSuite>): Promise<JobOutcome> {
  try {
    const r = await run()
    const failed = r.properties.find((p) => p.status === 'failed')
    if (failed) return { status: 'killed', killedBy: failed.id, detail: failed.counterexample?.message }
    if (r.interrupted) return { status: 'timeout', detail: `no property failed before the ${r.interrupted}` }
    return { status: 'survived' }
  } catch (e) {
    // The suite could not even run the mutant as a vault of its kind (its constructor or setup
    // reverts, a view the harness reads reverts, it no longer has the kind's shape): a real
    // change of behaviour the suite noticed.
    if (e instanceof VaultcheckError && e.kind === 'usage') return { status: 'killed', killedBy: e.name, detail: firstLine(e) }
    return { status: 'error', detail: `${(e as Error).name}: ${firstLine(e as Error)}` }
  }
}

const firstLine = (e: Error) => (e instanceof VaultcheckError ? e.shortMessage : e.message.split('\n')[0])

type Resolved = { file: string; unit: string; root: string; contract: string; content: string; ast: unknown }

async function resolveSource(p: MutateParams): Promise<Resolved> {
  if (!KINDS.includes(p.kind)) throw new ConfigError({ issues: [{ path: 'kind', message: `unknown kind "${String(p.kind)}"; expected one of ${KINDS.join(', ')}` }] })
  const bundled = !p.source
  if (p.source && !p.contract) throw new ConfigError({ issues: [{ path: 'contract', message: `a contract name is required with source ${p.source}` }] })
  const contract = p.contract ?? REFERENCE_VAULTS[p.kind]
  const root = path.resolve(bundled ? PACKAGE_ROOT : (p.root ?? process.cwd()))
  const file = bundled ? path.join(PACKAGE_ROOT, 'contracts', `${contract}.sol`) : path.resolve(root, p.source!)
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new SourceNotFoundError(p.source ?? path.relative(process.cwd(), file))
  const out = await compile({ sources: [file], root, remappings: p.remappings, evmVersion: p.evmVersion })
  const content = fs.readFileSync(file, 'utf8')
  const unit = Object.keys(out.sources).find((u) => path.resolve(root, u) === file || u === file) ?? Object.keys(out.sources).find((u) => out.sources[u].content === content)
  if (!unit) throw new HarnessError(`could not find the source unit of ${file} in the compiler output`)
  const declared = out.artifacts.filter((a) => a.sourceName === unit)
  if (!declared.some((a) => a.name === contract)) {
    throw new ContractNotFoundError({ contractName: contract, available: declared.map((a) => a.name), where: `${unit} (mutate tests a contract declared in the file it mutates)` })
  }
  getArtifact(out, `${unit}:${contract}`)
  return { file, unit, root, contract, content, ast: out.sources[unit].ast }
}

/** Every mutant of the vault's file, without running anything. */
export async function listMutants(p: Pick<MutateParams, 'kind' | 'source' | 'contract' | 'root' | 'remappings' | 'evmVersion' | 'operators'>): Promise<Mutant[]> {
  const r = await resolveSource(p)
  return generateMutants({ file: r.unit, content: r.content, ast: r.ast, operators: p.operators })
}

export async function runMutation(p: MutateParams): Promise<MutationReport> {
  const started = Date.now()
  const src = await resolveSource(p)
  const runs = p.runs ?? DEFAULT_MUTANT_RUNS
  const seed = p.seed ?? 1
  const timeoutMs = p.timeoutMs ?? DEFAULT_TIMEOUT_MS
  let mutants = generateMutants({ file: src.unit, content: src.content, ast: src.ast, operators: p.operators })
  if (p.only?.length) mutants = mutants.filter((m) => p.only!.includes(m.id))

  // The unmutated vault must keep every promise at this budget, or no kill means anything.
  const baseline = await runMutantJob({ ...jobBase(p, src, runs, seed, timeoutMs), id: 'original', content: src.content })
  if (baseline.status !== 'survived') {
    throw new VaultcheckError(`the unmutated ${src.contract} does not pass the ${p.kind} suite (${baseline.status}${baseline.killedBy ? ` by ${baseline.killedBy}` : ''}): mutation testing needs a vault that keeps its promises`, {
      details: baseline.detail ? [baseline.detail] : [],
    })
  }

  const results: (MutantResult | undefined)[] = new Array(mutants.length)
  let done = 0
  const finish = (i: number, o: JobOutcome, ms: number) => {
    const m = mutants[i]
    const eq = EQUIVALENT_MUTANTS[m.key]
    results[i] = { ...m, ...o, ...(eq && o.status === 'survived' ? { equivalent: eq } : {}), durationMs: ms }
    done++
    p.onMutantDone?.(results[i]!, done, mutants.length)
  }
  const jobs = mutants.map((m) => ({ ...jobBase(p, src, runs, seed, timeoutMs), id: m.id, content: applyMutant(src.content, m) }))
  const workers = Math.max(1, Math.min(p.workers ?? os.availableParallelism(), jobs.length))
  const pool = new WorkerPool(timeoutMs)
  let next = 0
  try {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        while (next < jobs.length && !p.signal?.aborted) {
          const i = next++
          const t0 = Date.now()
          finish(i, await pool.run(jobs[i]), Date.now() - t0)
        }
      }),
    )
  } finally {
    pool.close()
  }
  const all = results.filter((r): r is MutantResult => r !== undefined)
  const count = (s: MutantStatus) => all.filter((r) => r.status === s).length
  const killed = count('killed')
  const survived = count('survived')
  const equivalent = all.filter((r) => r.status === 'survived' && r.equivalent).length
  return {
    kind: p.kind,
    file: src.unit,
    contract: src.contract,
    score: ratio(killed, killed + survived),
    nonEquivalentScore: ratio(killed, killed + survived - equivalent),
    killed,
    survived,
    invalid: count('invalid'),
    timeout: count('timeout'),
    errors: count('error'),
    equivalent,
    wronglyEquivalent: all.filter((r) => r.status === 'killed' && EQUIVALENT_MUTANTS[r.key]).map((r) => r.key),
    mutants: all,
    budget: { runs, depth: p.depth, seed, timeoutMs },
    ...(p.signal?.aborted ? { interrupted: `interrupted after ${all.length} of ${mutants.length} mutants` } : {}),
    durationMs: Date.now() - started,
  }
}

const ratio = (a: number, b: number) => (b <= 0 ? 1 : a / b)

function jobBase(p: MutateParams, src: Resolved, runs: number, seed: number, timeoutMs: number): Omit<MutantJob, 'id' | 'content'> {
  return { kind: p.kind, contract: src.contract, file: src.file, unit: src.unit, root: src.root, remappings: p.remappings, evmVersion: p.evmVersion, runs, depth: p.depth, seed, softTimeoutMs: Math.floor(timeoutMs / 2) }
}

/** Long-lived child processes, one mutant at a time each; a child that overruns its budget is killed and replaced. */
class WorkerPool {
  private idle: ChildProcess[] = []
  private all = new Set<ChildProcess>()
  constructor(private readonly timeoutMs: number) {}

  private spawn(): ChildProcess {
    const child = forkWorker(new URL('./mutate-worker.ts', import.meta.url))
    this.all.add(child)
    child.on('exit', () => this.all.delete(child))
    return child
  }

  run(job: MutantJob): Promise<JobOutcome> {
    const child = this.idle.pop() ?? this.spawn()
    return new Promise((resolve) => {
      let settled = false
      const settle = (o: JobOutcome, reuse: boolean) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        child.off('message', onMessage)
        child.off('exit', onExit)
        if (reuse) this.idle.push(child)
        else child.kill('SIGKILL')
        resolve(o)
      }
      const timer = setTimeout(() => settle({ status: 'timeout', detail: `no verdict within ${this.timeoutMs} ms` }, false), this.timeoutMs)
      const onMessage = (m: { type: string; id: string; outcome?: JobOutcome; error?: string }) => {
        if (m.id !== job.id) return
        if (m.type === 'outcome' && m.outcome) settle(m.outcome, true)
        if (m.type === 'error') settle({ status: 'error', detail: m.error }, true)
      }
      const onExit = (code: number | null) => settle({ status: 'error', detail: `worker exited with code ${code}` }, false)
      child.on('message', onMessage)
      child.on('exit', onExit)
      child.send({ type: 'mutant', job })
    })
  }

  close(): void {
    for (const c of this.all) c.kill()
    this.idle = []
  }
}

// ---------------------------------------------------------------------------------------------
// Reports

export function mutationJson(r: MutationReport): string {
  return (
    JSON.stringify(
      {
        tool: 'vaultcheck',
        command: 'mutate',
        kind: r.kind,
        file: r.file,
        contract: r.contract,
        score: round4(r.score),
        nonEquivalentScore: round4(r.nonEquivalentScore),
        killed: r.killed,
        survived: r.survived,
        invalid: r.invalid,
        timeout: r.timeout,
        errors: r.errors,
        equivalent: r.equivalent,
        ...(r.wronglyEquivalent.length ? { wronglyEquivalent: r.wronglyEquivalent } : {}),
        budget: r.budget,
        ...(r.interrupted ? { interrupted: r.interrupted } : {}),
        durationMs: r.durationMs,
        mutants: r.mutants.map((m) => ({
          id: m.id,
          file: m.file,
          line: m.line,
          column: m.column,
          function: m.function,
          operator: m.operator,
          original: m.original,
          replacement: m.replacement,
          change: m.change,
          status: m.status,
          ...(m.killedBy ? { killedBy: m.killedBy } : {}),
          ...(m.detail ? { detail: m.detail } : {}),
          ...(m.equivalent ? { equivalent: m.equivalent } : {}),
          key: m.key,
        })),
      },
      null,
      2,
    ) + '\n'
  )
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000
const pct = (x: number) => `${(x * 100).toFixed(1)}%`

export function formatMutation(r: MutationReport): string {
  const lines: string[] = []
  lines.push(`${r.contract} (${r.kind}) — ${r.file}: ${r.mutants.length} mutants, ${r.budget.runs} runs each, seed ${r.budget.seed}`)
  lines.push(`score ${pct(r.score)} (${r.killed} killed / ${r.killed + r.survived}); ${r.survived} survived (${r.equivalent} known equivalent), ${r.invalid} invalid, ${r.timeout} timed out, ${r.errors} errors`)
  lines.push(`non-equivalent score ${pct(r.nonEquivalentScore)}`)
  if (r.interrupted) lines.push(r.interrupted)
  lines.push('')
  const w = Math.max(...r.mutants.map((m) => `${m.file}:${m.line}`.length), 8)
  for (const m of r.mutants) {
    const [minus, plus] = m.change.split('\n')
    const verdict = m.status === 'killed' ? `killed by ${m.killedBy}` : m.status === 'survived' && m.equivalent ? 'survived (equivalent)' : m.status
    lines.push(`${m.id}  ${`${m.file}:${m.line}`.padEnd(w)}  ${m.operator.padEnd(17)} ${verdict}`)
    lines.push(`      ${minus}`)
    lines.push(`      ${plus}`)
  }
  const survivors = r.mutants.filter((m) => m.status === 'survived')
  lines.push('')
  if (survivors.length === 0) lines.push('no survivors')
  else {
    lines.push(`survivors (${survivors.length}):`)
    lines.push(`  ${'id'.padEnd(5)} ${'location'.padEnd(w)}  ${'function'.padEnd(28)} change`)
    for (const m of survivors) {
      lines.push(`  ${m.id.padEnd(5)} ${`${m.file}:${m.line}`.padEnd(w)}  ${m.function.padEnd(28)} ${collapse(m.original)}  =>  ${collapse(m.replacement) || '(removed)'}`)
      lines.push(`        ${m.equivalent ? `equivalent: ${m.equivalent}` : 'NOT known equivalent: a blind spot of the suite, or add it to EQUIVALENT_MUTANTS with the reason'}`)
    }
  }
  if (r.wronglyEquivalent.length) lines.push('', `listed as equivalent but killed (fix EQUIVALENT_MUTANTS): ${r.wronglyEquivalent.join('; ')}`)
  const other = r.mutants.filter((m) => m.status === 'timeout' || m.status === 'error')
  if (other.length) {
    lines.push('', 'timed out or errored (not scored):')
    for (const m of other) lines.push(`  ${m.id} ${m.status}: ${m.detail ?? ''}`)
  }
  return lines.join('\n') + '\n'
}
