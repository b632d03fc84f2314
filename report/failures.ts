/**
 * Stored failures: every counterexample found is written under `.vaultcheck/failures/` and replayed
 * before any new exploration on the next run, so a regression stays caught. Files are written to a
 * temp name and renamed, so a crash or Ctrl-C never leaves a half-written failure behind, and a
 * stored failure is never deleted by vaultcheck — only by the user (`vaultcheck clear`).
 */
import { createHash, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Kind } from '../engine/property.ts'
import type { Counterexample } from '../engine/campaign.ts'
import { ConfigError } from '../evm/errors.ts'

export const FAILURE_FORMAT = 1

export type StoredFailure = {
  format: typeof FAILURE_FORMAT
  target: string
  kind: Kind
  /** A kind from a module: its path, relative to the project root (absent for built-in kinds). */
  kindModule?: string
  propertyId: string
  promise: string
  message: string
  expected: string
  actual: string
  seed: number
  path: string
  replayPath: string
  /** Commands dropped after shrinking (see Counterexample.skip); absent in older files. */
  skip?: number[]
  /** Amounts pinned per command position (see Counterexample.pins); absent when none were needed. */
  pins?: Record<string, string[]>
  /** Sub-steps left out per command position (see Counterexample.dropSteps). */
  dropSteps?: Record<string, number[]>
  /** Rewrites chosen per command position (see Counterexample.rewrites). */
  rewrites?: Record<string, number>
  enabled: string[]
  dictionary: string[]
  steps: string[]
  bytecodeHash: string
  compilerVersion: string
  /** Budget the failure was found with: a replay needs the same depth and actor count. */
  options: { depth: number; actors: number; decimals: number; checkInterval: number; tokenQuirk?: string }
  foundAt: string
}

export function failuresDir(root: string): string {
  return path.join(root, '.vaultcheck', 'failures')
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9_.-]+/g, '_')
}

export function failureFileName(f: Pick<StoredFailure, 'target' | 'propertyId' | 'seed' | 'path' | 'replayPath'>): string {
  const h = createHash('sha256').update(`${f.seed}|${f.path}|${f.replayPath}`).digest('hex').slice(0, 10)
  return path.join(safe(f.target), `${safe(f.propertyId)}-${h}.json`)
}

export function writeAtomic(file: string, content: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  fs.writeFileSync(tmp, content)
  fs.renameSync(tmp, file)
}

export function saveFailure(root: string, f: StoredFailure): string {
  const file = path.join(failuresDir(root), failureFileName(f))
  writeAtomic(file, JSON.stringify(f, null, 2) + '\n')
  return file
}

export function toStoredFailure(p: {
  target: string
  kind: Kind
  kindModule?: string
  cx: Counterexample
  bytecodeHash: string
  compilerVersion: string
  options: StoredFailure['options']
}): StoredFailure {
  return {
    format: FAILURE_FORMAT,
    target: p.target,
    kind: p.kind,
    ...(p.kindModule ? { kindModule: p.kindModule } : {}),
    propertyId: p.cx.propertyId,
    promise: p.cx.promise,
    message: p.cx.message,
    expected: p.cx.expected,
    actual: p.cx.actual,
    seed: p.cx.seed,
    path: p.cx.path,
    replayPath: p.cx.replayPath,
    skip: p.cx.skip,
    ...(p.cx.pins ? { pins: p.cx.pins } : {}),
    ...(p.cx.dropSteps ? { dropSteps: p.cx.dropSteps } : {}),
    ...(p.cx.rewrites ? { rewrites: p.cx.rewrites } : {}),
    enabled: p.cx.enabled,
    dictionary: p.cx.dictionary,
    steps: p.cx.steps,
    bytecodeHash: p.bytecodeHash,
    compilerVersion: p.compilerVersion,
    options: p.options,
    foundAt: new Date().toISOString(),
  }
}

export function readFailure(file: string): StoredFailure {
  let raw: unknown
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (cause) {
    throw new ConfigError({ file, issues: [{ path: '(file)', message: `not a readable stored failure: ${(cause as Error).message}` }] })
  }
  const f = raw as Partial<StoredFailure>
  if (f.format !== FAILURE_FORMAT || typeof f.seed !== 'number' || typeof f.path !== 'string' || !f.kind || !f.target) {
    throw new ConfigError({ file, issues: [{ path: '(file)', message: 'not a vaultcheck stored failure (format 1)' }] })
  }
  return f as StoredFailure
}

/** Every stored failure of a target (unreadable files are reported, never deleted). */
export function listFailures(root: string, target?: string): { file: string; failure?: StoredFailure; error?: string }[] {
  const dir = target ? path.join(failuresDir(root), safe(target)) : failuresDir(root)
  if (!fs.existsSync(dir)) return []
  const out: { file: string; failure?: StoredFailure; error?: string }[] = []
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, e.name)
      if (e.isDirectory()) walk(p)
      else if (e.name.endsWith('.json')) {
        try {
          out.push({ file: p, failure: readFailure(p) })
        } catch (err) {
          out.push({ file: p, error: (err as Error).message })
        }
      }
    }
  }
  walk(dir)
  return out
}
