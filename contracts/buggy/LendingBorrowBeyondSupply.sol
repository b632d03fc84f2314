// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILendingOracle, LendingMarket} from "../LendingMarket.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title LendingBorrowBeyondSupply
/// @notice BUG: borrow leaves the liquidity check to the token transfer, which only fails when the
///         market's balance runs out. Loan tokens anyone sent to the market (and no lender supplied)
///         can then be borrowed: total borrow exceeds total supply, and lenders' claims are no longer
///         covered by what is lent out plus what is held for them.
/// @custom:breaks full backing
contract LendingBorrowBeyondSupply is LendingMarket {
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
        if (assets > 0) shares = _mulDivUp(assets, totalBorrowShares + VIRTUAL_SHARES, totalBorrowAssets + VIRTUAL_ASSETS);
        else assets = _mulDivDown(shares, totalBorrowAssets + VIRTUAL_ASSETS, totalBorrowShares + VIRTUAL_SHARES);
        borrowShares[onBehalf] += shares;
        totalBorrowShares += shares;
        totalBorrowAssets += assets;
        _checkSize();
        if (!_isHealthy(onBehalf, ILendingOracle(oracle).price())) revert InsufficientCollateral(onBehalf);
        // BUG: `if (totalBorrowAssets > totalSupplyAssets) revert InsufficientLiquidity(...)` is missing.
        emit Borrow(msg.sender, onBehalf, receiver, assets, shares);
        loanToken.safeTransfer(receiver, assets);
        return (assets, shares);
    }
}
