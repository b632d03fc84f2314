// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenizedVault} from "../TokenizedVault.sol";

/// @title VaultMaxWithdrawInShares
/// @notice BUG: maxWithdraw returns the owner's share balance instead of its value in assets, so the
///         advertised maximum is wrong whenever a share is not worth exactly one asset (after gains it
///         understates what the holder can take out; after losses withdraw(maxWithdraw) reverts).
/// @custom:breaks full redeemability
contract VaultMaxWithdrawInShares is TokenizedVault {
    constructor(address asset_) TokenizedVault(asset_) {}

    function maxWithdraw(address owner) public view override returns (uint256) {
        // BUG: units confusion; should be convertToAssets(balanceOf(owner)).
        return balanceOf(owner);
    }
}
