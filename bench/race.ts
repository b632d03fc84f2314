/**
 * The race: the same bugs as Foundry invariant tests (handlers in bench/peers/) vs vaultcheck, per
 * fixture, median over seeds: time to a shrunk counterexample and its length.
 *
 *   npx tsx bench/race.ts [--seeds 10] [--fixtures A,B]
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
import { PACKAGE_ROOT } from '../harness/bundled.ts'
import { SOLC_STANDIN } from '../harness/reproducers.ts'
import { runSuite } from '../harness/suite.ts'
import { loadTarget } from '../harness/target.ts'
import { FIXTURES } from '../properties/fixtures.ts'
import type { Kind } from '../properties/types.ts'
import { actionCount, arg, fmtN, fmtS, median, printTable } from './util.ts'

const seeds = Number(arg('seeds', '10'))
const DEFAULT = ['ReserveUnbackedMintOnEdge', 'ReserveWithdrawBurnsRecipient', 'NativeOddWithdrawOverpays', 'NativeFullExitNoBurn']
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
allow_paths = [${JSON.stringify(PACKAGE_ROOT)}]
remappings = ["vc/=${path.join(PACKAGE_ROOT, 'contracts')}/", "peers/=${path.join(PACKAGE_ROOT, 'bench', 'peers')}/"]
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
const fixtures = FIXTURES.filter((f) => names.includes(f.contract) && (f.kind === 'reserve' || f.kind === 'native'))
for (const f of fixtures) {
  const body =
    f.kind === 'reserve'
      ? `import {ReserveRace} from "peers/ReserveHandler.sol";\nimport {${f.contract}} from "vc/buggy/${f.contract}.sol";\ncontract Race_${f.contract} is ReserveRace {\n    function _deploy(address a) internal override returns (address) { return address(new ${f.contract}(a)); }\n}\n`
      : `import {NativeRace} from "peers/NativeHandler.sol";\nimport {${f.contract}} from "vc/buggy/${f.contract}.sol";\ncontract Race_${f.contract} is NativeRace {\n    function _deploy() internal override returns (address) { return address(new ${f.contract}()); }\n}\n`
  fs.writeFileSync(path.join(dir, `Race_${f.contract}.t.sol`), `// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\n${body}`)
}
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
