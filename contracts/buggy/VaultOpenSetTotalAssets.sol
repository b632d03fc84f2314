// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenizedVault} from "../TokenizedVault.sol";

/// @title VaultOpenSetTotalAssets
/// @notice BUG: the keeper's "report managed assets" hook has no access check, so anyone can set the figure
///         every share is priced from: report a huge total, redeem a few shares for the whole vault.
/// @custom:breaks no function outside the specification changes supply or value
contract VaultOpenSetTotalAssets is TokenizedVault {
    uint256 internal _reported;
    bool internal _hasReport;

    constructor(address asset_) TokenizedVault(asset_) {}

    function setTotalAssets(uint256 assets) external {
        // BUG: meant for the strategy keeper only.
        _reported = assets;
        _hasReport = true;
    }

    function totalAssets() public view override returns (uint256) {
        return _hasReport ? _reported : super.totalAssets();
    }
}
