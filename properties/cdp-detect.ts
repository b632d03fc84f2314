/**
 * Which health rule a CDP implements, found at setup instead of assumed. The exact rule is
 * `collateral * price >= debt * ratio`; most vaults work in whole wei of debt value instead
 * (`collateral * price / 1e18` rounded down, the requirement rounded up), which refuses some
 * positions the exact rule accepts, by under 2 wei of value, and never accepts one it refuses.
 * The probe, in a snapshot that is reverted, moves the price to where the two rules part, borrows
 * exactly the exact rule's limit, and if that is refused, a limit 2 wei of value lower.
 */
import type { World } from '../engine/step.ts'
import * as D from '../model/cdp.ts'
import { WAD, mulDiv } from '../model/math.ts'
import type { M } from './cdp-common.ts'
import { callOn, role } from './common.ts'

export type HealthRule = { margin: bigint; label: string }

const EXACT: HealthRule = { margin: 0n, label: 'health check: exact (collateral * price >= debt * ratio), detected' }

/** Whether a check in whole wei, rounding against the borrower, refuses `pos`. */
function wholeWeiRefuses(pos: D.Position, price: bigint, ratio: bigint): boolean {
  return mulDiv(pos.collateral, price, WAD, 'floor') < mulDiv(pos.debt, ratio, WAD, 'ceil')
}

export async function detectHealthRule(w: World<M>, m: M): Promise<HealthRule> {
  if (m.minCollateralRatio === 0n) return EXACT
  const me = w.actors[0].address
  const oracle = role(w, 'oracle')
  const unit = 10n ** BigInt(w.instance.decimals)
  // A collateral amount and a price near the current one at which borrowing the exact limit leaves
  // a position that only the exact rule accepts (collateral * price just short of a whole wei).
  let probe: { amount: bigint; price: bigint; limit: bigint } | undefined
  for (const amount of [unit * 3n + unit / 3n + 7n, unit * 3n + 7n, unit * 7n + (unit * 2n) / 3n + 1n]) {
    for (let k = 1n; k < 1_000n && !probe; k += 2n) {
      const price = m.price + k
      const limit = mulDiv(amount, price, m.minCollateralRatio, 'floor')
      if (limit > 0n && wholeWeiRefuses({ collateral: amount, debt: limit }, price, m.minCollateralRatio)) probe = { amount, price, limit }
    }
  }
  if (!probe) return EXACT
  const { amount, price, limit } = probe
  return w.inSnapshot(async () => {
    const vault = (fn: string, args: readonly unknown[]) => callOn(w, w.instance.vault, w.instance.vaultAbi, fn, args, me)
    if (!(await callOn(w, oracle.address, oracle.abi, 'setPrice', [price], me)).ok) return EXACT
    if (!(await vault('deposit', [amount])).ok) return EXACT
    if ((await vault('borrow', [limit])).ok) return EXACT
    // Refused at the exact limit: is it the rounding, or a stricter rule (which the run will judge)?
    const lower = limit - (D.WHOLE_WEI_MARGIN + m.minCollateralRatio - 1n) / m.minCollateralRatio
    if (lower <= 0n || !(await vault('borrow', [lower])).ok) return EXACT
    return {
      margin: D.WHOLE_WEI_MARGIN,
      label:
        'health check: in whole wei of debt value, rounding against the borrower, detected (a position healthy by under 2 wei of value may be refused a borrow or withdrawal, and may be liquidated)',
    }
  })
}
