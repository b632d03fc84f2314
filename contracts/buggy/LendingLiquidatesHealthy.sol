// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingMarket} from "../LendingMarket.sol";

/// @title LendingLiquidatesHealthy
/// @notice BUG: liquidate never checks the borrower's health: anyone can seize a healthy position's
///         collateral at the incentive discount.
/// @custom:breaks ratio enforcement
contract LendingLiquidatesHealthy is LendingMarket {
    constructor(address loan, address coll, address oracle_, uint256 lltv_, uint256 rate)
        LendingMarket(loan, coll, oracle_, lltv_, rate)
    {}

    function _requireLiquidatable(address, uint256) internal view override {
        // BUG: no health check.
    }
}
