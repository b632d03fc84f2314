/**
 * Which conversion family an ERC-4626 vault implements, found at deploy instead of assumed. The
 * EIP fixes rounding directions, not the formula; widely used vaults pick one of:
 *  - OpenZeppelin / solady: a virtual offset, `shares = assets * (supply + 10^d) / (totalAssets + 1)`,
 *    d = `_decimalsOffset()` (so the share token has asset decimals + d);
 *  - solmate: no offset, 1:1 while the supply is zero, `assets * supply / totalAssets` after.
 * The probe runs in a snapshot that is reverted: assets are minted straight to the empty vault
 * (supply 0, totalAssets > 0), where the families give different answers, and the vault's own
 * convertToShares and convertToAssets are compared with each candidate.
 */
import type { World } from '../engine/step.ts'
import * as V from '../model/erc4626.ts'
import { role } from './common.ts'
import { ok } from './reserve.ts'

export type Conversions = { virtualShares: bigint; virtualAssets: bigint; label: string } | { unknown: string }

const MAX_OFFSET = 18

async function read<M>(w: World<M>, fn: string, args: readonly unknown[] = []): Promise<bigint | undefined> {
  try {
    const v = await w.chain.read<unknown>({ address: w.instance.vault, abi: w.instance.vaultAbi, functionName: fn, args })
    return typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : undefined
  } catch {
    return undefined
  }
}

export async function detectConversions<M>(w: World<M>): Promise<Conversions> {
  const asset = role(w, 'asset')
  const assetDecimals = BigInt(w.instance.decimals)
  const vaultDecimals = await read(w, 'decimals')
  return w.inSnapshot(async () => {
    // Amounts with odd digits, so that no candidate matches another by accident of round numbers.
    const donated = 10n ** assetDecimals * 1_000n + 7n
    const minted = await w.chain.call({ address: asset.address, abi: asset.abi, functionName: 'mint', args: [w.instance.vault, donated], from: w.actors[0].address })
    if (!minted.ok) return { unknown: 'the asset could not be minted to the vault for the probe' }
    const total = await read(w, 'totalAssets')
    if (total !== donated) return { unknown: `totalAssets() is ${total ?? 'a revert'} where the vault holds ${donated} assets: not the asset balance` }
    const x = 10n ** assetDecimals * 123n + 45n
    const toShares = await read(w, 'convertToShares', [x])
    const y = 10n ** (vaultDecimals ?? assetDecimals) * 77n + 5n
    const toAssets = await read(w, 'convertToAssets', [y])
    if (toShares === undefined || toAssets === undefined) return { unknown: 'convertToShares or convertToAssets reverted on the probe' }
    const fits = (virtualShares: bigint, virtualAssets: bigint) => {
      const empty = V.createErc4626State({ vault: w.instance.vault, virtualShares, virtualAssets })
      const m = ok(V.mintAsset(empty, empty.vault, donated))
      return V.convertToShares(m, x) === toShares && V.convertToAssets(m, y) === toAssets
    }
    // The offset the decimals suggest first (OpenZeppelin: share decimals = asset decimals + d).
    const d = vaultDecimals !== undefined && vaultDecimals >= assetDecimals && vaultDecimals - assetDecimals <= BigInt(MAX_OFFSET) ? vaultDecimals - assetDecimals : 0n
    const offsets = [d, ...Array.from({ length: MAX_OFFSET + 1 }, (_, i) => BigInt(i)).filter((k) => k !== d)]
    for (const k of offsets) if (fits(10n ** k, 1n)) return { virtualShares: 10n ** k, virtualAssets: 1n, label: `virtual offset 10^${k} (OpenZeppelin/solady family)` }
    if (fits(0n, 0n)) return { virtualShares: 0n, virtualAssets: 0n, label: 'no virtual offset, 1:1 while empty (solmate family)' }
    return { unknown: `convertToShares(${x}) = ${toShares} and convertToAssets(${y}) = ${toAssets} on an empty vault holding ${donated} assets fit no known family` }
  })
}
