// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PeerBase, IERC20Like} from "./Peers.sol";

interface INative is IERC20Like {
    function deposit() external payable;
    function withdraw(uint256 wad) external;
}

/// Handler for a native-coin wrapper (WETH-like): deposit, withdraw, transfers, bounded to three
/// actors, with ghost balances for the differential promise.
contract NativeHandler is PeerBase {
    INative public immutable vault;
    mapping(address => uint256) public ghost;
    mapping(address => mapping(address => uint256)) public ghostAllowance;

    constructor(INative vault_) {
        vault = vault_;
        for (uint256 i = 0; i < 3; i++) vm.deal(actors[i], 1e24);
    }

    function deposit(uint256 by, uint256 value) external {
        address a = _actor(by);
        value = value % (a.balance + 1);
        vm.prank(a);
        vault.deposit{value: value}();
        ghost[a] += value;
    }

    function withdraw(uint256 by, uint256 value) external {
        address a = _actor(by);
        value = value % (ghost[a] + 1);
        vm.prank(a);
        vault.withdraw(value);
        ghost[a] -= value;
    }

    function transfer(uint256 by, uint256 to, uint256 value) external {
        address a = _actor(by);
        value = value % (ghost[a] + 1);
        vm.prank(a);
        vault.transfer(_actor(to), value);
        ghost[a] -= value;
        ghost[_actor(to)] += value;
    }

    function approve(uint256 by, uint256 to, uint256 value) external {
        vm.prank(_actor(by));
        vault.approve(_actor(to), value);
        ghostAllowance[_actor(by)][_actor(to)] = value;
    }

    function transferFrom(uint256 by, uint256 from, uint256 to, uint256 value) external {
        address s = _actor(by);
        address f = _actor(from);
        uint256 cap = ghostAllowance[f][s] < ghost[f] ? ghostAllowance[f][s] : ghost[f];
        value = value % (cap + 1);
        vm.prank(s);
        vault.transferFrom(f, _actor(to), value);
        if (ghostAllowance[f][s] != type(uint256).max) ghostAllowance[f][s] -= value;
        ghost[f] -= value;
        ghost[_actor(to)] += value;
    }
}

/// The invariant test: backing (NATIVE-BACKING-001) and balances equal to the ghost model
/// (NATIVE-DIFF-002).
abstract contract NativeRace {
    NativeHandler public handler;
    INative internal vault;

    function _deploy() internal virtual returns (address);

    function setUp() public {
        vault = INative(_deploy());
        handler = new NativeHandler(vault);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    function invariant_backing() public view {
        require(address(vault).balance >= vault.totalSupply(), "NATIVE-BACKING-001");
    }

    function invariant_balances() public view {
        for (uint256 i = 0; i < 3; i++) {
            address a = [address(0xA11CE), address(0xB0B), address(0xCA401)][i];
            require(vault.balanceOf(a) == handler.ghost(a), "NATIVE-DIFF-002");
        }
    }
}
