// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenizedVault} from "../TokenizedVault.sol";
import {Rounding} from "../lib/FixedPointMath.sol";

/// @title VaultDepositRoundsUp
/// @notice BUG: previewDeposit (and so deposit) rounds shares UP instead of down, handing out share
///         dust for nothing (e.g. a 1-wei deposit mints a share worth more than 1 wei).
/// @custom:breaks no free value
contract VaultDepositRoundsUp is TokenizedVault {
    constructor(address asset_) TokenizedVault(asset_) {}

    function previewDeposit(uint256 assets) public view override returns (uint256) {
        // BUG: should be Rounding.Down.
        return _convertToShares(assets, Rounding.Up);
    }
}
