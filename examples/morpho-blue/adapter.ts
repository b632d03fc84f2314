/**
 * Morpho Blue 1.0.0 under the `lending` kind: one market (the kind's mock loan and collateral
 * tokens, its mock oracle, no interest rate model), created by the owner after enabling the LLTV.
 * Every action of the kind is Morpho's own function with the market's parameters in front (and
 * empty callback data); every observed total and position is one output of `market(id)` or
 * `position(id, user)`. Everything else of Morpho (owner setters, createMarket, flashLoan,
 * setAuthorizationWithSig) is called by every actor and held to LENDING-ACCESS-002.
 */
import { encodeAbiParameters, keccak256, type Address } from 'viem'
import { defineAdapter } from 'vaultcheck'

const NO_IRM: Address = '0x0000000000000000000000000000000000000000'
type MarketParams = { loanToken: Address; collateralToken: Address; oracle: Address; irm: Address; lltv: bigint }

/** The market each deployed Morpho was set up with (one per campaign). */
const markets = new Map<string, { params: MarketParams; id: `0x${string}` }>()
const market = (morpho: Address) => markets.get(morpho.toLowerCase())!

/** Morpho's market id: keccak256 of the ABI-encoded parameters. */
function idOf(p: MarketParams): `0x${string}` {
  return keccak256(encodeAbiParameters([{ type: 'address' }, { type: 'address' }, { type: 'address' }, { type: 'address' }, { type: 'uint256' }], [p.loanToken, p.collateralToken, p.oracle, p.irm, p.lltv]))
}

const totals = (output: string) => ({ fn: 'market', args: (_: readonly unknown[], morpho: Address) => [market(morpho).id], output })
const ofUser = (output: string) => ({ fn: 'position', args: ([user]: readonly unknown[], morpho: Address) => [market(morpho).id, user], output })

export default defineAdapter({
  kind: 'lending',
  async deployVault(c, [loanToken, collateralToken, oracle, lltv, rate]) {
    if (rate !== 0n) throw new Error('this adapter deploys Morpho without an interest rate model: use the lending kind without a rate')
    const morpho = await c.deployTarget([c.deployer.address])
    const params: MarketParams = { loanToken: loanToken as Address, collateralToken: collateralToken as Address, oracle: oracle as Address, irm: NO_IRM, lltv: lltv as bigint }
    await c.call(morpho, 'enableIrm', [NO_IRM])
    await c.call(morpho, 'enableLltv', [params.lltv])
    await c.call(morpho, 'createMarket', [params])
    markets.set(morpho.toLowerCase(), { params, id: idOf(params) })
    return morpho
  },
  calls: {
    supply: (c, [assets, shares, onBehalf], from) => c.call('supply', [market(c.vault).params, assets, shares, onBehalf, '0x'], from),
    withdraw: (c, [assets, shares, onBehalf, receiver], from) => c.call('withdraw', [market(c.vault).params, assets, shares, onBehalf, receiver], from),
    borrow: (c, [assets, shares, onBehalf, receiver], from) => c.call('borrow', [market(c.vault).params, assets, shares, onBehalf, receiver], from),
    repay: (c, [assets, shares, onBehalf], from) => c.call('repay', [market(c.vault).params, assets, shares, onBehalf, '0x'], from),
    supplyCollateral: (c, [assets, onBehalf], from) => c.call('supplyCollateral', [market(c.vault).params, assets, onBehalf, '0x'], from),
    withdrawCollateral: (c, [assets, onBehalf, receiver], from) => c.call('withdrawCollateral', [market(c.vault).params, assets, onBehalf, receiver], from),
    liquidate: (c, [borrower, seized, repaidShares], from) => c.call('liquidate', [market(c.vault).params, borrower, seized, repaidShares, '0x'], from),
    accrueInterest: (c, _, from) => c.call('accrueInterest', [market(c.vault).params], from),
  },
  reads: {
    totalSupplyAssets: totals('totalSupplyAssets'),
    totalSupplyShares: totals('totalSupplyShares'),
    totalBorrowAssets: totals('totalBorrowAssets'),
    totalBorrowShares: totals('totalBorrowShares'),
    supplyShares: ofUser('supplyShares'),
    borrowShares: ofUser('borrowShares'),
    collateral: ofUser('collateral'),
  },
  specified: ['supply', 'withdraw', 'borrow', 'repay', 'supplyCollateral', 'withdrawCollateral', 'liquidate', 'accrueInterest', 'setAuthorization'],
})
