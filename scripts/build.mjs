/**
 * Builds the published package: `tsc -p tsconfig.build.json` emits dist/ (JavaScript and
 * declarations, one file per source, what `import 'vaultcheck'` loads), then esbuild rebuilds the
 * process entry points (the CLI and the worker scripts) as bundles sharing chunks in dist/chunks/.
 *
 * Why bundles: loading viem, fast-check, commander and zod file by file through Node's ESM loader
 * costs ~0.5 s before the CLI can do anything; one tree-shaken bundle loads in a fraction of it.
 * @ethereumjs/* stay external: evm/fastpath patches their interpreter only after checking the hash
 * of their functions' source text, which a bundler would reprint. solc stays external too (its
 * compiler is loaded on a cache miss only), as do tsx (loads TypeScript configs) and vitest.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DIST = path.join(ROOT, 'dist')

/** The scripts a process starts from (dist/<id>.js); each is also an ordinary tsc output. */
const ENTRIES = ['cli/bin', 'runner/worker', 'audit/mutate/worker']

fs.rmSync(DIST, { recursive: true, force: true })
const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' })
if (tsc.status !== 0) process.exit(tsc.status ?? 1)

await build({
  absWorkingDir: ROOT,
  entryPoints: Object.fromEntries(ENTRIES.map((id) => [id, `${id}.ts`])),
  outdir: DIST,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  external: ['@ethereumjs/*', 'solc', 'solc/*', 'tsx', 'tsx/*', 'esbuild', 'vitest', 'vitest/*'],
  keepNames: true,
  legalComments: 'none',
  // A CommonJS dependency that calls require() needs one in ESM output.
  banner: { js: "import { createRequire as __vcCreateRequire } from 'node:module'; const require = __vcCreateRequire(import.meta.url);" },
  logLevel: 'warning',
})
fs.chmodSync(path.join(DIST, 'cli', 'bin.js'), 0o755)
