/**
 * Equivalent mutants of the bundled reference vaults.
 *
 * A mutant is equivalent when no caller can observe the change. Those are excluded from the
 * "non-equivalent" score: no suite can kill them. Keyed by Mutant.key (file:function:orig => repl).
 * The verdicts are about these files as shipped: they apply only to a file whose content is the
 * bundled one's (see equivalenceOf), never to a user's file that happens to share its name.
 */
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { PACKAGE_ROOT } from '../../evm/package-root.ts'

export const EQUIVALENT_MUTANTS: Readonly<Record<string, string>> = {
  // ReserveVault: the receiver == vault guard. Not equivalent in the strict sense (the call succeeds
  // instead of reverting), but the reserve specification makes receiver == vault implementation-
  // defined ('receiver-is-vault' in model/reserve.ts: OpenZeppelin reverts, others may not), and the
  // model checks the non-reverting behaviour exactly when it happens. No promise of the kind is broken.
  'ReserveVault.sol:ReserveVault.depositFor:if (account == address(this)) revert InvalidAccount(account); => (removed)':
    'permitted by the specification: depositFor(vault, x) is implementation-defined (receiver-is-vault); without the guard the wrapped tokens are minted to the vault and parked there, which the model predicts and allows',
  'ReserveVault.sol:ReserveVault.withdrawTo:if (account == address(this)) revert InvalidAccount(account); => (removed)':
    'permitted by the specification: withdrawTo(vault, x) is implementation-defined (receiver-is-vault); without the guard the caller burns x and the underlying stays in the vault, which the model predicts and allows',
  // TokenizedVault: max* guards that other code already enforces.
  'TokenizedVault.sol:TokenizedVault.deposit:if (assets > max) revert ExceededMaxDeposit(receiver, assets, max); => (removed)':
    'maxDeposit is type(uint256).max, so assets > max can never hold',
  'TokenizedVault.sol:TokenizedVault.deposit:assets > max => assets >= max':
    'max is type(uint256).max: only deposit(2^256-1) changes, and it reverts either way (no account holds 2^256-1 assets, so the asset transfer fails); only the revert reason differs',
  'TokenizedVault.sol:TokenizedVault.mint:if (shares > max) revert ExceededMaxMint(receiver, shares, max); => (removed)':
    'maxMint is type(uint256).max, so shares > max can never hold',
  'TokenizedVault.sol:TokenizedVault.mint:shares > max => shares >= max':
    'max is type(uint256).max: only mint(2^256-1) changes, and it reverts either way (previewMint overflows or costs 2^256-1 assets no one holds); only the revert reason differs',
  'TokenizedVault.sol:TokenizedVault.withdraw:if (assets > max) revert ExceededMaxWithdraw(owner, assets, max); => (removed)':
    'assets > maxWithdraw(owner) = floor(balance * (totalAssets+1) / (totalSupply+1)) implies previewWithdraw(assets) > balance, so _burn (or _spendAllowance) reverts anyway; only the revert reason differs',
  'TokenizedVault.sol:TokenizedVault.redeem:if (shares > max) revert ExceededMaxRedeem(owner, shares, max); => (removed)':
    'maxRedeem(owner) is balanceOf(owner): shares > balance makes _burn (or _spendAllowance) revert anyway; only the revert reason differs',
  // CollateralDebtVault: a tie the ternary resolves either way, and Liquidate event fields.
  'CollateralDebtVault.sol:CollateralDebtVault._seizedCollateral:owed < collateral => owed <= collateral':
    'min(owed, collateral) either way: the two differ only when owed == collateral, and then both branches return the same value',
  'CollateralDebtVault.sol:CollateralDebtVault.liquidate:debt, seized => seized, debt':
    "only the Liquidate event's fields change: the cdp kind has no standard interface, its events are the reference's own (model/cdp.ts), and the cdp specification promises none of them (CDP-DIFF-002 covers positions, balances and seized collateral, all unchanged)",
  'CollateralDebtVault.sol:CollateralDebtVault.liquidate:seized, price => price, seized':
    "only the Liquidate event's fields change: the cdp kind has no standard interface, its events are the reference's own (model/cdp.ts), and the cdp specification promises none of them (CDP-DIFF-002 covers positions, balances and seized collateral, all unchanged)",
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
const bundledHashes = new Map<string, string | undefined>()

/** Why the mutant `key` of a file with this content is equivalent, if it is a bundled vault's. */
export function equivalenceOf(key: string, content: string): string | undefined {
  const reason = EQUIVALENT_MUTANTS[key]
  if (!reason) return undefined
  const base = key.slice(0, key.indexOf(':'))
  if (!bundledHashes.has(base)) {
    const file = path.join(PACKAGE_ROOT, 'contracts', base)
    bundledHashes.set(base, fs.existsSync(file) ? sha256(fs.readFileSync(file, 'utf8')) : undefined)
  }
  return bundledHashes.get(base) === sha256(content) ? reason : undefined
}
