// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingMarket} from "../LendingMarket.sol";

/// @title LendingSeizeRoundsUp
/// @notice BUG: a liquidation by repaid shares rounds the seized collateral up, in the liquidator's
///         favour, and applies the incentive rounded up as well.
/// @custom:breaks no free value
contract LendingSeizeRoundsUp is LendingMarket {
    constructor(address loan, address coll, address oracle_, uint256 lltv_, uint256 rate)
        LendingMarket(loan, coll, oracle_, lltv_, rate)
    {}

    function _seizedFor(uint256 value, uint256 incentive, uint256 price) internal pure override returns (uint256) {
        // BUG: both divisions should round down.
        return _mulDivUp(_mulDivUp(value, incentive, WAD), ORACLE_SCALE, price);
    }
}
