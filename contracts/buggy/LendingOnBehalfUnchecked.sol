// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {LendingMarket} from "../LendingMarket.sol";

/// @title LendingOnBehalfUnchecked
/// @notice BUG: the authorization check on `onBehalf` is missing: anyone can borrow against another
///         account's collateral, withdraw its supply or take its collateral.
/// @custom:breaks access
contract LendingOnBehalfUnchecked is LendingMarket {
    constructor(address loan, address coll, address oracle_, uint256 lltv_, uint256 rate)
        LendingMarket(loan, coll, oracle_, lltv_, rate)
    {}

    function _authorize(address) internal view override {
        // BUG: should require msg.sender == onBehalf or isAuthorized[onBehalf][msg.sender].
    }
}
