/**
 * One scripted scenario per kind: the reference vault, driven on the chain by a short hand-written
 * list of steps, agrees with its model step by step (reverts, return values, token balances, total
 * supplies, backing, positions). Complementary to the randomized suites: every interesting case is
 * named, and a few key numbers are also written out by hand.
 */
import type { Abi, Address } from 'viem'
import { beforeAll, describe, expect, test } from 'vitest'
import { bundledArtifact } from '../engine/bundled.ts'
import type { Artifact } from '../evm/compile.ts'
import { createChain, type Chain } from '../evm/chain.ts'
import * as C from '../model/cdp.ts'
import * as E from '../model/erc20.ts'
import * as V from '../model/erc4626.ts'
import { MAX_UINT256, WAD } from '../model/math.ts'
import type { Outcome } from '../model/outcome.ts'
import * as N from '../model/native.ts'
import * as R from '../model/reserve.ts'
import { Scenario, fromRaw, offChain, type Observables } from './support/scenario.ts'

const ACTORS = ['alice', 'bob', 'carol'] as const
const ETHER = 10n ** 18n
const ZERO = '0x0000000000000000000000000000000000000000' as const

let art: Record<'ReserveVault' | 'NativeVault' | 'TokenizedVault' | 'CollateralDebtVault' | 'DebtToken' | 'MockERC20' | 'MockOracle', Artifact>

beforeAll(async () => {
  const names = ['ReserveVault', 'NativeVault', 'TokenizedVault', 'CollateralDebtVault', 'DebtToken', 'MockERC20', 'MockOracle'] as const
  art = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await bundledArtifact(n)]))) as typeof art
})

/** A bound contract: `c.call(fn, args)` is a step's `call`, `c.read(fn, args)` a view. */
function bind(chain: Chain, address: Address, abi: Abi) {
  return {
    address,
    call:
      (functionName: string, args: readonly unknown[] = [], value?: bigint) =>
      (from: Address) =>
        chain.call({ address, abi, functionName, args, from, value }),
    read: <T = bigint>(functionName: string, args: readonly unknown[] = []) => chain.read<T>({ address, abi, functionName, args }),
  }
}

type Bound = ReturnType<typeof bind>

/** The state of a setup outcome that must succeed. */
function ok<S>(o: Outcome<S, unknown>): S {
  if (!o.ok) throw new Error(`setup step reverted in the model: ${o.reason}`)
  return o.state
}

/** Balances and total supply of an ERC20, on the chain, for the given holders. */
async function observeToken(name: string, token: Bound, holders: Record<string, Address>): Promise<Observables> {
  const o: Observables = { [`${name}.totalSupply`]: await token.read('totalSupply') }
  for (const [h, a] of Object.entries(holders)) o[`${name}.balanceOf(${h})`] = await token.read('balanceOf', [a])
  return o
}

/** The same observables from a model ledger. */
function projectToken(name: string, l: E.Ledger, holders: Record<string, Address>): Observables {
  const o: Observables = { [`${name}.totalSupply`]: l.totalSupply }
  for (const [h, a] of Object.entries(holders)) o[`${name}.balanceOf(${h})`] = E.balanceOf(l, a)
  return o
}

/** allowance(owner, spender) for every ordered pair of the given parties. */
async function observeAllowances(name: string, token: Bound, owners: Record<string, Address>, spenders: Record<string, Address>): Promise<Observables> {
  const o: Observables = {}
  for (const [on, oa] of Object.entries(owners))
    for (const [sn, sa] of Object.entries(spenders)) if (oa !== sa) o[`${name}.allowance(${on}, ${sn})`] = await token.read('allowance', [oa, sa])
  return o
}

function projectAllowances(name: string, l: E.Ledger, owners: Record<string, Address>, spenders: Record<string, Address>): Observables {
  const o: Observables = {}
  for (const [on, oa] of Object.entries(owners))
    for (const [sn, sa] of Object.entries(spenders)) if (oa !== sa) o[`${name}.allowance(${on}, ${sn})`] = E.allowance(l, oa, sa)
  return o
}

describe('scripted scenarios: each reference vault agrees with its model step by step', () => {
  test('the reserve vault agrees with its model through a scripted scenario', async () => {
    const chain = await createChain({ actors: ACTORS })
    const { alice, bob, carol } = chain.actors
    const underlying = bind(chain, await chain.deploy({ artifact: art.MockERC20, args: ['Reserve', 'RSV', 18] }), art.MockERC20.abi)
    const vault = bind(chain, await chain.deploy({ artifact: art.ReserveVault, args: [underlying.address] }), art.ReserveVault.abi)
    const actors = { alice, bob, carol }
    const everyone = { ...actors, vault: vault.address }

    const sc = new Scenario<R.ReserveState>({
      chain,
      state: R.createReserveState({ vault: vault.address }),
      observe: async () => ({
        ...(await observeToken('underlying', underlying, everyone)),
        ...(await observeToken('wrapper', vault, everyone)),
        ...(await observeAllowances('underlying', underlying, actors, { vault: vault.address })),
        ...(await observeAllowances('wrapper', vault, actors, actors)),
      }),
      project: (s) => ({
        ...projectToken('underlying', s.underlying, everyone),
        ...projectToken('wrapper', s.token, everyone),
        ...projectAllowances('underlying', s.underlying, actors, { vault: vault.address }),
        ...projectAllowances('wrapper', s.token, actors, actors),
      }),
    })
    await sc.check('after deployment')

    await sc.run([
      { label: 'mints 1000 underlying to alice', from: 'alice', call: underlying.call('mint', [alice, 1000n]), model: (s) => R.mintUnderlying(s, alice, 1000n) },
      { label: 'mints 500 underlying to bob', from: 'bob', call: underlying.call('mint', [bob, 500n]), model: (s) => R.mintUnderlying(s, bob, 500n) },
      { label: 'approves the vault for 600 underlying', from: 'alice', call: underlying.call('approve', [vault.address, 600n]), model: (s, f) => R.underlyingApprove(s, f, 600n) },
      { label: 'wraps 400 for herself', from: 'alice', call: vault.call('depositFor', [alice, 400n]), model: (s, f) => R.depositFor(s, f, alice, 400n) },
      {
        label: 'wraps 300 for bob with only 200 of allowance left',
        from: 'alice',
        call: vault.call('depositFor', [bob, 300n]),
        model: (s, f) => R.depositFor(s, f, bob, 300n),
        reverts: { model: 'insufficient-allowance', chain: /InsufficientAllowance/ },
      },
      {
        label: 'wraps the remaining 200 of allowance for bob',
        from: 'alice',
        call: vault.call('depositFor', [bob, 200n]),
        model: (s, f) => R.depositFor(s, f, bob, 200n),
        // 600 approved - 400 - 200 = 0 left; 1000 - 600 = 400 underlying left with alice.
        expect: (_, s) => expect([E.allowance(s.underlying, alice, vault.address), E.balanceOf(s.underlying, alice)]).toEqual([0n, 400n]),
      },
      {
        label: 'wraps 0 (no allowance needed)',
        from: 'bob',
        call: vault.call('depositFor', [bob, 0n]),
        model: (s, f) => R.depositFor(s, f, bob, 0n),
        implementationDefined: { code: 'zero-amount', reference: 'succeeds' },
      },
      { label: 'approves the vault for an infinite allowance', from: 'bob', call: underlying.call('approve', [vault.address, MAX_UINT256]), model: (s, f) => R.underlyingApprove(s, f, MAX_UINT256) },
      {
        label: 'wraps 1 for the vault itself',
        from: 'bob',
        call: vault.call('depositFor', [vault.address, 1n]),
        model: (s, f) => R.depositFor(s, f, vault.address, 1n),
        implementationDefined: { code: 'receiver-is-vault', reference: 'reverts' },
      },
      {
        label: 'wraps all 500 of his underlying for carol (the infinite allowance is not spent)',
        from: 'bob',
        call: vault.call('depositFor', [carol, 500n]),
        model: (s, f) => R.depositFor(s, f, carol, 500n),
        expect: (_, s) => expect(E.allowance(s.underlying, bob, vault.address)).toBe(MAX_UINT256),
      },
      {
        label: 'wraps 1 with no underlying left',
        from: 'bob',
        call: vault.call('depositFor', [bob, 1n]),
        model: (s, f) => R.depositFor(s, f, bob, 1n),
        reverts: { model: 'insufficient-balance', chain: /InsufficientBalance/ },
      },
      { label: 'sends 100 wrapper to carol', from: 'alice', call: vault.call('transfer', [carol, 100n]), model: (s, f) => R.transfer(s, f, carol, 100n) },
      { label: 'lets bob spend 50 of her wrapper', from: 'carol', call: vault.call('approve', [bob, 50n]), model: (s, f) => R.approve(s, f, bob, 50n) },
      {
        label: 'pulls 60 of carol\'s wrapper on a 50 allowance',
        from: 'bob',
        call: vault.call('transferFrom', [carol, bob, 60n]),
        model: (s, f) => R.transferFrom(s, f, carol, bob, 60n),
        reverts: { model: 'insufficient-allowance', chain: /InsufficientAllowance/ },
      },
      { label: 'pulls 50 of carol\'s wrapper', from: 'bob', call: vault.call('transferFrom', [carol, bob, 50n]), model: (s, f) => R.transferFrom(s, f, carol, bob, 50n) },
      {
        label: 'unwraps 301 holding 300 (overdraft)',
        from: 'alice',
        call: vault.call('withdrawTo', [alice, 301n]),
        model: (s, f) => R.withdrawTo(s, f, alice, 301n),
        reverts: { model: 'insufficient-balance', chain: /InsufficientBalance/ },
      },
      { label: 'unwraps all 300 to bob', from: 'alice', call: vault.call('withdrawTo', [bob, 300n]), model: (s, f) => R.withdrawTo(s, f, bob, 300n) },
      {
        label: 'donates 10 underlying to the vault',
        from: 'bob',
        call: underlying.call('transfer', [vault.address, 10n]),
        model: (s, f) => R.donate(s, f, 10n),
        // supply: alice 0 + bob 200 + 50 + carol 500 + 100 - 50 = 800; backing: 1100 wrapped - 300 unwrapped + 10 = 810.
        expect: (_, s) => expect([R.totalSupply(s), R.backing(s)]).toEqual([800n, 810n]),
      },
      { label: 'unwraps all 250 (full exit)', from: 'bob', call: vault.call('withdrawTo', [bob, 250n]), model: (s, f) => R.withdrawTo(s, f, bob, 250n) },
      {
        label: 'unwraps all 550, the last holder\'s full exit',
        from: 'carol',
        call: vault.call('withdrawTo', [carol, 550n]),
        model: (s, f) => R.withdrawTo(s, f, carol, 550n),
        // Nothing wrapped is left; the 10 donated stay in the vault.
        expect: (_, s) => expect([R.totalSupply(s), R.backing(s), E.balanceOf(s.underlying, carol)]).toEqual([0n, 10n, 550n]),
      },
    ])
  })

  test('the native vault agrees with its model through a scripted scenario', async () => {
    // Gas price is 0: native balances change only by the value moved.
    const chain = await createChain({ actors: ACTORS, actorBalance: 100n * ETHER })
    const { alice, bob, carol } = chain.actors
    const vault = bind(chain, await chain.deploy({ artifact: art.NativeVault }), art.NativeVault.abi)
    const actors = { alice, bob, carol }
    const everyone = { ...actors, vault: vault.address }
    let initial = N.createNativeState({ vault: vault.address })
    for (const a of Object.values(actors)) initial = ok(N.mintNative(initial, a, 100n * ETHER))

    const sc = new Scenario<N.NativeState>({
      chain,
      state: initial,
      observe: async () => {
        const o: Observables = {}
        for (const [h, a] of Object.entries(everyone)) o[`native(${h})`] = await chain.getBalance(a)
        return { ...o, ...(await observeToken('wrapper', vault, everyone)), ...(await observeAllowances('wrapper', vault, actors, actors)) }
      },
      project: (s) => {
        const o: Observables = {}
        for (const [h, a] of Object.entries(everyone)) o[`native(${h})`] = N.nativeBalanceOf(s, a)
        return { ...o, ...projectToken('wrapper', s.token, everyone), ...projectAllowances('wrapper', s.token, actors, actors) }
      },
    })
    await sc.check('after deployment')

    await sc.run([
      { label: 'deposits 10 ether', from: 'alice', call: vault.call('deposit', [], 10n * ETHER), model: (s, f) => N.deposit(s, f, 10n * ETHER) },
      {
        label: 'deposits 0',
        from: 'bob',
        call: vault.call('deposit', [], 0n),
        model: (s, f) => N.deposit(s, f, 0n),
        implementationDefined: { code: 'zero-amount', reference: 'succeeds' },
      },
      {
        label: 'deposits 101 ether holding 100',
        from: 'bob',
        call: vault.call('deposit', [], 101n * ETHER),
        model: (s, f) => N.deposit(s, f, 101n * ETHER),
        reverts: { model: 'insufficient-balance', chain: /insufficient balance/ },
      },
      {
        label: 'sends 5 ether straight to the vault (receive() deposits)',
        from: 'bob',
        call: async (f) => fromRaw(await chain.callRaw({ from: f, to: vault.address, value: 5n * ETHER })),
        model: (s, f) => N.deposit(s, f, 5n * ETHER),
      },
      { label: 'sends 3 wrapped to bob', from: 'alice', call: vault.call('transfer', [bob, 3n * ETHER]), model: (s, f) => N.transfer(s, f, bob, 3n * ETHER) },
      {
        label: 'withdraws 8 ether holding 7 (overdraft)',
        from: 'alice',
        call: vault.call('withdraw', [8n * ETHER]),
        model: (s, f) => N.withdraw(s, f, 8n * ETHER),
        reverts: { model: 'insufficient-balance', chain: /InsufficientBalance/ },
      },
      { label: 'lets carol spend 2 wrapped', from: 'alice', call: vault.call('approve', [carol, 2n * ETHER]), model: (s, f) => N.approve(s, f, carol, 2n * ETHER) },
      {
        label: 'pulls 3 of alice\'s wrapped on a 2 allowance',
        from: 'carol',
        call: vault.call('transferFrom', [alice, carol, 3n * ETHER]),
        model: (s, f) => N.transferFrom(s, f, alice, carol, 3n * ETHER),
        reverts: { model: 'insufficient-allowance', chain: /InsufficientAllowance/ },
      },
      { label: 'pulls 2 of alice\'s wrapped', from: 'carol', call: vault.call('transferFrom', [alice, carol, 2n * ETHER]), model: (s, f) => N.transferFrom(s, f, alice, carol, 2n * ETHER) },
      {
        label: 'sends 1 wrapped to the zero address',
        from: 'carol',
        call: vault.call('transfer', [ZERO, ETHER]),
        model: (s, f) => N.transfer(s, f, ZERO, ETHER),
        implementationDefined: { code: 'zero-address', reference: 'reverts' },
      },
      {
        label: 'force-feeds 1 ether to the vault (no deposit, no mint)',
        from: 'carol',
        call: () => offChain(async () => chain.setBalance(vault.address, (await chain.getBalance(vault.address)) + ETHER)),
        model: (s) => N.donate(s, ETHER),
        // backing 10 + 5 + 1 = 16 ether against 15 wrapped.
        expect: (_, s) => expect([N.backing(s), N.totalSupply(s)]).toEqual([16n * ETHER, 15n * ETHER]),
      },
      {
        label: 'withdraws 0',
        from: 'carol',
        call: vault.call('withdraw', [0n]),
        model: (s, f) => N.withdraw(s, f, 0n),
        implementationDefined: { code: 'zero-amount', reference: 'succeeds' },
      },
      { label: 'withdraws all 5 (full exit)', from: 'alice', call: vault.call('withdraw', [5n * ETHER]), model: (s, f) => N.withdraw(s, f, 5n * ETHER) },
      { label: 'withdraws all 8 (full exit)', from: 'bob', call: vault.call('withdraw', [8n * ETHER]), model: (s, f) => N.withdraw(s, f, 8n * ETHER) },
      {
        label: 'withdraws all 2, the last holder\'s full exit',
        from: 'carol',
        call: vault.call('withdraw', [2n * ETHER]),
        model: (s, f) => N.withdraw(s, f, 2n * ETHER),
        // alice 100 - 10 + 5 = 95, bob 100 - 5 + 8 = 103, carol 100 + 2 = 102; the force-fed ether stays.
        expect: (_, s) =>
          expect([alice, bob, carol, vault.address].map((a) => N.nativeBalanceOf(s, a))).toEqual([95n * ETHER, 103n * ETHER, 102n * ETHER, ETHER]),
      },
    ])
  })

  test('the erc4626 vault agrees with its model through a scripted scenario', async () => {
    const chain = await createChain({ actors: ACTORS })
    const { alice, bob, carol } = chain.actors
    const asset = bind(chain, await chain.deploy({ artifact: art.MockERC20, args: ['Asset', 'AST', 18] }), art.MockERC20.abi)
    const vault = bind(chain, await chain.deploy({ artifact: art.TokenizedVault, args: [asset.address] }), art.TokenizedVault.abi)
    const actors = { alice, bob, carol }
    const everyone = { ...actors, vault: vault.address }
    const PROBE = 1000n

    const sc = new Scenario<V.Erc4626State>({
      chain,
      // TokenizedVault: one virtual share and one virtual asset.
      state: V.createErc4626State({ vault: vault.address, virtualShares: 1n, virtualAssets: 1n }),
      observe: async () => {
        const o: Observables = {
          totalAssets: await vault.read('totalAssets'),
          [`convertToShares(${PROBE})`]: await vault.read('convertToShares', [PROBE]),
          [`convertToAssets(${PROBE})`]: await vault.read('convertToAssets', [PROBE]),
          [`previewMint(${PROBE})`]: await vault.read('previewMint', [PROBE]),
          [`previewWithdraw(${PROBE})`]: await vault.read('previewWithdraw', [PROBE]),
        }
        for (const [h, a] of Object.entries(actors)) o[`maxWithdraw(${h})`] = await vault.read('maxWithdraw', [a])
        return {
          ...o,
          ...(await observeToken('asset', asset, everyone)),
          ...(await observeToken('shares', vault, everyone)),
          ...(await observeAllowances('asset', asset, actors, { vault: vault.address })),
          ...(await observeAllowances('shares', vault, actors, actors)),
        }
      },
      project: (s) => {
        const o: Observables = {
          totalAssets: V.totalAssets(s),
          [`convertToShares(${PROBE})`]: V.convertToShares(s, PROBE),
          [`convertToAssets(${PROBE})`]: V.convertToAssets(s, PROBE),
          [`previewMint(${PROBE})`]: V.previewMint(s, PROBE),
          [`previewWithdraw(${PROBE})`]: V.previewWithdraw(s, PROBE),
        }
        for (const [h, a] of Object.entries(actors)) o[`maxWithdraw(${h})`] = V.maxWithdraw(s, a)
        return {
          ...o,
          ...projectToken('asset', s.asset, everyone),
          ...projectToken('shares', s.shares, everyone),
          ...projectAllowances('asset', s.asset, actors, { vault: vault.address }),
          ...projectAllowances('shares', s.shares, actors, actors),
        }
      },
    })
    await sc.check('after deployment')

    // Below, TA = totalAssets and TS = totalSupply before the step; shares = assets * (TS + 1) / (TA + 1).
    await sc.run([
      { label: 'mints 1000 asset to alice', from: 'alice', call: asset.call('mint', [alice, 1000n]), model: (s) => V.mintAsset(s, alice, 1000n) },
      { label: 'mints 1000 asset to bob', from: 'bob', call: asset.call('mint', [bob, 1000n]), model: (s) => V.mintAsset(s, bob, 1000n) },
      { label: 'approves the vault for an infinite allowance', from: 'alice', call: asset.call('approve', [vault.address, MAX_UINT256]), model: (s, f) => V.assetApprove(s, f, MAX_UINT256) },
      { label: 'approves the vault for an infinite allowance', from: 'bob', call: asset.call('approve', [vault.address, MAX_UINT256]), model: (s, f) => V.assetApprove(s, f, MAX_UINT256) },
      {
        label: 'deposits 100 into the empty vault',
        from: 'alice',
        call: vault.call('deposit', [100n, alice]),
        model: (s, f) => V.deposit(s, f, 100n, alice),
        expect: (shares) => expect(shares).toBe(100n), // 100 * (0 + 1) / (0 + 1)
      },
      {
        label: 'deposits 0',
        from: 'bob',
        call: vault.call('deposit', [0n, bob]),
        model: (s, f) => V.deposit(s, f, 0n, bob),
        implementationDefined: { code: 'zero-amount', reference: 'succeeds' },
      },
      {
        label: 'the vault gains 50 asset (yield minted to it)',
        from: 'carol',
        call: asset.call('mint', [vault.address, 50n]),
        model: (s) => V.gain(s, 50n),
      },
      {
        label: 'deposits 100 after the gain',
        from: 'bob',
        call: vault.call('deposit', [100n, bob]),
        model: (s, f) => V.deposit(s, f, 100n, bob),
        expect: (shares) => expect(shares).toBe(66n), // floor(100 * 101 / 151) = floor(66.88)
      },
      {
        label: 'mints 10 shares (assets rounded up)',
        from: 'bob',
        call: vault.call('mint', [10n, bob]),
        model: (s, f) => V.mint(s, f, 10n, bob),
        expect: (assets) => expect(assets).toBe(16n), // TA 250, TS 166: ceil(10 * 251 / 167) = ceil(15.03)
      },
      {
        label: 'withdraws 30 assets (shares burned rounded up)',
        from: 'alice',
        call: vault.call('withdraw', [30n, alice, alice]),
        model: (s, f) => V.withdraw(s, f, 30n, alice, alice),
        expect: (shares) => expect(shares).toBe(20n), // TA 266, TS 176: ceil(30 * 177 / 267) = ceil(19.89)
      },
      {
        label: 'withdraws 10 of alice\'s assets without an allowance',
        from: 'carol',
        call: vault.call('withdraw', [10n, carol, alice]),
        model: (s, f) => V.withdraw(s, f, 10n, carol, alice),
        reverts: { model: 'insufficient-allowance', chain: /InsufficientAllowance/ },
      },
      { label: 'lets carol spend 5 shares', from: 'alice', call: vault.call('approve', [carol, 5n]), model: (s, f) => V.approve(s, f, carol, 5n) },
      {
        label: 'redeems 5 of alice\'s shares to herself',
        from: 'carol',
        call: vault.call('redeem', [5n, carol, alice]),
        model: (s, f) => V.redeem(s, f, 5n, carol, alice),
        expect: (assets) => expect(assets).toBe(7n), // TA 236, TS 156: floor(5 * 237 / 157) = floor(7.55)
      },
      {
        label: 'redeems 76 shares holding 75',
        from: 'alice',
        call: vault.call('redeem', [76n, alice, alice]),
        model: (s, f) => V.redeem(s, f, 76n, alice, alice),
        reverts: { model: 'exceeds-max-redeem', chain: /ExceededMaxRedeem/ },
      },
      {
        label: 'withdraws one more than maxWithdraw',
        from: 'bob',
        call: vault.call('withdraw', [116n, bob, bob]),
        model: (s, f) => V.withdraw(s, f, 116n, bob, bob),
        reverts: { model: 'exceeds-max-withdraw', chain: /ExceededMaxWithdraw/ }, // TA 229, TS 151, bob 76: floor(76 * 230 / 152) = 115
      },
      {
        label: 'the vault loses 40 asset (burned from it)',
        from: 'carol',
        call: asset.call('burn', [vault.address, 40n]),
        model: (s) => V.loss(s, 40n),
        checkReturn: false, // the model returns the amount lost, MockERC20.burn returns nothing
        expect: (_, s) => expect(V.totalAssets(s)).toBe(189n), // 229 - 40
      },
      { label: 'donates 20 asset to the vault', from: 'alice', call: asset.call('transfer', [vault.address, 20n]), model: (s, f) => V.donate(s, f, 20n) },
      {
        label: 'deposits 1 asset, worth 0 shares',
        from: 'bob',
        call: vault.call('deposit', [1n, bob]),
        model: (s, f) => V.deposit(s, f, 1n, bob),
        implementationDefined: { code: 'zero-shares', reference: 'succeeds' }, // TA 209, TS 151: floor(1 * 152 / 210) = 0
      },
      {
        label: 'redeems 0 shares',
        from: 'alice',
        call: vault.call('redeem', [0n, alice, alice]),
        model: (s, f) => V.redeem(s, f, 0n, alice, alice),
        implementationDefined: { code: 'zero-amount', reference: 'succeeds' },
      },
      {
        label: 'redeems all 75 shares (full exit)',
        from: 'alice',
        call: vault.call('redeem', [75n, alice, alice]),
        model: (s, f) => V.redeem(s, f, 75n, alice, alice),
        expect: (assets) => expect(assets).toBe(104n), // TA 210, TS 151: floor(75 * 211 / 152) = floor(104.1)
      },
      {
        label: 'redeems all 76 shares, the last holder\'s full exit',
        from: 'bob',
        call: vault.call('redeem', [76n, bob, bob]),
        model: (s, f) => V.redeem(s, f, 76n, bob, bob),
        // TA 106, TS 76: floor(76 * 107 / 77) = floor(105.6) = 105; 1 asset of rounding dust stays in the vault.
        expect: (assets, s) => expect([assets, V.totalSupply(s), V.totalAssets(s)]).toEqual([105n, 0n, 1n]),
      },
    ])
  })

  test('the cdp vault agrees with its model through a scripted scenario', async () => {
    const chain = await createChain({ actors: ACTORS })
    const { alice, bob, carol } = chain.actors
    const RATIO = 15n * 10n ** 17n // 150%
    const BONUS = 5n * 10n ** 16n // 5%
    const collateral = bind(chain, await chain.deploy({ artifact: art.MockERC20, args: ['Collateral', 'COL', 18] }), art.MockERC20.abi)
    const oracle = bind(chain, await chain.deploy({ artifact: art.MockOracle, args: [2n * WAD] }), art.MockOracle.abi)
    const vaultAddress = await chain.deploy({ artifact: art.CollateralDebtVault, args: [collateral.address, oracle.address] })
    const vault = bind(chain, vaultAddress, art.CollateralDebtVault.abi)
    const debt = bind(chain, await vault.read<Address>('debtToken'), art.DebtToken.abi)
    expect([await vault.read('minCollateralRatio'), await vault.read('liquidationBonus')]).toEqual([RATIO, BONUS])
    const actors = { alice, bob, carol }
    const everyone = { ...actors, vault: vault.address }

    const sc = new Scenario<C.CdpState>({
      chain,
      state: C.createCdpState({ vault: vault.address, price: 2n * WAD, minCollateralRatio: RATIO, liquidationBonus: BONUS }),
      observe: async () => {
        const o: Observables = {
          price: await oracle.read('price'),
          totalCollateral: await vault.read('totalCollateral'),
          totalDebt: await vault.read('totalDebt'),
        }
        for (const [h, a] of Object.entries(actors)) {
          o[`collateralOf(${h})`] = await vault.read('collateralOf', [a])
          o[`debtOf(${h})`] = await vault.read('debtOf', [a])
          o[`isHealthy(${h})`] = await vault.read<boolean>('isHealthy', [a])
        }
        return {
          ...o,
          ...(await observeToken('collateral', collateral, everyone)),
          ...(await observeToken('vUSD', debt, everyone)),
          ...(await observeAllowances('collateral', collateral, actors, { vault: vault.address })),
        }
      },
      project: (s) => {
        const o: Observables = { price: s.price, totalCollateral: C.totalCollateral(s), totalDebt: C.totalDebt(s) }
        for (const [h, a] of Object.entries(actors)) {
          const p = C.positionOf(s, a)
          o[`collateralOf(${h})`] = p.collateral
          o[`debtOf(${h})`] = p.debt
          o[`isHealthy(${h})`] = C.isHealthy(p, s.price, s.minCollateralRatio)
        }
        return {
          ...o,
          ...projectToken('collateral', s.collateral, everyone),
          ...projectToken('vUSD', s.debt, everyone),
          ...projectAllowances('collateral', s.collateral, actors, { vault: vault.address }),
        }
      },
    })
    await sc.check('after deployment')

    // Healthy iff collateral * price >= debt * 1.5 (amounts below in whole units of 1e18).
    const SEIZED = 233_333_333_333_333_333_333n // floor(400e18 * 1.05e18 / 1.8e18) = floor(233.33...e18)
    // At 1.8 carol (1000 collateral, 600 debt) needs 600 * 1.5 / 1.8 = 500 collateral exactly: she can take out 500.
    const CAROL_MAX_WITHDRAW = 500n * ETHER
    await sc.run([
      { label: 'mints 300 collateral to alice', from: 'alice', call: collateral.call('mint', [alice, 300n * ETHER]), model: (s) => C.mintCollateral(s, alice, 300n * ETHER) },
      { label: 'mints 300 collateral to bob', from: 'bob', call: collateral.call('mint', [bob, 300n * ETHER]), model: (s) => C.mintCollateral(s, bob, 300n * ETHER) },
      { label: 'mints 1000 collateral to carol', from: 'carol', call: collateral.call('mint', [carol, 1000n * ETHER]), model: (s) => C.mintCollateral(s, carol, 1000n * ETHER) },
      ...ACTORS.map((who) => ({
        label: 'approves the vault for an infinite allowance',
        from: who,
        call: collateral.call('approve', [vault.address, MAX_UINT256]),
        model: (s: C.CdpState, f: Address) => C.collateralApprove(s, f, MAX_UINT256),
      })),
      { label: 'deposits 300 collateral', from: 'alice', call: vault.call('deposit', [300n * ETHER]), model: (s, f) => C.deposit(s, f, 300n * ETHER) },
      {
        label: 'borrows 400 + 1 wei: one wei past the minimum ratio',
        from: 'alice',
        call: vault.call('borrow', [400n * ETHER + 1n]),
        model: (s, f) => C.borrow(s, f, 400n * ETHER + 1n),
        reverts: { model: 'unhealthy', chain: /PositionUnhealthy/ }, // 300 * 2 = 600 < (400 + 1e-18) * 1.5
      },
      {
        label: 'borrows 400: exactly at the minimum ratio, healthy',
        from: 'alice',
        call: vault.call('borrow', [400n * ETHER]),
        model: (s, f) => C.borrow(s, f, 400n * ETHER),
        expect: (_, s) => expect(C.healthOf(s, alice)).toBe(RATIO), // 300 * 2 / 400 = 1.5 exactly
      },
      {
        label: 'withdraws 1 wei at the minimum ratio',
        from: 'alice',
        call: vault.call('withdraw', [1n]),
        model: (s, f) => C.withdraw(s, f, 1n),
        reverts: { model: 'unhealthy', chain: /PositionUnhealthy/ },
      },
      { label: 'deposits 300 collateral', from: 'bob', call: vault.call('deposit', [300n * ETHER]), model: (s, f) => C.deposit(s, f, 300n * ETHER) },
      { label: 'borrows 200', from: 'bob', call: vault.call('borrow', [200n * ETHER]), model: (s, f) => C.borrow(s, f, 200n * ETHER) },
      {
        label: 'repays 200 + 1 wei on a debt of 200',
        from: 'bob',
        call: vault.call('repay', [200n * ETHER + 1n]),
        model: (s, f) => C.repay(s, f, 200n * ETHER + 1n),
        reverts: { model: 'exceeds-debt', chain: /RepayExceedsDebt/ },
      },
      {
        label: 'repays 0',
        from: 'bob',
        call: vault.call('repay', [0n]),
        model: (s, f) => C.repay(s, f, 0n),
        implementationDefined: { code: 'zero-amount', reference: 'succeeds' },
      },
      { label: 'deposits 1000 collateral', from: 'carol', call: vault.call('deposit', [1000n * ETHER]), model: (s, f) => C.deposit(s, f, 1000n * ETHER) },
      { label: 'borrows 600', from: 'carol', call: vault.call('borrow', [600n * ETHER]), model: (s, f) => C.borrow(s, f, 600n * ETHER) },
      {
        label: 'liquidates alice, who is healthy (exactly at the ratio)',
        from: 'carol',
        call: vault.call('liquidate', [alice]),
        model: (s, f) => C.liquidate(s, f, alice),
        reverts: { model: 'position-healthy', chain: /PositionHealthy/ },
      },
      {
        label: 'the price drops from 2 to 1.8',
        from: 'carol',
        call: oracle.call('setPrice', [18n * 10n ** 17n]),
        model: (s) => C.setPrice(s, 18n * 10n ** 17n),
        // alice 300 * 1.8 = 540 < 400 * 1.5 = 600: unhealthy; bob 540 >= 300 and carol 1800 >= 900 stay healthy.
        expect: (_, s) => expect(ACTORS.map((who) => C.isHealthy(C.positionOf(s, chain.actor(who)), s.price, RATIO))).toEqual([false, true, true]),
      },
      {
        label: 'liquidates bob, who is still healthy',
        from: 'carol',
        call: vault.call('liquidate', [bob]),
        model: (s, f) => C.liquidate(s, f, bob),
        reverts: { model: 'position-healthy', chain: /PositionHealthy/ },
      },
      {
        label: 'liquidates alice: burns her 400 debt from carol\'s vUSD, seizes 400 * 1.05 / 1.8 collateral',
        from: 'carol',
        call: vault.call('liquidate', [alice]),
        model: (s, f) => C.liquidate(s, f, alice),
        expect: (seized, s) => {
          expect(seized).toBe(SEIZED)
          expect(C.positionOf(s, alice)).toEqual({ collateral: 300n * ETHER - SEIZED, debt: 0n })
          expect(E.balanceOf(s.collateral, carol)).toBe(SEIZED) // carol deposited all 1000 she had
        },
      },
      {
        label: 'withdraws the 66.67 collateral she has left (full exit)',
        from: 'alice',
        call: vault.call('withdraw', [300n * ETHER - SEIZED]),
        model: (s, f) => C.withdraw(s, f, 300n * ETHER - SEIZED),
      },
      {
        label: 'hands her 400 borrowed vUSD to carol',
        from: 'alice',
        call: debt.call('transfer', [carol, 400n * ETHER]),
        model: (s, f) => C.debtTransfer(s, f, carol, 400n * ETHER),
      },
      {
        label: 'withdraws one wei more than keeps her healthy (one wei below the ratio)',
        from: 'carol',
        call: vault.call('withdraw', [CAROL_MAX_WITHDRAW + 1n]),
        model: (s, f) => C.withdraw(s, f, CAROL_MAX_WITHDRAW + 1n),
        reverts: { model: 'unhealthy', chain: /PositionUnhealthy/ },
      },
      {
        label: 'withdraws the most that keeps her healthy, landing exactly on the minimum ratio',
        from: 'carol',
        call: vault.call('withdraw', [CAROL_MAX_WITHDRAW]),
        model: (s, f) => C.withdraw(s, f, CAROL_MAX_WITHDRAW),
        expect: (_, s) => expect([C.maxWithdraw(s, carol), C.healthOf(s, carol)]).toEqual([0n, RATIO]), // 500 * 1.8 / 600 = 1.5
      },
      { label: 'repays all 200 (full exit, part 1)', from: 'bob', call: vault.call('repay', [200n * ETHER]), model: (s, f) => C.repay(s, f, 200n * ETHER) },
      { label: 'withdraws all 300 (full exit, part 2)', from: 'bob', call: vault.call('withdraw', [300n * ETHER]), model: (s, f) => C.withdraw(s, f, 300n * ETHER) },
      { label: 'repays all 600, her 200 left plus alice\'s 400', from: 'carol', call: vault.call('repay', [600n * ETHER]), model: (s, f) => C.repay(s, f, 600n * ETHER) },
      {
        label: 'withdraws the rest, the last position\'s full exit',
        from: 'carol',
        call: vault.call('withdraw', [1000n * ETHER - CAROL_MAX_WITHDRAW]),
        model: (s, f) => C.withdraw(s, f, 1000n * ETHER - CAROL_MAX_WITHDRAW),
        // Every position is closed, no vUSD is left and the vault holds no collateral.
        expect: (_, s) =>
          expect([s.positions, C.totalDebt(s), s.debt.totalSupply, E.balanceOf(s.collateral, vault.address)]).toEqual([{}, 0n, 0n, 0n]),
      },
    ])
  })
})
