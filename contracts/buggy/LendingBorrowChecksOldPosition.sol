// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingMarket, ILendingOracle} from "../LendingMarket.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title LendingBorrowChecksOldPosition
/// @notice BUG: borrow checks the position's health before adding the new debt, so a borrower can
///         take any amount the market's liquidity allows as long as it was healthy before.
/// @custom:breaks ratio enforcement
contract LendingBorrowChecksOldPosition is LendingMarket {
    using SafeTransferLib for address;

    constructor(address loan, address coll, address oracle_, uint256 lltv_, uint256 rate)
        LendingMarket(loan, coll, oracle_, lltv_, rate)
    {}

    function borrow(uint256 assets, uint256 shares, address onBehalf, address receiver)
        external
        override
        returns (uint256, uint256)
    {
        if ((assets == 0) == (shares == 0)) revert InconsistentInput();
        if (receiver == address(0)) revert ZeroAddress();
        _authorize(onBehalf);
        _accrue();
        // BUG: the check belongs after the position is updated.
        if (!_isHealthy(onBehalf, ILendingOracle(oracle).price())) revert InsufficientCollateral(onBehalf);
        if (assets > 0) shares = _mulDivUp(assets, totalBorrowShares + VIRTUAL_SHARES, totalBorrowAssets + VIRTUAL_ASSETS);
        else assets = _mulDivDown(shares, totalBorrowAssets + VIRTUAL_ASSETS, totalBorrowShares + VIRTUAL_SHARES);
        borrowShares[onBehalf] += shares;
        totalBorrowShares += shares;
        totalBorrowAssets += assets;
        _checkSize();
        if (totalBorrowAssets > totalSupplyAssets) revert InsufficientLiquidity(totalBorrowAssets, totalSupplyAssets);
        emit Borrow(msg.sender, onBehalf, receiver, assets, shares);
        loanToken.safeTransfer(receiver, assets);
        return (assets, shares);
    }
}
