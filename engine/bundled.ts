/**
 * The contracts vaultcheck ships: reference vaults, mocks, the Multiread lens and the buggy
 * fixtures. They are compiled from the package's own `contracts/` folder wherever vaultcheck runs.
 */
import fs from 'node:fs'
import path from 'node:path'
import type { Kind } from './property.ts'
import { compile, getArtifact, type Artifact, type CompileOutput } from '../evm/compile.ts'
import type { MockArtifacts } from './step.ts'
import type { EvmVersion } from '../evm/evm-version.ts'

export { PACKAGE_ROOT } from '../evm/package-root.ts'
import { PACKAGE_ROOT } from '../evm/package-root.ts'

export const REFERENCE_VAULTS: Readonly<Record<Kind, string>> = {
  reserve: 'ReserveVault',
  native: 'NativeVault',
  erc4626: 'TokenizedVault',
  cdp: 'CollateralDebtVault',
  lending: 'LendingMarket',
}

function solFiles(dir: string): string[] {
  const out: string[] = []
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...solFiles(p))
    else if (e.name.endsWith('.sol')) out.push(p)
  }
  return out.sort()
}

const cache = new Map<string, Promise<CompileOutput>>()

/** Every bundled contract, compiled once per process (and cached on disk across processes). */
export function compileBundled(evmVersion?: EvmVersion): Promise<CompileOutput> {
  const key = evmVersion ?? 'default'
  let p = cache.get(key)
  if (!p) {
    const dir = path.join(PACKAGE_ROOT, 'contracts')
    p = compile({
      sources: solFiles(dir).filter((f) => !f.includes(`${path.sep}test-fixtures${path.sep}`)),
      root: PACKAGE_ROOT,
      evmVersion,
      cacheDir: path.join(PACKAGE_ROOT, '.vaultcheck', 'cache'),
    })
    cache.set(key, p)
    p.catch(() => cache.delete(key))
  }
  return p
}

export async function bundledArtifact(name: string, evmVersion?: EvmVersion): Promise<Artifact> {
  return getArtifact(await compileBundled(evmVersion), name)
}

export async function mockArtifacts(evmVersion?: EvmVersion): Promise<MockArtifacts> {
  const out = await compileBundled(evmVersion)
  return {
    MockERC20: getArtifact(out, 'MockERC20'),
    MockOracle: getArtifact(out, 'MockOracle'),
    Multiread: getArtifact(out, 'Multiread'),
  }
}
