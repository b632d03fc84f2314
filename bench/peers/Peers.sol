// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Shared pieces of the Foundry invariant tests vaultcheck races against (bench/race.ts).
/// No forge-std: the cheatcodes used are declared here.
interface Vm {
    function prank(address sender) external;
    function deal(address account, uint256 newBalance) external;
}

interface IERC20Like {
    function balanceOf(address) external view returns (uint256);
    function totalSupply() external view returns (uint256);
    function approve(address, uint256) external returns (bool);
    function transfer(address, uint256) external returns (bool);
    function transferFrom(address, address, uint256) external returns (bool);
    function allowance(address, address) external view returns (uint256);
}

abstract contract PeerBase {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));
    address[3] internal actors = [address(0xA11CE), address(0xB0B), address(0xCA401)];

    function _actor(uint256 seed) internal view returns (address) {
        return actors[seed % 3];
    }
}
