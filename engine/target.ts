/**
 * Turning what a user names (a kind, a source file, a contract) into something a campaign can
 * deploy: compiled vault, mocks, and the identity (compiler, bytecode hash) reports carry.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { kindDriver, resolveKind, type KindRef } from './kinds.ts'
import { REFERENCE_VAULTS, compileBundled, mockArtifacts } from './bundled.ts'
import type { CampaignTarget } from './campaign.ts'
import { stripMetadata, type CodeSource } from './system.ts'
import { compile, getArtifact, type Artifact, type CompileOutput } from '../evm/compile.ts'
import { readFoundryProject, type FoundryProject } from '../evm/foundry-project.ts'
import { ConfigError, DeployError, SourceNotFoundError } from '../evm/errors.ts'
import type { EvmVersion } from '../evm/evm-version.ts'

export type TargetSpec = {
  /** A built-in kind's name, the path of a kind or adapter module (relative to `root`), or that module's export. */
  kind: KindRef
  /** Shown in reports; defaults to the contract name. */
  name?: string
  /** A Solidity file and the contract in it... */
  source?: string
  contract?: string
  /** ...or an artifact compiled elsewhere. */
  artifact?: Pick<Artifact, 'name' | 'abi' | 'bytecode' | 'deployedBytecode'> & Partial<Pick<Artifact, 'compilerVersion'>>
  /** Project root for imports (node_modules, remappings); default process.cwd(). */
  root?: string
  remappings?: readonly string[]
  /** With `artifact`: the other contracts compiled with it, whose ABIs the contracts the vault deploys have. */
  companions?: readonly CodeSource[]
  /** Constructor arguments replacing the kind's convention (the mock addresses). */
  args?: readonly unknown[]
  evmVersion?: EvmVersion
}

export type LoadedTarget = CampaignTarget & {
  compilerVersion: string
  bytecodeHash: string
  /** The compile the vault came from (absent for a prebuilt artifact): sources and ASTs for coverage. */
  output?: CompileOutput
}

export async function loadTarget(spec: TargetSpec): Promise<LoadedTarget> {
  const kindKey = await resolveKind(spec.kind, spec.root)
  const kind = kindDriver(kindKey).kind
  let artifact: LoadedTarget['vault'] & { compilerVersion?: string }
  let output: CompileOutput | undefined
  if (spec.artifact) artifact = spec.artifact
  else if (spec.source) {
    if (!spec.contract) throw new ConfigError({ issues: [{ path: 'contract', message: `a contract name is required with source ${spec.source}` }] })
    const root = path.resolve(spec.root ?? process.cwd())
    const file = path.resolve(root, spec.source)
    if (!fs.existsSync(file)) throw new SourceNotFoundError(spec.source)
    // A Foundry project compiles as forge would compile it; the config's own remappings still win.
    const foundry = readFoundryProject(path.dirname(file))
    const remappings = foundry ? mergeRemappings(spec.remappings ?? [], foundry) : spec.remappings
    const out = await compile({
      sources: [file],
      root,
      remappings,
      evmVersion: spec.evmVersion ?? foundry?.evmVersion,
      ...(foundry?.optimizer ? { optimizer: foundry.optimizer } : {}),
      ...(foundry?.solcVersion ? { solcVersion: foundry.solcVersion } : {}),
    })
    artifact = getArtifact(out, spec.contract)
    output = out
  } else {
    const reference = REFERENCE_VAULTS[kind]
    if (kindKey !== kind || !reference) throw new ConfigError({ issues: [{ path: 'source', message: `kind ${kind} has no bundled vault: name a source and contract, or an artifact` }] })
    output = await compileBundled(spec.evmVersion)
    artifact = getArtifact(output, spec.contract ?? reference)
  }
  if (artifact.bytecode === '0x' || artifact.bytecode.length <= 2) {
    throw new DeployError({ contractName: artifact.name, reason: 'it has no bytecode (an abstract contract or an interface)' })
  }
  const compilerVersion = artifact.compilerVersion ?? (await compileBundled(spec.evmVersion)).compilerVersion
  return {
    name: spec.name ?? artifact.name,
    kind,
    ...(kindKey !== kind ? { kindKey } : {}),
    vault: artifact,
    mocks: await mockArtifacts(spec.evmVersion),
    args: spec.args,
    // The ABIs of whatever the vault deploys (a CDP's debt token) come from the same compile.
    companions: output ? companionsOf(output, artifact) : spec.companions,
    compilerVersion,
    bytecodeHash: bytecodeHash(artifact.deployedBytecode ?? artifact.bytecode),
    ...(output ? { output } : {}),
  }
}

/** The other deployable contracts of a compile output: the ABIs of what the vault may deploy. */
export function companionsOf(output: CompileOutput, vault: object): CodeSource[] {
  return output.artifacts.filter((a) => a !== vault && a.deployedBytecode.length > 2).map((a) => ({ name: a.name, abi: a.abi, deployedBytecode: a.deployedBytecode, bytecode: a.bytecode }))
}

/** The config's remappings, then the Foundry project's for prefixes the config does not map (absolute targets). */
function mergeRemappings(own: readonly string[], foundry: FoundryProject): string[] {
  const key = (r: string) => r.split('=')[0]
  const mine = new Set(own.map(key))
  const theirs = foundry.remappings
    .filter((r) => !mine.has(key(r)))
    .map((r) => {
      const i = r.indexOf('=')
      const target = r.slice(i + 1)
      const abs = path.resolve(foundry.root, target)
      return `${r.slice(0, i)}=${abs}${target.endsWith('/') && !abs.endsWith('/') ? '/' : ''}`
    })
  return [...own, ...theirs]
}

/** Hash of the runtime code without solc's metadata trailer, so a comment change is not a new vault. */
export function bytecodeHash(code: string): string {
  return createHash('sha256').update(stripMetadata(code)).digest('hex').slice(0, 16)
}
