// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralDebtVault} from "../CollateralDebtVault.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title CdpClosingWithdrawKeepsTotal
/// @notice BUG: withdrawing the whole collateral of a debt-free position takes a "close position" fast
///         path that deletes the position but never lowers totalCollateral, so totalCollateral drifts above
///         the sum of positions (and the collateral the vault holds).
/// @custom:breaks full backing
contract CdpClosingWithdrawKeepsTotal is CollateralDebtVault {
    using SafeTransferLib for address;

    constructor(address collateralToken_, address oracle_) CollateralDebtVault(collateralToken_, oracle_) {}

    function withdraw(uint256 amount) public override {
        if (amount == 0 || amount != _collateral[msg.sender] || _debt[msg.sender] != 0) {
            super.withdraw(amount);
            return;
        }
        // Closing a debt-free position: clear it in one go.
        delete _collateral[msg.sender];
        // BUG: missing `_totalCollateral -= amount;`.
        emit Withdraw(msg.sender, amount);
        _collateralToken.safeTransfer(msg.sender, amount);
    }
}
