/**
 * Where a target's kind comes from. A kind is named by one of the built-in names, by the path of
 * a module whose default export is a kind or an adapter (defineKind / defineAdapter), or passed as
 * that object itself (library and vitest use). Every path ends in the same registry, so campaigns,
 * replays, reproducers, diff, mutate and workers find a user's kind as they find a built-in one.
 */
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { KindDriver } from './step.ts'
import { ConfigError, HarnessError } from '../evm/errors.ts'
import { KINDS } from './property.ts'

import { KIND_BRAND } from './brand.ts'
import { compileKind, type DefinedKind } from './define-kind.ts'
import { compileAdapter, type DefinedAdapter } from './adapter.ts'

/** What defineKind or defineAdapter returned. */
export type KindModule = DefinedKind | DefinedAdapter

/** What a target names as its kind. */
export type KindRef = string | KindModule

const registry = new Map<string, KindDriver<unknown>>()
const compiled = new WeakMap<object, string>()

/** Registers a driver under its key (a built-in name, or a module's absolute path). */
export function registerKind(key: string, driver: KindDriver<any>): void {
  registry.set(key, driver as KindDriver<unknown>)
}

export function isKindModule(x: unknown): x is KindModule {
  return typeof x === 'object' && x !== null && KIND_BRAND in x
}

/** A kind named by path rather than by a built-in name: `./kinds/psm.ts`, `/abs/adapter.mjs`. */
export function isKindPath(ref: string): boolean {
  return /[\\/]/.test(ref) || /\.(c|m)?(t|j)s$/.test(ref)
}

/** The driver registered under `key`; loadTarget has registered every key a loaded target carries. */
export function kindDriver(key: string): KindDriver<unknown> {
  const d = registry.get(key)
  if (!d && !isKindPath(key) && !key.startsWith('object:')) throw new ConfigError({ issues: [{ path: 'kind', message: `unknown kind "${key}"; expected one of ${KINDS.join(', ')}` }] })
  if (!d) throw new HarnessError(`no kind registered under ${key}`)
  return d
}

/**
 * Resolves a kind reference to its registry key, loading (once) and checking a module named by
 * path. `root` is where relative paths start (the config's folder, or the working directory).
 */
export async function resolveKind(ref: KindRef, root = process.cwd(), option = 'kind'): Promise<string> {
  if (typeof ref !== 'string') {
    if (!isKindModule(ref)) throw new ConfigError({ issues: [{ path: option, message: 'not a kind: pass a built-in kind name, a module path, or what defineKind/defineAdapter returned' }] })
    driverOfModule(ref)
    return compiled.get(ref)!
  }
  if (!isKindPath(ref)) {
    if (!(KINDS as readonly string[]).includes(ref)) throw new ConfigError({ issues: [{ path: option, message: `unknown kind "${ref}"; expected one of ${KINDS.join(', ')}, or the path of a kind or adapter module` }] })
    return ref
  }
  const file = path.resolve(root, ref)
  if (registry.has(file)) return file
  if (!fs.existsSync(file)) throw new ConfigError({ file: ref, issues: [{ path: option, message: `kind module not found: ${file}` }] })
  let mod: { default?: unknown }
  try {
    mod = await importUserModule(file)
  } catch (cause) {
    // Checked by shape: the module's copy of the package is not necessarily this one.
    const issues = (cause as { issues?: unknown }).issues
    if ((cause as Error).name === 'ConfigError' && Array.isArray(issues)) throw new ConfigError({ file: ref, issues })
    throw new ConfigError({ file: ref, issues: [{ path: '(file)', message: `cannot load: ${(cause as Error).message.split('\n')[0]}` }] })
  }
  // A module compiled through CommonJS interop arrives as { default: { default: kind } }.
  let value = mod.default
  if (!isKindModule(value) && value && typeof value === 'object' && 'default' in value) value = (value as { default: unknown }).default
  if (!isKindModule(value)) throw new ConfigError({ file: ref, issues: [{ path: 'default', message: 'the default export is not a kind: export default defineKind({...}) or defineAdapter({...})' }] })
  registerKind(file, compile(value, ref))
  return file
}

/**
 * A user's module (a config, a kind) by absolute path. tsImport loads TypeScript as ESM whatever
 * the user's package.json says: a project without "type": "module" would otherwise compile it to
 * CommonJS and fail.
 */
export async function importUserModule(file: string): Promise<{ default?: unknown }> {
  const url = pathToFileURL(file).href
  return /\.(c|m)?ts$/.test(file) ? ((await (await import('tsx/esm/api')).tsImport(url, import.meta.url)) as { default?: unknown }) : ((await import(url)) as { default?: unknown })
}

function compile(m: KindModule, src?: string): KindDriver<unknown> {
  return (m[KIND_BRAND] === 'adapter' ? compileAdapter(m as DefinedAdapter, kindDriver, src) : compileKind(m as DefinedKind, src)) as KindDriver<unknown>
}

/** The name of a kind module's kind (an adapter's is the kind it adapts to). */
export function kindName(m: KindModule): string {
  return m[KIND_BRAND] === 'adapter' ? (m as DefinedAdapter).kind : (m as DefinedKind).name
}

/** A kind module's driver, compiled and registered on first use (describeVault needs it before any loading). */
export function driverOfModule(m: KindModule): KindDriver<unknown> {
  const known = compiled.get(m)
  if (known) return kindDriver(known)
  const key = `object:${registry.size}:${kindName(m)}`
  registerKind(key, compile(m))
  compiled.set(m, key)
  return kindDriver(key)
}
