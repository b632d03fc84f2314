// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralDebtVault} from "../CollateralDebtVault.sol";

/// @title CdpUnhealthyDebtOfReverts
/// @notice BUG: debtOf runs the health check the actions use, so once a price move leaves a position
///         unhealthy its debtOf reverts (PositionUnhealthy) instead of answering: exactly when liquidators
///         and front-ends need to read it.
/// @custom:breaks answering views
contract CdpUnhealthyDebtOfReverts is CollateralDebtVault {
    constructor(address collateralToken_, address oracle_) CollateralDebtVault(collateralToken_, oracle_) {}

    function debtOf(address account) public view override returns (uint256) {
        // BUG: an action's precondition in a view.
        _requireHealthy(account, _collateral[account], _debt[account]);
        return _debt[account];
    }
}
