import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'cli', 'dev.mjs')

function vaultcheck(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function git(cwd: string, args: string[]) {
  const r = spawnSync('git', ['-c', 'user.name=vaultcheck', '-c', 'user.email=vaultcheck@example.invalid', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`)
}

const made: string[] = []
afterAll(() => {
  for (const d of made) fs.rmSync(d, { recursive: true, force: true })
})

/** A scratch project holding a copy of the bundled contracts, plus a version with one planted change. */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-diff-'))
  made.push(dir)
  fs.cpSync(path.join(ROOT, 'contracts'), path.join(dir, 'contracts'), { recursive: true })
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
  fs.writeFileSync(path.join(dir, 'contracts', 'ReserveVaultV2.sol'), planted(fs.readFileSync(path.join(dir, 'contracts', 'ReserveVault.sol'), 'utf8')))
  return dir
}

/** withdrawTo sends one unit less when the amount is above 1000. */
function planted(source: string): string {
  const out = source.replace('_underlying.safeTransfer(account, value);', '_underlying.safeTransfer(account, value > 1000 ? value - 1 : value);')
  if (out === source) throw new Error('the planted change did not apply')
  return out
}

const RESERVE = ['--kind', 'reserve', '--contract', 'ReserveVault', '--runs', '10']

/** The numbered steps of the printed difference. */
function steps(stdout: string): string[] {
  const block = stdout.slice(stdout.indexOf('✗ the versions behave differently'), stdout.indexOf('  replay:'))
  return block.split('\n').filter((l) => /^\s+\d+\. /.test(l))
}

describe('vaultcheck diff', () => {
  let dir: string
  beforeAll(() => {
    dir = project()
  })

  test('a planted behaviour change is found and shrunk to a minimal sequence, shown side by side', () => {
    const r = vaultcheck(dir, ['diff', ...RESERVE, 'contracts/ReserveVault.sol', 'contracts/ReserveVaultV2.sol'])
    expect(r.code, r.stderr).toBe(1)
    expect(r.stdout).toContain('v1 contracts/ReserveVault.sol, v2 contracts/ReserveVaultV2.sol')
    const s = steps(r.stdout)
    expect(s.length).toBeGreaterThanOrEqual(1)
    expect(s.length).toBeLessThanOrEqual(2)
    expect(s[s.length - 1]).toMatch(/\.withdrawTo\(\w+, \d+\)$/)
    expect(r.stdout).toMatch(/^ {6}v1: -> true$/m)
    expect(r.stdout).toMatch(/^ {6}v2: -> true$/m)
    // The receiver got one unit less from v2: the differing observation, with both values.
    const m = /underlying\.balanceOf\((\w+)\): v1 (\d+), v2 (\d+)/.exec(r.stdout)
    expect(m, r.stdout).not.toBeNull()
    expect(BigInt(m![2]) - BigInt(m![3])).toBe(1n)
    // The new version's suite runs too, and the change breaks its promises.
    expect(r.stdout).toContain('v2 against the reserve properties:')
    expect(r.stdout).toContain('✗ RESERVE-EXIT-001')
  })

  test('the JSON report carries the difference and the new version suite', () => {
    const r = vaultcheck(dir, ['diff', ...RESERVE, '--reporter', 'json', '--output', 'diff.json', 'contracts/ReserveVault.sol', 'contracts/ReserveVaultV2.sol'])
    expect(r.code, r.stderr).toBe(1)
    const report = JSON.parse(fs.readFileSync(path.join(dir, 'diff.json'), 'utf8'))
    expect(report).toMatchObject({ tool: 'vaultcheck', command: 'diff', status: 'failed', kind: 'reserve', identical: false })
    expect(report.difference.firstDifference).toMatchObject({ action: 'withdrawTo', v1: '-> true', v2: '-> true' })
    expect(report.difference.firstDifference.items.some((i: { what: string; key?: string }) => i.what === 'observation' && i.key?.startsWith('underlying.balanceOf('))).toBe(true)
    expect(report.suite.properties.find((p: { id: string }) => p.id === 'RESERVE-EXIT-001').status).toBe('failed')
  })

  test('two identical versions: exit 0, no difference', () => {
    const r = vaultcheck(dir, ['diff', ...RESERVE, 'contracts/ReserveVault.sol', 'contracts/ReserveVault.sol'])
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stdout).toMatch(/✓ no difference in 10 runs \(\d+ actions\)/)
    expect(r.stdout).toMatch(/ReserveVault \(reserve\): 8 passed, 0 failed/)
  })

  test('a declared difference is not one; the new version still has to keep its promises', () => {
    const r = vaultcheck(dir, ['diff', ...RESERVE, '--expect', 'withdrawTo:underlying.balanceOf(*)', 'contracts/ReserveVault.sol', 'contracts/ReserveVaultV2.sol'])
    expect(r.stdout).toMatch(/✓ no difference in 10 runs/)
    expect(r.stdout).toMatch(/expected difference seen in \d+ runs?: withdrawTo:underlying\.balanceOf\(\*\)/)
    // ...but sending less than was burnt breaks the exit promise: still exit 1, said on stderr.
    expect(r.code).toBe(1)
    expect(r.stderr).toContain('breaks a promise')
  })
})

describe('vaultcheck diff --base <rev>', () => {
  let dir: string
  beforeAll(() => {
    dir = project()
    fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\n.vaultcheck\n')
    git(dir, ['init', '-q'])
    git(dir, ['add', '-A'])
    git(dir, ['commit', '-q', '-m', 'reference vault'])
  })

  test('the working copy against the committed version: the change is found', () => {
    const file = path.join(dir, 'contracts', 'ReserveVault.sol')
    const original = fs.readFileSync(file, 'utf8')
    fs.writeFileSync(file, planted(original))
    try {
      const r = vaultcheck(dir, ['diff', ...RESERVE, '--base', 'HEAD', 'contracts/ReserveVault.sol'])
      expect(r.code, r.stderr).toBe(1)
      expect(r.stdout).toContain('v1 contracts/ReserveVault.sol@HEAD, v2 contracts/ReserveVault.sol')
      expect(steps(r.stdout).length).toBeLessThanOrEqual(2)
      expect(r.stdout).toMatch(/underlying\.balanceOf\(\w+\): v1 \d+, v2 \d+/)
    } finally {
      fs.writeFileSync(file, original)
    }
  })

  test('a revision that does not exist is a usage error naming it', () => {
    const r = vaultcheck(dir, ['diff', ...RESERVE, '--base', 'no-such-rev', 'contracts/ReserveVault.sol'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('git revision "no-such-rev" does not exist')
  })

  test('a file that is not in the repository at that revision is a usage error', () => {
    const r = vaultcheck(dir, ['diff', ...RESERVE, '--base', 'HEAD', 'contracts/Untracked.sol'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('contracts/Untracked.sol does not exist at git revision HEAD')
  })
})

describe('vaultcheck diff with bad input exits 2 and names what is at fault', () => {
  let dir: string
  beforeAll(() => {
    dir = project()
  })

  test('a version that does not compile', () => {
    fs.writeFileSync(path.join(dir, 'contracts', 'Broken.sol'), 'pragma solidity ^0.8.24;\ncontract ReserveVault { function f() public { x = 1; } }\n')
    const r = vaultcheck(dir, ['diff', ...RESERVE, 'contracts/ReserveVault.sol', 'contracts/Broken.sol'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('new version: Solidity compilation failed')
    expect(r.stderr).toMatch(/Broken\.sol:2:\d+: DeclarationError/)
  })

  test('a vault of another kind than --kind', () => {
    const r = vaultcheck(dir, ['diff', '--kind', 'cdp', '--contract', 'ReserveVault', '--runs', '2', 'contracts/ReserveVault.sol', 'contracts/ReserveVaultV2.sol'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('old version: Deploying ReserveVault failed')
  })

  test('the wrong number of files', () => {
    const r = vaultcheck(dir, ['diff', ...RESERVE, 'contracts/ReserveVault.sol'])
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('give two files')
  })
})
