// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PeerBase, IERC20Like} from "./Peers.sol";
import {MockERC20} from "vc/mocks/MockERC20.sol";

interface IReserve is IERC20Like {
    function depositFor(address account, uint256 value) external returns (bool);
    function withdrawTo(address account, uint256 value) external returns (bool);
}

/// Handler for a reserve (1:1 wrapper) vault: the same actions as vaultcheck's reserve driver,
/// bounded to three actors, with ghost balances for the differential promise.
contract ReserveHandler is PeerBase {
    IReserve public immutable vault;
    MockERC20 public immutable asset;
    mapping(address => uint256) public ghost;
    mapping(address => mapping(address => uint256)) public ghostAllowance;

    constructor(IReserve vault_, MockERC20 asset_) {
        vault = vault_;
        asset = asset_;
        for (uint256 i = 0; i < 3; i++) {
            asset.mint(actors[i], 1e24);
            vm.prank(actors[i]);
            asset.approve(address(vault), type(uint256).max);
            // Like vaultcheck's setup: every actor starts holding wrapped tokens.
            uint256 held = 1e24 / (10 * (i + 1));
            vm.prank(actors[i]);
            vault.depositFor(actors[i], held);
            ghost[actors[i]] = held;
        }
    }

    function depositFor(uint256 by, uint256 to, uint256 value) external {
        address a = _actor(by);
        value = value % (asset.balanceOf(a) + 1);
        vm.prank(a);
        vault.depositFor(_actor(to), value);
        ghost[_actor(to)] += value;
    }

    function withdrawTo(uint256 by, uint256 to, uint256 value) external {
        address a = _actor(by);
        value = value % (ghost[a] + 1);
        vm.prank(a);
        vault.withdrawTo(_actor(to), value);
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

/// The invariant test: backing (RESERVE-BACKING-001) and balances equal to the ghost model
/// (RESERVE-DIFF-002). Concrete tests pick the vault by overriding `_deploy`.
abstract contract ReserveRace {
    ReserveHandler public handler;
    IReserve internal vault;
    MockERC20 internal asset;

    function _deploy(address asset_) internal virtual returns (address);

    function setUp() public {
        asset = new MockERC20("Reserve", "RSV", 18);
        vault = IReserve(_deploy(address(asset)));
        handler = new ReserveHandler(vault, asset);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    function invariant_backing() public view {
        require(asset.balanceOf(address(vault)) >= vault.totalSupply(), "RESERVE-BACKING-001");
    }

    function invariant_balances() public view {
        for (uint256 i = 0; i < 3; i++) {
            address a = [address(0xA11CE), address(0xB0B), address(0xCA401)][i];
            require(vault.balanceOf(a) == handler.ghost(a), "RESERVE-DIFF-002");
            for (uint256 j = 0; j < 3; j++) {
                address b = [address(0xA11CE), address(0xB0B), address(0xCA401)][j];
                require(vault.allowance(a, b) == handler.ghostAllowance(a, b), "RESERVE-DIFF-002 allowance");
            }
        }
    }
}
