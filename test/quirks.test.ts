import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { formatCampaign } from '../report/format.ts'
import { replay, runSuite } from '../runner/suite.ts'
import { loadTarget } from '../engine/target.ts'

// A suite run with the asset replaced by a token that is not a plain ERC-20: the model follows the
// token, so a vault that copes is clean and one that does not breaks a property "under" the quirk.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const source = 'test/fixtures/quirks/QuirkWrappers.sol'
const failedOf = (r: Awaited<ReturnType<typeof runSuite>>) => r.properties.filter((p) => p.status === 'failed').map((p) => p.id)
const run = (contract: string | undefined, tokenQuirk?: string) =>
  runSuite(contract ? { kind: 'reserve', source, contract, root: ROOT } : { kind: 'reserve' }, { runs: 20, seed: 1, ...(tokenQuirk ? { tokenQuirk } : {}) })

describe('token quirks', () => {
  test('fee on transfer: a wrapper crediting what it received is clean; OpenZeppelin ERC20Wrapper, minting what it was asked, is not backed', async () => {
    const clean = await run('ReceivedBalanceWrapper', 'fee-on-transfer')
    expect(failedOf(clean), formatCampaign(clean)).toEqual([])
    expect(clean.stats.actions).toBeGreaterThan(100)
    const oz = await run('OzWrapper', 'fee-on-transfer')
    expect(failedOf(oz)).toEqual(expect.arrayContaining(['RESERVE-BACKING-001', 'RESERVE-EXIT-001']))
    const backing = oz.properties.find((p) => p.id === 'RESERVE-BACKING-001')!.counterexample!
    expect(backing.message).toMatch(/^under fee-on-transfer, after alice\.depositFor\(alice, \d+\) the supply exceeds the reserve/)
    expect(backing.trace.length).toBe(1)
    expect(failedOf(await run('OzWrapper')), 'clean under a plain token').toEqual([])
  }, 180_000)

  test('a wrapper that ignores the bool of transferFrom mints for nothing under a token returning false, and cannot pull USDT-style tokens at all', async () => {
    expect(failedOf(await run('UncheckedPullWrapper'))).toEqual([])
    const falsy = await run('UncheckedPullWrapper', 'returns-false')
    expect(failedOf(falsy)).toEqual(expect.arrayContaining(['RESERVE-DIFF-001', 'RESERVE-BACKING-001']))
    expect(falsy.properties.find((p) => p.id === 'RESERVE-DIFF-001')!.counterexample!.message).toMatch(/must revert \(transfer-returned-false\) but succeeded/)
    const none = await run('UncheckedPullWrapper', 'no-return')
    expect(none.properties.find((p) => p.id === 'RESERVE-DIFF-001')?.counterexample?.message).toMatch(/^under no-return, .*depositFor.* must succeed but reverted/)
  }, 180_000)

  test('the reference wrapper (SafeTransferLib) is clean under every quirk but rebasing down, which no 1:1 wrapper survives, and the two where it mints what it was asked', async () => {
    for (const q of ['transfer-hooks', 'no-return', 'returns-false', 'revert-on-zero', 'rebasing-up', 'decimals-6', 'decimals-2', 'decimals-24']) {
      const r = await run(undefined, q)
      expect(failedOf(r), `${q}\n${formatCampaign(r)}`).toEqual([])
      expect(r.stats.actions - r.stats.reverted, q).toBeGreaterThan(100)
    }
    // Balances shrinking under it leave a 1:1 wrapper short: a real weakness, not a false alarm.
    const down = await run(undefined, 'rebasing-down')
    expect(failedOf(down)).toContain('RESERVE-BACKING-001')
    expect(down.properties.find((p) => p.id === 'RESERVE-BACKING-001')!.counterexample!.message).toMatch(/under rebasing-down, after rebase: every balance of the asset shrinks/)
    expect(failedOf(down)).not.toContain('RESERVE-ACCESS-001')
    // cUSDCv3: depositFor(max) pulls the whole balance and the wrapper mints max.
    const max = await run(undefined, 'transfer-max')
    expect(max.properties.find((p) => p.id === 'RESERVE-BACKING-001')?.counterexample?.message).toMatch(/under transfer-max, after \w+\.depositFor\(\w+, MAX\) the supply exceeds the reserve/)
    expect(failedOf(await run('ReceivedBalanceWrapper', 'transfer-max'))).toEqual([])
  }, 300_000)

  test('erc4626: the reference vault and OpenZeppelin ERC4626 are clean under rebases and tokens returning false; fee on transfer is not modelled for the kind', async () => {
    for (const [spec, q] of [
      [{ kind: 'erc4626' }, 'rebasing-down'],
      [{ kind: 'erc4626', source: 'test/fixtures/third-party/OzVaults.sol', contract: 'OzTokenizedVault', root: ROOT }, 'returns-false'],
    ] as const) {
      const r = await runSuite(spec, { runs: 20, seed: 1, tokenQuirk: q })
      expect(failedOf(r), `${q}\n${formatCampaign(r)}`).toEqual([])
    }
    await expect(runSuite({ kind: 'erc4626' }, { runs: 1, tokenQuirk: 'fee-on-transfer' })).rejects.toThrow(/the erc4626 kind's models do not follow the fee-on-transfer quirk/)
  }, 180_000)

  test('transfer hooks: an attacker re-entering from its hook corrupts a wrapper that writes a stale balance; a wrapper that credits its balance difference mints twice; OpenZeppelin ERC20Wrapper is clean', async () => {
    expect(failedOf(await run('StaleBalanceWrapper')), 'clean under a plain token').toEqual([])
    const stale = await run('StaleBalanceWrapper', 'transfer-hooks')
    expect(failedOf(stale)).toEqual(expect.arrayContaining(['RESERVE-BACKING-002', 'RESERVE-EXIT-001']))
    expect(stale.properties.find((p) => p.id === 'RESERVE-BACKING-002')!.counterexample!.message).toMatch(/^under transfer-hooks, after mallory\.withdrawTo\(mallory, \d+\), its hook re-entering /)
    // Balance-difference accounting counts the inner deposit twice when the hook runs before the pull.
    const diff = await run('ReceivedBalanceWrapper', 'transfer-hooks')
    expect(failedOf(diff)).toContain('RESERVE-BACKING-001')
    expect(diff.properties.find((p) => p.id === 'RESERVE-BACKING-001')!.counterexample!.message).toMatch(/mallory\.depositFor\(mallory, \d+\), its hook re-entering depositFor/)
    const oz = await run('OzWrapper', 'transfer-hooks')
    expect(failedOf(oz), formatCampaign(oz)).toEqual([])
    expect(oz.functions?.['vault.depositFor']?.calls ?? 0).toBeGreaterThan(0)
  }, 240_000)

  test('cdp: the reference vault is clean under a collateral returning false, and credits max for a cUSDCv3-style deposit of everything', async () => {
    const falsy = await runSuite({ kind: 'cdp' }, { runs: 15, seed: 1, tokenQuirk: 'returns-false' })
    expect(failedOf(falsy), formatCampaign(falsy)).toEqual([])
    const max = await runSuite({ kind: 'cdp' }, { runs: 20, seed: 1, tokenQuirk: 'transfer-max' })
    expect(max.properties.find((p) => p.id === 'CDP-BACKING-002')?.counterexample?.message).toMatch(/^under transfer-max, after \w+\.deposit\(MAX\) the vault's collateral does not equal the sum of positions/)
  }, 180_000)

  test('a failure under a quirk replays under it from its stored file', async () => {
    const target = await loadTarget({ kind: 'reserve', source, contract: 'OzWrapper', root: ROOT })
    const r = await runSuite(target, { runs: 20, seed: 1, tokenQuirk: 'fee-on-transfer' })
    const cx = r.properties.find((p) => p.id === 'RESERVE-BACKING-001')!.counterexample!
    const again = await replay(target, cx, { tokenQuirk: 'fee-on-transfer' })
    expect(again.failed?.propertyId).toBe('RESERVE-BACKING-001')
    expect(again.steps).toEqual(cx.steps)
    const plain = await replay(target, cx, {})
    expect(plain.failed).toBeUndefined()
  }, 120_000)

  test('from the CLI: --token-quirks prints target x quirk, JSON carries the matrix, declared quirks are not run, unknown ones exit 2', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-quirks-'))
    try {
      fs.copyFileSync(path.join(ROOT, source), path.join(dir, 'QuirkWrappers.sol'))
      fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))
      fs.writeFileSync(
        path.join(dir, 'vaultcheck.config.mjs'),
        `export default { runs: 15, tokenQuirks: ['fee-on-transfer', 'rebasing-down', 'decimals-6'], targets: [
          { kind: 'reserve', source: 'QuirkWrappers.sol', contract: 'OzWrapper', unsupportedQuirks: { 'rebasing-down': 'a 1:1 wrapper cannot survive negative rebases' } },
          { kind: 'cdp' },
        ] }\n`,
      )
      const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'cli', 'dev.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
      const r = cli('run', '--reporter', 'json', '--output', 'report.json', '--reporter', 'pretty', '--no-store')
      expect(r.status, r.stderr).toBe(1)
      expect(r.stdout).toMatch(/OzWrapper\s+clean\s+DIFF-002 BACKING-001 EXIT-001\s+declared\s+clean/)
      expect(r.stdout).toMatch(/CollateralDebtVault\s+clean\s+n\/m\s+n\/m\s+clean/)
      expect(r.stdout).toMatch(/OzWrapper \/ rebasing-down: declared unsupported: a 1:1 wrapper cannot survive negative rebases/)
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'))
      expect(json.matrix.quirks).toEqual(['plain', 'fee-on-transfer', 'rebasing-down', 'decimals-6'])
      const oz = json.matrix.rows.find((x: { target: string }) => x.target === 'OzWrapper')
      expect(oz.cells.map((c: { status: string }) => c.status)).toEqual(['clean', 'failed', 'declared', 'clean'])
      expect(oz.cells[1].shortest).toMatchObject({ propertyId: 'RESERVE-BACKING-001', steps: 1 })
      expect(json.targets.map((t: { name: string }) => t.name)).toEqual(['OzWrapper', 'OzWrapper [fee-on-transfer]', 'OzWrapper [decimals-6]', 'CollateralDebtVault', 'CollateralDebtVault [decimals-6]'])

      const bad = cli('run', '--kind', 'reserve', '--token-quirks', 'fee-on-transfer,sticky')
      expect(bad.status).toBe(2)
      expect(bad.stderr).toMatch(/--token-quirks: unknown token quirk "sticky"; known: fee-on-transfer, /)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 300_000)
})
