/**
 * Which solc compiles a set of sources: the bundled one (the `solc` dependency) when it satisfies
 * every `pragma solidity`, otherwise the newest solc-js package the user installed under any name
 * (`npm i -D solc-0.8.19@npm:solc@0.8.19`) that does. Nothing is downloaded: solc-js carries its
 * compiler inside the package.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import semver from 'semver'
import { CompilerVersionError } from './errors.ts'

export type Solc = { version(): string; compile(input: string, callbacks?: unknown): string }

export type SolcPackage = {
  /** The package's version, which is its compiler's (solc-js ships one soljson per release). */
  version: string
  /** The package folder; undefined for the bundled compiler. */
  dir?: string
  bundled: boolean
}

const require = createRequire(import.meta.url)
const loaded = new Map<string, Solc>()

export const BUNDLED_SOLC: SolcPackage = { version: (require('solc/package.json') as { version: string }).version, bundled: true }

// Loading soljson costs a few hundred milliseconds; a cache hit should not pay it.
export function loadSolc(p: SolcPackage = BUNDLED_SOLC): Solc {
  const key = p.dir ?? 'solc'
  let s = loaded.get(key)
  if (!s) {
    s = (p.dir ? require(p.dir) : require('solc')) as Solc
    loaded.set(key, s)
  }
  return s
}

/** The `pragma solidity` constraints of a source (comments stripped first), as written. */
export function pragmasOf(content: string): string[] {
  const code = content.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/[^\n]*/g, '')
  return [...code.matchAll(/pragma\s+solidity\s+([^;]+);/g)].map((m) => m[1].trim())
}

/** solc's pragma syntax is npm's, except that `0.8.19` and `=0.8.19` both mean exactly that. */
function rangeOf(pragma: string): semver.Range | undefined {
  try {
    return new semver.Range(pragma.replace(/\s+/g, ' '))
  } catch {
    return undefined
  }
}

/** solc-js packages installed in these node_modules folders, under any name (aliases included). */
export function installedSolcs(nodeModules: readonly string[]): SolcPackage[] {
  const out = new Map<string, SolcPackage>()
  for (const nm of nodeModules) {
    let entries: string[]
    try {
      entries = fs.readdirSync(nm)
    } catch {
      continue
    }
    for (const e of entries) {
      if (!e.startsWith('solc')) continue
      const dir = path.join(nm, e)
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
        if (pkg.name === 'solc' && pkg.version && semver.valid(pkg.version) && !out.has(pkg.version)) out.set(pkg.version, { version: pkg.version, dir, bundled: false })
      } catch {
        // Not a package (or not readable): not a compiler.
      }
    }
  }
  return [...out.values()]
}

/**
 * The compiler for these sources (unit name -> content). `search` lists the node_modules folders to
 * look in when the bundled compiler does not fit. Throws CompilerVersionError naming a pragma that
 * no installed compiler satisfies, with the npm command that installs one.
 */
export function chooseSolc(sources: ReadonlyMap<string, string>, search: () => readonly string[], pinned?: string): SolcPackage {
  if (pinned !== undefined) {
    if (pinned === BUNDLED_SOLC.version) return BUNDLED_SOLC
    const found = installedSolcs(search()).find((p) => p.version === pinned)
    if (found) return found
    const [file] = sources.keys()
    throw new CompilerVersionError({ file: 'foundry.toml', pragma: `solc_version = "${pinned}"`, installed: [`${BUNDLED_SOLC.version} (bundled)`], install: `npm i -D solc-${pinned}@npm:solc@${pinned}`, subject: `the compiler foundry.toml pins for ${file}` })
  }
  const constraints: { file: string; pragma: string; range: semver.Range | undefined }[] = []
  for (const [file, content] of sources) for (const pragma of pragmasOf(content)) constraints.push({ file, pragma, range: rangeOf(pragma) })
  const fits = (v: string) => constraints.every((c) => c.range === undefined || semver.satisfies(v, c.range))
  if (fits(BUNDLED_SOLC.version)) return BUNDLED_SOLC
  const installed = installedSolcs(search())
  const candidates = installed.filter((p) => fits(p.version))
  candidates.sort((a, b) => semver.rcompare(a.version, b.version))
  if (candidates.length > 0) return candidates[0]
  // Name the pragma the bundled compiler fails, and the release that satisfies them all if any.
  const blocking = constraints.find((c) => c.range !== undefined && !semver.satisfies(BUNDLED_SOLC.version, c.range))!
  const wanted = suggestVersion(constraints.map((c) => c.range).filter((r): r is semver.Range => r !== undefined))
  const others = installed.map((p) => p.version).filter((v) => v !== BUNDLED_SOLC.version)
  throw new CompilerVersionError({ file: blocking.file, pragma: blocking.pragma, installed: [`${BUNDLED_SOLC.version} (bundled)`, ...others.sort(semver.rcompare)], install: wanted ? `npm i -D solc-${wanted}@npm:solc@${wanted}` : undefined })
}

/** The lowest version every range allows (pinned pragmas name it exactly); undefined if none does. */
function suggestVersion(ranges: readonly semver.Range[]): string | undefined {
  for (const r of ranges) {
    const v = semver.minVersion(r)?.version
    if (v && ranges.every((x) => semver.satisfies(v, x))) return v
  }
  return undefined
}
