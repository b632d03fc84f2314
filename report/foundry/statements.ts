/** One recorded harness operation (deploy, call, balance, time, snapshot) as Solidity statements. */
import { encodeDeployData, type AbiParameter, type Hex } from 'viem'
import type { RecordedCall } from '../../evm/recorder.ts'
import { describeCall } from './describe.ts'
import { addrExpr, calldataExpr, valueExpr, type Ctx } from './literals.ts'
import { HARNESS_ONLY, type Actor } from './naming.ts'

export type StatementEnv = {
  ctx: Ctx
  actors: readonly Actor[]
  names: Record<string, string>
  /** Artifacts deployed from bytecode (no source to import). */
  bytecodeDeploys: ReadonlySet<string>
  bytecodes?: Readonly<Record<string, Hex>>
}

export function statement(env: StatementEnv, c: RecordedCall, inSetup: boolean, snapDepth: { d: number }): string[] {
  const { ctx, actors, names, bytecodeDeploys } = env
  const out: string[] = []
  const from = (a?: string) => (a ? addrExpr(ctx, a) : actors[0]?.expr ?? 'address(this)')
  switch (c.op) {
    case 'deploy': {
      if (HARNESS_ONLY.has(c.name)) return []
      const v = ctx.refs.get(c.address.toLowerCase())!
      out.push(`vm.prank(${from(c.from)});`)
      if (bytecodeDeploys.has(c.name)) {
        const data = encodeDeployData({ abi: c.abi, bytecode: env.bytecodes![c.name], args: c.args } as Parameters<typeof encodeDeployData>[0])
        out.push(`${v} = _create(hex"${data.slice(2)}", ${c.value ?? 0n});`)
      } else {
        const ctor = c.abi.find((x) => x.type === 'constructor') as { inputs: readonly AbiParameter[] } | undefined
        const args = (ctor?.inputs ?? []).map((p, i) => valueExpr(ctx, p, c.args[i]))
        if (args.some((a) => a === undefined)) throw new Error(`constructor arguments of ${c.name} are not expressible in Solidity`)
        out.push(`${v} = address(new ${c.name}${c.value ? `{value: ${c.value}}` : ''}(${args.join(', ')}));`)
      }
      return out
    }
    case 'call':
    case 'raw': {
      out.push(`// ${describeCall(c, names)}`)
      out.push(`vm.prank(${from(c.from)});`)
      const data = c.op === 'call' ? calldataExpr(ctx, c.abi, c.functionName, c.args) : c.data && c.data !== '0x' ? `hex"${c.data.slice(2)}"` : '""'
      out.push(`(ok, ) = ${addrExpr(ctx, c.to)}.call${c.value ? `{value: ${c.value}}` : ''}(${data});`)
      if (inSetup) out.push(`_check(ok, "setup: this call succeeded in vaultcheck's run");`)
      return out
    }
    case 'setBalance':
      return [`vm.deal(${addrExpr(ctx, c.address)}, ${c.wei});`]
    case 'setTimestamp':
      return [`vm.warp(${c.value});`]
    case 'setBlockNumber':
      return [`vm.roll(${c.value});`]
    case 'snapshot':
      snapDepth.d++
      return [`snaps[${c.id}] = vm.snapshotState();`]
    case 'revert':
      snapDepth.d = Math.max(0, snapDepth.d - 1)
      return [`vm.revertToState(snaps[${c.id}]);`]
  }
}
