/**
 * Coverage: counting what ran changes nothing else; reached, never-reached and reverted-only code
 * are told apart; lcov.info reads back with a maintained parser; workers give the same report.
 */
import fs from 'node:fs'
import path from 'node:path'
import lcovParse from 'lcov-parse'
import { beforeAll, describe, expect, test } from 'vitest'
import { createChain } from '../evm/chain.ts'
import { compile, getArtifact } from '../evm/compile.ts'
import { loadTarget } from '../engine/target.ts'
import { runSuite } from '../runner/suite.ts'
import { mapCoverage, figures, globMatcher } from '../evm/source-coverage.ts'
import { ROOT, project, vaultcheck } from './support/cli.ts'

const PROBE = 'contracts/test-fixtures/coverage/CoverageProbeVault.sol'

function parseLcov(text: string): Promise<lcovParse.LcovFile[]> {
  return new Promise((resolve, reject) => lcovParse(text, (err, data) => (err ? reject(new Error(String(err))) : resolve(data ?? []))))
}

/** Line number of the first line of the probe that contains `text`. */
function lineOf(text: string): number {
  const i = fs.readFileSync(path.join(ROOT, PROBE), 'utf8').split('\n').findIndex((l) => l.includes(text))
  if (i < 0) throw new Error(`"${text}" is not in ${PROBE}`)
  return i + 1
}

describe('coverage collection changes nothing observable', () => {
  test('a campaign with coverage on has the same properties, runs, actions and per-function counts as with it off', async () => {
    const target = await loadTarget({ kind: 'erc4626', root: ROOT })
    const strip = (r: Awaited<ReturnType<typeof runSuite>>) => JSON.stringify({ ...r, durationMs: 0, coverage: undefined })
    const off = await runSuite(target, { runs: 20, seed: 7 })
    const on = await runSuite(target, { runs: 20, seed: 7, coverage: true })
    expect(off.coverage).toBeUndefined()
    expect(Object.keys(on.coverage ?? {}).length).toBeGreaterThan(0)
    expect(strip(on)).toBe(strip(off))
    // Same seed, same counts.
    const again = await runSuite(target, { runs: 20, seed: 7, coverage: true })
    expect(JSON.stringify(again.coverage)).toBe(JSON.stringify(on.coverage))
  })

  test('calls on a chain with coverage use the same gas and return the same data, reverts included', async () => {
    const out = await compile({ sources: [path.join(ROOT, PROBE)], root: ROOT })
    const vault = getArtifact(out, 'CoverageProbeVault')
    const token = getArtifact(out, 'ERC20')
    const results: unknown[] = []
    for (const coverage of [false, true]) {
      const chain = await createChain({ coverage })
      const alice = chain.actor('alice')
      const mock = getArtifact(await compile({ sources: [path.join(ROOT, 'contracts/mocks/MockERC20.sol')], root: ROOT }), 'MockERC20')
      const asset = await chain.deploy({ artifact: mock, args: ['A', 'A', 18] })
      const v = await chain.deploy({ artifact: vault, args: [asset] })
      const seen: unknown[] = []
      const call = async (address: `0x${string}`, abi: typeof vault.abi, functionName: string, args: unknown[]) => {
        const r = await chain.call({ address, abi, functionName, args, from: alice })
        seen.push(r.ok ? { ok: true, gas: r.gasUsed, data: r.returnData } : { ok: false, gas: r.gasUsed, revert: JSON.stringify(r.revert, (_, x) => (typeof x === 'bigint' ? String(x) : x)) })
      }
      await call(asset, mock.abi, 'mint', [alice, 10n ** 20n])
      await call(asset, mock.abi, 'approve', [v, 10n ** 20n])
      await call(v, vault.abi, 'depositFor', [alice, 10n ** 18n])
      await call(v, vault.abi, 'withdrawTo', [alice, 10n ** 19n])
      await call(v, vault.abi, 'withdrawTo', [alice, 10n ** 17n])
      await call(v, token.abi, 'transfer', [chain.actor('bob'), 1n])
      seen.push(await chain.getCode(v))
      results.push(seen)
      if (coverage) expect(Object.keys(chain.coverage!.export()).length).toBeGreaterThan(0)
      else expect(chain.coverage).toBeUndefined()
    }
    expect(results[1]).toEqual(results[0])
  })
})

describe('vaultcheck run --coverage on a vault with an unreachable branch and a revert-only one', () => {
  let dir: string
  let run: ReturnType<typeof vaultcheck>
  const args = ['--kind', 'reserve', '--source', PROBE, '--contract', 'CoverageProbeVault', '--runs', '30', '--no-store', '--coverage']
  beforeAll(() => {
    dir = project('vaultcheck-cov-')
    run = vaultcheck(dir, args)
  })

  test('passes (the vault is correct) and prints the file, the branch never taken and the line reached only by reverting calls', () => {
    expect(run.code, run.stdout + run.stderr).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`${PROBE.replace(/[./]/g, '\\$&')}\\s+lines \\d+/\\d+`))
    expect(run.stdout).toContain('Branches never taken:')
    expect(run.stdout).toContain(`${PROBE}:${lineOf('if (frozen)')} (if true side)`)
    expect(run.stdout).toContain('Reached only in calls that reverted:')
    expect(run.stdout).toContain(`${PROBE}:${lineOf('overdrawAttempts += 1')}`)
    // Libraries and vaultcheck's mocks are left out by default.
    expect(run.stdout).not.toMatch(/contracts\/lib\/ERC20\.sol|MockERC20\.sol/)
  })

  test('lcov.info reads back: the unreachable line has no hits, the reverting line and the function bodies do', async () => {
    const text = fs.readFileSync(path.join(dir, '.vaultcheck', 'coverage', 'lcov.info'), 'utf8')
    const files = await parseLcov(text)
    expect(files.map((f) => path.resolve(dir, f.file))).toEqual([path.join(dir, PROBE)])
    const f = files[0]
    const hits = (line: number) => f.lines.details.find((d) => d.line === line)?.hit
    expect(hits(lineOf('value = 0;'))).toBe(0)
    expect(hits(lineOf('overdrawAttempts += 1'))).toBeGreaterThan(0)
    expect(hits(lineOf('_mint(account, value)'))).toBeGreaterThan(0)
    expect(f.functions.details.find((d) => d.name === 'withdrawTo')?.hit).toBeGreaterThan(0)
    expect(f.functions.details.find((d) => d.name === 'underlying')?.hit).toBe(0)
    const frozen = f.branches.details.filter((b) => b.line === lineOf('if (frozen)'))
    expect(frozen.map((b) => b.taken)).toEqual([0, expect.any(Number)])
    expect(frozen[1].taken).toBeGreaterThan(0)
    const html = fs.readFileSync(path.join(dir, '.vaultcheck', 'coverage', 'index.html'), 'utf8')
    expect(html).toContain('CoverageProbeVault.sol')
  })

  test('the JSON report carries the figures; two workers write the same lcov.info as one', () => {
    const one = fs.readFileSync(path.join(dir, '.vaultcheck', 'coverage', 'lcov.info'), 'utf8')
    const json = vaultcheck(dir, [...args, '--reporter', 'json', '--workers', '2'])
    expect(json.code, json.stderr).toBe(0)
    const report = JSON.parse(json.stdout) as { coverage: { files: Record<string, { branches: [number, number] }>; unreachedBranches: string[] } }
    expect(report.coverage.files[PROBE].branches[1]).toBeGreaterThan(report.coverage.files[PROBE].branches[0])
    expect(report.coverage.unreachedBranches).toContain(`${PROBE}:${lineOf('if (frozen)')} (if true side)`)
    expect(fs.readFileSync(path.join(dir, '.vaultcheck', 'coverage', 'lcov.info'), 'utf8')).toBe(one)
  })
})

describe('source mapping', () => {
  test('the bundled reference vaults map onto their own sources only, with every figure in range', async () => {
    const target = await loadTarget({ kind: 'lending', root: ROOT })
    const r = await runSuite(target, { runs: 10, seed: 1, coverage: true })
    const cov = mapCoverage([target.output!], r.coverage!, { root: ROOT })
    expect(Object.keys(cov.files)).toEqual([path.join(ROOT, 'contracts/LendingMarket.sol')])
    expect(cov.unmatched).toBe(0)
    const fig = figures(Object.values(cov.files)[0])
    for (const [hit, all] of Object.values(fig)) {
      expect(all).toBeGreaterThan(0)
      expect(hit).toBeGreaterThan(0)
      expect(hit).toBeLessThanOrEqual(all)
    }
  })

  test('globs: ** crosses folders, * does not', () => {
    expect(globMatcher('**/lib/**').test('contracts/lib/ERC20.sol')).toBe(true)
    expect(globMatcher('**/lib/**').test('lib/ERC20.sol')).toBe(true)
    expect(globMatcher('contracts/*.sol').test('contracts/lib/ERC20.sol')).toBe(false)
    expect(globMatcher('contracts/*.sol').test('contracts/Vault.sol')).toBe(true)
  })
})
