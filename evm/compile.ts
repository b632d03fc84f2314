import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import type { Abi, Hex } from 'viem'
import {
  CompileError,
  ConfigError,
  ContractNotFoundError,
  type Diagnostic,
  HarnessError,
  ImportNotFoundError,
  SourceNotFoundError,
} from './errors.ts'
import { DEFAULT_EVM_VERSION, type EvmVersion } from './evm-version.ts'
import { chooseSolc, loadSolc, type SolcPackage } from './solc-versions.ts'

export type OptimizerSettings = { enabled: boolean; runs: number }

export type CompileParams = {
  /** .sol file paths, absolute or relative to process.cwd(). */
  sources: readonly string[]
  /** Base directory for source unit names; default process.cwd(). */
  root?: string
  /** solc-style `[context:]prefix=target`, target relative to root (or absolute). */
  remappings?: readonly string[]
  /** Default { enabled: true, runs: 200 }. */
  optimizer?: OptimizerSettings
  /** An exact compiler version (Foundry's `solc_version`); default: chosen from the pragmas. */
  solcVersion?: string
  /** Default DEFAULT_EVM_VERSION. */
  evmVersion?: EvmVersion
  /** Default `<root>/.vaultcheck/cache`; false disables the cache. */
  cacheDir?: string | false
  /** Extra roots for package imports; default every node_modules directory from root upwards. */
  includePaths?: readonly string[]
  /**
   * Source unit name -> content compiled instead of the file on disk (mutation testing compiles
   * rewritten copies of a vault without writing them next to the original).
   */
  overrides?: Readonly<Record<string, string>>
}

export type Artifact = {
  name: string
  sourceName: string
  /** `sourceName:name`, e.g. 'contracts/Vault.sol:Vault'. */
  fullyQualifiedName: string
  abi: Abi
  /** '0x' for abstract contracts and interfaces. Libraries still hold `__$...$__` link placeholders. */
  bytecode: Hex
  deployedBytecode: Hex
  sourceMap: string
  deployedSourceMap: string
  storageLayout: unknown
  compilerVersion: string
  evmVersion: EvmVersion
}

export type CompileOutput = {
  compilerVersion: string
  evmVersion: EvmVersion
  /** The cache key: everything that can change solc's output, hashed. */
  settingsHash: string
  artifacts: Artifact[]
  /** Source unit name -> content and solc AST (mutation testing rewrites sources from these). */
  sources: Record<string, { content: string; ast: unknown }>
  warnings: Diagnostic[]
  fromCache: boolean
}

/** Counts real solc runs, so tests can prove that a cache hit never reached the compiler. */
export const compilerStats = { solcInvocations: 0 }

// Bumped whenever the shape of a cached CompileOutput changes, so old entries stop matching.
// 2: contracts from solc < 0.8.20 carry their libraries' events (see withLibraryEvents).
const CACHE_FORMAT = 2

const DEFAULT_OPTIMIZER: OptimizerSettings = { enabled: true, runs: 200 }

// ---------------------------------------------------------------------------------------------
// solc loading

/** The bundled compiler's full version string (loads it). */
export function compilerVersion(): string {
  return loadSolc().version()
}

// ---------------------------------------------------------------------------------------------
// Paths and source unit names
//
// solc identifies files by "source unit names", and it derives the name an import refers to by
// itself: relative imports are resolved against the importer's unit name, then remappings are
// applied. We must hand solc every file under exactly that name, so we reproduce its algorithm
// (see resolveImportName) rather than invent our own naming.
//
// Remapping targets are rewritten from file-system paths into unit-name space before solc sees
// them: '@oz/=node_modules/@openzeppelin/contracts/' becomes '@oz/=@openzeppelin/contracts/'.
// That way a file reached through a remapping and the same file imported by its package path
// share one unit name; otherwise solc would compile it twice and treat, say, two copies of
// IERC20 as unrelated types.

const toPosix = (p: string): string => p.split(path.sep).join('/')

type Remapping = { context: string; prefix: string; target: string }

type Layout = {
  root: string
  /** Directories whose contents are named relative to themselves (package imports). */
  includePaths: readonly string[]
}

/** The unit name for a file on disk: relative to the closest enclosing root, else absolute. */
function unitNameForFile(absFile: string, layout: Layout): string {
  let best: string | undefined
  for (const base of [layout.root, ...layout.includePaths]) {
    const rel = path.relative(base, absFile)
    const inside = rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel)
    if (inside && (best === undefined || rel.length < best.length)) best = rel
  }
  return toPosix(best ?? absFile)
}

/** Where a unit name may live on disk, in lookup order. */
function candidateFiles(unitName: string, layout: Layout): string[] {
  if (path.posix.isAbsolute(unitName)) return [unitName]
  return [layout.root, ...layout.includePaths].map((base) => path.join(base, unitName))
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile()
  } catch {
    return false
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory()
  } catch {
    return false
  }
}

function parseRemappings(raw: readonly string[], layout: Layout): Remapping[] {
  return raw.map((entry, i) => {
    const eq = entry.indexOf('=')
    const lhs = eq < 0 ? '' : entry.slice(0, eq)
    const colon = lhs.indexOf(':')
    const context = colon < 0 ? '' : lhs.slice(0, colon)
    const prefix = colon < 0 ? lhs : lhs.slice(colon + 1)
    if (eq < 0 || prefix === '') {
      throw new ConfigError({
        issues: [{ path: `remappings[${i}]`, message: `expected "[context:]prefix=target", got "${entry}"` }],
      })
    }
    return { context, prefix, target: remapTargetToUnitName(entry.slice(eq + 1), layout) }
  })
}

function remapTargetToUnitName(target: string, layout: Layout): string {
  if (target === '') return ''
  const trailingSlash = target.endsWith('/')
  // The brief says targets are relative to root, but 'x/=@scope/pkg/' style targets (already in
  // package space) are common too: accept whichever interpretation names an existing directory.
  const candidates = path.isAbsolute(target)
    ? [target]
    : [layout.root, ...layout.includePaths].map((base) => path.resolve(base, target))
  const abs = candidates.find(isDirectory) ?? candidates[0]
  const name = path.resolve(abs) === path.resolve(layout.root) ? '' : unitNameForFile(path.resolve(abs), layout)
  return name === '' ? '' : trailingSlash ? `${name}/` : name
}

/** solc's own mapping from (importer, import path) to the unit name it will look up. */
function resolveImportName(importPath: string, importer: string, remappings: readonly Remapping[]): string {
  let name = importPath
  if (importPath.startsWith('./') || importPath.startsWith('../')) {
    // solc drops the importer's last segment, then walks the import's segments; '..' past the
    // start is silently ignored (checked against solc 0.8.37), unlike path.posix.normalize.
    const absolute = importer.startsWith('/')
    const segments = importer.split('/').filter((s) => s !== '')
    segments.pop()
    for (const segment of importPath.split('/')) {
      if (segment === '' || segment === '.') continue
      if (segment === '..') segments.pop()
      else segments.push(segment)
    }
    name = (absolute ? '/' : '') + segments.join('/')
  }
  // Longest context wins, then longest prefix: solc's rule.
  let chosen: Remapping | undefined
  for (const r of remappings) {
    if (!importer.startsWith(r.context) || !name.startsWith(r.prefix)) continue
    if (
      !chosen ||
      r.context.length > chosen.context.length ||
      (r.context.length === chosen.context.length && r.prefix.length > chosen.prefix.length)
    ) {
      chosen = r
    }
  }
  return chosen ? chosen.target + name.slice(chosen.prefix.length) : name
}

function defaultIncludePaths(root: string): string[] {
  const found: string[] = []
  for (let dir = root; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules')
    if (isDirectory(candidate)) found.push(candidate)
    if (path.dirname(dir) === dir) return found
  }
}

// ---------------------------------------------------------------------------------------------
// Import discovery

/**
 * Blanks out comments so commented-out imports are not followed. Strings are tracked so that
 * '//' inside a string (a URL in an import path, say) does not start a comment.
 */
function stripComments(source: string): string {
  let out = ''
  let i = 0
  while (i < source.length) {
    const c = source[i]
    const next = source[i + 1]
    if (c === '"' || c === "'") {
      let j = i + 1
      while (j < source.length && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1
      out += source.slice(i, j + 1)
      i = j + 1
    } else if (c === '/' && next === '/') {
      while (i < source.length && source[i] !== '\n') i++
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2)
      i = end < 0 ? source.length : end + 2
      out += ' '
    } else {
      out += c
      i++
    }
  }
  return out
}

// The four import forms: `import "x";`, `import "x" as y;`, `import * as y from "x";` and
// `import {a, b as c} from "x";`. The lookbehind keeps identifiers like `reimport` out.
const IMPORT_RE =
  /(?<![\w$])import\s*(?:(["'])([^"'\n]*)\1\s*(?:as\s+[\w$]+\s*)?|\*\s*as\s+[\w$]+\s*from\s*(["'])([^"'\n]*)\3\s*|\{[^}]*\}\s*from\s*(["'])([^"'\n]*)\5\s*);/g

export function findImports(source: string): string[] {
  const imports: string[] = []
  for (const m of stripComments(source).matchAll(IMPORT_RE)) imports.push(m[2] ?? m[4] ?? m[6])
  return imports
}

/** Reads every source reachable from the entry files, keyed by the unit name solc will use. */
function collectSources(
  entries: readonly string[],
  layout: Layout,
  remappings: readonly Remapping[],
  overrides: Readonly<Record<string, string>> = {},
): Map<string, string> {
  const contents = new Map<string, string>()
  const read = (name: string, file: string) => (Object.hasOwn(overrides, name) ? overrides[name] : fs.readFileSync(file, 'utf8'))
  const queue: string[] = []

  for (const entry of entries) {
    const abs = path.resolve(entry)
    if (!isFile(abs)) throw new SourceNotFoundError(entry)
    const name = unitNameForFile(abs, layout)
    if (!contents.has(name)) {
      contents.set(name, read(name, abs))
      queue.push(name)
    }
  }

  for (let unit = queue.shift(); unit !== undefined; unit = queue.shift()) {
    for (const importPath of findImports(contents.get(unit)!)) {
      const name = resolveImportName(importPath, unit, remappings)
      if (contents.has(name)) continue
      const searched = candidateFiles(name, layout)
      const file = searched.find(isFile)
      if (!file) throw new ImportNotFoundError({ importPath, importer: unit, searched })
      contents.set(name, read(name, file))
      queue.push(name)
    }
  }
  return contents
}

// ---------------------------------------------------------------------------------------------
// Cache

function cacheKey(parts: {
  solc: SolcPackage
  evmVersion: EvmVersion | undefined
  optimizer: OptimizerSettings
  remappings: readonly Remapping[]
  sources: Map<string, string>
}): string {
  const sources = [...parts.sources].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const material = JSON.stringify({
    format: CACHE_FORMAT,
    // solc-js ships one soljson per npm release: the package version pins the compiler unloaded.
    solc: parts.solc.version,
    evmVersion: parts.evmVersion,
    optimizer: { enabled: parts.optimizer.enabled, runs: parts.optimizer.runs },
    remappings: parts.remappings,
    sources,
  })
  return createHash('sha256').update(material).digest('hex')
}

/** A cached output, or undefined for a missing, unreadable, corrupt or mismatched entry. */
function readCache(file: string, key: string): CompileOutput | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<CompileOutput>
    if (
      parsed.settingsHash !== key ||
      !Array.isArray(parsed.artifacts) ||
      !Array.isArray(parsed.warnings) ||
      typeof parsed.sources !== 'object' ||
      parsed.sources === null
    ) {
      return undefined
    }
    return { ...(parsed as CompileOutput), fromCache: true }
  } catch {
    return undefined
  }
}

/**
 * Write-then-rename: rename is atomic within a directory, so a concurrent reader sees either no
 * entry or a complete one. Failing to write is not fatal: the cache only saves time.
 */
function writeCache(dir: string, file: string, output: CompileOutput): void {
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(tmp, JSON.stringify({ ...output, fromCache: false }))
    fs.renameSync(tmp, file)
  } catch {
    fs.rmSync(tmp, { force: true })
  }
}

// ---------------------------------------------------------------------------------------------
// Running solc

type SolcError = {
  severity: 'error' | 'warning' | 'info'
  type?: string
  message: string
  sourceLocation?: { file: string; start: number; end: number }
}

type SolcContract = {
  abi: Abi
  evm?: {
    bytecode?: { object?: string; sourceMap?: string }
    deployedBytecode?: { object?: string; sourceMap?: string }
  }
  storageLayout?: unknown
}

type SolcOutput = {
  errors?: SolcError[]
  sources?: Record<string, { id: number; ast: unknown }>
  contracts?: Record<string, Record<string, SolcContract>>
}

/**
 * solc reports byte offsets into the UTF-8 encoding; line and column (both 1-based, column in
 * characters) are what editors and humans understand.
 */
function toDiagnostic(e: SolcError, sources: Map<string, string>): Diagnostic {
  const d: Diagnostic = { severity: e.severity, message: e.message, type: e.type }
  const loc = e.sourceLocation
  if (!loc?.file) return d
  d.file = loc.file
  const content = sources.get(loc.file)
  if (content === undefined || loc.start < 0) return d
  const before = Buffer.from(content, 'utf8').subarray(0, loc.start).toString('utf8')
  const lines = before.split('\n')
  d.line = lines.length
  d.column = lines[lines.length - 1].length + 1
  return d
}

const hex = (object: string | undefined): Hex => `0x${object ?? ''}`

function runSolc(
  sources: Map<string, string>,
  settings: { solc: SolcPackage; evmVersion: EvmVersion | undefined; optimizer: OptimizerSettings; remappings: readonly Remapping[] },
): { version: string; output: SolcOutput } {
  const solc = loadSolc(settings.solc)
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries([...sources].map(([name, content]) => [name, { content }])),
    settings: {
      optimizer: settings.optimizer,
      // Undefined: the compiler's own default, the newest EVM an older solc knows.
      ...(settings.evmVersion ? { evmVersion: settings.evmVersion } : {}),
      // Only needed so solc maps remapped import strings to the unit names we already chose.
      remappings: settings.remappings.map((r) => `${r.context ? `${r.context}:` : ''}${r.prefix}=${r.target}`),
      outputSelection: {
        '*': {
          '*': [
            'abi',
            'evm.bytecode.object',
            'evm.bytecode.sourceMap',
            'evm.deployedBytecode.object',
            'evm.deployedBytecode.sourceMap',
            'storageLayout',
          ],
          '': ['ast'],
        },
      },
    },
  }
  // Every import was resolved up front; if solc still asks for a file, our resolution disagrees
  // with solc's, and saying so beats silently reading something from disk.
  const importCallback = (name: string) => ({
    error: `vaultcheck resolved all imports before compiling and "${name}" was not among them`,
  })

  compilerStats.solcInvocations++
  let raw: string
  try {
    raw = solc.compile(JSON.stringify(input), { import: importCallback })
  } catch (cause) {
    throw new HarnessError('solc crashed while compiling', { cause })
  }
  try {
    return { version: solc.version(), output: JSON.parse(raw) as SolcOutput }
  } catch (cause) {
    throw new HarnessError('solc returned output that is not JSON', { cause, details: [raw.slice(0, 500)] })
  }
}

// ---------------------------------------------------------------------------------------------
// Public entry points

export async function compile(params: CompileParams): Promise<CompileOutput> {
  const root = path.resolve(params.root ?? process.cwd())
  const layout: Layout = {
    root,
    includePaths: (params.includePaths ?? defaultIncludePaths(root)).map((p) => path.resolve(root, p)),
  }
  const optimizer = params.optimizer ?? DEFAULT_OPTIMIZER
  const remappings = parseRemappings(params.remappings ?? [], layout)
  if (params.sources.length === 0) {
    throw new ConfigError({ issues: [{ path: 'sources', message: 'no Solidity sources to compile' }] })
  }

  const sources = collectSources(params.sources, layout, remappings, params.overrides)
  const solc = chooseSolc(sources, () => [...layout.includePaths, ...defaultIncludePaths(path.dirname(fileURLToPath(import.meta.url)))], params.solcVersion)
  // An older compiler does not know the bundled one's EVM version: it targets its own default,
  // which the chain (running the newest hardfork) executes as well.
  const requested = params.evmVersion ?? (solc.bundled ? DEFAULT_EVM_VERSION : undefined)
  const evmVersion = params.evmVersion ?? DEFAULT_EVM_VERSION
  const settingsHash = cacheKey({ solc, evmVersion: requested, optimizer, remappings, sources })

  const cacheDir =
    params.cacheDir === false ? undefined : path.resolve(root, params.cacheDir ?? path.join('.vaultcheck', 'cache'))
  const cacheFile = cacheDir && path.join(cacheDir, `${settingsHash}.json`)
  if (cacheFile) {
    const cached = readCache(cacheFile, settingsHash)
    if (cached) return cached
  }

  const { version, output } = runSolc(sources, { solc, evmVersion: requested, optimizer, remappings })
  const diagnostics = (output.errors ?? []).map((e) => toDiagnostic(e, sources))
  const errors = diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) throw new CompileError(errors)

  const artifacts: Artifact[] = []
  for (const [sourceName, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [name, c] of Object.entries(contracts)) {
      artifacts.push({
        name,
        sourceName,
        fullyQualifiedName: `${sourceName}:${name}`,
        abi: c.abi,
        bytecode: hex(c.evm?.bytecode?.object),
        deployedBytecode: hex(c.evm?.deployedBytecode?.object),
        sourceMap: c.evm?.bytecode?.sourceMap ?? '',
        deployedSourceMap: c.evm?.deployedBytecode?.sourceMap ?? '',
        storageLayout: c.storageLayout ?? null,
        compilerVersion: version,
        evmVersion,
      })
    }
  }
  artifacts.sort((a, b) => (a.fullyQualifiedName < b.fullyQualifiedName ? -1 : 1))
  withLibraryEvents(artifacts, output.sources ?? {}, version)

  const result: CompileOutput = {
    compilerVersion: version,
    evmVersion,
    settingsHash,
    artifacts,
    sources: Object.fromEntries(
      [...sources].map(([name, content]) => [name, { content, ast: output.sources?.[name]?.ast ?? null }]),
    ),
    warnings: diagnostics.filter((d) => d.severity !== 'error'),
    fromCache: false,
  }
  if (cacheDir && cacheFile) writeCache(cacheDir, cacheFile, result)
  return result
}

/** Looks up an artifact by bare name ('Vault') or fully qualified name ('contracts/Vault.sol:Vault'). */
export function getArtifact(output: CompileOutput, name: string): Artifact {
  const all = output.artifacts.map((a) => a.fullyQualifiedName)
  const matches = name.includes(':')
    ? output.artifacts.filter((a) => a.fullyQualifiedName === name)
    : output.artifacts.filter((a) => a.name === name)
  if (matches.length === 1) return matches[0]
  if (matches.length === 0) throw new ContractNotFoundError({ contractName: name, available: all })
  throw new ContractNotFoundError({
    contractName: name,
    available: matches.map((a) => a.fullyQualifiedName),
    where: 'a single source: several declare it, so use one of the fully qualified names',
  })
}

/**
 * Before 0.8.20, solc left events a contract emits from a library (`emit EventsLib.Supply(...)`,
 * Morpho Blue's style) out of the contract's ABI, so its logs would not decode and no event of it
 * could be compared. Each contract of such an output gets the events of the output's libraries
 * it does not declare itself (same signature, same decoding).
 */
function withLibraryEvents(artifacts: Artifact[], sources: Record<string, { ast?: unknown }>, version: string): void {
  const [major, minor, patch] = version.split(/[.+-]/).map(Number)
  if (!(major === 0 && (minor < 8 || (minor === 8 && patch < 20)))) return
  const libraries = new Set<string>()
  for (const [sourceName, src] of Object.entries(sources)) {
    for (const n of ((src.ast as { nodes?: { nodeType?: string; contractKind?: string; name?: string }[] })?.nodes ?? [])) {
      if (n.nodeType === 'ContractDefinition' && n.contractKind === 'library') libraries.add(`${sourceName}:${n.name}`)
    }
  }
  const signature = (e: { name?: string; inputs?: readonly { type: string }[] }) => `${e.name}(${(e.inputs ?? []).map((i) => i.type).join(',')})`
  const events = artifacts.filter((a) => libraries.has(a.fullyQualifiedName)).flatMap((a) => a.abi.filter((x) => x.type === 'event'))
  if (events.length === 0) return
  for (const a of artifacts) {
    if (libraries.has(a.fullyQualifiedName)) continue
    const own = new Set(a.abi.filter((x) => x.type === 'event').map((x) => signature(x as never)))
    const added = events.filter((e) => !own.has(signature(e as never)) && (own.add(signature(e as never)), true))
    if (added.length) a.abi = [...a.abi, ...added]
  }
}
