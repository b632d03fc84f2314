// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenizedVault} from "../TokenizedVault.sol";
import {FixedPointMath, Rounding} from "../lib/FixedPointMath.sol";

/// @title VaultNoVirtualOffset
/// @notice BUG: share conversion has no virtual share/asset (`supply == 0 ? assets : assets * supply / totalAssets`),
///         so a first depositor who donates to the vault can round later deposits down to zero shares and keep them.
/// @custom:breaks no free value
contract VaultNoVirtualOffset is TokenizedVault {
    using FixedPointMath for uint256;

    constructor(address asset_) TokenizedVault(asset_) {}

    function _convertToShares(uint256 assets, Rounding rounding) internal view override returns (uint256) {
        uint256 supply = totalSupply();
        // BUG: no +1 virtual terms.
        return supply == 0 ? assets : assets.mulDiv(supply, totalAssets(), rounding);
    }

    function _convertToAssets(uint256 shares, Rounding rounding) internal view override returns (uint256) {
        uint256 supply = totalSupply();
        return supply == 0 ? shares : shares.mulDiv(totalAssets(), supply, rounding);
    }
}
