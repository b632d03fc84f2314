// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralDebtVault} from "../CollateralDebtVault.sol";

/// @title CdpBorrowChecksOldPosition
/// @notice BUG: borrow runs the health check on the position BEFORE adding the new debt, so any
///         healthy position can borrow arbitrarily far below the minimum collateral ratio.
/// @custom:breaks ratio enforcement
contract CdpBorrowChecksOldPosition is CollateralDebtVault {
    constructor(address collateralToken_, address oracle_) CollateralDebtVault(collateralToken_, oracle_) {}

    function borrow(uint256 amount) public override {
        // BUG: checks the old debt; should check `_debt[msg.sender] + amount`.
        _requireHealthy(msg.sender, _collateral[msg.sender], _debt[msg.sender]);
        _debt[msg.sender] += amount;
        _totalDebt += amount;
        emit Borrow(msg.sender, amount);
        _debtToken.mint(msg.sender, amount);
    }
}
