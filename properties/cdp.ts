/**
 * Kind `cdp`: an over-collateralised debt vault. Owners lock a collateral token, borrow the vault's
 * debt token against it, repay by burning it; anyone may liquidate an unhealthy position.
 * deposit/withdraw/borrow/repay/liquidate, the debt token's ERC20 functions (between actors only:
 * the exit probe returns every debt token to the borrowers that owe it), approvals of the
 * collateral, a collateral faucet, and oracle price moves (the environment).
 *
 * Only the CDP interface is relied on. `totalDebt()` / `totalCollateral()` are read when the vault
 * has them (our reference does) and then held to the same backing promises as the sums they stand for.
 *
 * The driver is here; its commands are in cdp-actions.ts (the price moves in cdp-moves.ts, the
 * multi-step commands built with steps.ts), its step checks in cdp-invariants.ts, the exit probe
 * in cdp-exit.ts, and what they share (observation keys, readers, `prefer`) in cdp-common.ts.
 */
import { propertiesOf } from './registry.ts'
import { erc20Abi, type Abi, type Address } from 'viem'
import type { KindDriver } from '../engine/step.ts'
import type { Observation, ReadSpec } from '../evm/observe.ts'
import * as D from '../model/cdp.ts'
import * as E from '../model/erc20.ts'
import { MAX_UINT256 } from '../model/math.ts'
import { DECIMAL_QUIRKS } from '../engine/quirks.ts'
import { cdpCommands } from './cdp-actions.ts'
import { C, DEBT, type M, PRICE, V, collOf, debtOf, initialPrices } from './cdp-common.ts'
import { detectHealthRule } from './cdp-detect.ts'
import { cdpExit } from './cdp-exit.ts'
import { cdpInvariants } from './cdp-invariants.ts'
import { allowanceReads, role, tokenReads } from './common.ts'
import { mustCall, ok, projectAllowances, syncLedger, withAllowance } from './reserve.ts'

export const INITIAL_COLLATERAL = 1_000n
/** 1 collateral token is worth this many debt tokens at the start of every run. */
export const INITIAL_TOKEN_PRICE = 2_000n

/** The 1e18-scaled raw price (debt units per collateral unit) at which 1 token is worth `perToken` debt tokens. */
export function scaledPrice(perToken: bigint, collateralDecimals: number, debtDecimals: number): bigint {
  const exp = 18 + debtDecimals - collateralDecimals
  return exp >= 0 ? perToken * 10n ** BigInt(exp) : perToken / 10n ** BigInt(-exp)
}

function hasView(abi: Abi, name: string): boolean {
  return abi.some((x) => x.type === 'function' && x.name === name && x.inputs.length === 0 && (x.outputs?.length ?? 0) === 1)
}

export const cdpDriver: KindDriver<M> = {
  kind: 'cdp',
  specified: { vault: ['deposit', 'withdraw', 'borrow', 'repay', 'liquidate'], debt: ['transfer', 'approve', 'transferFrom'] },
  properties: propertiesOf('cdp'),
  // Of the collateral token. Not fee on transfer (what a position is credited with is the vault's
  // design choice), rebasing (whether a position's collateral rebases with it, too), nor transfer
  // hooks (no re-entrant actions for the kind yet).
  tokenQuirks: [...DECIMAL_QUIRKS, 'no-return', 'returns-false', 'revert-on-zero', 'transfer-max'],

  async deploy({ chain, vault, mocks, decimals, deployer, args }) {
    const from = deployer.address
    const collateral = await chain.deploy({ artifact: mocks.MockERC20, args: ['Collateral', 'COL', decimals], from })
    const oracle = await chain.deploy({ artifact: mocks.MockOracle, args: [scaledPrice(INITIAL_TOKEN_PRICE, decimals, 18)], from })
    const address = await chain.deploy({ artifact: vault, args: args ?? [collateral, oracle], from })
    const read = <T>(functionName: string) => chain.read<T>({ address, abi: vault.abi, functionName })
    // The vault says which tokens and oracle it uses (custom constructor args may point elsewhere).
    const debt = await read<Address>('debtToken')
    const collateralToken = await read<Address>('collateralToken')
    const oracleAddress = await read<Address>('oracle')
    // Whatever the decimals of either token, 1 collateral token starts out worth 2000 debt tokens.
    const decimalsOf = (token: Address, fallback: number) =>
      chain.read<number>({ address: token, abi: mocks.MockERC20.abi, functionName: 'decimals' }).then(Number, () => fallback)
    const debtDecimals = await decimalsOf(debt, 18)
    const collDecimals = await decimalsOf(collateralToken, decimals)
    const r = await chain.call({ address: oracleAddress, abi: mocks.MockOracle.abi, functionName: 'setPrice', args: [scaledPrice(INITIAL_TOKEN_PRICE, collDecimals, debtDecimals)], from })
    if (!r.ok) throw new Error('MockOracle.setPrice reverted during deployment')
    return {
      vault: address,
      vaultAbi: vault.abi,
      decimals: collDecimals,
      contracts: {
        vault: { address, abi: vault.abi },
        collateral: { address: collateralToken, abi: mocks.MockERC20.abi },
        // The vault's own debt token is plain whatever the collateral is (--token-quirks swaps the mock).
        debt: { address: debt, abi: mocks.MockERC20.name === 'MockERC20' ? mocks.MockERC20.abi : erc20Abi },
        oracle: { address: oracleAddress, abi: mocks.MockOracle.abi },
      },
    }
  },

  async setup(w) {
    const c = role(w, C)
    const o = role(w, 'oracle')
    const v = w.instance
    const read = (address: Address, abi: Abi, functionName: string) => w.chain.read<bigint>({ address, abi, functionName })
    const price = await read(o.address, o.abi, 'price')
    initialPrices.set(w, price)
    let m: M = D.createCdpState({
      vault: v.vault,
      price,
      minCollateralRatio: await read(v.vault, v.vaultAbi, 'minCollateralRatio'),
      liquidationBonus: await read(v.vault, v.vaultAbi, 'liquidationBonus'),
      ...(w.tokenBehaviour ? { collateralToken: w.tokenBehaviour } : {}),
    })
    const amount = INITIAL_COLLATERAL * 10n ** BigInt(v.decimals)
    for (const a of w.actors) {
      await mustCall(w, c.address, c.abi, 'mint', [a.address, amount], a.address)
      await mustCall(w, c.address, c.abi, 'approve', [v.vault, MAX_UINT256], a.address)
      m = ok(D.mintCollateral(m, a.address, amount))
      m = ok(D.collateralApprove(m, a.address, MAX_UINT256))
    }
    const rule = await detectHealthRule(w, m)
    w.note(rule.label)
    return { ...m, roundingMargin: rule.margin }
  },

  reads(w) {
    const c = role(w, C)
    const d = role(w, DEBT)
    const o = role(w, 'oracle')
    const v = w.instance
    const reads: ReadSpec[] = [
      ...tokenReads(w, C, c, { supply: false }),
      ...tokenReads(w, DEBT, d),
      ...allowanceReads(w, DEBT, d),
      ...w.actors.map((a) => ({ key: `${C}.allowance(${a.name},vault)`, kind: 'call' as const, address: c.address, abi: c.abi, functionName: 'allowance', args: [a.address, v.vault] })),
      ...w.actors.flatMap((a) => [
        { key: `${V}.collateralOf(${a.name})`, kind: 'call' as const, address: v.vault, abi: v.vaultAbi, functionName: 'collateralOf', args: [a.address] },
        { key: `${V}.debtOf(${a.name})`, kind: 'call' as const, address: v.vault, abi: v.vaultAbi, functionName: 'debtOf', args: [a.address] },
      ]),
      { key: PRICE, kind: 'call', address: o.address, abi: o.abi, functionName: 'price' },
    ]
    // Extras outside the interface: checked against the backing invariants (never projected).
    for (const fn of ['totalDebt', 'totalCollateral']) {
      if (hasView(v.vaultAbi, fn)) reads.push({ key: `${V}.${fn}`, kind: 'call', address: v.vault, abi: v.vaultAbi, functionName: fn })
    }
    return reads
  },

  project(m, w) {
    const o: Observation = {}
    for (const a of w.accounts()) {
      o[`${C}.balanceOf(${a.name})`] = E.balanceOf(m.collateral, a.address)
      o[`${DEBT}.balanceOf(${a.name})`] = E.balanceOf(m.debt, a.address)
    }
    o[`${DEBT}.totalSupply`] = m.debt.totalSupply
    projectAllowances(o, w, m.debt, DEBT)
    for (const a of w.actors) {
      o[`${C}.allowance(${a.name},vault)`] = E.allowance(m.collateral, a.address, m.vault)
      const p = D.positionOf(m, a.address)
      o[`${V}.collateralOf(${a.name})`] = p.collateral
      o[`${V}.debtOf(${a.name})`] = p.debt
    }
    o[PRICE] = m.price
    return o
  },

  sync(m, obs, w) {
    let collateral = syncLedger(m.collateral, obs, w, C)
    for (const a of w.actors) collateral = withAllowance(collateral, a.address, m.vault, obs[`${C}.allowance(${a.name},vault)`])
    let debt = syncLedger(m.debt, obs, w, DEBT)
    debt = { ...debt, totalSupply: obs[`${DEBT}.totalSupply`] }
    const positions: Record<string, D.Position> = { ...m.positions }
    for (const a of w.actors) {
      const key = a.address.toLowerCase()
      const p = { collateral: collOf(obs, a.name), debt: debtOf(obs, a.name) }
      if (p.collateral === 0n && p.debt === 0n) delete positions[key]
      else positions[key] = p
    }
    return { ...m, collateral, debt, positions, price: obs[PRICE] }
  },

  invariants: cdpInvariants,

  async exitProbe(w) {
    await cdpExit(w)
  },

  commands: cdpCommands,
}
