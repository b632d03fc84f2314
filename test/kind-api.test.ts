/**
 * The public kind API's contract with its users: an adapter can map the kind's calls onto other
 * functions, and every mistake in a kind or adapter is a usage error naming the file and key.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { ConfigError, defineAdapter, defineKind, revert, runSuite, type CallResult } from '../index.ts'
import psm from '../examples/psm/kind.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const PSM = { source: 'examples/psm/contracts/PegStabilityModule.sol', contract: 'PegStabilityModule', root: ROOT }
const MEMO = `0x${'ab'.repeat(32)}` as const

const memoCalls = {
  depositFor: (c: { call: (fn: string, args: readonly unknown[], from: `0x${string}`) => Promise<CallResult> }, [to, value]: readonly unknown[], from: `0x${string}`) => c.call('depositWithMemo', [to, value, MEMO], from),
  withdrawTo: (c: { call: (fn: string, args: readonly unknown[], from: `0x${string}`) => Promise<CallResult> }, [to, value]: readonly unknown[], from: `0x${string}`) => c.call('withdrawWithMemo', [to, value, MEMO], from),
}
const memoTarget = { source: 'test/fixtures/MemoWrapper.sol', contract: 'MemoWrapper', root: ROOT }

describe('adapters', () => {
  test('calls of the kind performed through other functions: the reserve suite passes on a wrapper whose deposits take a memo', async () => {
    const adapter = defineAdapter({ kind: 'reserve', calls: memoCalls, specified: ['depositWithMemo', 'withdrawWithMemo'] })
    const r = await runSuite({ ...memoTarget, kind: adapter }, { runs: 20, seed: 1 })
    expect(r.properties.filter((p) => p.status === 'failed').map((p) => `${p.id}: ${p.counterexample?.message}`)).toEqual([])
    expect(r.functions?.['vault.depositWithMemo']).toMatchObject({ outside: false })
    expect(r.functions!['vault.depositWithMemo'].changed).toBeGreaterThan(0)
    // The stubs are never reached: the adapter performs depositFor through the memo version.
    expect(r.functions?.['vault.depositFor']?.calls ?? 0).toBe(0)
  })

  test('functions an adapter uses but does not declare are called on their own and held to ACCESS-002', async () => {
    const adapter = defineAdapter({ kind: 'reserve', calls: memoCalls })
    const r = await runSuite({ ...memoTarget, kind: adapter }, { runs: 20, seed: 1 })
    const p = r.properties.find((x) => x.id === 'RESERVE-ACCESS-002')!
    expect(p.status).toBe('failed')
    expect(p.counterexample!.message).toMatch(/WithMemo/)
  })

  test('an adapted call the kind never makes, or a kind that is not built in, is refused', async () => {
    const typo = defineAdapter({ kind: 'reserve', calls: { depositFr: memoCalls.depositFor } })
    await expect(runSuite({ ...memoTarget, kind: typo }, { runs: 1 })).rejects.toThrow(/calls\.depositFr: the reserve kind performs no function depositFr/)
    expect(() => defineAdapter({ kind: 'vault' })).toThrow(ConfigError)
  })
})

describe('mistakes in a kind are usage errors naming the key', () => {
  const run = (kind: unknown) => runSuite({ ...PSM, kind: kind as typeof psm }, { runs: 2, seed: 1 })

  test('duplicate or unknown property IDs, unknown generators, malformed action targets', () => {
    const issues = (f: () => unknown) => {
      try {
        f()
      } catch (e) {
        return (e as ConfigError).issues.map((i) => `${i.path}: ${i.message}`)
      }
      return []
    }
    expect(issues(() => defineKind({ ...psm, properties: [...psm.properties, psm.properties[0]] }))).toEqual(['properties.3.id: duplicate property ID PSM-BACKING-001'])
    expect(issues(() => defineKind({ ...psm, properties: [...psm.properties, { id: 'PSM-DIFF-001', theme: 'differential', promise: 'x' }] }))).toEqual(['properties.3.id: duplicate property ID PSM-DIFF-001'])
    expect(issues(() => defineKind({ ...psm, properties: psm.properties.slice(1) }))).toEqual(['invariants.0.id: PSM-BACKING-001 is not among the kind\'s properties'])
    expect(issues(() => defineKind({ ...psm, actions: { ...psm.actions, burn: { ...psm.actions.mint, fn: 'burn' } } }))).toEqual(['actions.burn.fn: "role.function", got "burn"'])
    expect(issues(() => defineKind({ ...psm, actions: { burn: { ...psm.actions.mint, args: { amount: 5 as never } } } }))).toEqual(['actions.burn.args.amount: an argument generator (arg.actor(), arg.amount({...}), ...)'])
  })

  test('a model transition that throws, or returns no outcome', async () => {
    await expect(run(defineKind({ ...psm, actions: { ...psm.actions, mint: { ...psm.actions.mint, model: () => { throw new Error('boom') } } } }))).rejects.toThrow(/actions\.mint\.model: threw instead of returning: boom/)
    await expect(run(defineKind({ ...psm, actions: { mint: { ...psm.actions.mint, model: () => undefined as never } } }))).rejects.toThrow(/actions\.mint\.model: returned undefined instead of an outcome/)
    // A revert is an outcome like any other: a model that refuses every mint is simply wrong (DIFF-001).
    const r = await run(defineKind({ ...psm, actions: { mint: { ...psm.actions.mint, model: () => revert('closed') } } }))
    expect(r.properties.find((p) => p.id === 'PSM-DIFF-001')?.status).toBe('failed')
  })

  test('an action on a role that was not deployed, or on a function its contract lacks', async () => {
    await expect(run(defineKind({ ...psm, actions: { ...psm.actions, swap: { ...psm.actions.mint, fn: 'router.swap' } } }))).rejects.toThrow(/actions\.swap\.fn: no contract with role router; deploy returned psm, reserve, stable/)
    await expect(run(defineKind({ ...psm, actions: { ...psm.actions, swap: { ...psm.actions.mint, fn: 'psm.swap' } } }))).rejects.toThrow(/actions\.swap\.fn: psm has no function swap/)
  })

  test('an observation the model does not project', async () => {
    await expect(run(defineKind({ ...psm, project: (s, c) => { const o = psm.project(s, c); delete o['psm.fees']; return o } }))).rejects.toThrow(/project: the model does not project the observed key "psm\.fees"/)
  })

  test('a deploy hook whose call reverts, or that never deploys the target', async () => {
    await expect(run(defineKind({ ...psm, deploy: async (c) => { const roles = await psm.deploy(c); await c.call(roles.stable, 'setMinter', [roles.psm], c.actors[0].address); return roles } }))).rejects.toThrow(/deploy: PsmStablecoin\.setMinter\(0x[0-9a-fA-F]+\) from 0x[0-9a-fA-F]+ reverted: Error\("not owner"\)/)
    await expect(run(defineKind({ ...psm, deploy: async (c) => ({ reserve: await c.deployMock('MockERC20', ['R', 'R', 6]) }) }))).rejects.toThrow(/never called deployTarget/)
  })

  test('from the CLI: exit 2, naming the module file and the key', () => {
    const cli = (kind: string) => spawnSync(process.execPath, ['cli/dev.mjs', 'run', '--kind', kind, '--source', PSM.source, '--contract', PSM.contract, '--no-store', '--no-color', '--runs', '1'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
    const dup = cli('./test/fixtures/kinds/duplicate-ids.ts')
    expect(dup.status).toBe(2)
    expect(dup.stderr).toMatch(/test\/fixtures\/kinds\/duplicate-ids\.ts/)
    expect(dup.stderr).toMatch(/properties\.3\.id: duplicate property ID PSM-BACKING-001/)
    const none = cli('./test/fixtures/kinds/not-a-kind.ts')
    expect(none.status).toBe(2)
    expect(none.stderr).toMatch(/not-a-kind\.ts[\s\S]*default: the default export is not a kind/)
    const missing = cli('./test/fixtures/kinds/nowhere.ts')
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/kind module not found/)
  })
})

describe('a kind from a module, through every command', () => {
  test('config with workers, stored failures and their reproducers, replay, diff and mutate', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-kind-'))
    try {
      fs.cpSync(path.join(ROOT, 'examples', 'psm'), dir, { recursive: true })
      fs.rmSync(path.join(dir, 'psm.test.ts'))
      // The kind imports the package by name: here, this checkout.
      fs.mkdirSync(path.join(dir, 'node_modules'))
      fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'vaultcheck'))
      fs.writeFileSync(
        path.join(dir, 'vaultcheck.config.ts'),
        `export default { runs: 20, targets: [{ kind: './kind.ts', source: 'contracts/buggy/PsmRedeemFeeTenfold.sol', contract: 'PsmRedeemFeeTenfold' }] }\n`,
      )
      const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(ROOT, 'cli', 'dev.mjs'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })

      const run = cli('run', '--workers', '2', '--reporter', 'json')
      expect(run.status, run.stderr).toBe(1)
      expect(JSON.parse(run.stdout).targets[0].properties.find((p: { id: string }) => p.id === 'PSM-FEE-001').status).toBe('failed')
      const stored = fs.readdirSync(path.join(dir, '.vaultcheck', 'failures', 'PsmRedeemFeeTenfold')).find((f) => f.startsWith('PSM-FEE-001'))!
      const failure = JSON.parse(fs.readFileSync(path.join(dir, '.vaultcheck', 'failures', 'PsmRedeemFeeTenfold', stored), 'utf8'))
      expect(failure).toMatchObject({ kind: 'psm', kindModule: './kind.ts' })
      const repro = fs.readFileSync(path.join(dir, '.vaultcheck', 'reproducers', 'PsmRedeemFeeTenfold', stored.replace(/\.json$/, '.repro.ts')), 'utf8')
      expect(repro).toContain('"kind": "./kind.ts"')

      // Replayed from the stored file alone, without the config.
      fs.rmSync(path.join(dir, 'vaultcheck.config.ts'))
      const replayed = cli('replay', path.join('.vaultcheck', 'failures', 'PsmRedeemFeeTenfold', stored), '--source', 'contracts/buggy/PsmRedeemFeeTenfold.sol', '--contract', 'PsmRedeemFeeTenfold')
      expect(replayed.status, replayed.stderr).toBe(1)
      expect(replayed.stdout).toMatch(/alice\.redeem\(\d+\) -> \d+ +\[model: \d+\] +<-- PSM-FEE-001/)

      fs.mkdirSync(path.join(dir, 'v2'))
      // v2: the reference with PsmRedeemFeeTenfold's bug (the redemption fee over 1000, not 10000).
      const v1 = fs.readFileSync(path.join(dir, 'contracts', 'PegStabilityModule.sol'), 'utf8')
      const v2 = v1.replace('uint256 fee = (gross * feeBps + BPS - 1) / BPS;', 'uint256 fee = (gross * feeBps + 999) / 1000;')
      expect(v2).not.toBe(v1)
      fs.writeFileSync(path.join(dir, 'v2', 'PegStabilityModule.sol'), v2)
      const diff = cli('diff', '--kind', './kind.ts', 'contracts/PegStabilityModule.sol', 'v2/PegStabilityModule.sol', '--contract', 'PegStabilityModule', '--runs', '10', '--no-color')
      expect(diff.status, diff.stderr).toBe(1)
      expect(diff.stdout).toMatch(/psm\.fees: v1 \d+, v2 \d+/)

      const mutate = cli('mutate', '--kind', './kind.ts', '--source', 'contracts/PegStabilityModule.sol', '--contract', 'PegStabilityModule', '--runs', '10', '--operator', 'drop-require', '--reporter', 'json')
      expect(mutate.status, mutate.stderr).toBe(0)
      const m = JSON.parse(mutate.stdout) as { mutants: { id: string; status: string; killedBy?: string }[] }
      // Dropping the stablecoin's minter checks is caught by ACCESS-002: its mint and burn are called by every actor.
      expect(m.mutants.filter((x) => x.killedBy === 'PSM-ACCESS-002').length).toBeGreaterThanOrEqual(2)
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  }, 300_000)
})
