/** Running the CLI from tests, in scratch projects that hold a copy of the bundled contracts. */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
export const BIN = path.join(ROOT, 'cli', 'dev.mjs')

export function vaultcheck(cwd: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env, NO_COLOR: '1' }, timeout: 240_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

/** A scratch project holding a copy of the bundled contracts (fixtures import their parents). */
export function project(prefix = 'vaultcheck-cli-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  fs.cpSync(path.join(ROOT, 'contracts'), path.join(dir, 'contracts'), { recursive: true })
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
  return dir
}
