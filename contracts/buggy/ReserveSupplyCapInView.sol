// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReserveVault} from "../ReserveVault.sol";

/// @title ReserveSupplyCapInView
/// @notice BUG: the supply cap is asserted in totalSupply() instead of enforced in depositFor, so a deposit
///         past the cap succeeds and totalSupply() then reverts for everyone until enough is unwrapped.
/// @custom:breaks answering views
contract ReserveSupplyCapInView is ReserveVault {
    error SupplyCapExceeded(uint256 supply, uint256 cap);

    uint256 internal constant SUPPLY_CAP = 1_000_000e18;

    constructor(address underlying_) ReserveVault(underlying_) {}

    function totalSupply() public view override returns (uint256) {
        // BUG: a check that belongs in depositFor (reject the deposit), not in a view.
        if (_totalSupply > SUPPLY_CAP) revert SupplyCapExceeded(_totalSupply, SUPPLY_CAP);
        return _totalSupply;
    }
}
