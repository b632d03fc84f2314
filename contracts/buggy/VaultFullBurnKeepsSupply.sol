// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenizedVault} from "../TokenizedVault.sol";

/// @title VaultFullBurnKeepsSupply
/// @notice BUG: burning an owner's whole share balance takes a "close account" fast path that deletes the
///         balance but never lowers totalSupply, so after a full withdraw or redeem the balances no longer
///         add up to the supply (and the ghost shares dilute every remaining holder).
/// @custom:breaks full backing
contract VaultFullBurnKeepsSupply is TokenizedVault {
    constructor(address asset_) TokenizedVault(asset_) {}

    function _burn(address from, uint256 amount) internal override {
        if (amount != 0 && amount == _balances[from]) {
            // BUG: missing `_totalSupply -= amount;`.
            delete _balances[from];
            emit Transfer(from, address(0), amount);
            return;
        }
        super._burn(from, amount);
    }
}
