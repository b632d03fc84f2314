// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingMarket} from "../LendingMarket.sol";

/// @title LendingBadDebtNotSocialized
/// @notice BUG: a liquidation that exhausts a borrower's collateral leaves the rest of its debt on the
///         books: lenders are owed assets that will never be repaid, and the last to withdraw lose them.
/// @custom:breaks full backing
contract LendingBadDebtNotSocialized is LendingMarket {
    constructor(address loan, address coll, address oracle_, uint256 lltv_, uint256 rate)
        LendingMarket(loan, coll, oracle_, lltv_, rate)
    {}

    function _realizeBadDebt(address) internal pure override returns (uint256, uint256) {
        // BUG: the debt of an empty position should be written off against the supply.
        return (0, 0);
    }
}
