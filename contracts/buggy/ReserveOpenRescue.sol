// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReserveVault} from "../ReserveVault.sol";
import {IERC20} from "../lib/IERC20.sol";

/// @title ReserveOpenRescue
/// @notice BUG: a "rescue stuck tokens" helper meant for the owner has no access check and sends the
///         whole reserve, not only tokens sent by mistake, to any caller's chosen address.
/// @custom:breaks no function outside the specification moves value; backing
contract ReserveOpenRescue is ReserveVault {
    constructor(address underlying_) ReserveVault(underlying_) {}

    function rescue(address to) external {
        // BUG: no onlyOwner, and no `balance - totalSupply()` limit on what may leave.
        IERC20(_underlying).transfer(to, IERC20(_underlying).balanceOf(address(this)));
    }
}
