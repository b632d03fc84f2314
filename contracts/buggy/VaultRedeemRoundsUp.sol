// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenizedVault} from "../TokenizedVault.sol";
import {Rounding} from "../lib/FixedPointMath.sol";

/// @title VaultRedeemRoundsUp
/// @notice BUG: previewRedeem (and so redeem) rounds assets UP instead of down, so redeeming
///         pays out more than the shares are worth and deposit/redeem round trips can profit.
/// @custom:breaks no free value
contract VaultRedeemRoundsUp is TokenizedVault {
    constructor(address asset_) TokenizedVault(asset_) {}

    function previewRedeem(uint256 shares) public view override returns (uint256) {
        // BUG: should be Rounding.Down.
        return _convertToAssets(shares, Rounding.Up);
    }
}
