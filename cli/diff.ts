/**
 * `vaultcheck diff`: what behaves differently between two versions of a vault.
 *
 *   vaultcheck diff --kind <kind> --contract <Name> <old.sol> <new.sol>
 *   vaultcheck diff --kind <kind> --contract <Name> --base <rev> <file.sol>
 *
 * With --base, the old version is the file as it was at git revision <rev>: the whole repository at
 * that revision is extracted to a temporary directory (so relative imports resolve as they did then)
 * and the file is compiled from there.
 *
 * Exit codes: 0 no difference within the budget and the new version keeps its promises; 1 a
 * difference, or a promise the new version breaks; 2 bad input (usage, compile, deploy, git).
 */
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { InvalidArgumentError, Option, type Command } from 'commander'
import type { DiffResult, ExpectedDifference } from '../audit/diff.ts'
import { ConfigError, VaultcheckError } from '../evm/errors.ts'
import type { TargetSpec } from '../engine/target.ts'
import { KINDS, type Kind } from '../engine/property.ts'

type DiffFlags = {
  kind: Kind
  contract: string
  base?: string
  runs?: number
  depth?: number
  seed?: number
  timeLimit?: number
  reporter?: string
  output?: string
  expect?: string[]
  ignoreRevertReasons?: boolean
  color?: boolean
}

const int = (name: string) => (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`)
  return n
}
const collect = (v: string, prev: string[] = []) => [...prev, v]

/** `action:returns`, `action:reverts` or `action:<observation glob>` (action may be `*`). */
export function parseExpect(s: string): ExpectedDifference {
  const i = s.indexOf(':')
  if (i <= 0 || i === s.length - 1) {
    throw new ConfigError({ issues: [{ path: '--expect', message: `"${s}" is not <action>:<observation glob>, <action>:returns or <action>:reverts` }] })
  }
  const action = s.slice(0, i)
  const what = s.slice(i + 1)
  if (what === 'returns') return { action, returns: true, note: s }
  if (what === 'reverts') return { action, reverts: true, note: s }
  return { action, observation: what, note: s }
}

function git(cwd: string, args: string[]): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (r.error) throw new VaultcheckError(`git could not be run (needed for --base): ${r.error.message}`)
  return { ok: r.status === 0, stdout: r.stdout.trim(), stderr: r.stderr.trim() }
}

/** The file at a git revision, extracted with the whole repository so that its imports resolve. */
export function checkoutAt(rev: string, file: string, cwd: string): { spec: Pick<TargetSpec, 'source' | 'root'>; label: string; cleanup: () => void } {
  const abs = path.resolve(cwd, file)
  const dir = fs.existsSync(path.dirname(abs)) ? path.dirname(abs) : cwd
  const top = git(dir, ['rev-parse', '--show-toplevel'])
  if (!top.ok) throw new VaultcheckError(`--base needs ${file} to be in a git repository`, { details: [top.stderr] })
  const repo = fs.realpathSync(top.stdout)
  const real = fs.existsSync(abs) ? fs.realpathSync(abs) : path.join(fs.realpathSync(dir), path.basename(abs))
  const rel = path.relative(repo, real).split(path.sep).join('/')
  const commit = git(repo, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])
  if (!commit.ok) throw new VaultcheckError(`git revision "${rev}" does not exist in ${repo}`)
  const sha = commit.stdout
  if (!git(repo, ['cat-file', '-e', `${sha}:${rel}`]).ok) throw new VaultcheckError(`${rel} does not exist at git revision ${rev} (${sha.slice(0, 12)}) of ${repo}`)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vaultcheck-base-'))
  const cleanup = () => fs.rmSync(tmp, { recursive: true, force: true })
  try {
    const tree = path.join(tmp, 'tree')
    fs.mkdirSync(tree)
    const tar = path.join(tmp, 'rev.tar')
    const archived = git(repo, ['archive', '--format=tar', '-o', tar, sha])
    if (!archived.ok) throw new VaultcheckError(`git archive of revision ${rev} failed`, { details: [archived.stderr] })
    const x = spawnSync('tar', ['-xf', tar, '-C', tree], { encoding: 'utf8' })
    if (x.status !== 0) throw new VaultcheckError(`extracting revision ${rev} failed`, { details: [x.stderr ?? String(x.error)] })
    // Compile from the same place relative to the repository as the working copy is compiled from.
    const cwdReal = fs.realpathSync(cwd)
    const inside = !path.relative(repo, cwdReal).startsWith('..') && !path.isAbsolute(path.relative(repo, cwdReal))
    const root = inside ? path.join(tree, path.relative(repo, cwdReal)) : tree
    fs.mkdirSync(root, { recursive: true })
    // Packages are not in the repository: borrow the working copy's.
    for (const [from, to] of [
      [path.join(cwdReal, 'node_modules'), path.join(root, 'node_modules')],
      [path.join(repo, 'node_modules'), path.join(tree, 'node_modules')],
    ]) {
      if (fs.existsSync(from) && !fs.existsSync(to)) fs.symlinkSync(fs.realpathSync(from), to)
    }
    return { spec: { source: path.join(tree, rel), root }, label: `${rel}@${rev}`, cleanup }
  } catch (e) {
    cleanup()
    throw e
  }
}

export async function diffCommand(files: string[], flags: DiffFlags): Promise<number> {
  // Loaded here, not at the top: only `diff` needs them (the CLI starts without).
  const [{ formatDiff, runDiff }, { writeAtomic }, { failedTarget, toJsonTarget, REPORT_FORMAT }] = await Promise.all([
    import('../audit/diff.ts'),
    import('../report/failures.ts'),
    import('../report/reporters.ts'),
  ])
  const cwd = process.cwd()
  const reporter = flags.reporter ?? 'pretty'
  if (reporter !== 'pretty' && reporter !== 'json') throw new ConfigError({ issues: [{ path: '--reporter', message: `unknown reporter "${reporter}"; expected pretty or json` }] })
  const want = flags.base !== undefined ? 1 : 2
  if (files.length !== want) {
    throw new ConfigError({
      issues: [{ path: 'files', message: flags.base !== undefined ? `with --base, give one file (the working version), got ${files.length}` : `give two files (old and new version), or one with --base <rev>; got ${files.length}` }],
    })
  }
  const cleanups: (() => void)[] = []
  try {
    let oldSpec: TargetSpec
    let oldLabel: string
    const newFile = files[want - 1]
    if (flags.base !== undefined) {
      const at = checkoutAt(flags.base, newFile, cwd)
      cleanups.push(at.cleanup)
      oldSpec = { kind: flags.kind, contract: flags.contract, ...at.spec }
      oldLabel = at.label
    } else {
      oldSpec = { kind: flags.kind, contract: flags.contract, source: files[0], root: cwd }
      oldLabel = files[0]
    }
    const controller = new AbortController()
    const onSigint = () => controller.abort()
    process.on('SIGINT', onSigint)
    let r: DiffResult
    try {
      r = await runDiff({
        kind: flags.kind,
        old: oldSpec,
        new: { kind: flags.kind, contract: flags.contract, source: newFile, root: cwd },
        labels: { old: oldLabel, new: newFile },
        options: {
          runs: flags.runs,
          depth: flags.depth,
          seed: flags.seed,
          timeLimitMs: flags.timeLimit !== undefined ? flags.timeLimit * 1000 : undefined,
          signal: controller.signal,
          expected: (flags.expect ?? []).map(parseExpect),
          ignoreRevertReasons: flags.ignoreRevertReasons === true,
        },
      })
    } finally {
      process.off('SIGINT', onSigint)
    }
    const suiteFailed = failedTarget(toJsonTarget(r.suite))
    const failed = !r.identical || suiteFailed
    const text =
      reporter === 'json'
        ? JSON.stringify(
            {
              format: REPORT_FORMAT,
              tool: 'vaultcheck',
              command: 'diff',
              status: failed ? 'failed' : 'passed',
              kind: r.kind,
              old: r.old,
              new: r.new,
              identical: r.identical,
              ...(r.difference ? { difference: r.difference } : {}),
              expectedSeen: r.expectedSeen,
              runs: r.runs,
              actions: r.actions,
              ...(r.interrupted ? { interrupted: r.interrupted } : {}),
              durationMs: r.durationMs,
              suite: toJsonTarget(r.suite),
            },
            null,
            2,
          ) + '\n'
        : formatDiff(r, { color: !flags.output && flags.color !== false && process.stdout.isTTY === true })
    if (flags.output) writeAtomic(path.resolve(cwd, flags.output), text)
    else process.stdout.write(text)
    if (suiteFailed && r.identical) process.stderr.write('no difference found, but the new version breaks a promise (see its properties above)\n')
    return failed ? 1 : 0
  } finally {
    for (const c of cleanups) c()
  }
}

export function registerDiff(program: Command): void {
  program
    .command('diff <files...>')
    .description('what behaves differently between two versions of a vault (old.sol new.sol, or --base <rev> file.sol)')
    .addOption(new Option('--kind <kind>', `target kind: ${KINDS.join(', ')}, or the path of a kind or adapter module`).makeOptionMandatory())
    .requiredOption('--contract <name>', 'contract to compare (same name in both versions)')
    .option('--base <rev>', 'old version: the file at this git revision')
    .option('--runs <n>', 'runs (action sequences)', int('--runs'))
    .option('--depth <n>', 'actions per run at most', int('--depth'))
    .option('--seed <n>', 'seed (same seed, same result)', int('--seed'))
    .option('--time-limit <seconds>', 'stop starting new runs after this long', int('--time-limit'))
    .option('--expect <action:what>', 'an intended difference: <action>:<observation glob>, <action>:returns or <action>:reverts (repeatable)', collect)
    .option('--ignore-revert-reasons', 'compare only whether calls revert, not why')
    .option('--reporter <name>', 'pretty | json')
    .option('--output <file>', 'write the report here instead of stdout')
    .option('--no-color', 'plain output')
    .action(async (files: string[], flags: DiffFlags) => {
      process.exitCode = await diffCommand(files, flags)
    })
}
