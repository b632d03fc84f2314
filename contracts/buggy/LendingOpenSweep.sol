// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingMarket} from "../LendingMarket.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

interface IBalance {
    function balanceOf(address) external view returns (uint256);
}

/// @title LendingOpenSweep
/// @notice BUG: a helper meant to return loan tokens sent to the market by mistake has no access check
///         and no limit: anyone sweeps the whole balance, lenders' liquidity included, to any address.
/// @custom:breaks no function outside the specification moves value; backing
contract LendingOpenSweep is LendingMarket {
    using SafeTransferLib for address;

    constructor(address loan, address coll, address oracle_, uint256 lltv_, uint256 rate)
        LendingMarket(loan, coll, oracle_, lltv_, rate)
    {}

    function sweep(address to) external {
        // BUG: no owner check, and no `balance - (totalSupplyAssets - totalBorrowAssets)` limit.
        loanToken.safeTransfer(to, IBalance(loanToken).balanceOf(address(this)));
    }
}
