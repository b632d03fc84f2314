/**
 * A Foundry project read as forge reads it, so that a vault in one compiles with zero config:
 * `foundry.toml` (found from the source's folder up to the git root), its `remappings`, those of
 * `remappings.txt`, forge's automatic `name/ -> lib/name/src/` for every library folder, and the
 * compiler settings (`solc_version`, `evm_version`, `optimizer`, `optimizer_runs`).
 */
import fs from 'node:fs'
import path from 'node:path'
import { parse } from 'smol-toml'
import { ConfigError } from './errors.ts'
import type { EvmVersion } from './evm-version.ts'

export type FoundryProject = {
  /** The folder holding foundry.toml: imports and remappings are relative to it. */
  root: string
  file: string
  /** solc-style remappings, targets relative to root; explicit ones before automatic ones. */
  remappings: string[]
  solcVersion?: string
  evmVersion?: EvmVersion
  optimizer?: { enabled: boolean; runs: number }
}

const SUPPORTED_EVM: readonly string[] = ['cancun', 'prague', 'osaka']

/** The nearest foundry.toml from `start` upwards, stopping at the git root (or the filesystem's). */
export function findFoundryToml(start: string): string | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'foundry.toml')
    if (fs.existsSync(file)) return file
    if (fs.existsSync(path.join(dir, '.git')) || path.dirname(dir) === dir) return undefined
  }
}

export function readFoundryProject(start: string): FoundryProject | undefined {
  const file = findFoundryToml(start)
  if (!file) return undefined
  const root = path.dirname(file)
  let doc: Record<string, unknown>
  try {
    doc = parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>
  } catch (cause) {
    throw new ConfigError({ file, issues: [{ path: '(file)', message: `cannot parse: ${(cause as Error).message}` }] })
  }
  // FOUNDRY_PROFILE selects a profile as forge does; unset keys fall back to [profile.default].
  const profiles = (doc.profile ?? {}) as Record<string, Record<string, unknown>>
  const chosen = process.env.FOUNDRY_PROFILE ?? 'default'
  const p = { ...(profiles.default ?? {}), ...(profiles[chosen] ?? {}) }
  const list = (key: string): string[] | undefined => {
    const v = p[key]
    if (v === undefined) return undefined
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new ConfigError({ file, issues: [{ path: `profile.${chosen}.${key}`, message: 'must be a list of strings' }] })
    return v as string[]
  }

  const explicit = [...(list('remappings') ?? []), ...remappingsTxt(path.join(root, 'remappings.txt'))]
  const taken = new Set(explicit.map((r) => r.split('=')[0].replace(/^[^:]*:/, '')))
  const automatic: string[] = []
  for (const lib of list('libs') ?? ['lib']) {
    const libDir = path.join(root, lib)
    let names: string[]
    try {
      names = fs.readdirSync(libDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort()
    } catch {
      continue
    }
    for (const name of names) {
      const prefix = `${name}/`
      if (taken.has(prefix)) continue
      const src = path.join(libDir, name, 'src')
      const target = fs.existsSync(src) ? path.join(lib, name, 'src') : path.join(lib, name)
      automatic.push(`${prefix}=${target.split(path.sep).join('/')}/`)
      taken.add(prefix)
    }
  }

  const evm = typeof p.evm_version === 'string' ? p.evm_version.toLowerCase() : undefined
  const solc = typeof p.solc_version === 'string' ? p.solc_version : typeof p.solc === 'string' && /^\d+\.\d+\.\d+$/.test(p.solc) ? p.solc : undefined
  const optimizer = typeof p.optimizer === 'boolean' || typeof p.optimizer_runs === 'number'
    ? { enabled: p.optimizer !== false, runs: typeof p.optimizer_runs === 'number' ? p.optimizer_runs : 200 }
    : undefined
  return {
    root,
    file,
    remappings: [...explicit, ...automatic],
    ...(solc ? { solcVersion: solc } : {}),
    // An EVM version the chain does not run is left to the compiler's default (noted in the README).
    ...(evm && SUPPORTED_EVM.includes(evm) ? { evmVersion: evm as EvmVersion } : {}),
    ...(optimizer ? { optimizer } : {}),
  }
}

function remappingsTxt(file: string): string[] {
  if (!fs.existsSync(file)) return []
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.replace(/#.*$/, '').trim())
    .filter((l) => l.includes('='))
}
