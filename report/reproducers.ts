/**
 * Standalone reproducers a user can keep: a vitest file that replays the stored counterexample and
 * fails, for the same reason, until the vault is fixed; and a Foundry test (`.t.sol`) making the same
 * calls, for forge users and audit reports (see foundry/).
 */
import fs from 'node:fs'
import path from 'node:path'
import { PACKAGE_ROOT, compileBundled } from '../engine/bundled.ts'
import { COMPILED } from '../evm/package-root.ts'
import { writeAtomic, type StoredFailure } from './failures.ts'
import { renderFoundryReproducer, renderFoundryToml, standardRemaps } from './foundry/index.ts'
import { replayTarget } from '../engine/suite.ts'
import { driverFor } from '../properties/drivers.ts'
import { loadTarget, type TargetSpec } from '../engine/target.ts'

/**
 * Where a reproducer imports `replay` from. From an installed package that the project itself
 * resolves, the bare name, so that a reproducer moved into the project's tests reads like any other
 * test; otherwise (vaultcheck's own sources, a global install) a relative path to this very entry.
 */
function replayImport(fromDir: string, root: string): string {
  if (COMPILED) {
    try {
      if (fs.realpathSync(path.join(root, 'node_modules', 'vaultcheck')) === fs.realpathSync(PACKAGE_ROOT)) return 'vaultcheck'
    } catch {
      // Not installed in this project: fall through to the path.
    }
  }
  return rel(fromDir, path.join(PACKAGE_ROOT, COMPILED ? 'dist/index.js' : 'index.ts'))
}

export function reproducersDir(root: string): string {
  return path.join(root, '.vaultcheck', 'reproducers')
}

export async function writeReproducers(root: string, failureFile: string, f: StoredFailure, spec: TargetSpec): Promise<string[]> {
  const base = path.basename(failureFile, '.json')
  const dir = path.join(reproducersDir(root), path.basename(path.dirname(failureFile)))
  // Not `.test.ts`: vitest's default include would collect it into the project's own test run,
  // where a stored failure (or a false alarm) is not a test the user chose to keep.
  const file = path.join(dir, `${base}.repro.ts`)
  writeAtomic(file, renderVitestReproducer({ dir, failureFile, f, spec, root }))
  // A config of their own, so reproducers run whatever the project's vitest include patterns are:
  //   npx vitest run --config .vaultcheck/reproducers/vitest.config.mjs
  const config = path.join(reproducersDir(root), 'vitest.config.mjs')
  writeAtomic(config, "import { fileURLToPath } from 'node:url'\nexport default { root: fileURLToPath(new URL('.', import.meta.url)), test: { include: ['**/*.repro.ts'], testTimeout: 120_000 } }\n")
  // The Solidity test deploys the plain mocks: a failure under a quirk token replays in vitest only.
  const sol = f.options.tokenQuirk ? undefined : await writeFoundryReproducer(root, dir, base, f, spec)
  return sol ? [file, sol] : [file]
}

/** The stand-in `solc` forge is pointed at: vaultcheck's bundled solc-js behind solc's CLI. */
export const SOLC_STANDIN = path.join(PACKAGE_ROOT, 'scripts', 'solc-standin.mjs')

/**
 * Writes `<base>.t.sol` (and the directory's foundry.toml and solc wrapper). A failure that cannot
 * be rendered (a contract without source or bytecode) gets no Foundry reproducer; the vitest one stays.
 */
async function writeFoundryReproducer(root: string, dir: string, base: string, f: StoredFailure, spec: TargetSpec): Promise<string | undefined> {
  const file = path.join(dir, `${base}.t.sol`)
  try {
    const projectRoot = path.resolve(spec.root ?? root)
    const target = await loadTarget({ ...spec, root: projectRoot })
    const r = await replayTarget(target, driverFor(target), f, { ...f.options, evmVersion: spec.evmVersion })
    const sources: Record<string, string> = {}
    const bytecodes: Record<string, `0x${string}`> = {}
    for (const a of (await compileBundled(spec.evmVersion)).artifacts) {
      const p = path.resolve(PACKAGE_ROOT, a.sourceName)
      if (fs.existsSync(p)) sources[a.name] ??= p
    }
    const vault = target.vault as typeof target.vault & { sourceName?: string }
    delete sources[vault.name]
    if (spec.source) sources[vault.name] = path.resolve(projectRoot, spec.source)
    else if (vault.sourceName) {
      const p = [projectRoot, PACKAGE_ROOT].map((b) => path.resolve(b, vault.sourceName!)).find((x) => fs.existsSync(x))
      if (p) sources[vault.name] = p
    }
    if (!sources[vault.name]) bytecodes[vault.name] = vault.bytecode
    const { source } = renderFoundryReproducer({ f, replay: r, file, sources, bytecodes, remaps: standardRemaps({ projectRoot, packageRoot: PACKAGE_ROOT }) })
    writeAtomic(file, source)
    writeFoundryProject(reproducersDir(root), projectRoot, spec)
    return file
  } catch (e) {
    if (process.env.VAULTCHECK_DEBUG) console.error(`no Foundry reproducer for ${base}: ${(e as Error).stack}`)
    return undefined
  }
}

function writeFoundryProject(dir: string, projectRoot: string, spec: TargetSpec): void {
  const solc = path.join(dir, 'solc')
  writeAtomic(solc, `#!/bin/sh\n# solc for forge: vaultcheck's bundled solc-js (see ${SOLC_STANDIN})\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(SOLC_STANDIN)} "$@"\n`)
  fs.chmodSync(solc, 0o755)
  writeAtomic(path.join(dir, 'foundry.toml'), renderFoundryToml({ dir, solc, projectRoot, packageRoot: PACKAGE_ROOT, remappings: spec.remappings, evmVersion: spec.evmVersion }))
}

function rel(from: string, to: string): string {
  const r = path.relative(from, to).split(path.sep).join('/')
  return r.startsWith('.') ? r : `./${r}`
}

export function renderVitestReproducer(p: { dir: string; failureFile: string; f: StoredFailure; spec: TargetSpec; root: string }): string {
  const { f, spec } = p
  // A kind from a module is named by its path, relative to the same root as the source.
  const target: Record<string, unknown> = { kind: f.kindModule ?? f.kind, name: f.target }
  if (spec.source || f.kindModule) target.root = '__ROOT__'
  if (spec.source) target.source = path.relative(p.root, path.resolve(spec.root ?? p.root, spec.source)).split(path.sep).join('/')
  if (spec.contract) target.contract = spec.contract
  if (spec.remappings) target.remappings = spec.remappings
  const targetSrc = JSON.stringify(target, null, 2).replace('"__ROOT__"', `fileURLToPath(new URL(${JSON.stringify(rel(p.dir, p.root) + '/')}, import.meta.url))`)
  return `// Reproducer written by vaultcheck. It replays the stored counterexample exactly and fails while
// ${f.target} still breaks ${f.propertyId}; it passes once the vault is fixed.
//
// ${f.propertyId}: ${f.promise}
// Counterexample:
${f.steps.map((s, i) => `//   ${i + 1}. ${s}`).join('\n')}
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'
import { replay } from ${JSON.stringify(replayImport(p.dir, p.root))}

const failure = ${JSON.stringify(
    {
      seed: f.seed,
      path: f.path,
      replayPath: f.replayPath,
      skip: f.skip ?? [],
      ...(f.pins ? { pins: f.pins } : {}),
      ...(f.dropSteps ? { dropSteps: f.dropSteps } : {}),
      ...(f.rewrites ? { rewrites: f.rewrites } : {}),
      enabled: f.enabled,
      dictionary: f.dictionary,
    },
    null,
    2,
  )}

test(${JSON.stringify(`${f.target} keeps ${f.propertyId}`)}, async () => {
  const r = await replay(${targetSrc.replace(/\n/g, '\n  ')}, failure, ${JSON.stringify(f.options)})
  expect(r.failed, ['${f.propertyId} is broken again:', ...r.steps].join('\\n')).toBeUndefined()
}, 120_000)
`
}
