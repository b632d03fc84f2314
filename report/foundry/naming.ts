/** Names in a Foundry reproducer: the harness's actors as address constants, its deploys as variables named by role. */
import type { Address } from 'viem'
import { actorAddress } from '../../evm/chain.ts'
import type { RecordedCall } from '../../evm/recorder.ts'
import { ident, type Ctx } from './literals.ts'
import type { FoundryReplay } from './types.ts'

/** Contracts the harness deploys for itself (a read lens): never called, so not replayed. */
export const HARNESS_ONLY = new Set(['Multiread'])

export type Actor = { name: string; expr: string; address: Address }

export type Participants = {
  ctx: Ctx
  actors: Actor[]
  /** Actor name -> its Solidity constant. */
  actorNames: Map<string, string>
  /** The contract variables, one per deploy, in deploy order. */
  vars: { name: string; artifact: string }[]
  deploys: Extract<RecordedCall, { op: 'deploy' }>[]
}

export function nameParticipants(r: FoundryReplay): Participants {
  const names = r.names
  const ctx: Ctx = { refs: new Map() }

  // Actors: the names whose address is the harness's deterministic actor address.
  const actors: { name: string; expr: string; address: Address }[] = []
  const taken = new Set<string>()
  for (const [addr, name] of Object.entries(names)) {
    const a = actorAddress(name)
    if (a.toLowerCase() !== addr) continue
    const id = ident(name)
    taken.add(id)
    actors.push({ name, expr: id, address: a })
    ctx.refs.set(addr, id)
  }
  const actorNames = new Map(actors.map((a) => [a.name, a.expr]))

  // Contracts: every deploy of the setup, named by role where the replay knows one.
  const roleOf = new Map<string, string>()
  for (const [role, addr] of Object.entries(r.contracts ?? {})) if (!roleOf.has(addr.toLowerCase())) roleOf.set(addr.toLowerCase(), role)
  for (const [addr, name] of Object.entries(names)) if (!ctx.refs.has(addr) && !roleOf.has(addr)) roleOf.set(addr, name)
  const deploys = [...r.setupLog, ...r.runLog].filter((c): c is Extract<RecordedCall, { op: 'deploy' }> => c.op === 'deploy' && !HARNESS_ONLY.has(c.name))
  const vars: { name: string; artifact: string }[] = []
  for (const d of deploys) {
    let v = ident(roleOf.get(d.address.toLowerCase()) ?? d.name.charAt(0).toLowerCase() + d.name.slice(1))
    while (taken.has(v)) v = `${v}_`
    taken.add(v)
    vars.push({ name: v, artifact: d.name })
    ctx.refs.set(d.address.toLowerCase(), v)
  }
  return { ctx, actors, actorNames, vars, deploys }
}
