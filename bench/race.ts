/**
 * The race: the same bugs as Foundry invariant tests (handlers in bench/peers/) vs vaultcheck, per
 * fixture, median over seeds: time to a shrunk counterexample and its length.
 *
 *   npx tsx bench/race.ts [--seeds 10] [--fixtures A,B] [--check-reference]
 *
 * --check-reference first runs forge once against each raced kind's reference vault (its peer
 * invariants must hold there: no false positives).
 *
 * forge: `forge test --fuzz-seed s` of one invariant test contract, after a `forge build`; the time
 * is the wall time of that process (startup, campaign and shrinking; not compiling), the length the
 * `shrunk:` call count forge prints. Invariant runs of depth 25 (vaultcheck's depth), up to 1000 runs.
 * vaultcheck: runSuite, time from the campaign's start (deploy included) to the end of shrinking its
 * first failure, the length counting user/environment actions (not exit-probe lines); the campaign
 * is aborted after that first failure. forge runs with --fail-fast (stops at its first failing invariant). Both in this one process, one after the other.
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

const rows: (string | number)[][] = [['fixture', 'forge s (med)', 'vaultcheck s (med)', 'speed ratio', 'forge len (med)', 'vaultcheck len (med)', 'forge found', 'vaultcheck found']]
for (const f of fixtures) {
  const target = await loadTarget({ kind: f.kind as Kind, contract: f.contract })
  const fg = { ms: [] as number[], len: [] as number[], found: 0 }
  const vc = { ms: [] as number[], len: [] as number[], found: 0 }
  for (let seed = 1; seed <= seeds; seed++) {
    const r = forgeRun(f.contract, seed)
    if (process.env.RACE_DEBUG) console.log(r.raw)
    if (r.failed) {
      fg.found++
      fg.ms.push(r.ms)
      if (Number.isFinite(r.len)) fg.len.push(r.len)
    }
    const ctl = new AbortController()
    let first: { propertyId: string; shrunkMs: number } | undefined
    const res = await runSuite(target, { seed, runs: 1000, signal: ctl.signal, onFailure: (x) => {
      first ??= x
      ctl.abort()
    } })
    if (first) {
      vc.found++
      vc.ms.push(first.shrunkMs)
      const p = res.properties.find((x) => x.id === first!.propertyId)!
      vc.len.push(actionCount(p.counterexample!.trace))
    }
  }
  const fMs = median(fg.ms)
  const vMs = median(vc.ms)
  rows.push([f.contract, fmtS(fMs), fmtS(vMs), `${fmtN(fMs / vMs, 2)}x`, fmtN(median(fg.len), 1), fmtN(median(vc.len), 1), `${fg.found}/${seeds}`, `${vc.found}/${seeds}`])
}
fs.rmSync(dir, { recursive: true, force: true })
console.log(`Race vs forge ${spawnSync(FORGE, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}: ${seeds} seeds, medians over the seeds that found the bug`)
printTable(rows)
console.log('speed ratio = forge time / vaultcheck time (> 1: vaultcheck faster). Lengths: calls in the shrunk sequence.')
