/**
 * The system under test: the vault, every contract it deployed, and every contract the kind's
 * getters name (debt token, oracle, underlying), each with the ABI its code was compiled from.
 * The harness's own mocks are the environment, not the system: their functions are driven by the
 * kind's environment actions (faucets, price moves) and never by generated calls.
 */
import { getContractAddress, type Abi, type AbiFunction, type Address, type Hex } from 'viem'
import type { Chain } from '../evm/chain.ts'
import type { Instance } from './step.ts'

/** Compiled code a deployed contract may come from (the target's compile output, the mocks). */
export type CodeSource = { name: string; abi: Abi; deployedBytecode?: Hex; bytecode?: Hex }

export type SystemContract = {
  /** The role the kind gives it ('vault', 'debt'), or the artifact name for a contract the vault created. */
  role: string
  address: Address
  /** The artifact its runtime code matches. */
  artifact: string
  abi: Abi
  /** Its state-changing functions. */
  functions: SystemFunction[]
}

export type SystemFunction = {
  contract: string
  address: Address
  item: AbiFunction
  /** `vault.rescue`, or `vault.rescue(address,uint256)` when the name is overloaded. */
  key: string
  /** One of the kind's actions (its model says what it does). */
  specified: boolean
}

/** How many contracts a vault's constructor may have created that are looked for (nonces 1..n). */
const MAX_CREATED = 16

export async function discoverSystem(p: {
  chain: Chain
  instance: Instance
  /** Artifacts of the target's compile output. */
  sources: readonly CodeSource[]
  /** The harness's mocks: matched first, and left out of the system when matched. */
  mocks: readonly CodeSource[]
  /** Per role, the functions the kind's actions call (already renamed). */
  specified: Readonly<Record<string, readonly string[]>>
}): Promise<SystemContract[]> {
  const { chain, instance } = p
  const mockNames = new Set(p.mocks.map((m) => m.name))
  const candidates = [...p.mocks, ...p.sources].filter((c) => c.deployedBytecode && c.deployedBytecode.length > 2)
  const out: SystemContract[] = []
  const seen = new Set<string>()

  const add = async (role: string, address: Address, knownAbi: Abi | undefined, isVault: boolean) => {
    const key = address.toLowerCase()
    if (seen.has(key)) return
    seen.add(key)
    const code = await chain.getCode(address)
    if (code.length <= 2) return
    const match = matchArtifact(code, candidates)
    if (match && mockNames.has(match.name) && !isVault) return
    const abi = isVault ? knownAbi! : match?.abi
    if (!abi) return
    out.push({ role, address, artifact: match?.name ?? role, abi, functions: [] })
  }

  // Whatever the kind calls its vault's role ('wrapper', 'shares'), users know it as the vault.
  const vaultRole = Object.entries(instance.contracts).find(([, c]) => c.address.toLowerCase() === instance.vault.toLowerCase())?.[0]
  await add('vault', instance.vault, instance.vaultAbi, true)
  for (const [role, c] of Object.entries(instance.contracts)) await add(role, c.address, undefined, false)
  // Contracts the system created (a CDP's own debt token), found from each creator's nonce.
  for (let i = 0; i < out.length; i++) {
    const creator = out[i]
    const nonce = Number(await chain.getNonce(creator.address))
    for (let n = 1; n < Math.min(nonce, MAX_CREATED + 1); n++) {
      const created = getContractAddress({ from: creator.address, nonce: BigInt(n) })
      const code = await chain.getCode(created)
      const name = code.length > 2 ? matchArtifact(code, candidates)?.name : undefined
      if (name) await add(name.charAt(0).toLowerCase() + name.slice(1), created, undefined, false)
    }
  }

  for (const c of out) {
    const fns = c.abi.filter((x): x is AbiFunction => x.type === 'function' && x.stateMutability !== 'view' && x.stateMutability !== 'pure')
    const count = new Map<string, number>()
    for (const f of fns) count.set(f.name, (count.get(f.name) ?? 0) + 1)
    const own = p.specified[c.role === 'vault' && vaultRole ? vaultRole : c.role] ?? []
    const specified = new Set(c.role === 'vault' && vaultRole !== 'vault' ? [...own, ...(p.specified.vault ?? [])] : own)
    c.functions = fns.map((item) => ({
      contract: c.role,
      address: c.address,
      item,
      key: `${c.role}.${item.name}${count.get(item.name)! > 1 ? `(${item.inputs.map((i) => i.type).join(',')})` : ''}`,
      specified: specified.has(item.name),
    }))
  }
  return out
}

/**
 * The artifact whose runtime code is this code: same length once solc's metadata trailer is cut,
 * and the most bytes in common (immutables differ per deployment, nothing else does).
 */
export function matchArtifact(code: Hex, candidates: readonly CodeSource[]): CodeSource | undefined {
  const body = stripMetadata(code)
  let best: { c: CodeSource; same: number } | undefined
  for (const c of candidates) {
    const other = stripMetadata(c.deployedBytecode!)
    if (other.length !== body.length) continue
    let same = 0
    for (let i = 0; i < body.length; i += 2) if (body[i] === other[i] && body[i + 1] === other[i + 1]) same++
    if (!best || same > best.same) best = { c, same }
  }
  // Immutables are a few 32-byte words; anything further apart is another contract of equal size.
  return best && best.same * 2 >= body.length * 0.9 ? best.c : undefined
}

/** Runtime code without solc's metadata trailer (hex, no 0x). */
export function stripMetadata(code: string): string {
  const hex = code.startsWith('0x') ? code.slice(2) : code
  if (hex.length < 4) return hex
  const len = parseInt(hex.slice(-4), 16) * 2 + 4
  return len < hex.length && hex.slice(-len, -len + 2) === 'a2' ? hex.slice(0, -len) : hex
}
