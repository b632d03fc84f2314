// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralDebtVault} from "../CollateralDebtVault.sol";

/// @title CdpHealthRoundsForBorrower
/// @notice BUG: the health check rounds the collateral's value up to whole 1e18 units before
///         comparing, in the borrower's favour: `ceil(collateral * price / 1e18) * 1e18 >=
///         debt * minCollateralRatio`. Invisible while `collateral * price` is a multiple of 1e18
///         (round prices); a borrow just past the limit passes when it is not.
/// @custom:breaks ratio enforcement
contract CdpHealthRoundsForBorrower is CollateralDebtVault {
    constructor(address collateralToken_, address oracle_) CollateralDebtVault(collateralToken_, oracle_) {}

    function _isHealthy(uint256 collateral, uint256 debt, uint256 price) internal pure override returns (bool) {
        // BUG: should compare collateral * price itself.
        uint256 value = collateral * price;
        uint256 roundedUp = ((value + WAD - 1) / WAD) * WAD;
        return debt == 0 || roundedUp >= debt * MIN_COLLATERAL_RATIO;
    }
}
