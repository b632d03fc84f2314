import type { Kind, PropertyDef } from '../engine/property.ts'
import { kindProperties, type KindDefinition } from '../engine/define-kind.ts'
import { lending } from './lending.ts'

const STEP = 'after every step'
const PROBE = 'exit probe (every checkInterval steps and at the end of every run, in a reverted snapshot)'

function wrapperProperties(kind: 'reserve' | 'native'): PropertyDef[] {
  const P = kind.toUpperCase()
  const collateral = kind === 'reserve' ? 'underlying tokens' : 'native coin'
  return [
    {
      id: `${P}-DIFF-001`,
      kind,
      theme: 'differential',
      promise: `Every action succeeds or reverts as the specification says: a holder can always deposit within its balance and allowance and withdraw its own balance; overdrafts always revert.`,
      checkedIn: STEP,
    },
    {
      id: `${P}-DIFF-002`,
      kind,
      theme: 'differential',
      promise: `Return values, interface events, every account's balances, allowances and the total supply match the reference model after every action.`,
      checkedIn: STEP,
    },
    {
      id: `${P}-BACKING-001`,
      kind,
      theme: 'backing',
      promise: `The vault always holds at least as many ${collateral} as tokens it has issued (totalSupply <= reserve).`,
      checkedIn: STEP,
    },
    {
      id: `${P}-BACKING-002`,
      kind,
      theme: 'backing',
      promise: `The sum of all balances equals the total supply.`,
      checkedIn: STEP,
    },
    {
      id: `${P}-EXIT-001`,
      kind,
      theme: 'redeemability',
      promise: `Every holder can, one after another, withdraw its whole balance and receive exactly that many ${collateral}, leaving no tokens outstanding.`,
      checkedIn: PROBE,
    },
    {
      id: `${P}-VIEW-001`,
      kind,
      theme: 'differential',
      promise: 'The views the kind requires (balances, allowances, total supply) answer after every action: they never revert.',
      checkedIn: STEP,
    },
    {
      id: `${P}-ACCESS-001`,
      kind,
      theme: 'access',
      promise: `No action moves another account's tokens or ${collateral} without its allowance, and an allowance used is spent.`,
      checkedIn: STEP,
    },
  ]
}

const erc4626: PropertyDef[] = [
  {
    id: 'ERC4626-DIFF-001',
    kind: 'erc4626',
    theme: 'differential',
    promise: 'Every action succeeds or reverts as EIP-4626 says: deposits within balance and allowance, and withdrawals up to maxWithdraw/maxRedeem, succeed; actions past the max or past an allowance revert.',
    checkedIn: STEP,
  },
  {
    id: 'ERC4626-DIFF-002',
    kind: 'erc4626',
    theme: 'differential',
    promise: 'Returned shares/assets, Deposit/Withdraw/Transfer events, balances, allowances, total supply and total assets match the reference model (EIP-4626 rounding) after every action.',
    checkedIn: STEP,
  },
  {
    id: 'ERC4626-BACKING-001',
    kind: 'erc4626',
    theme: 'backing',
    promise: 'What the vault owes its holders (the sum of previewRedeem over all balances) never exceeds the assets it holds.',
    checkedIn: STEP,
  },
  {
    id: 'ERC4626-BACKING-002',
    kind: 'erc4626',
    theme: 'backing',
    promise: 'The sum of all share balances equals the total supply.',
    checkedIn: STEP,
  },
  {
    id: 'ERC4626-EXIT-001',
    kind: 'erc4626',
    theme: 'redeemability',
    promise: 'Every holder can, one after another, redeem its whole balance and receive what the model says it is owed, leaving no shares outstanding.',
    checkedIn: PROBE,
  },
  {
    id: 'ERC4626-RND-001',
    kind: 'erc4626',
    theme: 'rounding',
    promise: 'Round trips never profit: redeem(deposit(a)) <= a and withdraw(mint(s)) burns >= s shares.',
    checkedIn: 'round-trip probe action, in a reverted snapshot',
  },
  {
    id: 'ERC4626-RND-002',
    kind: 'erc4626',
    theme: 'rounding',
    promise: 'previewDeposit/previewRedeem never promise more than the action gives, previewMint/previewWithdraw never charge less than the action takes, and maxWithdraw/maxRedeem never exceed what the owner holds.',
    checkedIn: STEP,
  },
  {
    id: 'ERC4626-RND-003',
    kind: 'erc4626',
    theme: 'rounding',
    promise: 'The first-depositor donation attack never profits: deposit, donate, a victim deposits, the attacker redeems and ends with no more assets than it put in.',
    checkedIn: 'donation-attack probe action on an empty vault, in a reverted snapshot',
  },
  {
    id: 'ERC4626-RND-004',
    kind: 'erc4626',
    theme: 'rounding',
    promise: 'A nonzero deposit never mints zero shares (stricter than EIP-4626; OpenZeppelin does not promise it).',
    checkedIn: STEP,
    optIn: true,
  },
  {
    id: 'ERC4626-VIEW-001',
    kind: 'erc4626',
    theme: 'differential',
    promise: 'totalAssets, convertTo*, maxWithdraw and maxRedeem answer after every action: EIP-4626 says they MUST NOT revert.',
    checkedIn: STEP,
  },
  {
    id: 'ERC4626-ACCESS-001',
    kind: 'erc4626',
    theme: 'access',
    promise: "No action moves another account's shares or assets without its allowance, and an allowance used is spent.",
    checkedIn: STEP,
  },
]

const cdp: PropertyDef[] = [
  {
    id: 'CDP-DIFF-001',
    kind: 'cdp',
    theme: 'differential',
    promise: 'Every action succeeds or reverts as the specification says: deposits within balance, healthy withdrawals and borrows, and repayments up to the debt succeed; unhealthy ones revert.',
    checkedIn: STEP,
  },
  {
    id: 'CDP-DIFF-002',
    kind: 'cdp',
    theme: 'differential',
    promise: 'Positions, collateral and debt-token balances, and seized collateral match the reference model after every action.',
    checkedIn: STEP,
  },
  {
    id: 'CDP-BACKING-001',
    kind: 'cdp',
    theme: 'backing',
    promise: "Total debt equals the debt token's total supply: no debt token exists that is not owed.",
    checkedIn: `${STEP} (the sum of debtOf over all actors, and the vault's own totalDebt() when it has one)`,
  },
  {
    id: 'CDP-BACKING-002',
    kind: 'cdp',
    theme: 'backing',
    promise: 'The collateral the vault holds equals the sum of all positions.',
    checkedIn: STEP,
  },
  {
    id: 'CDP-RATIO-001',
    kind: 'cdp',
    theme: 'ratio',
    promise: 'A position never ends a withdraw or a borrow below the minimum collateralization ratio.',
    checkedIn: STEP,
  },
  {
    id: 'CDP-LIQ-001',
    kind: 'cdp',
    theme: 'ratio',
    promise: 'Liquidation is possible exactly when a position is unhealthy, and pays min(collateral, debt * (1 + bonus) / price).',
    checkedIn: STEP,
  },
  {
    id: 'CDP-EXIT-001',
    kind: 'cdp',
    theme: 'redeemability',
    promise: 'Once debt tokens are returned to the borrowers that owe them, every borrower can repay in full and withdraw all its collateral, leaving no debt and no positions.',
    checkedIn: PROBE,
  },
  {
    id: 'CDP-VIEW-001',
    kind: 'cdp',
    theme: 'differential',
    promise: 'collateralOf, debtOf, the oracle price and the token balances answer after every action: they never revert.',
    checkedIn: STEP,
  },
  {
    id: 'CDP-ACCESS-001',
    kind: 'cdp',
    theme: 'access',
    promise: "No action moves another account's debt tokens or collateral without its allowance, and no one but a liquidator of an unhealthy position changes another's position.",
    checkedIn: STEP,
  },
]

/** The same promise for every kind: the specification is the whole of what an unprivileged caller can do. */
function outsideTheSpecification(kind: Kind): PropertyDef {
  return {
    id: `${kind.toUpperCase()}-ACCESS-002`,
    kind,
    theme: 'access',
    promise: 'No function outside the specification moves value or changes a position or supply: called by an unprivileged actor, every other state-changing function of the vault and of the contracts it deploys reverts or leaves every observed balance, allowance, supply and position as it was.',
    checkedIn: 'after every generated call of a function outside the kind\'s actions',
  }
}

export const PROPERTIES: readonly PropertyDef[] = [
  ...wrapperProperties('reserve'),
  outsideTheSpecification('reserve'),
  ...wrapperProperties('native'),
  outsideTheSpecification('native'),
  ...erc4626,
  outsideTheSpecification('erc4626'),
  ...cdp,
  outsideTheSpecification('cdp'),
  ...kindProperties(lending as KindDefinition<unknown>),
]

export function propertiesOf(kind: Kind): PropertyDef[] {
  return PROPERTIES.filter((p) => p.kind === kind)
}

export function propertyById(id: string): PropertyDef | undefined {
  return PROPERTIES.find((p) => p.id === id)
}
