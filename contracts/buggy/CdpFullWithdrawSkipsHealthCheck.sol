// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralDebtVault} from "../CollateralDebtVault.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title CdpFullWithdrawSkipsHealthCheck
/// @notice BUG: withdraw treats withdrawing the full collateral as "closing the position" and skips the
///         health check, so a borrower can take all its collateral and keep its debt.
/// @custom:breaks ratio enforcement
contract CdpFullWithdrawSkipsHealthCheck is CollateralDebtVault {
    using SafeTransferLib for address;

    constructor(address collateralToken_, address oracle_) CollateralDebtVault(collateralToken_, oracle_) {}

    function withdraw(uint256 amount) public override {
        uint256 collateral = _collateral[msg.sender];
        if (amount > collateral) revert InsufficientCollateral(msg.sender, collateral, amount);
        uint256 remaining = collateral - amount;
        // BUG: the close-out fast path forgets the position may still carry debt.
        if (remaining != 0) _requireHealthy(msg.sender, remaining, _debt[msg.sender]);
        _collateral[msg.sender] = remaining;
        _totalCollateral -= amount;
        emit Withdraw(msg.sender, amount);
        _collateralToken.safeTransfer(msg.sender, amount);
    }
}
