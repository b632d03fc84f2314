/** The .t.sol text around the rendered statements: the header comment, imports, inline cheatcodes (no forge-std) and helpers. */
import type { StoredFailure } from '../failures.ts'
import type { EventCheck } from './facts.ts'
import type { KindChecks } from './kind-checks.ts'
import { ident } from './literals.ts'
import type { Actor } from './naming.ts'

export function headerComment(f: StoredFailure, restates: boolean): string {
  return [
    `// Reproducer written by vaultcheck: ${f.target} breaks ${f.propertyId}.`,
    `// ${f.propertyId}: ${f.promise}`,
    `// ${f.message}`,
    `//   expected: ${f.expected}`,
    `//   actual:   ${f.actual}`,
    '// Counterexample:',
    ...f.steps.map((s, i) => `//   ${i + 1}. ${s}`),
    '//',
    '// It replays vaultcheck\'s exact calls (same actor addresses; contracts are referred to by variable,',
    '// since their addresses differ here) and fails, with a message naming the property, while the vault',
    '// is broken; it passes once it is fixed.',
    ...(restates
      ? []
      : [`// NOTE: ${f.propertyId}'s check compares the contract with vaultcheck's model in a way this file does not`, '// restate: it replays the steps and checks the model-free invariants only. The vitest reproducer is exact.']),
    '//',
    '// Run: forge test --root .vaultcheck/reproducers (see foundry.toml there; no forge-std needed).',
  ]
    .map((l) => l.replace(/[^\x20-\x7e]/g, '?'))
    .join('\n')
}

export function soliditySource(page: {
  f: StoredFailure
  header: string
  /** Artifact name -> import path. */
  imports: ReadonlyMap<string, string>
  contractName: string
  actors: readonly Actor[]
  vars: readonly { name: string; artifact: string }[]
  setup: string[]
  body: string[]
  checks: KindChecks
  events: EventCheck | undefined
  bytecodeDeploys: ReadonlySet<string>
}): string {
  const { f, header, imports, contractName, actors, vars, setup, body, checks, events, bytecodeDeploys } = page
  const ind = (lines: string[], n: number) => lines.map((l) => (l ? ' '.repeat(n) + l : l)).join('\n')
  return `// SPDX-License-Identifier: UNLICENSED
${header}
pragma solidity ^0.8.24;

${[...imports].map(([name, p]) => `import {${name}} from ${JSON.stringify(p)};`).join('\n')}

interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }
    function prank(address) external;
    function deal(address, uint256) external;
    function warp(uint256) external;
    function roll(uint256) external;
    function snapshotState() external returns (uint256);
    function revertToState(uint256) external returns (bool);
    function expectRevert() external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
}

contract ${contractName} {
    Vm constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

${actors.map((a) => `    address constant ${a.expr} = ${a.address};`).join('\n')}

${vars.map((v) => `    address internal ${v.name}; // ${v.artifact}`).join('\n')}
    mapping(uint256 => uint256) internal snaps;

    function setUp() public {
${ind(setup, 8)}
    }

    function test_${ident(f.propertyId)}() public {
${ind(body, 8)}
    }

    function _invariants(string memory step) internal view {
${checks.invariants.length ? ind(checks.invariants, 8) : '        step;'}
    }

    function _check(bool condition, string memory message) internal pure {
        if (!condition) revert(message);
    }

    function _view(address target, bytes memory data) internal view returns (uint256) {
        (bool success, bytes memory ret) = target.staticcall(data);
        _check(success && ret.length >= 32, "view call failed");
        return abi.decode(ret, (uint256));
    }

    function _balanceOf(address token, address who) internal view returns (uint256) {
        return _view(token, abi.encodeWithSignature("balanceOf(address)", who));
    }

    function _totalSupply(address token) internal view returns (uint256) {
        return _view(token, abi.encodeWithSignature("totalSupply()"));
    }
${
  events
    ? `
    /// The logs of \`emitter\` whose first topic is one of \`wanted\`, in order.
    function _logsOf(Vm.Log[] memory all, address emitter, bytes32[] memory wanted) internal pure returns (Vm.Log[] memory out) {
        out = new Vm.Log[](all.length);
        uint256 n;
        for (uint256 i; i < all.length; i++) {
            if (all[i].emitter != emitter || all[i].topics.length == 0) continue;
            for (uint256 j; j < wanted.length; j++) {
                if (all[i].topics[0] == wanted[j]) {
                    out[n++] = all[i];
                    break;
                }
            }
        }
        assembly {
            mstore(out, n)
        }
    }
${[1, 2, 3, 4]
  .map(
    (k) => `
    function _words(${Array.from({ length: k }, (_, i) => `bytes32 w${i}`).join(', ')}) internal pure returns (bytes32[] memory out) {
        out = new bytes32[](${k});
${Array.from({ length: k }, (_, i) => `        out[${i}] = w${i};`).join('\n')}
    }
`,
  )
  .join('')}`
    : ''
}${
  bytecodeDeploys.size
    ? `
    function _create(bytes memory code, uint256 value) internal returns (address a) {
        assembly {
            a := create(value, add(code, 0x20), mload(code))
        }
        _check(a != address(0), "deploy failed");
    }
`
    : ''
}}
`
}
