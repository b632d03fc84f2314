import { Hardfork } from '@ethereumjs/common'

/**
 * The EVM versions vaultcheck supports. One value drives both solc's `evmVersion` and the local
 * chain's hardfork: if the two disagreed, bytecode could use opcodes the chain does not know
 * (or the chain could price gas by rules the compiler did not target).
 */
export type EvmVersion = 'cancun' | 'prague' | 'osaka'

/** solc 0.8.37's own default, so artifacts match what a plain `solc` run would produce. */
export const DEFAULT_EVM_VERSION: EvmVersion = 'osaka'

const HARDFORKS: Record<EvmVersion, Hardfork> = {
  cancun: Hardfork.Cancun,
  prague: Hardfork.Prague,
  osaka: Hardfork.Osaka,
}

/** The @ethereumjs/common hardfork that runs bytecode compiled for `v`. */
export function toHardfork(v: EvmVersion): string {
  return HARDFORKS[v]
}
