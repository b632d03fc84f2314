/**
 * The deliberately broken vaults in contracts/buggy/, and the properties each must trip. A test
 * proves every fixture trips all of `trips` at the default budget and nothing outside `trips` and
 * `alsoTrips` (and the reference vaults trip none).
 */
import type { Kind } from '../engine/property.ts'

export type Fixture = {
  contract: string
  kind: Kind
  bug: string
  /** Broken promises the default budget (40 runs, seed 1) must find. */
  trips: readonly string[]
  /**
   * Promises the bug also breaks, in corners exploration reaches on some seeds only (measured over
   * seeds by bench/detection.ts): finding them is right, missing them at seed 1 is not a failure.
   */
  alsoTrips?: readonly string[]
}

export const FIXTURES: readonly Fixture[] = [
  {
    contract: 'ReserveUnbackedMintOnEdge',
    kind: 'reserve',
    bug: 'depositFor mints value + 1 when value % 1000 == 7',
    trips: ['RESERVE-DIFF-002', 'RESERVE-BACKING-001', 'RESERVE-EXIT-001'],
  },
  {
    contract: 'ReserveWithdrawBurnsRecipient',
    kind: 'reserve',
    bug: 'withdrawTo burns from the recipient instead of the caller',
    trips: ['RESERVE-DIFF-001', 'RESERVE-DIFF-002', 'RESERVE-ACCESS-001'],
  },
  {
    contract: 'ReserveAllowanceNotSpent',
    kind: 'reserve',
    bug: 'transferFrom checks the allowance but never spends it',
    trips: ['RESERVE-DIFF-002', 'RESERVE-ACCESS-001'],
  },
  {
    contract: 'ReserveFullExitBlocked',
    kind: 'reserve',
    bug: 'withdrawTo rejects withdrawing the whole balance (>= instead of >)',
    trips: ['RESERVE-DIFF-001', 'RESERVE-EXIT-001'],
  },
  {
    contract: 'ReserveSelfTransferBurns',
    kind: 'reserve',
    bug: 'a transfer to oneself debits without crediting (the credit is overwritten by a stale balance)',
    // The vanished tokens are still in totalSupply: after every holder exits they remain outstanding.
    trips: ['RESERVE-DIFF-002', 'RESERVE-BACKING-002', 'RESERVE-EXIT-001'],
  },
  {
    contract: 'ReserveSupplyCapInView',
    kind: 'reserve',
    bug: 'totalSupply() reverts once the supply passes a cap that depositFor never enforces',
    trips: ['RESERVE-VIEW-001'],
  },
  {
    contract: 'ReserveOpenRescue',
    kind: 'reserve',
    bug: 'rescue(to), outside the reserve interface, has no access check and sends the whole reserve to any caller',
    trips: ['RESERVE-ACCESS-002', 'RESERVE-BACKING-001', 'RESERVE-EXIT-001'],
  },
  {
    contract: 'NativeFullExitNoBurn',
    kind: 'native',
    bug: 'withdraw skips the burn when wad equals the whole balance',
    trips: ['NATIVE-DIFF-002', 'NATIVE-BACKING-001', 'NATIVE-EXIT-001'],
  },
  {
    contract: 'NativeOddWithdrawOverpays',
    kind: 'native',
    bug: 'withdraw sends wad + 1 when wad is odd',
    trips: ['NATIVE-DIFF-001', 'NATIVE-DIFF-002', 'NATIVE-BACKING-001', 'NATIVE-EXIT-001'],
  },
  {
    contract: 'NativeTransferFromNoAllowance',
    kind: 'native',
    bug: 'transferFrom neither checks nor spends the allowance',
    trips: ['NATIVE-DIFF-001', 'NATIVE-DIFF-002', 'NATIVE-ACCESS-001'],
  },
  {
    contract: 'NativeSelfTransferMints',
    kind: 'native',
    bug: 'a transfer to oneself credits without debiting (balances read before writing)',
    trips: ['NATIVE-DIFF-002', 'NATIVE-BACKING-002', 'NATIVE-EXIT-001'],
  },
  {
    contract: 'NativeDustBalanceReverts',
    kind: 'native',
    bug: 'balanceOf reverts for a nonzero balance below 1 gwei (a minimum-balance rule checked in the view)',
    trips: ['NATIVE-VIEW-001'],
  },
  {
    contract: 'NativeOpenSweep',
    kind: 'native',
    bug: 'sweep(), outside the native interface, has no access check and sends the whole coin balance to the caller',
    trips: ['NATIVE-ACCESS-002', 'NATIVE-BACKING-001', 'NATIVE-EXIT-001'],
  },
  {
    contract: 'VaultDepositRoundsUp',
    kind: 'erc4626',
    bug: 'deposit rounds shares up (EIP-4626 says down)',
    trips: ['ERC4626-DIFF-002', 'ERC4626-RND-001', 'ERC4626-RND-003'],
  },
  {
    contract: 'VaultRedeemRoundsUp',
    kind: 'erc4626',
    bug: 'redeem rounds assets up (EIP-4626 says down)',
    trips: ['ERC4626-DIFF-002', 'ERC4626-BACKING-001', 'ERC4626-EXIT-001'],
    // The attacker of a donation attack redeems one unit too many; redeeming a last holder's whole
    // balance can ask for more than the vault holds and revert.
    alsoTrips: ['ERC4626-RND-003', 'ERC4626-DIFF-001'],
  },
  {
    contract: 'VaultNoVirtualOffset',
    kind: 'erc4626',
    bug: 'no virtual shares/assets: the first-depositor donation attack pays',
    // Its conversions are detected as solmate's (no offset), so the model agrees with every action
    // and only the design's weakness remains: value captured through rounding after a donation.
    trips: ['ERC4626-RND-001', 'ERC4626-RND-003'],
  },
  {
    contract: 'VaultWithdrawSkipsAllowance',
    kind: 'erc4626',
    bug: 'withdraw by a non-owner neither checks nor spends the share allowance',
    trips: ['ERC4626-DIFF-001', 'ERC4626-ACCESS-001'],
    // Once DIFF-001 is off, the same unauthorised withdraw shows up as state the model never reached.
    alsoTrips: ['ERC4626-DIFF-002'],
  },
  {
    contract: 'VaultMaxWithdrawInShares',
    kind: 'erc4626',
    bug: 'maxWithdraw returns the share balance instead of its value in assets',
    trips: ['ERC4626-DIFF-002', 'ERC4626-RND-002'],
    // withdraw(maxWithdraw) reverting needs a rate below 1 (a loss) before it: seed-dependent.
    alsoTrips: ['ERC4626-DIFF-001'],
  },
  {
    contract: 'VaultConvertRevertsOnZero',
    kind: 'erc4626',
    bug: "convertToShares reverts for 0 assets (deposit's zero-amount guard in a view EIP-4626 says MUST NOT revert)",
    trips: ['ERC4626-VIEW-001'],
  },
  {
    contract: 'VaultFullBurnKeepsSupply',
    kind: 'erc4626',
    bug: "burning an owner's whole share balance deletes it but never lowers totalSupply",
    trips: ['ERC4626-DIFF-002', 'ERC4626-BACKING-002', 'ERC4626-EXIT-001'],
  },
  {
    contract: 'VaultOpenSetTotalAssets',
    kind: 'erc4626',
    bug: "setTotalAssets(x), the keeper's report hook, has no access check: anyone sets the figure shares are priced from",
    // Once the reported figure parts from the balance the model cannot follow: every later check is off.
    trips: ['ERC4626-ACCESS-002', 'ERC4626-DIFF-001', 'ERC4626-DIFF-002', 'ERC4626-BACKING-001', 'ERC4626-EXIT-001', 'ERC4626-VIEW-001'],
  },
  {
    contract: 'CdpBorrowChecksOldPosition',
    kind: 'cdp',
    bug: 'borrow checks health before adding the new debt',
    trips: ['CDP-DIFF-001', 'CDP-RATIO-001'],
  },
  {
    contract: 'CdpFullWithdrawSkipsHealthCheck',
    kind: 'cdp',
    bug: 'withdrawing all collateral skips the health check, leaving debt with no collateral',
    trips: ['CDP-DIFF-001', 'CDP-RATIO-001'],
  },
  {
    contract: 'CdpHealthRoundsForBorrower',
    kind: 'cdp',
    bug: "the health check rounds collateral x price up to whole 1e18 units (in the borrower's favour): a borrow just past the limit passes at a price that is not round",
    trips: ['CDP-DIFF-001', 'CDP-RATIO-001'],
    // The liquidation check shares the rounded health check: a position just unhealthy cannot be liquidated.
    alsoTrips: ['CDP-LIQ-001'],
  },
  {
    contract: 'CdpLiquidatableAtMinimum',
    kind: 'cdp',
    bug: 'liquidation boundary off by one: a position exactly at the minimum ratio can be liquidated',
    trips: ['CDP-DIFF-001', 'CDP-LIQ-001', 'CDP-ACCESS-001'],
  },
  {
    contract: 'CdpLiquidationKeepsTotalDebt',
    kind: 'cdp',
    bug: 'liquidation burns the debt tokens but never lowers the recorded total debt',
    trips: ['CDP-BACKING-001'],
  },
  {
    contract: 'CdpSeizeRoundsUp',
    kind: 'cdp',
    bug: 'seized collateral rounds up, handing the liquidator an extra unit',
    trips: ['CDP-DIFF-002', 'CDP-LIQ-001'],
  },
  {
    contract: 'CdpFullRepayRejected',
    kind: 'cdp',
    bug: 'repay rejects repaying the whole debt (>= instead of >)',
    trips: ['CDP-DIFF-001', 'CDP-EXIT-001'],
  },
  {
    contract: 'CdpClosingWithdrawKeepsTotal',
    kind: 'cdp',
    bug: 'withdrawing the whole collateral of a debt-free position never lowers totalCollateral',
    // Positions and token balances stay right: only the vault's own total drifts, which DIFF-002 does not project.
    trips: ['CDP-BACKING-002'],
  },
  {
    contract: 'CdpUnhealthyDebtOfReverts',
    kind: 'cdp',
    bug: "debtOf runs the actions' health check, so it reverts for a position a price move left unhealthy",
    trips: ['CDP-VIEW-001'],
  },
  {
    contract: 'CdpDebtMintUnguarded',
    kind: 'cdp',
    bug: "the vault's own debt token lost mint's minter check: anyone mints debt tokens no position owes",
    trips: ['CDP-ACCESS-002', 'CDP-BACKING-001', 'CDP-EXIT-001'],
  },
  {
    contract: 'LendingBorrowChecksOldPosition',
    kind: 'lending',
    bug: 'borrow checks health before adding the new debt',
    // A position without debt is healthy, so the first borrow needs no collateral at all: debt with nothing behind it.
    trips: ['LENDING-DIFF-001', 'LENDING-RATIO-001', 'LENDING-BADDEBT-001'],
  },
  {
    contract: 'LendingLiquidatesHealthy',
    kind: 'lending',
    bug: "liquidate never checks the borrower's health",
    trips: ['LENDING-DIFF-001', 'LENDING-LIQ-001'],
  },
  {
    contract: 'LendingSeizeRoundsUp',
    kind: 'lending',
    bug: 'a liquidation by repaid shares rounds the incentive and the seized collateral up, in the liquidator\'s favour',
    trips: ['LENDING-DIFF-002', 'LENDING-LIQ-002'],
    // Rounded up, the seizure can exceed what the borrower has left, and the liquidation reverts.
    alsoTrips: ['LENDING-DIFF-001'],
  },
  {
    contract: 'LendingBadDebtNotSocialized',
    kind: 'lending',
    bug: 'a liquidation that exhausts the collateral leaves the rest of the debt on the books',
    trips: ['LENDING-DIFF-002', 'LENDING-BADDEBT-001'],
  },
  {
    contract: 'LendingOnBehalfUnchecked',
    kind: 'lending',
    bug: 'no authorization check on onBehalf (borrow, withdraw, withdrawCollateral)',
    trips: ['LENDING-DIFF-001', 'LENDING-ACCESS-001'],
  },
  {
    contract: 'LendingWithdrawRoundsDown',
    kind: 'lending',
    bug: 'withdrawing assets burns the shares they convert to rounded down',
    trips: ['LENDING-DIFF-002', 'LENDING-RND-001'],
  },
  {
    contract: 'LendingFullRepayBlocked',
    kind: 'lending',
    bug: 'repay rejects repaying every share of the debt (< instead of <=)',
    trips: ['LENDING-DIFF-001', 'LENDING-EXIT-001'],
  },
  {
    contract: 'LendingCollateralShortPull',
    kind: 'lending',
    bug: 'supplyCollateral credits the whole amount but pulls 0.1% less',
    trips: ['LENDING-DIFF-001', 'LENDING-DIFF-002', 'LENDING-BACKING-002'],
  },
  {
    contract: 'LendingBorrowBeyondSupply',
    kind: 'lending',
    bug: 'borrow has no liquidity check: loan tokens donated to the market (no lender supplied them) can be borrowed',
    trips: ['LENDING-DIFF-001', 'LENDING-BACKING-001'],
  },
  {
    contract: 'LendingCollateralViewReverts',
    kind: 'lending',
    bug: "collateral(account) runs withdrawCollateral's health check, so it reverts for a position a price move left unhealthy",
    trips: ['LENDING-VIEW-001'],
  },
  {
    contract: 'LendingOpenSweep',
    kind: 'lending',
    bug: 'an owner-only sweep of stray loan tokens has no access check and sends the whole balance to any address',
    trips: ['LENDING-ACCESS-002', 'LENDING-BACKING-002'],
  },
]

export function fixturesOf(kind: Kind): Fixture[] {
  return FIXTURES.filter((f) => f.kind === kind)
}
