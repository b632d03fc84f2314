#!/usr/bin/env node
/**
 * A `solc` executable for tools that shell out to one (Foundry's forge), backed by the solc-js
 * compiler bundled with vaultcheck, so no native solc has to be downloaded.
 *
 *   solc --version                   -> the version lines forge parses
 *   solc [flags] --standard-json     -> reads standard JSON on stdin, writes the output on stdout
 *
 * Flags forge passes (--base-path, --include-path, --allow-paths, --no-import-callback) only tell
 * where files may be read from; forge inlines every source's content, so they serve the import
 * callback, which reads files below those roots for any source it did not inline.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

const require = createRequire(import.meta.url)
const solc = require('solc')

const argv = process.argv.slice(2)

function longVersion() {
  // solc-js says "0.8.37+commit.f401782d.Emscripten.clang"; native solc prints a platform tag, and
  // forge only reads the semver with its build metadata from the "Version:" line.
  return solc.version()
}

if (argv.includes('--version') || argv.includes('-v')) {
  process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${longVersion()}\n`)
  process.exit(0)
}

if (!argv.includes('--standard-json')) {
  process.stderr.write(`solc-standin: only --version and --standard-json are supported (got: ${argv.join(' ') || '(no arguments)'})\n`)
  process.exit(1)
}

const roots = [process.cwd()]
let importCallback = true
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]
  const take = () => argv[++i]
  if (a === '--base-path' || a === '--include-path') roots.push(path.resolve(take()))
  else if (a === '--allow-paths') for (const p of take().split(',')) roots.push(path.resolve(p))
  else if (a.startsWith('--base-path=') || a.startsWith('--include-path=')) roots.push(path.resolve(a.slice(a.indexOf('=') + 1)))
  else if (a.startsWith('--allow-paths=')) for (const p of a.slice(14).split(',')) roots.push(path.resolve(p))
  else if (a === '--no-import-callback') importCallback = false
}

function findImport(name) {
  const candidates = path.isAbsolute(name) ? [name] : roots.map((r) => path.join(r, name))
  for (const file of candidates) {
    try {
      return { contents: fs.readFileSync(file, 'utf8') }
    } catch {
      // next root
    }
  }
  return { error: `File not found: ${name}` }
}

const chunks = []
process.stdin.on('data', (c) => chunks.push(c))
process.stdin.on('end', () => {
  const input = Buffer.concat(chunks).toString('utf8')
  const output = importCallback ? solc.compile(input, { import: findImport }) : solc.compile(input)
  process.stdout.write(output)
})
