// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingMarket} from "../LendingMarket.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title LendingFullRepayBlocked
/// @notice BUG: repay refuses to close a position (`<` where `<=` was meant): a borrower can never
///         repay its whole debt and so never gets all its collateral back.
/// @custom:breaks full redeemability
contract LendingFullRepayBlocked is LendingMarket {
    using SafeTransferLib for address;

    constructor(address loan, address coll, address oracle_, uint256 lltv_, uint256 rate)
        LendingMarket(loan, coll, oracle_, lltv_, rate)
    {}

    function repay(uint256 assets, uint256 shares, address onBehalf) external override returns (uint256, uint256) {
        if ((assets == 0) == (shares == 0)) revert InconsistentInput();
        if (onBehalf == address(0)) revert ZeroAddress();
        _accrue();
        if (assets > 0) shares = _mulDivDown(assets, totalBorrowShares + VIRTUAL_SHARES, totalBorrowAssets + VIRTUAL_ASSETS);
        else assets = _mulDivUp(shares, totalBorrowAssets + VIRTUAL_ASSETS, totalBorrowShares + VIRTUAL_SHARES);
        // BUG: repaying every share must be allowed (<= where < was written).
        require(shares < borrowShares[onBehalf], "repay: exceeds debt");
        borrowShares[onBehalf] -= shares;
        totalBorrowShares -= shares;
        totalBorrowAssets = assets < totalBorrowAssets ? totalBorrowAssets - assets : 0;
        emit Repay(msg.sender, onBehalf, assets, shares);
        loanToken.safeTransferFrom(msg.sender, address(this), assets);
        return (assets, shares);
    }
}
