// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenizedVault} from "../TokenizedVault.sol";

/// @title VaultConvertRevertsOnZero
/// @notice BUG: convertToShares carries the zero-amount guard of deposit, so it reverts for 0 assets (the
///         asset balance of a holder who deposited everything) where EIP-4626 says it MUST NOT revert.
/// @custom:breaks answering views
contract VaultConvertRevertsOnZero is TokenizedVault {
    error ZeroAssets();

    constructor(address asset_) TokenizedVault(asset_) {}

    function convertToShares(uint256 assets) public view override returns (uint256) {
        // BUG: an action's input check in a view; convertToShares(0) must answer 0.
        if (assets == 0) revert ZeroAssets();
        return super.convertToShares(assets);
    }
}
