// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralDebtVault} from "../CollateralDebtVault.sol";

/// @title CdpLiquidatableAtMinimum
/// @notice BUG: liquidate accepts `collateral * price <= debt * minCollateralRatio`, so a position sitting
///         exactly at the minimum ratio (healthy by definition) can be liquidated.
/// @custom:breaks ratio enforcement
contract CdpLiquidatableAtMinimum is CollateralDebtVault {
    constructor(address collateralToken_, address oracle_) CollateralDebtVault(collateralToken_, oracle_) {}

    function _isLiquidatable(uint256 collateral, uint256 debt, uint256 price) internal pure override returns (bool) {
        // BUG: off-by-one boundary; should be `<`.
        return debt != 0 && collateral * price <= debt * MIN_COLLATERAL_RATIO;
    }
}
