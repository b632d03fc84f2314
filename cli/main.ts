/**
 * The command line: argument parsing around library functions, and one place that turns errors
 * into messages and exit codes (0 held, 1 a promise broken, 2 bad input, 3 a bug in vaultcheck).
 */
import fs from 'node:fs'
import path from 'node:path'
import { Command, InvalidArgumentError, Option } from 'commander'
import picocolors from 'picocolors'
import { ConfigError, VaultcheckError } from '../evm/errors.ts'
import { KINDS, type Kind } from '../engine/property.ts'
import type { JsonReport } from '../report/reporters.ts'
import type { RunTarget } from '../runner/run.ts'
import type { QuirkTarget } from '../runner/quirks.ts'
import { registerDiff } from './diff.ts'
import { registerMutate } from './mutate.ts'
import { VERSION } from '../evm/version.ts'

// Everything past argument parsing is imported by the command that needs it, when it runs: the
// CLI must start at once (`--version`, `list`, a usage error), and `run` never loads diff or mutate.

export const EXIT = { ok: 0, failed: 1, usage: 2, internal: 3, interrupted: 130 } as const

// Messages go to stderr: colour them only when stderr is a terminal (and NO_COLOR is not set).
const pc = picocolors.createColors(process.stderr.isTTY === true && !process.env.NO_COLOR)

const int = (name: string) => (v: string) => {
  const n = Number(v)
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`${name} must be an integer, got "${v}"`)
  return n
}
const collect = (v: string, prev: string[] = []) => [...prev, v]

type RunFlags = {
  kind?: Kind
  source?: string
  contract?: string
  config?: string
  runs?: number
  depth?: number
  seed?: number
  timeLimit?: number
  property?: string[]
  workers?: number
  reporter?: string[]
  output?: string[]
  shard?: string
  color?: boolean
  store?: boolean
  coverage?: boolean
  failFast?: boolean
  resume?: boolean
  tokenQuirks?: string
}

function out(s: string): void {
  process.stdout.write(s)
}

type Defaults = Partial<RunTarget['options']> & { timeLimit?: number; coverageFilter?: { include?: string[]; exclude?: string[] }; tokenQuirks?: 'all' | string[] }

async function resolveTargets(flags: RunFlags, cwd: string): Promise<{ targets: QuirkTarget[]; root: string; defaults: Defaults }> {
  if (flags.source || flags.contract) {
    if (!flags.kind) throw new ConfigError({ issues: [{ path: '--kind', message: `required with --source/--contract (one of ${KINDS.join(', ')})` }] })
    if (flags.source && !flags.contract) throw new ConfigError({ issues: [{ path: '--contract', message: `required with --source ${flags.source}` }] })
    return { targets: [{ kind: flags.kind, source: flags.source, contract: flags.contract, root: cwd }], root: cwd, defaults: {} }
  }
  const { findConfig, loadConfig } = await import('../runner/config.ts')
  const configFile = flags.config ?? findConfig(cwd)
  if (configFile) {
    const { config, dir } = await loadConfig(configFile)
    const { targets, remappings, timeLimit, coverage, tokenQuirks, ...budget } = config
    return {
      root: dir,
      defaults: { ...budget, timeLimit, coverageFilter: coverage, tokenQuirks },
      targets: targets
        .filter((t) => !flags.kind || t.kind === flags.kind)
        .map((t) => {
          const { name, kind, source, contract, args, skip, optIn, knobs, functions, extras, unsupportedQuirks, ...tb } = t
          return {
            name,
            kind,
            source,
            contract,
            args,
            ...(unsupportedQuirks ? { unsupportedQuirks } : {}),
            root: dir,
            remappings,
            options: { ...tb, skip, optIn, knobs: { ...(knobs ?? {}), ...(functions ? { functions } : {}), ...(extras ? { extras } : {}) } },
          }
        }),
    }
  }
  // No target named and no config: every bundled reference vault (the README's main job).
  const kinds = flags.kind ? [flags.kind] : [...KINDS]
  const { REFERENCE_VAULTS } = await import('../engine/bundled.ts')
  return { targets: kinds.map((kind) => ({ kind, contract: REFERENCE_VAULTS[kind] })), root: cwd, defaults: {} }
}

function reportersFrom(flags: RunFlags): { name: 'pretty' | 'json' | 'junit'; file?: string }[] {
  const names = flags.reporter?.length ? flags.reporter : ['pretty']
  const files = flags.output ?? []
  return names.map((n, i) => {
    if (n !== 'pretty' && n !== 'json' && n !== 'junit') {
      throw new ConfigError({ issues: [{ path: '--reporter', message: `unknown reporter "${n}"; expected pretty, json or junit` }] })
    }
    return { name: n, file: files[i] }
  })
}

export async function runCommand(flags: RunFlags): Promise<number> {
  const cwd = process.cwd()
  const reporters = reportersFrom(flags)
  const [{ default: cliProgress }, { runTargets }, { parseShard, runShard, checkpointFile }, { failedTarget, renderJson, renderJunit, renderPretty, toJsonTarget, REPORT_FORMAT }, { failuresDir, writeAtomic }] = await Promise.all([
    import('cli-progress'),
    import('../runner/run.ts'),
    import('../runner/shard.ts'),
    import('../report/reporters.ts'),
    import('../report/failures.ts'),
  ])
  const resolved = await resolveTargets(flags, cwd)
  const { root, defaults } = resolved
  const quirkSpec = flags.tokenQuirks ?? defaults.tokenQuirks
  const quirks = quirkSpec === undefined ? undefined : await import('../engine/quirks.ts').then((m) => m.parseQuirks(quirkSpec, flags.tokenQuirks ? '--token-quirks' : 'tokenQuirks'))
  if (quirks && flags.shard) throw new ConfigError({ issues: [{ path: '--token-quirks', message: 'not with --shard yet: run the matrix on one machine (--workers spreads its campaigns)' }] })
  const expanded = quirks ? await import('../runner/quirks.ts').then((m) => m.expandQuirks(resolved.targets, quirks)) : undefined
  const all: RunTarget[] = expanded?.targets ?? resolved.targets.map(({ unsupportedQuirks: _u, ...t }) => t)
  const shard = flags.shard ? parseShard(flags.shard) : undefined
  if (shard && (flags.workers ?? 1) > 1) throw new ConfigError({ issues: [{ path: '--workers', message: 'not with --shard yet: run one shard per machine' }] })
  if (flags.resume && !shard) throw new ConfigError({ issues: [{ path: '--resume', message: 'resumes a shard from its checkpoint: use it with --shard i/n (one machine: --shard 1/1, then vaultcheck merge)' }] })
  const controller = new AbortController()
  let interrupts = 0
  const onSigint = () => {
    interrupts++
    if (interrupts > 1) process.exit(130)
    process.stderr.write('\nInterrupted: finishing the current run and reporting what was covered (Ctrl-C again to quit now)\n')
    controller.abort()
  }
  process.on('SIGINT', onSigint)
  const started = Date.now()
  const tty = process.stderr.isTTY === true
  const bars = tty ? new cliProgress.MultiBar({ format: ' {target} [{bar}] {value}/{total} runs | {actions} actions, {rate} actions/s | {failures} failures', clearOnComplete: true, hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic) : undefined
  const barByTarget = new Map<string, InstanceType<typeof cliProgress.SingleBar>>()
  const barStarted = new Map<string, number>()
  const timeLimit = flags.timeLimit ?? defaults.timeLimit
  try {
    let shardData: unknown
    const params: import('../runner/run.ts').RunParams = {
      targets: all,
      root,
      workers: flags.workers,
      store: flags.store,
      options: {
        runs: flags.runs ?? defaults.runs,
        depth: flags.depth ?? defaults.depth,
        seed: flags.seed ?? defaults.seed,
        checkInterval: defaults.checkInterval,
        actors: defaults.actors,
        decimals: defaults.decimals,
        properties: flags.property,
        timeLimitMs: timeLimit !== undefined ? timeLimit * 1000 : undefined,
        signal: controller.signal,
        ...(flags.coverage ? { coverage: true } : {}),
        ...(flags.failFast ? { stopOnFirstFailure: 'shrunk' as const } : {}),
      },
      onProgress: (target, p) => {
        if (!bars) return
        let bar = barByTarget.get(target)
        if (!bar) {
          bar = bars.create(p.totalRuns, 0, { target, actions: 0, rate: 0, failures: 0 })
          barByTarget.set(target, bar)
          barStarted.set(target, Date.now())
        }
        const seconds = Math.max(0.001, (Date.now() - barStarted.get(target)!) / 1000)
        bar.update(Math.min(p.runs, p.totalRuns), { target, actions: p.actions, rate: Math.round(p.actions / seconds), failures: p.failures })
      },
      onTargetDone: (r) => {
        if (!tty) {
          const failed = r.properties.filter((x) => x.status === 'failed').length
          process.stderr.write(`${r.target} (${r.kind}): ${r.stats.runs} runs, ${r.stats.actions} actions, ${failed} failed\n`)
        }
      },
    }
    // A shard stores nothing: `vaultcheck merge` stores the failures of the merged campaign.
    const checkpoint = shard ? checkpointFile(root, shard) : undefined
    const outcome = shard
      ? await runShard(params, shard, { file: checkpoint!, resume: flags.resume === true }).then(({ results, data, resumed }) => {
          shardData = data
          if (flags.resume) process.stderr.write(`resumed from ${path.relative(cwd, checkpoint!)}: ${resumed} chunk(s) already done\n`)
          return { results, newFailureFiles: [] as string[], reproducerFiles: [] as string[] }
        })
      : await runTargets(params)
    bars?.stop()
    const report: JsonReport = {
      format: REPORT_FORMAT,
      tool: 'vaultcheck',
      status: controller.signal.aborted ? 'interrupted' : 'passed',
      seed: flags.seed ?? defaults.seed ?? 1,
      durationMs: Date.now() - started,
      targets: outcome.results.map(toJsonTarget),
      ...(controller.signal.aborted ? { interrupted: 'Ctrl-C: the figures cover the runs that completed' } : {}),
      ...(shard ? { shard: flags.shard, shardData } : {}),
    }
    let matrixText = ''
    if (expanded) {
      const { buildMatrix, formatMatrix } = await import('../report/quirks.ts')
      report.matrix = buildMatrix(expanded.plan, outcome.results)
      matrixText = formatMatrix(report.matrix)
    }
    let coverageText = ''
    if (flags.coverage) {
      const { writeRunCoverage } = await import('../runner/coverage.ts')
      const { formatCoverage } = await import('../report/coverage.ts')
      const summary = await writeRunCoverage(root, all, outcome.results, defaults.coverageFilter)
      report.coverage = summary
      coverageText = formatCoverage(summary)
    }
    const failed = report.targets.some(failedTarget)
    if (failed && report.status !== 'interrupted') report.status = 'failed'
    if (process.env.VAULTCHECK_FAULT === 'internal') {
      // Test hook: proves a crash inside vaultcheck is reported as a vaultcheck bug (exit 3).
      throw new Error('injected internal fault (VAULTCHECK_FAULT=internal)')
    }
    for (const r of reporters) {
      const text = r.name === 'json' ? renderJson(report) : r.name === 'junit' ? renderJunit(report) : renderPretty(outcome.results, { color: !r.file && flags.color !== false && process.stdout.isTTY === true }) + coverageText + matrixText
      if (r.file) writeAtomic(path.resolve(cwd, r.file), text)
      else out(text)
    }
    if (outcome.newFailureFiles.length) {
      process.stderr.write(`stored ${outcome.newFailureFiles.length} failure(s) under ${path.relative(cwd, failuresDir(root)) || '.'}; reproducers: ${outcome.reproducerFiles.map((f) => path.relative(cwd, f)).join(', ')}\n`)
    }
    if (failed) return EXIT.failed
    return controller.signal.aborted ? EXIT.interrupted : EXIT.ok
  } finally {
    bars?.stop()
    process.off('SIGINT', onSigint)
  }
}

async function mergeCommand(files: string[], flags: { output?: string; store?: boolean }): Promise<number> {
  const [{ mergeShards }, { failedTarget, renderJson, toJsonTarget, REPORT_FORMAT }, { writeAtomic, failuresDir }, { storeFailures }] = await Promise.all([
    import('../runner/shard.ts'),
    import('../report/reporters.ts'),
    import('../report/failures.ts'),
    import('../runner/run.ts'),
  ])
  const cwd = process.cwd()
  const inputs = files.map((file) => {
    let r: JsonReport
    try {
      r = JSON.parse(fs.readFileSync(file, 'utf8')) as JsonReport
    } catch (cause) {
      throw new ConfigError({ issues: [{ path: file, message: `not a readable JSON report: ${(cause as Error).message.split('\n')[0]}` }] })
    }
    return { file, seed: r.seed, durationMs: r.durationMs, shard: r.shardData as import('../runner/shard.ts').ShardData | undefined }
  })
  const merged = await mergeShards(inputs, cwd)
  const report: JsonReport = {
    format: REPORT_FORMAT,
    tool: 'vaultcheck',
    status: 'passed',
    seed: inputs[0].seed,
    durationMs: Math.max(...inputs.map((r) => r.durationMs)),
    targets: merged.results.map(toJsonTarget),
    ...(merged.cut.length ? { interrupted: `shards cut short: ${merged.cut.map((c) => `${c.shard} ${c.target} after ${c.chunks} chunk(s) (${c.reason})`).join('; ')}` } : {}),
  }
  const failed = report.targets.some(failedTarget)
  report.status = failed ? 'failed' : merged.cut.length ? 'interrupted' : 'passed'
  const text = renderJson(report)
  if (flags.output) writeAtomic(path.resolve(cwd, flags.output), text)
  else out(text)
  process.stderr.write(`merged ${inputs.length} shard report(s)${merged.reran ? `; ${merged.reran} chunk(s) re-run here because their shard started them before an earlier shard's failure` : ''}\n`)
  if (flags.store !== false) {
    const stored = await storeFailures({ root: cwd, targets: merged.targets, options: {} }, merged.results)
    if (stored.newFailureFiles.length) process.stderr.write(`stored ${stored.newFailureFiles.length} failure(s) under ${path.relative(cwd, failuresDir(cwd)) || '.'}\n`)
  }
  return failed ? EXIT.failed : merged.cut.length ? EXIT.interrupted : EXIT.ok
}

export async function replayCommand(file: string, flags: { source?: string; contract?: string; root?: string }): Promise<number> {
  const [{ readFailure }, { replay }] = await Promise.all([import('../report/failures.ts'), import('../runner/suite.ts')])
  const f = readFailure(file)
  const cwd = process.cwd()
  const spec = flags.source ? { kind: f.kindModule ?? f.kind, source: flags.source, contract: flags.contract, root: cwd, name: f.target } : await specFromConfigOrBundled(f.kindModule ?? f.kind, f.target, cwd)
  const r = await replay(spec, f, f.options)
  out(`${f.target} (${f.kind}) — ${f.propertyId}: ${f.promise}\n`)
  out(`replaying seed ${f.seed}, path "${f.path}", replayPath "${f.replayPath}"\n\n`)
  r.steps.forEach((s, i) => out(`  ${String(i + 1).padStart(2)}. ${s}\n`))
  if (r.failed) {
    out(`\n${r.failed.propertyId}: ${r.failed.message}\n  expected: ${r.failed.expected}\n  actual:   ${r.failed.actual}\n`)
    return EXIT.failed
  }
  out(`\nno longer reproduces (fixed?). The stored failure is kept until you run \`vaultcheck clear\`.\n`)
  return EXIT.ok
}

async function specFromConfigOrBundled(kind: Kind, target: string, cwd: string): Promise<RunTarget> {
  const { findConfig } = await import('../runner/config.ts')
  const configFile = findConfig(cwd)
  if (configFile) {
    const { targets } = await resolveTargets({ config: configFile }, cwd)
    const t = targets.find((x) => (x.name ?? x.contract) === target)
    if (t) return t
  }
  return { kind, contract: target, name: target }
}

export function buildProgram(): Command {
  const program = new Command()
  program.name('vaultcheck').description('Property-based solvency checks for collateral-backed vault contracts').showHelpAfterError()
  program.version(VERSION, '-V, --version', 'print the version')
  program.exitOverride()

  program
    .command('run', { isDefault: true })
    .description('run the property suites (no target: every bundled reference vault)')
    .addOption(new Option('--kind <kind>', `target kind: ${KINDS.join(', ')}, or the path of a kind or adapter module`))
    .option('--source <file>', 'Solidity source of the vault')
    .option('--contract <name>', 'contract to test')
    .option('--config <file>', 'config file (default: vaultcheck.config.ts if present)')
    .option('--runs <n>', 'runs (action sequences) per target', int('--runs'))
    .option('--depth <n>', 'actions per run at most', int('--depth'))
    .option('--seed <n>', 'seed (same seed, same result)', int('--seed'))
    .option('--time-limit <seconds>', 'stop starting new runs after this long and report what was covered', int('--time-limit'))
    .option('--property <id-or-glob>', 'only these properties (repeatable)', collect)
    .option('--workers <n>', 'child processes sharing the campaigns (chunks of 10 runs); results do not depend on n', int('--workers'))
    .option('--reporter <name>', 'pretty | json | junit (repeatable)', collect)
    .option('--output <file>', 'file for the reporter at the same position (repeatable)', collect)
    .option('--shard <i/n>', "run only shard i of n: its share of every campaign's chunks of runs (deterministic; merge the reports)")
    .option('--fail-fast', 'end each campaign at its first failure, once shrunk')
    .option('--token-quirks <list>', "also run every target with its asset replaced by quirky tokens: all, or names (fee-on-transfer,no-return,...); prints target x quirk")
    .option('--resume', "with --shard: continue from the shard's checkpoint (.vaultcheck/checkpoints), running only the chunks not yet done")
    .option('--no-color', 'plain output')
    .option('--no-store', 'do not store failures or write reproducers')
    .option('--coverage', 'report which lines and branches of the vault the runs reached (.vaultcheck/coverage: lcov.info, index.html)')
    .action(async (flags: RunFlags) => {
      process.exitCode = await runCommand(flags)
    })

  program
    .command('replay <failure>')
    .description('rerun one stored failure and print its step-by-step trace')
    .option('--source <file>', 'the vault source (default: from the config, or the bundled vault)')
    .option('--contract <name>', 'contract name with --source')
    .action(async (file: string, flags) => {
      process.exitCode = await replayCommand(file, flags)
    })

  program
    .command('list')
    .description('list stored failures')
    .action(async () => {
      const { listFailures } = await import('../report/failures.ts')
      const entries = listFailures(process.cwd())
      if (entries.length === 0) out('no stored failures\n')
      for (const e of entries) out(`${path.relative(process.cwd(), e.file)}  ${e.failure ? `${e.failure.propertyId} (${e.failure.steps.length} steps)` : `unreadable: ${e.error}`}\n`)
    })

  program
    .command('clear [target]')
    .description('delete stored failures (all, or one target)')
    .action(async (target?: string) => {
      const { failuresDir } = await import('../report/failures.ts')
      const dir = target ? path.join(failuresDir(process.cwd()), target) : failuresDir(process.cwd())
      fs.rmSync(dir, { recursive: true, force: true })
      out(`cleared ${path.relative(process.cwd(), dir)}\n`)
    })

  program
    .command('merge <reports...>')
    .description('merge the JSON reports of shards into the report of one campaign (and store its failures)')
    .option('--output <file>', 'write the merged report here (default: stdout)')
    .option('--no-store', 'do not store failures or write reproducers')
    .action(async (files: string[], flags: { output?: string; store?: boolean }) => {
      process.exitCode = await mergeCommand(files, flags)
    })
  registerDiff(program)
  registerMutate(program)
  return program
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram()
  try {
    await program.parseAsync(argv)
    return Number(process.exitCode ?? 0)
  } catch (e) {
    const err = e as Error & { code?: string; exitCode?: number; kind?: string }
    if (err.code?.startsWith('commander.')) {
      // commander printed the problem already; help and version are not errors.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' ? EXIT.ok : EXIT.usage
    }
    if (e instanceof VaultcheckError && e.kind === 'usage') {
      process.stderr.write(`${pc.red('error')} ${e.name}: ${e.message}\n`)
      return EXIT.usage
    }
    process.stderr.write(`${pc.red('internal error')}: this is a bug in vaultcheck, not in your vault. Please report it with the output below.\n${err.stack ?? String(e)}\n`)
    return EXIT.internal
  }
}
