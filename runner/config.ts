/**
 * One config type, one defineConfig(), defaults in one place, and validation that reports every
 * problem at once as `path: message`.
 */
import fs from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { KINDS } from '../engine/property.ts'
import { importUserModule, isKindPath } from '../engine/kinds.ts'
import { ConfigError } from '../evm/errors.ts'

const knobValue = z.union([z.string(), z.number(), z.boolean(), z.bigint()])

const budget = {
  runs: z.number().int().positive().optional(),
  depth: z.number().int().positive().optional(),
  seed: z.number().int().optional(),
  checkInterval: z.number().int().nonnegative().optional(),
  actors: z.number().int().min(2).max(8).optional(),
  decimals: z.number().int().min(0).max(36).optional(),
}

const extraRule = z
  .object({
    reason: z.string().min(1, 'give a reason'),
    exclude: z.boolean().optional(),
    caller: z.string().min(1).optional(),
    mayChange: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((r) => r.exclude || r.caller || r.mayChange, { message: 'say what the function is: exclude, caller (privileged) or mayChange' })

export const targetSchema = z
  .object({
    /** Shown in reports and used to file stored failures; defaults to the contract name. */
    name: z.string().min(1).optional(),
    /** A built-in kind, or the path (relative to the config file) of a kind or adapter module. */
    kind: z
      .string()
      .min(1)
      .refine((k) => (KINDS as readonly string[]).includes(k) || isKindPath(k), { message: `expected one of ${KINDS.join(', ')}, or the path of a kind or adapter module (./kinds/psm.ts)` }),
    /** Solidity file, relative to the config file. Omit to use the bundled reference vault of the kind. */
    source: z.string().min(1).optional(),
    contract: z.string().min(1).optional(),
    /** Constructor arguments replacing the kind's convention. */
    args: z.array(z.unknown()).optional(),
    /** Properties to skip, each with the reason reports show. */
    skip: z.record(z.string(), z.string().min(1, 'give a reason for skipping')).optional(),
    /** Opt-in properties to enable. */
    optIn: z.array(z.string()).optional(),
    /** Legitimate variations between vaults (e.g. virtualShares for an ERC-4626 decimals offset). */
    knobs: z.record(z.string(), knobValue).optional(),
    /** Renames for vaults whose functions are named differently: { depositFor: 'wrap' }. */
    functions: z.record(z.string(), z.string()).optional(),
    /**
     * Functions outside the kind's specification, by `name`, `contract.name` or `name(types)`:
     * privileged ones (`caller`), ones that may change given observations, ones left out; each
     * with the reason reports show.
     */
    extras: z.record(z.string(), extraRule).optional(),
    /** With tokenQuirks: quirks this vault does not claim to support, each with the reason reports show (those cells are not run). */
    unsupportedQuirks: z.record(z.string(), z.string().min(1, 'give a reason')).optional(),
    ...budget,
  })
  .strict()
  .refine((t) => !t.source || t.contract, { message: 'a target with a source needs a contract name', path: ['contract'] })

export const configSchema = z
  .object({
    targets: z.array(targetSchema).min(1, 'at least one target'),
    /** Import remappings for all targets ('@oz/=node_modules/@openzeppelin/contracts/'). */
    remappings: z.array(z.string()).optional(),
    timeLimit: z.number().positive().optional(),
    /**
     * Which sources `--coverage` reports, by source unit name (`**` crosses folders). Default:
     * the project's own files, without `lib/`, `node_modules/` and vaultcheck's mocks and lens.
     */
    coverage: z
      .object({ include: z.array(z.string().min(1)).optional(), exclude: z.array(z.string().min(1)).optional() })
      .strict()
      .optional(),
    /** Run every target under these token quirks too ('all', or names: fee-on-transfer, ...), and print the matrix. */
    tokenQuirks: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]).optional(),
    ...budget,
  })
  .strict()

export type TargetConfig = z.input<typeof targetSchema>
export type VaultcheckConfig = z.input<typeof configSchema>

/** Identity function that gives a config file its types. */
export function defineConfig(config: VaultcheckConfig): VaultcheckConfig {
  return config
}

export const CONFIG_FILES = ['vaultcheck.config.ts', 'vaultcheck.config.mts', 'vaultcheck.config.js', 'vaultcheck.config.mjs']

export function validateConfig(raw: unknown, file?: string): z.output<typeof configSchema> {
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }))
    // zod runs refinements only on objects that parsed; report cross-field problems regardless,
    // so one pass shows every mistake.
    const targets = (raw as { targets?: unknown })?.targets
    if (Array.isArray(targets)) {
      targets.forEach((t, i) => {
        const path = `targets.${i}.contract`
        if (t && typeof t === 'object' && 'source' in t && !('contract' in t) && !issues.some((x) => x.path === path)) {
          issues.push({ path, message: 'a target with a source needs a contract name' })
        }
      })
    }
    throw new ConfigError({ file, issues })
  }
  return parsed.data
}

export function findConfig(cwd: string): string | undefined {
  for (const f of CONFIG_FILES) {
    const p = path.join(cwd, f)
    if (fs.existsSync(p)) return p
  }
  return undefined
}

/** Loads and validates a config file (TypeScript config files need the tsx loader the CLI registers). */
export async function loadConfig(file: string): Promise<{ config: z.output<typeof configSchema>; dir: string }> {
  const abs = path.resolve(file)
  if (!fs.existsSync(abs)) throw new ConfigError({ file, issues: [{ path: '(file)', message: 'config file not found' }] })
  let mod: { default?: unknown }
  try {
    mod = await importUserModule(abs)
  } catch (cause) {
    throw new ConfigError({ file, issues: [{ path: '(file)', message: `cannot load: ${(cause as Error).message}` }] })
  }
  // A config compiled through CommonJS interop arrives as { default: { default: config } }.
  const inner = mod.default as { default?: unknown; targets?: unknown } | undefined
  if (inner && typeof inner === 'object' && 'default' in inner && !('targets' in inner)) mod = { default: inner.default }
  if (mod.default === undefined) throw new ConfigError({ file, issues: [{ path: '(file)', message: 'no default export (export default defineConfig({...}))' }] })
  return { config: validateConfig(mod.default, file), dir: path.dirname(abs) }
}

