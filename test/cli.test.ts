import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, test } from 'vitest'
import { BIN, ROOT, project, vaultcheck } from './support/cli.ts'

const BLOCKED = ['--kind', 'reserve', '--source', 'contracts/buggy/ReserveFullExitBlocked.sol', '--contract', 'ReserveFullExitBlocked']

describe('vaultcheck run on a vault that breaks a promise', () => {
  let dir: string
  let first: ReturnType<typeof vaultcheck>
  beforeAll(() => {
    dir = project()
    first = vaultcheck(dir, ['run', ...BLOCKED, '--runs', '10', '--reporter', 'pretty', '--reporter', 'json', '--output', '', '--output', 'report.json', '--reporter', 'junit', '--output', 'junit.xml'])
  }, 240_000)

  test('exits 1 and prints the shrunk counterexample', () => {
    expect(first.code, first.stderr).toBe(1)
    const block = first.stdout.slice(first.stdout.indexOf('✗ RESERVE-EXIT-001'))
    const cx = block.slice(0, block.indexOf('replay:'))
    expect(cx).toMatchInlineSnapshot(`
      "✗ RESERVE-EXIT-001  Every holder can, one after another, withdraw its whole balance and receive exactly that many underlying tokens, leaving no tokens outstanding.
          alice cannot withdraw its whole balance
            expected: withdraw(100000000000000000000000) succeeds
            actual:   revert InsufficientBalance(alice, 100000000000000000000000, 100000000000000000000000)
          counterexample (1 step, shrunk 1 time):
             1. exit probe: alice withdraws its whole balance 100000000000000000000000 -> reverted: InsufficientBalance(alice, 100000000000000000000000, 100000000000000000000000)   [model: receives 100000000000000000000000]   <-- RESERVE-EXIT-001
          "
    `)
  })

  test('writes the documented JSON report', () => {
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'))
    expect(report).toMatchObject({ format: 1, tool: 'vaultcheck', status: 'failed', seed: 1 })
    const t = report.targets[0]
    expect(t).toMatchObject({ name: 'ReserveFullExitBlocked', kind: 'reserve' })
    expect(t.compilerVersion).toMatch(/^0\.8\.37/)
    expect(t.bytecodeHash).toMatch(/^[0-9a-f]{16}$/)
    const exit = t.properties.find((p: { id: string }) => p.id === 'RESERVE-EXIT-001')
    expect(exit.status).toBe('failed')
    expect(Object.keys(exit.counterexample).sort()).toEqual(['actual', 'expected', 'message', 'path', 'replayPath', 'seed', 'steps'])
    expect(t.properties.find((p: { id: string }) => p.id === 'RESERVE-BACKING-002').status).toBe('passed')
  })

  test('writes a JUnit report with the failure', () => {
    const xml = fs.readFileSync(path.join(dir, 'junit.xml'), 'utf8')
    expect(xml).toContain('<testsuite name="ReserveFullExitBlocked (reserve)"')
    expect(xml).toMatch(/<testcase classname="ReserveFullExitBlocked" name="RESERVE-EXIT-001"[^>]*>\s*<failure/)
  })

  test('stores the failure, replays it first next time, and replay prints the trace', () => {
    const stored = fs.readdirSync(path.join(dir, '.vaultcheck', 'failures', 'ReserveFullExitBlocked'))
    expect(stored.some((f) => f.startsWith('RESERVE-EXIT-001-'))).toBe(true)
    const again = vaultcheck(dir, ['run', ...BLOCKED, '--runs', '1', '--reporter', 'json', '--no-store'])
    expect(again.code).toBe(1)
    const report = JSON.parse(again.stdout)
    const replayed = report.targets[0].stored.find((s: { propertyId: string }) => s.propertyId === 'RESERVE-EXIT-001')
    expect(replayed.status).toBe('reproduced')

    const file = path.join('.vaultcheck', 'failures', 'ReserveFullExitBlocked', stored.find((f) => f.startsWith('RESERVE-EXIT-001-'))!)
    const r = vaultcheck(dir, ['replay', file, '--source', BLOCKED[3], '--contract', BLOCKED[5]])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('exit probe:')
    expect(r.stdout).toContain('<-- RESERVE-EXIT-001')
  }, 120_000)

  test('the vitest reproducer fails for the right reason', () => {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', '.vaultcheck/reproducers/vitest.config.mjs'], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
    expect(r.status).toBe(1)
    expect(r.stdout + r.stderr).toContain('RESERVE-EXIT-001 is broken again')
  }, 120_000)

  test("a default vitest run in the user's project does not collect the reproducers", () => {
    const files = fs.readdirSync(path.join(dir, '.vaultcheck', 'reproducers', 'ReserveFullExitBlocked'))
    expect(files.some((f) => f.endsWith('.repro.ts'))).toBe(true)
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--passWithNoTests'], { cwd: dir, encoding: 'utf8', timeout: 120_000 })
    expect(r.status, r.stdout + r.stderr).toBe(0)
    expect(r.stdout + r.stderr).toMatch(/No test files found/)
  }, 120_000)

  test('after the vault is fixed, the stored failure is reported as fixed? and kept', () => {
    const src = path.join(dir, BLOCKED[3])
    const fixed = fs.readFileSync(src, 'utf8').replace(/value >= balance/, 'value > balance')
    expect(fixed).not.toBe(fs.readFileSync(src, 'utf8'))
    fs.writeFileSync(src, fixed)
    const r = vaultcheck(dir, ['run', ...BLOCKED, '--runs', '3', '--reporter', 'json', '--no-store'])
    const report = JSON.parse(r.stdout)
    const stored = report.targets[0].stored.find((s: { propertyId: string }) => s.propertyId === 'RESERVE-EXIT-001')
    expect(stored.status).toBe('fixed?')
    expect(stored.note).toContain('changed bytecode')
    expect(fs.existsSync(path.join(dir, stored.file))).toBe(true)
  }, 120_000)
})

describe('vaultcheck run --fail-fast', () => {
  test('ends the campaign at its first failure: one property failed, far fewer runs than the budget', () => {
    const dir = project()
    const args = ['run', '--kind', 'reserve', '--source', 'contracts/buggy/ReserveUnbackedMintOnEdge.sol', '--contract', 'ReserveUnbackedMintOnEdge', '--seed', '1', '--runs', '400', '--no-store', '--reporter', 'json']
    const fast = vaultcheck(dir, [...args, '--fail-fast'])
    const full = vaultcheck(dir, args)
    expect(fast.code, fast.stderr).toBe(1)
    expect(full.code, full.stderr).toBe(1)
    const failed = (r: typeof fast) => JSON.parse(r.stdout).targets[0].properties.filter((p: { status: string }) => p.status === 'failed')
    const runs = (r: typeof fast) => JSON.parse(r.stdout).targets[0].runs as number
    // The same first failure, then nothing more: the full run goes on to break two more promises.
    expect(failed(fast).map((p: { id: string }) => p.id)).toEqual(['RESERVE-DIFF-002'])
    expect(failed(full).length).toBeGreaterThan(1)
    expect(failed(fast)[0].counterexample.steps).toEqual(failed(full).find((p: { id: string }) => p.id === 'RESERVE-DIFF-002').counterexample.steps)
    expect(runs(fast)).toBeLessThan(runs(full))
  }, 240_000)
})

describe('vaultcheck run with bad input exits 2 and names what is at fault', () => {
  let dir: string
  beforeAll(() => {
    dir = project()
  })

  test('a missing contract lists the contracts that exist', () => {
    const r = vaultcheck(dir, ['run', '--kind', 'reserve', '--source', 'contracts/ReserveVault.sol', '--contract', 'Nope'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('Contract "Nope" not found')
    expect(r.stderr).toContain('ReserveVault')
  })

  test('a source that does not compile shows file:line:col', () => {
    fs.writeFileSync(path.join(dir, 'Broken.sol'), 'pragma solidity ^0.8.24;\ncontract Broken { function f() public { x = 1; } }\n')
    const r = vaultcheck(dir, ['run', '--kind', 'reserve', '--source', 'Broken.sol', '--contract', 'Broken'])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/Broken\.sol:2:\d+: DeclarationError/)
  })

  test('a missing source file is named', () => {
    const r = vaultcheck(dir, ['run', '--kind', 'erc4626', '--source', 'nowhere/Vault.sol', '--contract', 'Vault'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('nowhere/Vault.sol')
  })

  test('a broken config reports every problem as path: message', () => {
    fs.writeFileSync(path.join(dir, 'bad.config.mjs'), "export default { targets: [{ kind: 'vault', source: 'x.sol' }], runs: -1 }\n")
    const r = vaultcheck(dir, ['run', '--config', 'bad.config.mjs'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('bad.config.mjs')
    expect(r.stderr).toContain('targets.0.kind:')
    expect(r.stderr).toContain('targets.0.contract:')
    expect(r.stderr).toContain('runs:')
  })

  test('an unknown option is a usage error', () => {
    const r = vaultcheck(dir, ['run', '--frobnicate'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain("unknown option '--frobnicate'")
  })

  test('a kind the vault does not have is a usage error, not a vault failure', () => {
    const r = vaultcheck(dir, ['run', '--kind', 'cdp', '--source', 'contracts/ReserveVault.sol', '--contract', 'ReserveVault', '--runs', '2'])
    expect(r.code).toBe(2)
  })
})

describe('vaultcheck run on a vault that keeps its promises', () => {
  test('exits 0; a config file selects targets; results do not depend on --workers', () => {
    const dir = project()
    fs.writeFileSync(
      path.join(dir, 'vaultcheck.config.ts'),
      `import { defineConfig } from ${JSON.stringify(path.join(ROOT, 'runner', 'config.ts'))}
export default defineConfig({
  runs: 6,
  targets: [
    { name: 'wrapper', kind: 'reserve', source: 'contracts/ReserveVault.sol', contract: 'ReserveVault' },
    { name: 'weth', kind: 'native', source: 'contracts/NativeVault.sol', contract: 'NativeVault', skip: { 'NATIVE-ACCESS-001': 'covered elsewhere' } },
  ],
})
`,
    )
    const one = vaultcheck(dir, ['run', '--reporter', 'json', '--no-store'])
    const two = vaultcheck(dir, ['run', '--reporter', 'json', '--no-store', '--workers', '2'])
    expect(one.code, one.stderr).toBe(0)
    expect(two.code, two.stderr).toBe(0)
    const strip = (s: string) => JSON.stringify(JSON.parse(s), (k, v) => (k === 'durationMs' ? 0 : v))
    expect(strip(two.stdout)).toBe(strip(one.stdout))
    const report = JSON.parse(one.stdout)
    expect(report.targets.map((t: { name: string }) => t.name)).toEqual(['wrapper', 'weth'])
    const skipped = report.targets[1].properties.find((p: { id: string }) => p.id === 'NATIVE-ACCESS-001')
    expect(skipped).toMatchObject({ status: 'skipped', skipReason: 'covered elsewhere' })
  }, 240_000)
})

describe('vaultcheck run under stress', () => {
  test('a crash inside vaultcheck exits 3 and says it is a bug in vaultcheck, not in the vault', () => {
    const dir = project()
    const r = vaultcheck(dir, ['run', '--kind', 'reserve', '--runs', '1', '--no-store'], { VAULTCHECK_FAULT: 'internal' })
    expect(r.code).toBe(3)
    expect(r.stderr).toContain('this is a bug in vaultcheck, not in your vault')
    expect(r.stderr).toContain('injected internal fault')
  }, 120_000)

  test('Ctrl-C stops cleanly, reports what was covered, and leaves stored failures intact', async () => {
    const dir = project()
    const storedDir = path.join(dir, '.vaultcheck', 'failures', 'TokenizedVault')
    fs.mkdirSync(storedDir, { recursive: true })
    const stored = path.join(storedDir, 'keep-me.json')
    fs.writeFileSync(stored, '{"format": 1, "note": "a user file vaultcheck must not touch"}\n')
    const { spawn } = await import('node:child_process')
    const child = spawn(process.execPath, [BIN, 'run', '--kind', 'erc4626', '--runs', '100000', '--reporter', 'json', '--no-store'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    await new Promise((r) => setTimeout(r, 8000))
    child.kill('SIGINT')
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))
    expect(code, stderr).toBe(130)
    expect(stderr).toContain('Interrupted')
    const report = JSON.parse(stdout)
    expect(report.status).toBe('interrupted')
    expect(report.targets[0].runs).toBeGreaterThan(0)
    expect(report.targets[0].runs).toBeLessThan(100000)
    expect(fs.readFileSync(stored, 'utf8')).toContain('a user file vaultcheck must not touch')
  }, 120_000)
})
