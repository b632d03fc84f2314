/**
 * The package as users get it: `npm pack`, installed into a plain-JavaScript npm project (no
 * TypeScript, no tsx of its own), and used there the four documented ways: the library, the
 * vitest integration, a `vaultcheck.config.ts`, and the CLI, including stored failures and the
 * reproducers they write.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const UPGRADEABLE_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@openzeppelin', 'contracts-upgradeable', 'package.json'), 'utf8')) as { version: string }).version
const MORPHO_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', '@morpho-org', 'morpho-blue', 'package.json'), 'utf8')) as { version: string }).version
const SOLC_0819 = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'solc-0.8.19', 'package.json'), 'utf8')) as { version: string }).version
const VITEST_VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'vitest', 'package.json'), 'utf8')) as { version: string }).version

function sh(cmd: string, args: string[], cwd: string, timeout = 300_000) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, NO_COLOR: '1', npm_config_fund: 'false', npm_config_audit: 'false', npm_config_update_notifier: 'false' } })
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', out: `${r.stdout}\n${r.stderr}` }
}

describe('the packed tarball, installed into a plain JavaScript project', () => {
  let work: string
  let project: string
  let tarball: string
  let files: string[]

  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-pack-'))
    // `npm pack` runs `prepare`, which builds dist/ from the sources as they are now.
    const packed = sh('npm', ['pack', '--json', '--pack-destination', work], ROOT)
    expect(packed.code, packed.stderr).toBe(0)
    const info = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as { filename: string; files: { path: string }[] }[]
    tarball = path.join(work, info[0].filename)
    files = info[0].files.map((f) => f.path)

    project = path.join(work, 'app')
    fs.mkdirSync(project)
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }, null, 2))
    // Dependencies come from the npm cache that `npm ci` filled; the registry only when missing.
    const installed = sh('npm', ['install', '--prefer-offline', '--no-save', '--ignore-scripts', tarball, `vitest@${VITEST_VERSION}`, `@openzeppelin/contracts-upgradeable@${UPGRADEABLE_VERSION}`, `@morpho-org/morpho-blue@${MORPHO_VERSION}`, `solc-0.8.19@npm:solc@${SOLC_0819}`], project)
    expect(installed.code, installed.out).toBe(0)

    fs.mkdirSync(path.join(project, 'contracts', 'buggy'), { recursive: true })
    fs.cpSync(path.join(ROOT, 'contracts', 'lib'), path.join(project, 'contracts', 'lib'), { recursive: true })
    fs.copyFileSync(path.join(ROOT, 'contracts', 'ReserveVault.sol'), path.join(project, 'contracts', 'ReserveVault.sol'))
    fs.copyFileSync(path.join(ROOT, 'contracts', 'buggy', 'ReserveFullExitBlocked.sol'), path.join(project, 'contracts', 'buggy', 'ReserveFullExitBlocked.sol'))
  }, 600_000)

  afterAll(() => {
    if (work) fs.rmSync(work, { recursive: true, force: true })
  })

  test('holds compiled JavaScript with declarations, the contracts and the docs; no tests, benches or TypeScript sources', () => {
    expect(files).toContain('dist/index.js')
    expect(files).toContain('dist/index.d.ts')
    expect(files).toContain('dist/cli/bin.js')
    expect(files).toContain('dist/runner/vitest.js')
    expect(files).toContain('contracts/ReserveVault.sol')
    expect(files).toContain('scripts/solc-standin.mjs')
    for (const f of ['README.md', 'PROPERTIES.md', 'LICENSE', 'package.json']) expect(files).toContain(f)
    const unwanted = files.filter((f) => /^(test|bench|harness)\//.test(f) || /(^|\/)(tsconfig[^/]*\.json|vitest\.config\.ts|\.dependency-cruiser\.cjs)$/.test(f) || (f.endsWith('.ts') && !f.endsWith('.d.ts')) || f.includes('.bundle-') || f.endsWith('.test.js'))
    expect(unwanted).toEqual([])
  })

  test('plain Node imports the library and runs a suite', () => {
    fs.writeFileSync(
      path.join(project, 'check.mjs'),
      `import { runSuite, PROPERTIES, VaultcheckError } from 'vaultcheck'
const r = await runSuite({ kind: 'reserve', source: 'contracts/ReserveVault.sol', contract: 'ReserveVault' }, { runs: 3, seed: 1 })
console.log(JSON.stringify({ runs: r.stats.runs, failed: r.properties.filter((p) => p.status === 'failed').length, properties: PROPERTIES.length, error: typeof VaultcheckError }))
`,
    )
    const r = sh(process.execPath, ['check.mjs'], project)
    expect(r.code, r.out).toBe(0)
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!)
    expect(out).toMatchObject({ runs: 3, failed: 0, error: 'function' })
    expect(out.properties).toBeGreaterThan(20)
  }, 300_000)

  test("vaultcheck/vitest's describeVault runs from a .test.mjs", () => {
    fs.writeFileSync(
      path.join(project, 'vault.test.mjs'),
      `import { describeVault } from 'vaultcheck/vitest'
describeVault({ kind: 'reserve', source: 'contracts/ReserveVault.sol', contract: 'ReserveVault' }, { runs: 3 })
`,
    )
    const r = sh(process.execPath, [path.join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--reporter', 'verbose', 'vault.test.mjs'], project)
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/RESERVE-BACKING-001/)
    expect(r.out).toMatch(/Tests\s+\d+ passed/)
  }, 300_000)

  test('the CLI loads a vaultcheck.config.ts; a broken vault fails, stores the failure and writes reproducers that the project’s own vitest run leaves alone', () => {
    fs.writeFileSync(
      path.join(project, 'vaultcheck.config.ts'),
      `import { defineConfig } from 'vaultcheck/config'

const runs: number = 20
export default defineConfig({
  runs,
  targets: [{ kind: 'reserve', source: 'contracts/buggy/ReserveFullExitBlocked.sol', contract: 'ReserveFullExitBlocked' }],
})
`,
    )
    const bin = path.join(project, 'node_modules', '.bin', 'vaultcheck')
    const version = sh(bin, ['--version'], project)
    expect(version.code, version.out).toBe(0)
    expect(version.stdout.trim()).toBe((JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version)

    const run = sh(bin, ['run', '--reporter', 'json', '--workers', '2'], project)
    expect(run.code, run.stderr).toBe(1)
    const report = JSON.parse(run.stdout)
    expect(report.targets[0]).toMatchObject({ name: 'ReserveFullExitBlocked', runs: expect.any(Number) })
    expect(report.targets[0].properties.find((p: { id: string }) => p.id === 'RESERVE-EXIT-001').status).toBe('failed')

    const reproDir = path.join(project, '.vaultcheck', 'reproducers', 'ReserveFullExitBlocked')
    const repro = fs.readdirSync(reproDir).find((f) => f.endsWith('.repro.ts'))!
    expect(fs.readFileSync(path.join(reproDir, repro), 'utf8')).toMatch(/^import \{ replay \} from ["']vaultcheck["']$/m)

    // The user's own test run collects their test, not the reproducers.
    const own = sh(process.execPath, [path.join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], project)
    expect(own.code, own.out).toBe(0)
    expect(own.out).not.toContain('ReserveFullExitBlocked')

    // Run on purpose, a reproducer fails for the reason it was stored.
    const kept = sh(process.execPath, [path.join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', '.vaultcheck/reproducers/vitest.config.mjs'], project)
    expect(kept.code, kept.out).toBe(1)
    expect(kept.out).toContain('is broken again')
  }, 300_000)

  test('the examples type-check against the published declarations (dist/index.d.ts, which `npm pack` has just built)', () => {
    const r = sh(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'examples/tsconfig.json'], ROOT)
    expect(r.code, r.out).toBe(0)
  }, 120_000)

  test('the examples, written against the public API only, run against the installed package: their suites under vitest, the psm kind from the CLI', () => {
    fs.cpSync(path.join(ROOT, 'examples'), path.join(project, 'examples'), { recursive: true })
    const suites = sh(process.execPath, [path.join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'examples'], project)
    expect(suites.code, suites.out).toBe(0)
    expect(suites.out).toMatch(/Tests\s+14 passed/)

    const bin = path.join(project, 'node_modules', '.bin', 'vaultcheck')
    const run = sh(bin, ['run', '--kind', './examples/psm/kind.ts', '--source', 'examples/psm/contracts/buggy/PsmRedeemFeeTenfold.sol', '--contract', 'PsmRedeemFeeTenfold', '--runs', '20', '--no-store', '--reporter', 'json'], project)
    expect(run.code, run.stderr).toBe(1)
    const report = JSON.parse(run.stdout)
    expect(report.targets[0].kind).toBe('psm')
    expect(report.targets[0].properties.find((p: { id: string }) => p.id === 'PSM-FEE-001').status).toBe('failed')
  }, 300_000)
})
