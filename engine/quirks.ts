/**
 * Token quirks: a campaign run with its asset (every MockERC20 the kind deploys: the underlying,
 * the asset, the collateral, the loan token) replaced by a token that behaves like a real one that
 * is not a plain ERC-20. The kind's model follows the behaviour (model/erc20.ts TokenBehaviour), so
 * a vault that copes with it stays clean and one that does not breaks a property, reported "under
 * <quirk>".
 */
import fc from 'fast-check'
import type { Address } from 'viem'
import { Action } from './action.ts'
import type { World } from './step.ts'
import { ConfigError } from '../evm/errors.ts'
import type { TokenBehaviour } from '../model/erc20.ts'

export type TokenQuirk = {
  name: string
  /** The real tokens it imitates, for reports and docs. */
  imitates: string
  /** The mock deployed instead of MockERC20 (contracts/mocks/QuirkTokens.sol); absent: MockERC20. */
  artifact?: string
  /** The asset's decimals instead of the campaign's. */
  decimals?: number
  /** What the models must know of it. */
  behaviour?: TokenBehaviour
  /** Balances change outside actions: an environment action rebases every holder. */
  rebase?: { up: boolean }
  /**
   * Transfers call hooks of the holders: an attacker actor (a ReentrantAttacker contract, named
   * mallory) registers one, and the kind's re-entrant actions make a vault call from inside it.
   */
  reentrancy?: boolean
}

export const TOKEN_QUIRKS: readonly TokenQuirk[] = [
  { name: 'fee-on-transfer', imitates: 'STA, PAXG (1% of every transfer burned)', artifact: 'FeeOnTransferERC20', behaviour: { feePpm: 10_000n } },
  { name: 'rebasing-up', imitates: 'stETH, AMPL (every balance grows)', artifact: 'RebasingERC20', rebase: { up: true } },
  { name: 'rebasing-down', imitates: 'stETH after a slashing, AMPL (every balance shrinks)', artifact: 'RebasingERC20', rebase: { up: false } },
  { name: 'transfer-hooks', imitates: 'imBTC, AMP (ERC777 hooks: Lendf.Me, Cream Finance re-entered through them)', artifact: 'HookERC20', reentrancy: true },
  { name: 'no-return', imitates: 'USDT, BNB, OMG (transfer, transferFrom and approve return nothing)', artifact: 'NoReturnERC20' },
  { name: 'returns-false', imitates: 'ZRX (a failed transfer returns false instead of reverting)', artifact: 'ReturnsFalseERC20', behaviour: { returnsFalse: true } },
  { name: 'revert-on-zero', imitates: 'LEND (transfers of 0 revert)', artifact: 'RevertOnZeroERC20', behaviour: { revertOnZero: true } },
  { name: 'transfer-max', imitates: "cUSDCv3 (transfer of type(uint256).max moves the whole balance)", artifact: 'TransferMaxERC20', behaviour: { transferMax: true } },
  { name: 'decimals-6', imitates: 'USDC, USDT', decimals: 6 },
  { name: 'decimals-2', imitates: 'GUSD', decimals: 2 },
  { name: 'decimals-24', imitates: 'YAMv2 and other tokens above 18 decimals', decimals: 24 },
]

/** Quirks every kind follows: only the decimals change, and every kind takes them as an option. */
export const DECIMAL_QUIRKS: readonly string[] = TOKEN_QUIRKS.filter((q) => q.artifact === undefined).map((q) => q.name)

export function quirkNamed(name: string, path = 'tokenQuirk'): TokenQuirk {
  const q = TOKEN_QUIRKS.find((x) => x.name === name)
  if (!q) throw new ConfigError({ issues: [{ path, message: `unknown token quirk "${name}"; known: ${TOKEN_QUIRKS.map((x) => x.name).join(', ')}` }] })
  return q
}

/** `all`, or a comma-separated list (or an array) of quirk names, in TOKEN_QUIRKS order. */
export function parseQuirks(spec: string | readonly string[], path = '--token-quirks'): TokenQuirk[] {
  const names = (typeof spec === 'string' ? spec.split(',') : spec).map((s) => s.trim()).filter(Boolean)
  if (names.length === 0) throw new ConfigError({ issues: [{ path, message: 'name at least one quirk, or all' }] })
  if (names.includes('all')) return [...TOKEN_QUIRKS]
  const chosen = new Set(names.map((n) => quirkNamed(n, path).name))
  return TOKEN_QUIRKS.filter((q) => chosen.has(q.name))
}

/** The quirk a running world's asset has, the quirk tokens it deployed, and its attacker contract (transfer-hooks). */
export type ActiveQuirk = { quirk: TokenQuirk; tokens: readonly Address[]; attacker?: Address }

/** The attacker actor's name: it acts like any actor, and re-enters the vault through the hooks. */
export const ATTACKER = 'mallory'

/** Parts per million a rebase moves every balance by: small, so that runs keep going. */
const REBASE_PPM = [1_000, 10_000, 50_000] as const

/** The environment actions a quirk adds (a rebase), none for the others. */
export function quirkCommands<M>(w: World<M>): fc.Arbitrary<fc.AsyncCommand<World<M>, World<M>>>[] {
  const active = w.tokenQuirk
  if (!active?.quirk.rebase) return []
  const up = active.quirk.rebase.up
  const abi = [{ type: 'function', name: 'rebase', stateMutability: 'nonpayable', inputs: [{ name: 'up', type: 'bool' }, { name: 'ppm', type: 'uint256' }], outputs: [] }] as const
  return [
    fc.constantFrom(...REBASE_PPM).map(
      (ppm) =>
        new Action<M>(`rebase(${up ? '+' : '-'}${ppm} ppm)`, (world) => ({
          name: 'rebase',
          label: `rebase: every balance of the asset ${up ? 'grows' : 'shrinks'} by ${ppm / 10_000}%`,
          caller: world.deployer.address,
          user: false,
          predict: (m) => ({ ok: true, state: m, returns: undefined, events: [] }),
          perform: async (x) => {
            let last: Awaited<ReturnType<typeof x.chain.call>> | undefined
            for (const token of active.tokens) {
              last = await x.chain.call({ address: token, abi, functionName: 'rebase', args: [up, BigInt(ppm)], from: x.deployer.address })
              if (!last.ok) return last
            }
            return last!
          },
          // The token moved every balance; the model takes them from what was observed, and
          // every invariant is then checked on the new balances.
          unspecified: { privileged: true, mayChange: () => true },
          tokenEvent: true,
        })),
    ),
  ]
}
