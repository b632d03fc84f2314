/**
 * Which conversion family an ERC-4626 vault implements, found at deploy instead of assumed. The
 * EIP fixes rounding directions, not the formula; widely used vaults pick one of:
 *  - OpenZeppelin / solady: a virtual offset, `shares = assets * (supply + 10^d) / (totalAssets + 1)`,
 *    d = `_decimalsOffset()` (so the share token has asset decimals + d);
 *  - solmate: no offset, 1:1 while the supply is zero, `assets * supply / totalAssets` after.
 * The probe runs in a snapshot that is reverted: assets are minted straight to the empty vault
 * (supply 0, totalAssets > 0), where the families give different answers, then one deposit is made;
 * in both states the vault's conversions and previews, and the deposit's shares, are compared with
 * each candidate. A vault that fits none (fees in its previews, tracked rather than held assets,
 * another formula) is judged without a formula.
 */
import type { World } from '../engine/step.ts'
import * as V from '../model/erc4626.ts'
import { role } from './common.ts'
import { ok } from './reserve.ts'

/** A known family, or why none fits (`tracked`: totalAssets() is not the vault's asset balance). */
export type Conversions = { virtualShares: bigint; virtualAssets: bigint; label: string; remark?: string } | { unknown: string; tracked?: boolean }

const MAX_OFFSET = 18

async function read<M>(w: World<M>, fn: string, args: readonly unknown[] = []): Promise<bigint | undefined> {
  try {
    const v = await w.chain.read<unknown>({ address: w.instance.vault, abi: w.instance.vaultAbi, functionName: fn, args })
    return typeof v === 'bigint' ? v : typeof v === 'number' ? BigInt(v) : undefined
  } catch {
    return undefined
  }
}

const VIEWS = ['convertToShares', 'convertToAssets', 'previewDeposit', 'previewMint', 'previewWithdraw', 'previewRedeem'] as const
type Views = Record<(typeof VIEWS)[number], bigint | undefined>

/** The model's answer to each view, undefined where the model's conversion has no value. */
function predicted(m: V.Erc4626State, assets: bigint, shares: bigint): Views {
  const at = (f: () => bigint) => {
    try {
      return f()
    } catch {
      return undefined
    }
  }
  return {
    convertToShares: at(() => V.convertToShares(m, assets)),
    convertToAssets: at(() => V.convertToAssets(m, shares)),
    previewDeposit: at(() => V.previewDeposit(m, assets)),
    previewMint: at(() => V.previewMint(m, shares)),
    previewWithdraw: at(() => V.previewWithdraw(m, assets)),
    previewRedeem: at(() => V.previewRedeem(m, shares)),
  }
}

const argOf = (fn: (typeof VIEWS)[number], assets: bigint, shares: bigint) => (fn === 'convertToShares' || fn === 'previewDeposit' || fn === 'previewWithdraw' ? assets : shares)

/**
 * For each view, whether an answer below the formula's is in the vault's favour (fewer shares for
 * assets in, fewer assets for shares out) or above it (more assets asked, more shares burned).
 */
const LOWER_FAVOURS_VAULT: Record<(typeof VIEWS)[number], boolean> = {
  convertToShares: true,
  convertToAssets: true,
  previewDeposit: true,
  previewMint: false,
  previewWithdraw: false,
  previewRedeem: true,
}

type Misfit = { what: string; favours: 'vault' | 'user' }

function misfits(model: Views, got: Views, assets: bigint, shares: bigint, where: string, only: readonly (typeof VIEWS)[number][] = VIEWS): Misfit[] {
  const out: Misfit[] = []
  for (const fn of only) {
    const want = model[fn]
    const have = got[fn]
    if (want === have) continue
    // A revert, or an answer where the formula has none, earns no benefit of the doubt.
    const favours = want === undefined || have === undefined ? 'user' : have < want === LOWER_FAVOURS_VAULT[fn] ? 'vault' : 'user'
    out.push({ what: `${fn}(${argOf(fn, assets, shares)}) = ${have ?? 'a revert'} ${where}, where the formula gives ${want ?? 'no value'}`, favours })
  }
  return out
}

export async function detectConversions<M>(w: World<M>): Promise<Conversions> {
  const asset = role(w, 'asset')
  const assetDecimals = BigInt(w.instance.decimals)
  const vaultDecimals = await read(w, 'decimals')
  const me = w.actors[0].address
  return w.inSnapshot(async () => {
    // Amounts with odd digits, so that no candidate matches another by accident of round numbers.
    const donated = 10n ** assetDecimals * 1_000n + 7n
    const minted = await w.chain.call({ address: asset.address, abi: asset.abi, functionName: 'mint', args: [w.instance.vault, donated], from: me })
    if (!minted.ok) return { unknown: 'the asset could not be minted to the vault for the probe' }
    const total = await read(w, 'totalAssets')
    if (total !== donated) return { unknown: `totalAssets() is ${total ?? 'a revert'} where the vault holds ${donated} assets: tracked, not the asset balance`, tracked: true }
    const x = 10n ** assetDecimals * 123n + 45n
    const y = 10n ** (vaultDecimals ?? assetDecimals) * 77n + 5n
    const views = async (): Promise<Views> => {
      const out = {} as Views
      for (const fn of VIEWS) out[fn] = await read(w, fn, [argOf(fn, x, y)])
      return out
    }
    // Stage 1: the empty vault holding a donation, where the families' conversions differ most.
    const empty = await views()
    if (empty.convertToShares === undefined || empty.convertToAssets === undefined) return { unknown: 'convertToShares or convertToAssets reverted on the probe' }
    // Stage 2: after a first deposit, where a family that only coincides while empty parts ways.
    const z = 10n ** assetDecimals * 500n + 3n
    await w.chain.call({ address: asset.address, abi: asset.abi, functionName: 'mint', args: [me, z], from: me })
    await w.chain.call({ address: asset.address, abi: asset.abi, functionName: 'approve', args: [w.instance.vault, z], from: me })
    const dep = await w.chain.call({ address: w.instance.vault, abi: w.instance.vaultAbi, functionName: 'deposit', args: [z, me], from: me })
    const depositedShares = dep.ok && typeof dep.result === 'bigint' ? dep.result : undefined
    const after = await views()

    const stateOf = (virtualShares: bigint, virtualAssets: bigint) => ok(V.mintAsset(V.createErc4626State({ vault: w.instance.vault, virtualShares, virtualAssets }), w.instance.vault, donated))
    const conversionsFit = (virtualShares: bigint, virtualAssets: bigint) => misfits(predicted(stateOf(virtualShares, virtualAssets), x, y), empty, x, y, 'while empty', ['convertToShares', 'convertToAssets']).length === 0
    // The offset the decimals suggest first (OpenZeppelin: share decimals = asset decimals + d).
    const d = vaultDecimals !== undefined && vaultDecimals >= assetDecimals && vaultDecimals - assetDecimals <= BigInt(MAX_OFFSET) ? vaultDecimals - assetDecimals : 0n
    const powers = [d, ...Array.from({ length: MAX_OFFSET + 1 }, (_, i) => BigInt(i)).filter((k) => k !== d)]
    const candidates = [
      ...powers.map((k) => ({ virtualShares: 10n ** k, virtualAssets: 1n, label: `virtual offset 10^${k} (OpenZeppelin/solady family)` })),
      ...powers.filter((k) => k > 0n).map((k) => ({ virtualShares: 10n ** k, virtualAssets: 10n ** k, label: `virtual deposit 10^${k} on both sides (Euler family)` })),
      { virtualShares: 0n, virtualAssets: 0n, label: 'no virtual offset, 1:1 while empty (solmate family)' },
    ]
    const family = candidates.find((c) => conversionsFit(c.virtualShares, c.virtualAssets))
    if (!family) {
      // One wei off the family the decimals suggest, in the user's favour, is that family rounding
      // the wrong way (EIP-4626: conversions round down), not a formula of its own.
      const closest = candidates[0]
      const off = predicted(stateOf(closest.virtualShares, closest.virtualAssets), x, y)
      const roundsUp = (['convertToShares', 'convertToAssets'] as const).every((fn) => {
        const want = off[fn]
        const have = empty[fn]
        return want !== undefined && have !== undefined && have >= want && have - want <= 1n
      })
      if (roundsUp) return { ...closest, remark: 'its conversions round up by one wei, which EIP-4626 forbids' }
      return { unknown: `convertToShares(${x}) = ${empty.convertToShares} and convertToAssets(${y}) = ${empty.convertToAssets} on an empty vault holding ${donated} assets fit no known family` }
    }

    // The conversions fit; do the previews and a deposit follow them too? EIP-4626 lets previews
    // include fees, so a vault that departs from the formula only ever in its own favour is a family
    // of its own, judged without a formula. One that departs in the user's favour is not given that
    // benefit of the doubt: the formula's checks will report it.
    let m = stateOf(family.virtualShares, family.virtualAssets)
    const found = misfits(predicted(m, x, y), empty, x, y, 'while empty', ['previewDeposit', 'previewMint', 'previewWithdraw', 'previewRedeem'])
    m = ok(V.assetApprove(ok(V.mintAsset(m, me, z)), me, z))
    const deposited = V.deposit(m, me, z, me)
    if (!deposited.ok || depositedShares === undefined) return family
    if (depositedShares !== deposited.returns) found.push({ what: `deposit(${z}) minted ${depositedShares} shares, where the formula gives ${deposited.returns}`, favours: depositedShares < deposited.returns ? 'vault' : 'user' })
    else found.push(...misfits(predicted(deposited.state, x, y), after, x, y, 'after a first deposit'))
    if (found.length === 0 || found.some((f) => f.favours === 'user')) return family
    return { unknown: `its conversions fit ${family.label}, but ${found[0].what}: the vault keeps more than the formula gives (a fee?)` }
  })
}
