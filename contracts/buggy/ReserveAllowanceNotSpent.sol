// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReserveVault} from "../ReserveVault.sol";

/// @title ReserveAllowanceNotSpent
/// @notice BUG: transferFrom checks the allowance but never decrements it, so one approval can be spent repeatedly.
/// @custom:breaks access
contract ReserveAllowanceNotSpent is ReserveVault {
    constructor(address underlying_) ReserveVault(underlying_) {}

    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        uint256 allowed = _allowances[from][msg.sender];
        if (allowed < amount) revert InsufficientAllowance(from, msg.sender, allowed, amount);
        // BUG: missing `_allowances[from][msg.sender] = allowed - amount;`.
        _transfer(from, to, amount);
        return true;
    }
}
