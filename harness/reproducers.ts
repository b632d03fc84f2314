/**
 * Standalone reproducers a user can keep: a vitest file that replays the stored counterexample and
 * fails, for the same reason, until the vault is fixed.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { writeAtomic, type StoredFailure } from './failures.ts'
import type { TargetSpec } from './target.ts'

const INDEX = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'index.ts')

export function reproducersDir(root: string): string {
  return path.join(root, '.vaultcheck', 'reproducers')
}

export function writeReproducers(root: string, failureFile: string, f: StoredFailure, spec: TargetSpec): string[] {
  const base = path.basename(failureFile, '.json')
  const dir = path.join(reproducersDir(root), path.basename(path.dirname(failureFile)))
  const file = path.join(dir, `${base}.test.ts`)
  writeAtomic(file, renderVitestReproducer({ dir, failureFile, f, spec, root }))
  // A config of their own, so reproducers run whatever the project's vitest include patterns are:
  //   npx vitest run --config .vaultcheck/reproducers/vitest.config.mjs
  const config = path.join(reproducersDir(root), 'vitest.config.mjs')
  writeAtomic(config, "import { fileURLToPath } from 'node:url'\nexport default { root: fileURLToPath(new URL('.', import.meta.url)), test: { include: ['**/*.test.ts'], testTimeout: 120_000 } }\n")
  return [file]
}

function rel(from: string, to: string): string {
  const r = path.relative(from, to).split(path.sep).join('/')
  return r.startsWith('.') ? r : `./${r}`
}

export function renderVitestReproducer(p: { dir: string; failureFile: string; f: StoredFailure; spec: TargetSpec; root: string }): string {
  const { f, spec } = p
  const target: Record<string, unknown> = { kind: f.kind, name: f.target }
  if (spec.source) {
    target.source = path.relative(p.root, path.resolve(spec.root ?? p.root, spec.source)).split(path.sep).join('/')
    target.root = '__ROOT__'
  }
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
import { replay } from ${JSON.stringify(rel(p.dir, INDEX))}

const failure = ${JSON.stringify(
    {
      seed: f.seed,
      path: f.path,
      replayPath: f.replayPath,
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
