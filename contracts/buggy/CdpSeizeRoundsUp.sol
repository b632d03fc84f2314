// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralDebtVault} from "../CollateralDebtVault.sol";
import {FixedPointMath} from "../lib/FixedPointMath.sol";

/// @title CdpSeizeRoundsUp
/// @notice BUG: liquidation computes the seized collateral with mulDivUp instead of floor division, paying
///         the liquidator up to one extra collateral unit out of the owner's remaining collateral.
/// @custom:breaks no free value
contract CdpSeizeRoundsUp is CollateralDebtVault {
    using FixedPointMath for uint256;

    constructor(address collateralToken_, address oracle_) CollateralDebtVault(collateralToken_, oracle_) {}

    function _seizedCollateral(uint256 collateral, uint256 debt, uint256 price) internal pure override returns (uint256) {
        if (price == 0) return collateral;
        // BUG: rounds in the liquidator's favour; should be mulDivDown.
        uint256 owed = debt.mulDivUp(WAD + LIQUIDATION_BONUS, price);
        return owed < collateral ? owed : collateral;
    }
}
