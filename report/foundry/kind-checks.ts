/** A kind's model-free checks (invariants after every step, the exit probe), restated in Solidity. */
import type { StoredFailure } from '../failures.ts'
import { addrExpr, type Ctx } from './literals.ts'

/** How a kind restates its model-free checks in Solidity. */
export type KindChecks = {
  invariants: string[]
  exitProbe: string[]
}

export function kindChecks(p: { f: StoredFailure; ctx: Ctx; actors: { name: string; expr: string }[]; contracts: Record<string, string> }): KindChecks {
  const { f, ctx, actors } = p
  const on = (id: string) => f.enabled.includes(id)
  const ref = (role: string) => (p.contracts[role] ? addrExpr(ctx, p.contracts[role]) : undefined)
  const out: KindChecks = { invariants: [], exitProbe: [] }
  const accounts = [...actors.map((a) => a.expr)]
  const wrapper = ref('wrapper')
  if ((f.kind === 'reserve' || f.kind === 'native') && wrapper) {
    const P = f.kind.toUpperCase()
    const underlying = ref('underlying')
    const reserveOf = (who: string) => (f.kind === 'reserve' ? `_balanceOf(${underlying}, ${who})` : `${who}.balance`)
    if (f.kind === 'native' || underlying) {
      const all = [...accounts, wrapper, 'address(0)']
      if (on(`${P}-BACKING-001`)) {
        out.invariants.push(
          `_check(${reserveOf(wrapper)} >= _totalSupply(${wrapper}), string.concat("${P}-BACKING-001: after ", step, " the supply exceeds the ${f.kind === 'reserve' ? 'reserve' : 'coin the vault holds'}"));`,
        )
      }
      if (on(`${P}-BACKING-002`)) {
        out.invariants.push(
          `_check(${all.map((a) => `_balanceOf(${wrapper}, ${a})`).join(' + ')} == _totalSupply(${wrapper}), string.concat("${P}-BACKING-002: after ", step, " balances do not add up to the supply"));`,
        )
      }
      const id = `${P}-EXIT-001`
      if (on(id)) {
        const withdraw = (a: string, amount: string) =>
          f.kind === 'reserve' ? `abi.encodeWithSignature("withdrawTo(address,uint256)", ${a}, ${amount})` : `abi.encodeWithSignature("withdraw(uint256)", ${amount})`
        out.exitProbe.push(`// Exit probe: every holder in turn withdraws its whole balance and must receive exactly that.`)
        out.exitProbe.push('uint256 owed;', 'uint256 before;')
        for (const a of actors) {
          out.exitProbe.push(
            `owed = _balanceOf(${wrapper}, ${a.expr});`,
            `if (owed != 0) {`,
            `    before = ${reserveOf(a.expr)};`,
            `    vm.prank(${a.expr});`,
            `    (ok, ) = ${wrapper}.call(${withdraw(a.expr, 'owed')});`,
            `    _check(ok, "${id}: ${a.name} cannot withdraw its whole balance");`,
            `    _check(${reserveOf(a.expr)} >= before && ${reserveOf(a.expr)} - before == owed, "${id}: ${a.name} withdrew its whole balance but received a different amount");`,
            `}`,
          )
        }
        out.exitProbe.push(
          `_check(_totalSupply(${wrapper}) == _balanceOf(${wrapper}, ${wrapper}) + _balanceOf(${wrapper}, address(0)), "${id}: claims remain outstanding after every holder exited");`,
        )
      }
    }
  }
  if (f.kind === 'erc4626') {
    const shares = ref('vault') ?? ref('shares') ?? ref('wrapper')
    if (shares && on('ERC4626-BACKING-002')) {
      const all = [...accounts, shares, 'address(0)']
      out.invariants.push(
        `_check(${all.map((a) => `_balanceOf(${shares}, ${a})`).join(' + ')} == _totalSupply(${shares}), string.concat("ERC4626-BACKING-002: after ", step, " share balances do not add up to the supply"));`,
      )
    }
  }
  return out
}
