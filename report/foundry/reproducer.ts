/** renderFoundryReproducer: the violating call, the checks restated around it, and the test's setUp and body (see index.ts). */
import path from 'node:path'
import { DEFAULT_ACTOR_BALANCE, DEFAULT_BLOCK_NUMBER, DEFAULT_TIMESTAMP } from '../../evm/chain.ts'
import type { RecordedCall } from '../../evm/recorder.ts'
import { accessFacts, eventFacts, stateFacts } from './facts.ts'
import { kindChecks } from './kind-checks.ts'
import { addrExpr, ident, msg } from './literals.ts'
import { nameParticipants } from './naming.ts'
import { importPath } from './remaps.ts'
import { statement } from './statements.ts'
import { headerComment, soliditySource } from './template.ts'
import type { FoundryInput, FoundryReproducer } from './types.ts'

export function renderFoundryReproducer(input: FoundryInput): FoundryReproducer {
  const { f, replay: r } = input
  const names = r.names
  const { ctx, actors, actorNames, vars, deploys } = nameParticipants(r)

  const imports = new Map<string, string>()
  const bytecodeDeploys = new Set<string>()
  for (const d of deploys) {
    const src = input.sources[d.name]
    if (src) imports.set(d.name, importPath(input.file, src, input.remaps ?? []))
    else if (input.bytecodes?.[d.name]) bytecodeDeploys.add(d.name)
    else throw new Error(`no source or bytecode for ${d.name}: cannot write a Foundry reproducer`)
  }

  const failing = r.trace.find((l) => l.failed)
  // The violating call: the last call of the run (a failing step throws right after its checks;
  // a failing probe call is the last before the probe's snapshot is reverted).
  let violating = -1
  for (let i = r.runLog.length - 1; i >= 0; i--) {
    const op = r.runLog[i].op
    if (op === 'call' || op === 'raw') {
      violating = i
      break
    }
    if (op !== 'revert' && op !== 'snapshot') break
  }
  let outcomeCheck: string | undefined
  if (failing && violating >= 0) {
    const c = r.runLog[violating] as Extract<RecordedCall, { op: 'call' | 'raw' }>
    const recordedOk = c.op === 'call' ? c.result.ok : c.ok
    const mustRevert = failing.model.startsWith('revert (')
    const mayRevert = /, or revert \(/.test(failing.model)
    if (!recordedOk && !mustRevert && !mayRevert) outcomeCheck = `_check(ok, ${msg(`${f.propertyId}: ${failing.label} must succeed but reverted`)});`
    else if (recordedOk && mustRevert) outcomeCheck = `_check(!ok, ${msg(`${f.propertyId}: ${failing.label} must ${failing.model} but succeeded`)});`
  }
  const checks = kindChecks({ f, ctx, actors, contracts: r.contracts ?? {} })
  const vaultAddr = Object.entries(names).find(([, n]) => n === 'vault')?.[0]
  const facts = stateFacts({ f, ctx, contracts: r.contracts ?? {}, actorNames, vault: vaultAddr })
  const nameExpr = (n: string) => (n === 'zero' ? 'address(0)' : actorNames.get(n) ?? (vaultAddr && n === 'vault' ? addrExpr(ctx, vaultAddr) : undefined))
  const violatingCall = violating >= 0 ? r.runLog[violating] : undefined
  const events = eventFacts({ f, ctx, abi: violatingCall?.op === 'call' ? violatingCall.abi : undefined, emitter: vaultAddr, nameExpr })
  const access = accessFacts({ f, ctx, contracts: r.contracts ?? {}, nameExpr })
  const restates = outcomeCheck !== undefined || facts.length > 0 || events !== undefined || access !== undefined || [...checks.invariants, ...checks.exitProbe].some((l) => l.includes(`"${f.propertyId}:`))

  // ---- rendering
  const stmt = (c: RecordedCall, inSetup: boolean, snapDepth: { d: number }): string[] => statement({ ctx, actors, names, bytecodeDeploys, bytecodes: input.bytecodes }, c, inSetup, snapDepth)

  const setup: string[] = []
  setup.push(`vm.warp(${DEFAULT_TIMESTAMP});`, `vm.roll(${DEFAULT_BLOCK_NUMBER});`)
  for (const a of actors) setup.push(`vm.deal(${a.expr}, ${DEFAULT_ACTOR_BALANCE});`)
  setup.push('bool ok;')
  const sd = { d: 0 }
  for (const c of r.setupLog) setup.push(...stmt(c, true, sd))

  const body: string[] = ['bool ok;']
  if (events) body.push('Vm.Log[] memory logs;')
  const rd = { d: 0 }
  let step = 0
  // The harness's exit probe runs in a snapshot it reverts. Where the kind restates the probe in
  // Solidity (reading the balances then, not replaying amounts read from the broken vault), the
  // recorded probe calls are left out: being reverted, they change nothing that follows.
  const probeRegion = new Set<number>()
  if (checks.exitProbe.length > 0) {
    let depth = 0
    for (const [i, c] of r.runLog.entries()) {
      if (c.op === 'snapshot') depth++
      if (depth > 0) probeRegion.add(i)
      if (c.op === 'revert') depth = Math.max(0, depth - 1)
    }
  }
  let skipped = false
  for (const [i, c] of r.runLog.entries()) {
    if (probeRegion.has(i)) {
      if (!skipped) body.push("// (vaultcheck's exit probe ran here, in a snapshot it reverted: restated below)")
      skipped = true
      continue
    }
    skipped = false
    const lines = stmt(c, false, rd)
    const action = (c.op === 'call' || c.op === 'raw' || c.op === 'setBalance') && rd.d === 0
    if (action) step++
    if (i === violating) {
      body.push(`// ---- the violating call (${f.propertyId})`)
      if (events) body.push(...events.before)
      if (access) body.push(...access.before)
      body.push(...lines)
      if (outcomeCheck) body.push(outcomeCheck)
      body.push(...facts)
      if (events) body.push(...events.after)
      if (access) body.push(...access.after)
    } else body.push(...lines)
    if (action && checks.invariants.length > 0) body.push(`_invariants("step ${step}");`)
  }
  if (checks.exitProbe.length > 0) body.push(...checks.exitProbe)

  const contractName = `Repro_${ident(f.target)}_${ident(f.propertyId)}_${path.basename(input.file, '.t.sol').slice(-10).replace(/[^A-Za-z0-9]/g, '')}`
  const header = headerComment(f, restates)
  const source = soliditySource({ f, header, imports, contractName, actors, vars, setup, body, checks, events, bytecodeDeploys })
  return { source, exact: restates }
}
