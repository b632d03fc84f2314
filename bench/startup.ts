/**
 * How fast the installed CLI starts and finishes an easy job, against bare `node -e 0` measured in
 * the same run (absolute times swing with the machine; the differences to bare node are the figure).
 *
 *   --version        the compiled CLI (dist/cli/bin.js) printing its version
 *   easy bug         a 1:1 wrapper that refuses full withdrawals (contracts/buggy/ReserveFullExitBlocked.sol),
 *                    one property, found and shrunk, warm compile cache, exit 1
 *
 * Targets (issue 12): --version within 0.25 s of bare node; the easy bug within 1.0 s wall.
 * The same two commands through the TypeScript sources (cli/dev.mjs, tsx) are shown for comparison.
 * Builds dist/ first (npm run build) so that it measures the code as it is.
 *
 *   npm run bench:startup [-- --reps 15]
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const repsArg = process.argv.indexOf('--reps')
const REPS = repsArg > 0 ? Number(process.argv[repsArg + 1]) : 11

const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' })
if (build.status !== 0) {
  console.error(build.stdout, build.stderr)
  process.exit(1)
}

// A scratch project with a copy of the contracts, as a user's would be.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-startup-'))
fs.cpSync(path.join(ROOT, 'contracts'), path.join(dir, 'contracts'), { recursive: true })
fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'))

const DIST = path.join(ROOT, 'dist', 'cli', 'bin.js')
const DEV = path.join(ROOT, 'cli', 'dev.mjs')
const EASY = ['run', '--kind', 'reserve', '--source', 'contracts/buggy/ReserveFullExitBlocked.sol', '--contract', 'ReserveFullExitBlocked', '--property', 'RESERVE-EXIT-001', '--seed', '1', '--no-store', '--reporter', 'json']

type Job = { name: string; args: string[]; exit: number }
const jobs: Job[] = [
  { name: 'node -e 0', args: ['-e', '0'], exit: 0 },
  { name: 'vaultcheck --version', args: [DIST, '--version'], exit: 0 },
  { name: 'easy bug, warm cache', args: [DIST, ...EASY], exit: 1 },
  { name: '(sources, tsx) --version', args: [DEV, '--version'], exit: 0 },
  { name: '(sources, tsx) easy bug', args: [DEV, ...EASY], exit: 1 },
]

function once(job: Job): number {
  const t = process.hrtime.bigint()
  const r = spawnSync(process.execPath, job.args, { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } })
  const ms = Number(process.hrtime.bigint() - t) / 1e6
  if (r.status !== job.exit) throw new Error(`${job.name}: exit ${r.status}, expected ${job.exit}\n${r.stderr}`)
  if (job.name.includes('easy bug')) {
    const report = JSON.parse(r.stdout) as { targets: { properties: { id: string; status: string; counterexample?: { steps: string[] } }[] }[] }
    const p = report.targets[0].properties.find((x) => x.id === 'RESERVE-EXIT-001')
    if (p?.status !== 'failed' || p.counterexample!.steps.length > 2) throw new Error(`${job.name}: the bug was not found and shrunk (${JSON.stringify(p)})`)
  }
  return ms
}

// Warm-up: fills the compile cache and the OS file cache for every job.
for (const j of jobs) once(j)

// Interleaved, so that a slow spell of the machine hits every job alike.
const samples = new Map<string, number[]>(jobs.map((j) => [j.name, []]))
for (let i = 0; i < REPS; i++) for (const j of jobs) samples.get(j.name)!.push(once(j))

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const base = median(samples.get('node -e 0')!)
const rows = jobs.map((j) => {
  const m = median(samples.get(j.name)!)
  return [j.name, (m / 1000).toFixed(3), `+${((m - base) / 1000).toFixed(3)}`, `${(m / base).toFixed(1)}x`]
})
const header = ['job', 'median s', 'vs bare node s', 'ratio to bare node']
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ')
console.log(`startup, ${REPS} interleaved repetitions, medians (${os.cpus().length} cores, node ${process.versions.node})`)
console.log(line(header))
for (const r of rows) console.log(line(r))
const version = median(samples.get('vaultcheck --version')!) - base
const easy = median(samples.get('easy bug, warm cache')!)
console.log(`--version: ${(version / 1000).toFixed(3)} s over bare node (target <= 0.25 s): ${version <= 250 ? 'met' : 'NOT met'}`)
console.log(`easy bug: ${(easy / 1000).toFixed(3)} s wall (target <= 1.0 s): ${easy <= 1000 ? 'met' : 'NOT met'}`)
fs.rmSync(dir, { recursive: true, force: true })
