// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ILendingOracle, LendingMarket} from "../LendingMarket.sol";

/// @title LendingCollateralViewReverts
/// @notice BUG: collateral(account) runs the health check withdrawCollateral uses, so once a price move
///         leaves a position unhealthy its collateral can no longer be read: exactly when liquidators
///         need it to size a liquidation.
/// @custom:breaks answering views
contract LendingCollateralViewReverts is LendingMarket {
    constructor(address loan, address coll, address oracle_, uint256 lltv_, uint256 rate)
        LendingMarket(loan, coll, oracle_, lltv_, rate)
    {}

    function collateral(address account) public view override returns (uint256) {
        // BUG: an action's precondition in a view.
        if (!_isHealthy(account, ILendingOracle(oracle).price())) revert InsufficientCollateral(account);
        return _collateral[account];
    }
}
