/**
 * Sources that pin a compiler vaultcheck does not bundle: the solc the user installed under an
 * alias (`solc-0.8.19@npm:solc@0.8.19`, `solc-0.7.6@npm:solc@0.7.6`, dev dependencies here) is
 * chosen from each source's `pragma solidity`; none installed is a usage error that says what to
 * install. Run through the CLI, as a user would.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { chooseSolc, pragmasOf } from '../evm/solc-versions.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'cli', 'dev.mjs')

function run(file: string, contract: string, cwd = ROOT) {
  const r = spawnSync(process.execPath, [BIN, 'run', '--kind', 'native', '--source', file, '--contract', contract, '--runs', '10', '--no-store', '--reporter', 'json'], { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('compiler versions from pragmas', () => {
  // The bundled NativeVault with its pragma pinned to 0.8.19, as audited codebases pin theirs.
  let pinned: string
  beforeAll(() => {
    pinned = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-pinned-'))
    fs.mkdirSync(path.join(pinned, 'lib'))
    for (const f of ['NativeVault.sol', 'lib/ERC20.sol']) {
      const src = fs.readFileSync(path.join(ROOT, 'contracts', f), 'utf8')
      const out = src.replace(/pragma solidity \^0\.8\.24;/, 'pragma solidity 0.8.19;')
      expect(out, f).not.toBe(src)
      fs.writeFileSync(path.join(pinned, f), out)
    }
  })
  afterAll(() => fs.rmSync(pinned, { recursive: true, force: true }))

  test('`pragma solidity 0.8.19;` compiles with the installed solc 0.8.19 and the vault is clean', () => {
    const r = run('NativeVault.sol', 'NativeVault', pinned)
    expect(r.code, r.stderr).toBe(0)
    expect(JSON.parse(r.stdout).targets[0].compilerVersion).toMatch(/^0\.8\.19\+commit/)
  }, 240_000)

  test('`pragma solidity =0.7.6;` compiles with solc 0.7.6 and runs on the chain', () => {
    const r = run('test/fixtures/pinned/LegacyWrappedEther.sol', 'LegacyWrappedEther')
    expect(r.code, r.stderr).toBe(0)
    const t = JSON.parse(r.stdout).targets[0]
    expect(t.compilerVersion).toMatch(/^0\.7\.6\+commit/)
    expect(t.actions).toBeGreaterThan(50)
  }, 240_000)

  test('a pragma no installed solc satisfies exits 2, naming the file, the pragma and the npm command', () => {
    const r = run('test/fixtures/pinned/Ancient.sol', 'Ancient')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('CompilerVersionError: No installed solc satisfies "pragma solidity 0.6.12;" in test/fixtures/pinned/Ancient.sol')
    expect(r.stderr).toContain('npm i -D solc-0.6.12@npm:solc@0.6.12')
  }, 240_000)

  test('pragmas are read past comments; the bundled compiler is kept whenever it fits', () => {
    expect(pragmasOf('// pragma solidity 0.4.0;\n/* pragma solidity 0.5.0; */\npragma solidity >=0.8.0 <0.9.0;')).toEqual(['>=0.8.0 <0.9.0'])
    expect(chooseSolc(new Map([['a.sol', 'pragma solidity ^0.8.0;']]), () => []).bundled).toBe(true)
    const picked = chooseSolc(new Map([['a.sol', 'pragma solidity ^0.8.0;'], ['b.sol', 'pragma solidity <0.8.20;']]), () => [path.join(ROOT, 'node_modules')])
    expect(picked).toMatchObject({ version: '0.8.19', bundled: false })
  })
})
