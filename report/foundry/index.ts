/**
 * Foundry reproducers: a stored failure rendered as a standalone forge test. The test deploys the
 * same contracts (imported from their sources), makes the exact calls the harness recorded (setup,
 * then the run) from the same actor addresses, and states the violated check as an assertion whose
 * revert message starts with the property ID. It fails while the vault is broken and passes once it
 * is fixed. It needs no forge-std: the few cheatcodes it uses are declared inline.
 *
 * What is asserted, generically:
 *  - the outcome class of the violating call: the model said it must succeed but it reverted (or the
 *    reverse) -> the call's success (or failure) is asserted;
 *  - the kind's model-free invariants (backing, sum of balances) after every replayed step, and for
 *    the 1:1 wrappers (reserve, native) the exit probe after the last one;
 *  - for a model mismatch (`state after X differs from the model`) or a `key = value` / `key >= value`
 *    expectation, the contract's view is compared with the model's value right after the violating call.
 * Checks that need the model beyond that (a different return value or event) are not restated: the
 * reproducer says so in its header, and the vitest reproducer remains the exact one.
 */
export { renderFoundryReproducer } from './reproducer.ts'
export type { FoundryInput, FoundryReplay, FoundryReproducer } from './types.ts'
export { renderFoundryToml } from './toml.ts'
export { standardRemaps } from './remaps.ts'
