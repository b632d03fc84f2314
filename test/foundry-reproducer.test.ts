/**
 * The Foundry reproducer `vaultcheck run` writes next to the vitest one: run under forge (the
 * optional @foundry-rs/forge dependency, compiling with the bundled solc-js through
 * scripts/solc-standin.mjs), it fails naming the broken property, and passes once the vault is fixed.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, test } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'cli', 'dev.mjs')

/** The forge binary of the platform package @foundry-rs/forge installs, if any. */
function findForge(): string | undefined {
  const require = createRequire(path.join(ROOT, 'package.json'))
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  const exe = process.platform === 'win32' ? 'forge.exe' : 'forge'
  try {
    const pkg = require.resolve(`@foundry-rs/forge-${process.platform}-${arch}/package.json`)
    const bin = path.join(path.dirname(pkg), 'bin', exe)
    return fs.existsSync(bin) ? bin : undefined
  } catch {
    return undefined
  }
}

const FORGE = findForge()

function vaultcheck(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function forgeTest(root: string, file: string) {
  const r = spawnSync(FORGE!, ['test', '--root', root, '--match-path', file], { cwd: root, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FOUNDRY_DISABLE_NIGHTLY_WARNING: '1' }, timeout: 120_000 })
  return { code: r.status, out: `${r.stdout}\n${r.stderr}` }
}

function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-forge-'))
  fs.cpSync(path.join(ROOT, 'contracts'), path.join(dir, 'contracts'), { recursive: true })
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
  return dir
}

describe.skipIf(!FORGE)('Foundry reproducer under forge (skipped: the optional dependency @foundry-rs/forge has no binary for this platform)', () => {
  const FIXTURE = 'contracts/buggy/ReserveFullExitBlocked.sol'
  let dir: string
  let reproducers: string
  let files: string[]
  beforeAll(() => {
    dir = project()
    const r = vaultcheck(dir, ['run', '--kind', 'reserve', '--source', FIXTURE, '--contract', 'ReserveFullExitBlocked', '--runs', '10'])
    expect(r.code, r.stderr).toBe(1)
    reproducers = path.join(dir, '.vaultcheck', 'reproducers')
    const sub = path.join(reproducers, 'ReserveFullExitBlocked')
    files = fs.readdirSync(sub).filter((f) => f.endsWith('.t.sol')).map((f) => path.join(sub, f))
  }, 120_000)

  test('writes a standalone .t.sol per stored failure, without forge-std', () => {
    expect(files.map((f) => path.basename(f).replace(/-[0-9a-f]{10}\.t\.sol$/, '')).sort()).toEqual(['RESERVE-DIFF-001', 'RESERVE-EXIT-001'])
    for (const f of files) {
      const src = fs.readFileSync(f, 'utf8')
      expect(src).not.toMatch(/import[^;]*forge-std/)
      expect(src).toContain('interface Vm {')
      expect(src).toContain('import {ReserveFullExitBlocked} from "project/contracts/buggy/ReserveFullExitBlocked.sol";')
      // Same actor addresses as the harness, so revert arguments match.
      expect(src).toContain('address constant alice = 0x1Db7168c907C4798E98567D3d165C0077F784374;')
    }
    const toml = fs.readFileSync(path.join(reproducers, 'foundry.toml'), 'utf8')
    expect(toml).toContain('offline = true')
    expect(toml).toContain('auto_detect_solc = false')
    expect(toml).toContain(`solc = ${JSON.stringify(path.join(reproducers, 'solc'))}`)
  })

  test('fails under forge naming the property, and passes once the vault is fixed', () => {
    const exit = files.find((f) => path.basename(f).startsWith('RESERVE-EXIT-001'))!
    const diff = files.find((f) => path.basename(f).startsWith('RESERVE-DIFF-001'))!
    const broken = forgeTest(reproducers, exit)
    expect(broken.out).toContain('Compiler run successful')
    expect(broken.code, broken.out).not.toBe(0)
    expect(broken.out).toMatch(/\[FAIL: RESERVE-EXIT-001: alice cannot withdraw its whole balance\]/)
    const brokenDiff = forgeTest(reproducers, diff)
    expect(brokenDiff.code, brokenDiff.out).not.toBe(0)
    expect(brokenDiff.out).toMatch(/\[FAIL: RESERVE-DIFF-001: alice\.withdrawTo\(alice, 100000000000000000000000\) must succeed but reverted\]/)

    const src = path.join(dir, FIXTURE)
    fs.writeFileSync(src, fs.readFileSync(src, 'utf8').replace('value >= balance', 'value > balance'))
    for (const f of [exit, diff]) {
      const fixed = forgeTest(reproducers, f)
      expect(fixed.code, fixed.out).toBe(0)
      expect(fixed.out).toMatch(/\[PASS\] test_RESERVE_(EXIT|DIFF)_001\(\)/)
    }
  }, 120_000)
})

describe.skipIf(!FORGE)('Foundry reproducers restate state, event and backing checks (skipped: no forge binary)', () => {
  test('every reproducer of a vault that mints unbacked tokens fails with its own property ID', () => {
    const dir = project()
    const r = vaultcheck(dir, ['run', '--kind', 'reserve', '--source', 'contracts/buggy/ReserveUnbackedMintOnEdge.sol', '--contract', 'ReserveUnbackedMintOnEdge', '--runs', '30'])
    expect(r.code, r.stderr).toBe(1)
    const reproducers = path.join(dir, '.vaultcheck', 'reproducers')
    const sub = path.join(reproducers, 'ReserveUnbackedMintOnEdge')
    const files = fs.readdirSync(sub).filter((f) => f.endsWith('.t.sol'))
    // BACKING (an invariant), DIFF-002 (an event the model did not expect), EXIT (the probe).
    expect(files.map((f) => f.replace(/-[0-9a-f]{10}\.t\.sol$/, '')).sort()).toEqual(['RESERVE-BACKING-001', 'RESERVE-DIFF-002', 'RESERVE-EXIT-001'])
    const out = forgeTest(reproducers, path.join(sub, '*.t.sol'))
    expect(out.code, out.out).not.toBe(0)
    for (const f of files) {
      const id = f.replace(/-[0-9a-f]{10}\.t\.sol$/, '')
      const line = out.out.split('\n').find((l) => l.includes(`test_${id.replace(/-/g, '_')}()`) && l.startsWith('[FAIL'))
      expect(line, out.out).toMatch(new RegExp(`^\\[FAIL: ${id}: `))
    }
  }, 120_000)
  test('a call outside the specification that moved value fails ACCESS-002 under forge, naming the value it moved', () => {
    const dir = project()
    const r = vaultcheck(dir, ['run', '--kind', 'reserve', '--source', 'contracts/buggy/ReserveOpenRescue.sol', '--contract', 'ReserveOpenRescue', '--property', 'RESERVE-ACCESS-002'])
    expect(r.code, r.stderr).toBe(1)
    const reproducers = path.join(dir, '.vaultcheck', 'reproducers')
    const out = forgeTest(reproducers, path.join(reproducers, 'ReserveOpenRescue', '*.t.sol'))
    expect(out.code, out.out).not.toBe(0)
    expect(out.out).toMatch(/\[FAIL: RESERVE-ACCESS-002: underlying\.balanceOf\(\w+\) must be \d+/)
  }, 120_000)
})
