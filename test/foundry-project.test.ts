/**
 * A vault inside a Foundry project, as forge lays one out: libraries in lib/ (no node_modules),
 * forge's automatic `solmate/ -> lib/solmate/src/` remapping, a remappings.txt, settings in
 * foundry.toml. It compiles and passes with zero config, through the CLI.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { readFoundryProject } from '../evm/foundry-project.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'cli', 'dev.mjs')

function vaultcheck(cwd: string, args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe('a Foundry project, as it is', () => {
  let dir: string
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-forge-'))
    fs.cpSync(path.join(ROOT, 'node_modules', 'solmate', 'src'), path.join(dir, 'lib', 'solmate', 'src'), { recursive: true })
    fs.cpSync(path.join(ROOT, 'node_modules', '@openzeppelin', 'contracts'), path.join(dir, 'lib', 'openzeppelin-contracts', 'contracts'), { recursive: true })
    fs.writeFileSync(path.join(dir, 'foundry.toml'), '[profile.default]\nsrc = "src"\nlibs = ["lib"]\noptimizer = true\noptimizer_runs = 1000\nevm_version = "cancun"\n')
    fs.writeFileSync(path.join(dir, 'remappings.txt'), '# OpenZeppelin under a short name\n@oz/=lib/openzeppelin-contracts/contracts/\n')
    fs.mkdirSync(path.join(dir, 'src'))
    fs.writeFileSync(
      path.join(dir, 'src', 'Vaults.sol'),
      `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {WETH} from "solmate/tokens/WETH.sol";
import {ERC20} from "@oz/token/ERC20/ERC20.sol";
import {IERC20} from "@oz/token/ERC20/IERC20.sol";
import {ERC20Wrapper} from "@oz/token/ERC20/extensions/ERC20Wrapper.sol";

contract ForgeWETH is WETH {}

contract ForgeWrapper is ERC20Wrapper {
    constructor(IERC20 u) ERC20("Forge Wrapped", "fW") ERC20Wrapper(u) {}
}
`,
    )
  }, 60_000)
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  test('foundry.toml, remappings.txt and lib/ are read as forge reads them', () => {
    const p = readFoundryProject(path.join(dir, 'src'))!
    expect(p.root).toBe(dir)
    expect(p.remappings).toEqual(['@oz/=lib/openzeppelin-contracts/contracts/', 'openzeppelin-contracts/=lib/openzeppelin-contracts/', 'solmate/=lib/solmate/src/'])
    expect(p).toMatchObject({ evmVersion: 'cancun', optimizer: { enabled: true, runs: 1000 } })
  })

  test('a solmate WETH through the automatic lib/ remapping passes', () => {
    const r = vaultcheck(dir, ['run', '--kind', 'native', '--source', 'src/Vaults.sol', '--contract', 'ForgeWETH', '--runs', '10', '--no-store'])
    expect(r.code, r.stderr + r.stdout).toBe(0)
  }, 240_000)

  test('an OpenZeppelin wrapper through remappings.txt passes', () => {
    const r = vaultcheck(dir, ['run', '--kind', 'reserve', '--source', 'src/Vaults.sol', '--contract', 'ForgeWrapper', '--runs', '10', '--no-store'])
    expect(r.code, r.stderr + r.stdout).toBe(0)
  }, 240_000)

  test('without foundry.toml the same imports are not found (exit 2, naming the import)', () => {
    fs.renameSync(path.join(dir, 'foundry.toml'), path.join(dir, 'foundry.toml.off'))
    try {
      const r = vaultcheck(dir, ['run', '--kind', 'native', '--source', 'src/Vaults.sol', '--contract', 'ForgeWETH', '--runs', '1', '--no-store'])
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('Import "solmate/tokens/WETH.sol" not found')
    } finally {
      fs.renameSync(path.join(dir, 'foundry.toml.off'), path.join(dir, 'foundry.toml'))
    }
  }, 240_000)
})
