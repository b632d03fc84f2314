/**
 * A vault's misbehaviour is the vault's failure, never "a bug in vaultcheck" (exit 3): a view that
 * runs out of gas, a call that returns bytes its ABI cannot decode, a huge revert reason. Each is
 * run through the CLI as a user would and must end in exit 1 with the property and step named.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BIN = path.join(ROOT, 'cli', 'dev.mjs')
const SOURCE = 'test/fixtures/MisbehavingViews.sol'

function run(contract: string, extra: string[]) {
  const r = spawnSync(process.execPath, [BIN, 'run', '--kind', 'erc4626', '--source', SOURCE, '--contract', contract, '--no-store', '--reporter', 'json', ...extra], { cwd: ROOT, encoding: 'utf8', timeout: 240_000, env: { ...process.env, NO_COLOR: '1' } })
  expect(r.stderr).not.toMatch(/internal error/)
  expect(r.status, r.stderr).toBe(1)
  const report = JSON.parse(r.stdout) as { targets: { properties: { id: string; status: string; counterexample?: { message: string; steps: string[] } }[] }[] }
  return report.targets[0].properties.filter((p) => p.status === 'failed')
}

describe('views and returns that misbehave are vault verdicts', () => {
  test('a view that runs out of gas fails ERC4626-VIEW-001, naming the view and the step', () => {
    const [f] = run('GasHungryVault', ['--runs', '3', '--property', 'ERC4626-VIEW-001'])
    expect(f.id).toBe('ERC4626-VIEW-001')
    expect(f.counterexample!.message).toMatch(/^a view stopped answering after alice\.\w+\(.*\): totalAssets\(\) failed on 0x[0-9a-fA-F]{40} while observing vault\.totalAssets \(reverted or ran out of gas\)$/)
    expect(f.counterexample!.steps.at(-1)).toMatch(/<-- ERC4626-VIEW-001$/)
  }, 240_000)

  test('a call whose return does not decode fails DIFF-002 with the bytes shown', () => {
    const failed = run('MalformedViewVault', ['--runs', '10', '--seed', '1'])
    const f = failed.find((p) => p.id === 'ERC4626-DIFF-002')!
    expect(f.counterexample!.message).toMatch(/\w+\(\) returned data that does not decode$/)
  }, 240_000)

  test('a 100 kB revert reason is reported, not a crash', () => {
    const [f] = run('HugeRevertVault', ['--runs', '3', '--property', 'ERC4626-VIEW-001'])
    expect(f.id).toBe('ERC4626-VIEW-001')
    expect(f.counterexample!.message).toMatch(/totalAssets\(\) reverted on/)
  }, 240_000)

  test('a conversion that reverts where nothing overflows fails ERC4626-VIEW-001 (it was read only for DIFF-002, and its reverts skipped)', () => {
    const failed = run('ConvertRevertsVault', ['--runs', '5', '--property', 'ERC4626-VIEW-001'])
    expect(failed.map((p) => p.id)).toEqual(['ERC4626-VIEW-001'])
    expect(failed[0].counterexample!.message).toMatch(/convertToAssets\(\d+\) reverted \(EIP-4626: conversions MUST NOT revert\)$/)
  }, 240_000)
})
