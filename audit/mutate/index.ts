/**
 * `vaultcheck mutate`: would the suite notice a bug here? Small, plausible bugs (mutants) are made
 * in one vault source file from solc's AST — every edit is a source range solc reported, never a
 * regular expression over text — and the kind's suite is run against each. A mutant the suite fails
 * on is killed; one it passes survived: a blind spot, or an equivalent mutant (no observable change).
 *
 *   score = killed / (killed + survived)
 *
 * Mutants that do not compile are discarded and counted (`invalid`). Mutants run in child processes
 * (audit/mutate/worker.ts), each with a small budget that stops at the first failed property.
 */
export { MUTATION_OPERATORS, literalValue, type MutationOperator } from './operators.ts'
export { applyMutant, generateMutants, type Mutant } from './generate.ts'
export { runMutation } from './run.ts'
export { formatMutation, mutationJson } from './format.ts'
