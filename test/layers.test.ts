import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, test } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CRUISER = path.join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs')
const CONFIG = path.join(ROOT, '.dependency-cruiser.cjs')
const FOLDERS = ['model', 'evm', 'engine', 'properties', 'report', 'runner', 'audit', 'cli']

function cruise(cwd: string, entries: string[]) {
  const r = spawnSync(process.execPath, [CRUISER, '--config', CONFIG, '--output-type', 'json', ...entries], { cwd, encoding: 'utf8', timeout: 60_000 })
  const out = JSON.parse(r.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[]; totalCruised: number } }
  return out.summary
}

test('every import points down the layers (model < evm < engine < properties < report < runner < audit < cli)', () => {
  const r = cruise(ROOT, [...FOLDERS, 'index.ts'])
  expect(r.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`)).toEqual([])
  // The check saw the whole tree, not an empty selection.
  expect(r.totalCruised).toBeGreaterThan(80)
})

test('a planted upward import, and a model importing viem, are each caught', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-layers-'))
  try {
    for (const d of ['evm', 'engine', 'model']) fs.mkdirSync(path.join(dir, d))
    fs.writeFileSync(path.join(dir, 'engine', 'campaign.ts'), 'export const c = 1\n')
    fs.writeFileSync(path.join(dir, 'evm', 'chain.ts'), "import { c } from '../engine/campaign.ts'\nexport const x = c\n")
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
    fs.writeFileSync(path.join(dir, 'model', 'math.ts'), "import { parseEther } from 'viem'\nexport const one = parseEther('1')\n")
    const r = cruise(dir, ['evm', 'engine', 'model'])
    expect(r.violations.map((v) => `${v.rule.name}: ${v.from} -> ${v.to}`).sort()).toEqual([
      'evm-imports-upward: evm/chain.ts -> engine/campaign.ts',
      expect.stringMatching(/^model-imports-a-runtime: model\/math\.ts -> .*node_modules\/viem\//),
    ])
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
})

test('every layer folder says in its README what it owns and what it may import', () => {
  for (const d of FOLDERS) {
    const readme = fs.readFileSync(path.join(ROOT, d, 'README.md'), 'utf8')
    expect(readme, d).toMatch(/may import/i)
  }
})
