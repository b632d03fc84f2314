import { readFileSync } from 'node:fs'

// package.json sits one folder up from cli/ in the sources and two from dist/cli/ when installed.
function readVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const manifest = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string }
      if (manifest.name === 'vaultcheck' && manifest.version) return manifest.version
    } catch {
      // Not this one; try the next.
    }
  }
  return 'unknown'
}

export const VERSION = readVersion()
