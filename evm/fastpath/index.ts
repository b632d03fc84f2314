/**
 * Speed-ups for @ethereumjs/evm that change no observable behaviour. Every patch vaultcheck applies
 * to ethereumjs lives here, and nowhere else.
 *
 * Checked against @ethereumjs/evm 10.1.3 and @ethereumjs/common 10.1.3 (dist/esm). Every patch is
 * guarded by the hashes of the ethereumjs source it replaces or relies on (guard.ts): after an
 * upgrade a changed method turns its patch off, with one warning naming the patch and the release,
 * and stock code runs. Then re-read the methods named below, update the hashes, and re-run
 * test/chain.test.ts (it compares the chain with and without these patches and asserts every patch
 * is active) and bench/chain-throughput.ts.
 *
 * Why: a profile of OpenZeppelin ERC4626 deposit/redeem calls showed two hot spots that are pure
 * recomputation:
 *
 *  1. `Interpreter.prototype._getValidJumpDestinations(code)` runs on the first JUMP of EVERY call
 *     frame and walks the whole bytecode, building the JUMPDEST bitmap, the decoded PUSH immediates
 *     and the per-pc opcode table (~11% of the time). Its result depends only on the code bytes and
 *     on the EVM's opcode table / EIPs, and the interpreter only ever READS it (checked:
 *     `runState.validJumps[dest] === 1` in opcodes/util.js, `runState.cachedPushes[pc]` in
 *     opcodes/functions.js, `cachedOpcodes[pc]` in interpreter.js run()). So we memoise it per
 *     (EVM opcode table, code Uint8Array identity). Code arrays come from the state manager, which
 *     keeps the same Uint8Array for a contract's code and never writes into it; init code (a new
 *     array per deploy) simply misses the cache, and the WeakMap lets it be collected.
 *     The patch is on the prototype (the Interpreter is created per call frame) but only acts for
 *     EVMs registered with `enableFastPath`; every other EVM runs the original method.
 *
 *  2. `Common` answers `isActivatedEIP` with `Array.prototype.includes` over ~90 EIPs,
 *     `gteHardfork` by scanning the hardfork list, `consensusType()` by scanning hardfork changes
 *     and `param()` with a `BigInt()` conversion, and the interpreter asks these per opcode / per
 *     frame (~10%). For a Common whose hardfork and EIPs never change, the answers are constant: we
 *     memoise them on that one Common instance (own properties, not the prototype). Should anything
 *     call `setHardfork`/`setHardforkBy`/`setEIPs`/`updateParams`/`resetParams` later, the memo is
 *     dropped.
 *
 *  3. `Interpreter.prototype.run` awaits the async `runStep` for EVERY opcode: one promise and one
 *     microtask per PUSH/DUP/ADD..., which made the interpreter loop and the garbage collector the
 *     top of the profile. `fastRun` (run-loop.ts) is a copy of 10.1.3's `run` loop that executes an
 *     opcode synchronously when its handler is synchronous and its gas is either static or one of
 *     the memory-expansion formulas (MLOAD/MSTORE/MSTORE8, CALLDATACOPY, RETURN/REVERT, LOG0-4,
 *     copied from opcodes/gas.js + subMemUsage in opcodes/util.js); every other opcode still goes
 *     through the original `runStep`. "Synchronous" goes by the handler, not by codes.js' isAsync
 *     flag, which also marks plain functions (ADDRESS, CALLER, CALLVALUE, CALLDATALOAD...) whose
 *     undefined result runStep merely awaits. MSTORE's handler is replaced by one that writes the
 *     word straight into memory (10.1.3 builds it with setLengthLeft, which pads through array
 *     spreads). It steps aside (calls the original `run`) whenever anything it does not replicate
 *     could matter: step listeners or DEBUG, the profiler, EOF code, or any of EIPs
 *     3540/6800/7864/7928/8037 active.
 *     Because this copies ethereumjs code, it is installed only if the source text of the methods
 *     it replaces hashes to what was reviewed (SOURCE_HASHES); otherwise it is silently skipped
 *     (`fastPathStats.loopPatched` says which), leaving patches 1 and 2.
 *
 *  4. `KECCAK256` (0x20) is synchronous but has dynamic gas, so patch 3 sent it through the async
 *     `runStep`; its gas formula (memory expansion + per-word cost, copied from opcodes/gas.js) is
 *     now run synchronously like MLOAD's. Its handler is replaced by one that memoises the digest
 *     per input bytes: Solidity hashes the same (key, mapping slot) pairs over and over, and a
 *     JS keccak of 64 bytes costs several times a Map look-up. Only when Common has no
 *     customCrypto.keccak256. Guarded by the same source hashes ('gas:0x20', 'op:0x20').
 *
 *  5. `EVM.prototype.runInterpreter` ends every call frame by building
 *     `runState: { ...interpreterRes.runState, ...result, ...interpreter._env }`: two spreads of
 *     ~20-property objects per frame (~4% of the time plus the garbage). Nothing in
 *     @ethereumjs/evm or /vm 10.1.3 reads `execResult.runState` (grepped: only runCode's callers
 *     do, e.g. createChain's probe), so `fastRunInterpreter` (a copy of 10.1.3's method) builds the
 *     same object on first access instead, through an enumerable getter that then replaces itself
 *     with the data property (shared accessor functions: see LAZY_RUN_STATE). Installed on the
 *     EVM instance (not the prototype) only if the method's source hashes to the reviewed value.
 *
 *  6. SLOAD and SSTORE went through the async `runStep`: their gas handlers and handlers each
 *     padded the key into 32 bytes, the journal, the original-storage cache and the state manager
 *     hex-encoded key and address again for every look-up, and an SSTORE awaited nine promises.
 *     With EIP-2929 on and the chain's JournaledStateManager, `sload` and `sstore` (storage.ts) do
 *     the same (same warm/cold charge, EIP-2200 charge and refunds, journal and cache entries,
 *     stored value, refreshed frame account) with the key formatted once and no promise. Guarded by
 *     the source hashes of both opcodes' handlers, the Journal, OriginalStorageCache and
 *     Interpreter methods they call, and (for the EIP-2200 helpers, which are not exported) the
 *     @ethereumjs/evm version; any other state manager takes the original path. test/chain.test.ts
 *     compares gas used, refunds, errors and storage with stock ethereumjs on generated
 *     SSTORE/SLOAD sequences (static calls, reverts, the 2300-gas sentry).
 *
 *  7. `EVM.prototype._executeCall` hands runInterpreter `{ ...{ codeAddress }, ...message, gasLimit }`;
 *     that spread alone was ~15% of a deposit call (see makeFastExecuteCall). The copy on the EVM
 *     instance builds the same object with Object.assign and keeps the rest of the method, minus
 *     the branches of EIPs it steps aside for. Installed only if the method's source hashes to the
 *     reviewed value; the same test generates calls to a precompile, to an account without code
 *     and to itself, with and without the value to send, and transient storage across frames.
 *
 * One file per patch: jumps.ts (1), common-memo.ts (2), run-loop.ts with plan.ts, gas.ts and
 * opcodes.ts (3, 4), run-interpreter.ts (5), storage.ts (6), execute-call.ts (7); guard.ts holds
 * the reviewed source hashes and release, shared.ts the counters and the set of enabled EVMs,
 * types.ts the shapes of the ethereumjs internals they touch.
 */
import type { EVM } from '@ethereumjs/evm'
import { memoiseCommon } from './common-memo.ts'
import { patchExecuteCall } from './execute-call.ts'
import { patchInterpreterPrototype } from './jumps.ts'
import { patchRunInterpreter } from './run-interpreter.ts'
import { patchRunLoop } from './run-loop.ts'
import { FASTPATH_EVMS } from './shared.ts'
import type { InterpreterLike } from './types.ts'

export { fastPathStats } from './shared.ts'

const PATCHED_LOOPS = new WeakSet<object>()

/**
 * Turns the fast path on for one EVM. `interpreterPrototype` is the prototype of the Interpreter
 * class that EVM instantiates: it is taken from a live call result (`execResult.runState.interpreter`)
 * rather than imported, because @ethereumjs/evm does not export it and a deep import could resolve
 * to a second copy of the module (src/ vs dist/) that the EVM never uses.
 */
export function enableFastPath(evm: EVM, interpreterPrototype: object): void {
  patchInterpreterPrototype(interpreterPrototype as InterpreterLike)
  if (!PATCHED_LOOPS.has(interpreterPrototype)) {
    PATCHED_LOOPS.add(interpreterPrototype)
    patchRunLoop(interpreterPrototype as InterpreterLike)
  }
  memoiseCommon(evm.common)
  patchRunInterpreter(evm, interpreterPrototype)
  patchExecuteCall(evm)
  FASTPATH_EVMS.add(evm)
}
