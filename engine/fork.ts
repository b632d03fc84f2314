/** Child processes for the workers of `run` and `mutate`. */
import { fork, type ChildProcess } from 'node:child_process'
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { COMPILED, PACKAGE_ROOT } from '../evm/package-root.ts'

const require = createRequire(import.meta.url)
const BUNDLE_PREFIX = '.bundle-'
/** A stale bundle is removed only when this old: a process started earlier may be about to fork it. */
const STALE_MS = 60 * 60 * 1000

const bundles = new Map<string, string | undefined>()

/**
 * Starts a worker script in a child process with an IPC channel. `id` names the script by its
 * place in the package without extension (`runner/worker`), not by a URL relative to the caller:
 * in the installed CLI the caller's code sits in a bundle chunk, elsewhere than its source.
 */
export function forkWorker(id: string): ChildProcess {
  const stdio: ('ignore' | 'inherit' | 'ipc')[] = ['ignore', 'inherit', 'inherit', 'ipc']
  // The installed package is JavaScript already (dist/, the worker scripts bundled at build time):
  // the worker starts as it is, with neither esbuild nor tsx.
  if (COMPILED) return fork(path.join(PACKAGE_ROOT, 'dist', `${id}.js`), [], { execArgv: [], stdio })
  const file = path.join(PACKAGE_ROOT, `${id}.ts`)
  const bundle = bundleFor(file)
  if (bundle !== undefined) return fork(bundle, [], { execArgv: [], stdio })
  // Resolved from vaultcheck's own location: `--import tsx` would resolve from the user's working
  // directory, which need not have tsx (a global install, a project without it, a temp folder).
  return fork(file, [], { execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href], stdio })
}

/**
 * The worker's sources as one ES module, built with esbuild (the compiler tsx itself runs), or
 * undefined to run the sources under tsx.
 *
 * Why: under tsx, every module a child loads, the hundreds of viem and ethereumjs included, goes
 * through loader hooks answered on another thread: about 0.7 s before a worker could start, 1 s on
 * a busy machine, against 0.3 s for one pre-built file. Packages stay external (resolved from
 * the entry's folder as before), and the bundle sits next to the entry, so modules that find
 * files from import.meta.url find the same ones. It is built in memory on first use (~60 ms) and
 * named by the hash of its text, so an edited source never runs stale code; it is written to a
 * temporary name and renamed, so a concurrent run never reads half a file. If it cannot be built
 * or written (a read-only install), the child runs under tsx as before.
 */
function bundleFor(entry: string): string | undefined {
  if (bundles.has(entry)) return bundles.get(entry)
  let out: string | undefined
  try {
    const name = path.basename(entry, '.ts')
    // A development dependency: loaded only when running from the TypeScript sources.
    const { buildSync } = require('esbuild') as typeof import('esbuild')
    const built = buildSync({
      entryPoints: [entry],
      absWorkingDir: PACKAGE_ROOT,
      outfile: path.join(path.dirname(entry), `${BUNDLE_PREFIX}${name}.mjs`),
      write: false,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: `node${process.versions.node}`,
      packages: 'external',
      keepNames: true,
      logLevel: 'silent',
    }).outputFiles[0].contents
    const hash = createHash('sha256').update(built).digest('hex').slice(0, 16)
    const target = path.join(path.dirname(entry), `${BUNDLE_PREFIX}${name}-${hash}.mjs`)
    if (!fs.existsSync(target)) {
      const tmp = `${target}.${process.pid}.tmp`
      fs.writeFileSync(tmp, built)
      fs.renameSync(tmp, target)
      removeStale(name, target)
    }
    out = target
  } catch {
    out = undefined
  }
  bundles.set(entry, out)
  return out
}

function removeStale(name: string, keep: string): void {
  const prefix = `${BUNDLE_PREFIX}${name}-`
  const dir = path.dirname(keep)
  for (const f of fs.readdirSync(dir)) {
    const abs = path.join(dir, f)
    if (!f.startsWith(prefix) || abs === keep) continue
    try {
      if (Date.now() - fs.statSync(abs).mtimeMs > STALE_MS) fs.rmSync(abs)
    } catch {
      // Another run removed it first.
    }
  }
}
