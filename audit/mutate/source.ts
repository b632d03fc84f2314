/** The vault file to mutate: found, compiled, and checked to declare the contract under test. */
import fs from 'node:fs'
import path from 'node:path'
import { resolveKind } from '../../engine/kinds.ts'
import { PACKAGE_ROOT, REFERENCE_VAULTS } from '../../engine/bundled.ts'
import { compile, getArtifact } from '../../evm/compile.ts'
import { ConfigError, ContractNotFoundError, HarnessError, SourceNotFoundError } from '../../evm/errors.ts'
import { generateMutants, type Mutant } from './generate.ts'
import type { MutateParams } from './types.ts'

export type Resolved = { file: string; unit: string; root: string; contract: string; content: string; ast: unknown }

export async function resolveSource(p: MutateParams): Promise<Resolved> {
  const builtin = (await resolveKind(p.kind, p.root)) === p.kind
  const bundled = !p.source
  if (bundled && !builtin) throw new ConfigError({ issues: [{ path: 'source', message: `kind ${p.kind} has no bundled vault: name the file to mutate` }] })
  if (p.source && !p.contract) throw new ConfigError({ issues: [{ path: 'contract', message: `a contract name is required with source ${p.source}` }] })
  const contract = p.contract ?? REFERENCE_VAULTS[p.kind]
  const root = path.resolve(bundled ? PACKAGE_ROOT : (p.root ?? process.cwd()))
  const file = bundled ? path.join(PACKAGE_ROOT, 'contracts', `${contract}.sol`) : path.resolve(root, p.source!)
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) throw new SourceNotFoundError(p.source ?? path.relative(process.cwd(), file))
  const out = await compile({ sources: [file], root, remappings: p.remappings, evmVersion: p.evmVersion })
  const content = fs.readFileSync(file, 'utf8')
  const unit = Object.keys(out.sources).find((u) => path.resolve(root, u) === file || u === file) ?? Object.keys(out.sources).find((u) => out.sources[u].content === content)
  if (!unit) throw new HarnessError(`could not find the source unit of ${file} in the compiler output`)
  const declared = out.artifacts.filter((a) => a.sourceName === unit)
  if (!declared.some((a) => a.name === contract)) {
    throw new ContractNotFoundError({ contractName: contract, available: declared.map((a) => a.name), where: `${unit} (mutate tests a contract declared in the file it mutates)` })
  }
  getArtifact(out, `${unit}:${contract}`)
  return { file, unit, root, contract, content, ast: out.sources[unit].ast }
}

/** Every mutant of the vault's file, without running anything. */
export async function listMutants(p: Pick<MutateParams, 'kind' | 'source' | 'contract' | 'root' | 'remappings' | 'evmVersion' | 'operators'>): Promise<Mutant[]> {
  const r = await resolveSource(p)
  return generateMutants({ file: r.unit, content: r.content, ast: r.ast, operators: p.operators })
}
