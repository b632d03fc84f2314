// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingMarket} from "../LendingMarket.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title LendingWithdrawRoundsDown
/// @notice BUG: withdrawing assets burns the shares they convert to rounded down, so a lender can
///         take out slightly more than its shares are worth, one withdrawal after another.
/// @custom:breaks no free value
contract LendingWithdrawRoundsDown is LendingMarket {
    using SafeTransferLib for address;

    constructor(address loan, address coll, address oracle_, uint256 lltv_, uint256 rate)
        LendingMarket(loan, coll, oracle_, lltv_, rate)
    {}

    function withdraw(uint256 assets, uint256 shares, address onBehalf, address receiver)
        external
        override
        returns (uint256, uint256)
    {
        if ((assets == 0) == (shares == 0)) revert InconsistentInput();
        if (receiver == address(0)) revert ZeroAddress();
        _authorize(onBehalf);
        _accrue();
        // BUG: shares burned for `assets` must round up.
        if (assets > 0) shares = _mulDivDown(assets, totalSupplyShares + VIRTUAL_SHARES, totalSupplyAssets + VIRTUAL_ASSETS);
        else assets = _mulDivDown(shares, totalSupplyAssets + VIRTUAL_ASSETS, totalSupplyShares + VIRTUAL_SHARES);
        supplyShares[onBehalf] -= shares;
        totalSupplyShares -= shares;
        totalSupplyAssets -= assets;
        if (totalBorrowAssets > totalSupplyAssets) revert InsufficientLiquidity(totalBorrowAssets, totalSupplyAssets);
        emit Withdraw(msg.sender, onBehalf, receiver, assets, shares);
        loanToken.safeTransfer(receiver, assets);
        return (assets, shares);
    }
}
