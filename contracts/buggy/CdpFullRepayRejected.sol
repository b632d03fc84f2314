// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralDebtVault} from "../CollateralDebtVault.sol";

/// @title CdpFullRepayRejected
/// @notice BUG: repay rejects `amount >= debt` instead of `amount > debt`, so a borrower can never repay
///         its whole debt, and the collateral backing the last unit is locked for good.
/// @custom:breaks full redeemability
contract CdpFullRepayRejected is CollateralDebtVault {
    constructor(address collateralToken_, address oracle_) CollateralDebtVault(collateralToken_, oracle_) {}

    function repay(uint256 amount) public override {
        uint256 debt = _debt[msg.sender];
        // BUG: off-by-one; should be `amount > debt`.
        if (amount != 0 && amount >= debt) revert RepayExceedsDebt(msg.sender, debt, amount);
        super.repay(amount);
    }
}
