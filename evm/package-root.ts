import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of vaultcheck's own package.json, found by walking up from this module: the sources
 * run from `<root>/evm/`, the compiled package from `<root>/dist/evm/`, and a worker bundle from
 * elsewhere again, but `contracts/` and `scripts/` sit beside package.json in every case.
 */
function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json')
    if (fs.existsSync(manifest)) {
      try {
        if ((JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'vaultcheck') return dir
      } catch {
        // An unreadable manifest on the way up is not ours; keep climbing.
      }
    }
    if (path.dirname(dir) === dir) throw new Error(`vaultcheck's package.json not found above ${from}`)
  }
}

export const PACKAGE_ROOT = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)))

/** True when this module runs compiled (from dist/), false when it runs as TypeScript source. */
export const COMPILED = import.meta.url.endsWith('.js')
