// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingMarket} from "../LendingMarket.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title LendingCollateralShortPull
/// @notice BUG: supplyCollateral credits the whole amount but pulls 0.1% less from the caller (a fee
///         taken on the wrong side): the market holds less collateral than the positions it backs.
/// @custom:breaks full backing
contract LendingCollateralShortPull is LendingMarket {
    using SafeTransferLib for address;

    constructor(address loan, address coll, address oracle_, uint256 lltv_, uint256 rate)
        LendingMarket(loan, coll, oracle_, lltv_, rate)
    {}

    function supplyCollateral(uint256 assets, address onBehalf) external override {
        if (assets == 0) revert ZeroAssets();
        if (onBehalf == address(0)) revert ZeroAddress();
        _collateral[onBehalf] += assets;
        _checkSize();
        emit SupplyCollateral(msg.sender, onBehalf, assets);
        // BUG: credits `assets`, pulls less.
        collateralToken.safeTransferFrom(msg.sender, address(this), assets - assets / 1000);
    }
}
