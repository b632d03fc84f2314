import fs from 'node:fs'
import path from 'node:path'
import { DEFAULT_EVM_VERSION, type EvmVersion } from '../../evm/evm-version.ts'
import { standardRemaps } from './remaps.ts'

/** The foundry.toml of a reproducers directory: forge run offline with the bundled solc stand-in. */
export function renderFoundryToml(p: { dir: string; solc: string; projectRoot: string; packageRoot: string; remappings?: readonly string[]; evmVersion?: EvmVersion }): string {
  const std = standardRemaps(p)
  const rel = (to: string) => {
    const r = path.relative(p.dir, to).split(path.sep).join('/')
    return r === '' ? '.' : r
  }
  const libs = new Set<string>()
  for (let d = p.projectRoot; ; d = path.dirname(d)) {
    const nm = path.join(d, 'node_modules')
    if (fs.existsSync(nm)) libs.add(rel(nm))
    if (path.dirname(d) === d) break
  }
  const user = (p.remappings ?? []).map((m) => {
    const eq = m.indexOf('=')
    if (eq < 0) return m
    const target = m.slice(eq + 1)
    return `${m.slice(0, eq)}=${rel(path.resolve(p.projectRoot, target))}${target.endsWith('/') ? '/' : ''}`
  })
  const remappings = [...std.map((m) => `${m.prefix}=${rel(m.dir)}/`), ...user]
  const q = (s: string) => JSON.stringify(s)
  return `# Written by vaultcheck for its Foundry reproducers (*.t.sol): forge test --root ${path.relative(p.projectRoot, p.dir).split(path.sep).join('/') || '.'}
# forge compiles with vaultcheck's bundled solc (solc-js) through a stand-in, so nothing is downloaded.
[profile.default]
src = "."
test = "."
out = "out"
cache_path = "cache"
libs = [${[...libs].map(q).join(', ')}]
allow_paths = [${[rel(p.projectRoot), rel(p.packageRoot)].map(q).join(', ')}]
remappings = [${remappings.map(q).join(', ')}]
solc = ${q(p.solc)}
auto_detect_solc = false
offline = true
evm_version = ${q(p.evmVersion ?? DEFAULT_EVM_VERSION)}
optimizer = true
optimizer_runs = 200
`
}
