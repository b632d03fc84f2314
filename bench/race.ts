/**
 * The race: the same bugs as Foundry invariant tests (handlers in bench/peers/) vs vaultcheck, per
 * fixture, median over seeds: time to a shrunk counterexample and its length, and that length
 * against the minimum a bounded search proves (bench/minimal-search.ts).
 *
 *   npx tsx bench/race.ts [--seeds 10] [--fixtures A,B] [--check-reference] [--search-budget 20000]
 *
 * --check-reference first runs forge once against each raced kind's reference vault (its peer
 * invariants must hold there: no false positives).
 *
 * Both tools are timed the same way: one whole CLI process per seed, from a cold start, after a
 * build that filled each tool's compile cache (`forge build`; one vaultcheck run per fixture), so
 * start-up and loading count for both and compiling for neither.
 *   forge: `forge test --match-contract Race_X --fuzz-seed s --fail-fast`; invariant runs of depth 25
 *     (vaultcheck's depth), up to 1000 runs; the length is the `shrunk:` call count forge prints.
 *   vaultcheck: `vaultcheck run --kind K --source F --contract X --seed s --runs 1000 --fail-fast
 *     --reporter json` (dist/, built first); the length counts user and environment actions of
 *     the failed property's counterexample (not exit-probe lines).
 * A third column times vaultcheck in this process (runSuite, JIT warm, target compiled, from the
 * campaign's start to the end of shrinking its first failure), which is what a vitest suite pays.
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { PACKAGE_ROOT } from '../engine/bundled.ts'
import { SOLC_STANDIN } from '../report/reproducers.ts'
import { runSuite } from '../runner/suite.ts'
import { loadTarget } from '../engine/target.ts'
import { FIXTURES } from '../properties/fixtures.ts'
import type { Kind } from '../engine/property.ts'
import { actionCount, arg, fmtN, fmtS, median, printTable } from './util.ts'
import { shortestCounterexample } from './minimal-search.ts'
import { fileURLToPath } from 'node:url'

const seeds = Number(arg('seeds', '10'))
const DEFAULT = [
  'ReserveUnbackedMintOnEdge',
  'ReserveWithdrawBurnsRecipient',
  'NativeOddWithdrawOverpays',
  'NativeFullExitNoBurn',
  'VaultNoVirtualOffset',
  'VaultRedeemRoundsUp',
  'CdpBorrowChecksOldPosition',
  'CdpFullWithdrawSkipsHealthCheck',
]
const names = (arg('fixtures') ?? DEFAULT.join(',')).split(',')
const searchBudget = Number(arg('search-budget', '20000'))

function forgeBinary(): string | undefined {
  const require = createRequire(import.meta.url)
  try {
    const pkg = require.resolve(`@foundry-rs/forge-${process.platform}-${process.arch === 'x64' ? 'amd64' : process.arch}/package.json`)
    const bin = path.join(path.dirname(pkg), 'bin', process.platform === 'win32' ? 'forge.exe' : 'forge')
    return fs.existsSync(bin) ? bin : undefined
  } catch {
    return undefined
  }
}
const FORGE = forgeBinary()
// contracts/lib imports OpenZeppelin (FixedPointMath -> Math.sol): map it to the installed package.
const OZ = path.dirname(createRequire(import.meta.url).resolve('@openzeppelin/contracts/package.json'))
if (!FORGE) {
  console.log('forge is not installed (optional dependency @foundry-rs/forge): nothing to race against')
  process.exit(0)
}

// A temp Foundry project: the peers, one test contract per fixture, forge offline with the solc stand-in.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-race-'))
const solc = path.join(dir, 'solc')
fs.writeFileSync(solc, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(SOLC_STANDIN)} "$@"\n`)
fs.chmodSync(solc, 0o755)
fs.writeFileSync(
  path.join(dir, 'foundry.toml'),
  `[profile.default]
src = "."
test = "."
out = "out"
cache_path = "cache"
libs = []
allow_paths = [${JSON.stringify(PACKAGE_ROOT)}, ${JSON.stringify(OZ)}]
remappings = ["vc/=${path.join(PACKAGE_ROOT, 'contracts')}/", "peers/=${path.join(PACKAGE_ROOT, 'bench', 'peers')}/", "@openzeppelin/contracts/=${OZ}/"]
solc = ${JSON.stringify(solc)}
auto_detect_solc = false
offline = true
evm_version = "osaka"
optimizer = true
optimizer_runs = 200

[invariant]
runs = 1000
depth = 25
fail_on_revert = false
`,
)
/** Per kind: the peer invariant test (bench/peers/) and how its `_deploy` builds a vault contract `c`. */
const PEERS: Partial<Record<Kind, { file: string; base: string; deploy: (c: string) => string }>> = {
  reserve: { file: 'ReserveHandler', base: 'ReserveRace', deploy: (c) => `function _deploy(address a) internal override returns (address) { return address(new ${c}(a)); }` },
  native: { file: 'NativeHandler', base: 'NativeRace', deploy: (c) => `function _deploy() internal override returns (address) { return address(new ${c}()); }` },
  erc4626: { file: 'Erc4626Handler', base: 'Erc4626Race', deploy: (c) => `function _deploy(address a) internal override returns (address) { return address(new ${c}(a)); }` },
  cdp: { file: 'CdpHandler', base: 'CdpRace', deploy: (c) => `function _deploy(address c, address o) internal override returns (address) { return address(new ${c}(c, o)); }` },
}
/** The reference (bug-free) vault of each kind, for the --check-reference false-positive run. */
const REFERENCE: Record<string, string> = { reserve: 'ReserveVault', native: 'NativeVault', erc4626: 'TokenizedVault', cdp: 'CollateralDebtVault' }
const checkReference = process.argv.includes('--check-reference')

function writeRace(kind: Kind, contract: string, importPath: string): void {
  const p = PEERS[kind]!
  const body = `import {${p.base}} from "peers/${p.file}.sol";\nimport {${contract}} from "${importPath}";\ncontract Race_${contract} is ${p.base} {\n    ${p.deploy(contract)}\n}\n`
  fs.writeFileSync(path.join(dir, `Race_${contract}.t.sol`), `// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n${body}`)
}

const fixtures = FIXTURES.filter((f) => names.includes(f.contract) && PEERS[f.kind as Kind])
for (const f of fixtures) writeRace(f.kind as Kind, f.contract, `vc/buggy/${f.contract}.sol`)
const references = checkReference ? [...new Set(fixtures.map((f) => f.kind as Kind))].map((k) => ({ kind: k, contract: REFERENCE[k] })) : []
for (const r of references) writeRace(r.kind, r.contract, `vc/${r.contract}.sol`)
const env = { ...process.env, NO_COLOR: '1', FOUNDRY_DISABLE_NIGHTLY_WARNING: '1' }
const build = spawnSync(FORGE, ['build', '--root', dir], { cwd: dir, encoding: 'utf8', env, timeout: 600_000 })
if (build.status !== 0) {
  console.error(build.stdout, build.stderr)
  throw new Error('forge build failed')
}

// vaultcheck as a user runs it: the built CLI in a scratch project holding a copy of the contracts.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' })
if (built.status !== 0) {
  console.error(built.stdout, built.stderr)
  throw new Error('npm run build failed')
}
const BIN = path.join(ROOT, 'dist', 'cli', 'bin.js')
const project = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-race-cli-'))
fs.cpSync(path.join(ROOT, 'contracts'), path.join(project, 'contracts'), { recursive: true })
fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(project, 'node_modules'))

function vaultcheckRun(kind: string, contract: string, seed: number): { ms: number; len: number; failed: boolean } {
  const args = [BIN, 'run', '--kind', kind, '--source', `contracts/buggy/${contract}.sol`, '--contract', contract, '--seed', String(seed), '--runs', '1000', '--fail-fast', '--no-store', '--reporter', 'json']
  const t0 = performance.now()
  const r = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', env, timeout: 600_000, maxBuffer: 64 << 20 })
  const ms = performance.now() - t0
  if (r.status !== 0 && r.status !== 1) throw new Error(`vaultcheck exited ${r.status} on ${contract}:\n${r.stderr}`)
  const props = (JSON.parse(r.stdout) as { targets: { properties: { status: string; counterexample?: { steps: string[] } }[] }[] }).targets[0].properties
  const lens = props.filter((p) => p.status === 'failed').map((p) => p.counterexample!.steps.filter((l) => !l.startsWith('exit probe')).length)
  return { ms, len: lens.length ? Math.min(...lens) : NaN, failed: lens.length > 0 }
}

function forgeRun(contract: string, seed: number): { ms: number; len: number; failed: boolean; raw: string } {
  const t0 = performance.now()
  const r = spawnSync(FORGE!, ['test', '--root', dir, '--match-contract', `Race_${contract}`, '--fuzz-seed', String(seed), '--fail-fast'], { cwd: dir, encoding: 'utf8', env, timeout: 600_000 })
  const ms = performance.now() - t0
  const out = `${r.stdout}\n${r.stderr}`
  const shrunk = [...out.matchAll(/shrunk:\s*(\d+)/g)].map((m) => Number(m[1]))
  return { ms, len: shrunk.length ? Math.min(...shrunk) : NaN, failed: /\[FAIL/.test(out), raw: out }
}

// No false positives: each kind's reference vault must pass its peer invariants (one forge campaign each).
for (const r of references) {
  const res = forgeRun(r.contract, 1)
  console.log(`reference ${r.contract} (${r.kind}): ${res.failed ? 'FAILED the peer invariants (false positive)' : /\[PASS/.test(res.raw) ? 'passes' : 'did not run'} in ${fmtS(res.ms)} s`)
  if (res.failed || process.env.RACE_DEBUG) console.log(res.raw)
}

const rows: (string | number)[][] = [['fixture', 'forge s', 'vc cold s', 'ratio', 'vc warm s', 'ratio', 'forge len', 'vc len', 'minimal', 'forge min hit', 'vc min hit', 'forge found', 'vc found']]
const totals = { fixtures: 0, proved: 0, forgeMinimal: 0, vcMinimal: 0, vcFaster: 0, vcShorter: 0 }
const searchLines: string[] = []
for (const f of fixtures) {
  const target = await loadTarget({ kind: f.kind as Kind, contract: f.contract })
  vaultcheckRun(f.kind, f.contract, 1) // fills the compile cache, as `forge build` did for forge
  const fg = { ms: [] as number[], len: [] as number[], found: 0 }
  const cold = { ms: [] as number[], len: [] as number[], found: 0 }
  const warm = { ms: [] as number[], found: 0 }
  for (let seed = 1; seed <= seeds; seed++) {
    const r = forgeRun(f.contract, seed)
    if (process.env.RACE_DEBUG) console.log(r.raw)
    if (r.failed) {
      fg.found++
      fg.ms.push(r.ms)
      if (Number.isFinite(r.len)) fg.len.push(r.len)
    }
    const c = vaultcheckRun(f.kind, f.contract, seed)
    if (c.failed) {
      cold.found++
      cold.ms.push(c.ms)
      cold.len.push(c.len)
    }
    const ctl = new AbortController()
    let first: { propertyId: string; shrunkMs: number } | undefined
    await runSuite(target, { seed, runs: 1000, signal: ctl.signal, onFailure: (x) => {
      first ??= x
      ctl.abort()
    } })
    if (first) {
      warm.found++
      warm.ms.push(first.shrunkMs)
    }
  }
  const known = [...fg.len, ...cold.len]
  const search = searchBudget > 0 ? await shortestCounterexample(target, { upper: known.length ? Math.min(...known) : undefined, budget: searchBudget }) : undefined
  const minimal = search?.proved ? search.len! : NaN
  const hit = (lens: number[]) => (Number.isFinite(minimal) ? `${lens.filter((l) => l <= minimal).length}/${lens.length}` : '?')
  totals.fixtures++
  if (Number.isFinite(minimal)) {
    totals.proved++
    if (fg.len.length && fg.len.every((l) => l <= minimal)) totals.forgeMinimal++
    if (cold.len.length && cold.len.every((l) => l <= minimal)) totals.vcMinimal++
  }
  if (median(cold.ms) < median(fg.ms)) totals.vcFaster++
  if (median(cold.len) <= median(fg.len)) totals.vcShorter++
  if (search) searchLines.push(`  ${f.contract}: ${search.proved ? `minimal ${search.len}` : `none below ${search.below}${search.len !== undefined ? `, ${search.len} found` : ''} (budget ran out)`}; ${search.evals} evaluations, ${fmtS(search.ms)} s`)
  const fMs = median(fg.ms)
  rows.push([
    f.contract,
    fmtS(fMs),
    fmtS(median(cold.ms)),
    `${fmtN(fMs / median(cold.ms), 2)}x`,
    fmtS(median(warm.ms)),
    `${fmtN(fMs / median(warm.ms), 2)}x`,
    fmtN(median(fg.len), 1),
    fmtN(median(cold.len), 1),
    search ? (search.proved ? String(search.len) : `≥${search.below}`) : '-',
    hit(fg.len),
    hit(cold.len),
    `${fg.found}/${seeds}`,
    `${cold.found}/${seeds}`,
  ])
}
fs.rmSync(dir, { recursive: true, force: true })
fs.rmSync(project, { recursive: true, force: true })
console.log(`Race vs forge ${spawnSync(FORGE, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}: ${seeds} seeds, medians over the seeds that found the bug`)
printTable(rows)
console.log('ratio = forge time / vaultcheck time (> 1: vaultcheck faster); cold = whole CLI processes for both tools, warm = vaultcheck in this process. Lengths: calls in the shrunk sequence; "min hit": seeds whose length is the proved minimum.')
console.log(
  `vaultcheck (cold CLI) faster on ${totals.vcFaster} of ${totals.fixtures}; its median length as short or shorter on ${totals.vcShorter} of ${totals.fixtures}; ` +
    `minimum proved for ${totals.proved}, reached on every seed by forge on ${totals.forgeMinimal} and by vaultcheck on ${totals.vcMinimal} of them.`,
)
if (searchLines.length) console.log(`Bounded search (budget ${searchBudget} evaluations):\n${searchLines.join('\n')}`)
