// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralDebtVault} from "../CollateralDebtVault.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title CdpLiquidationKeepsTotalDebt
/// @notice BUG: liquidate clears the owner's debt and burns the liquidator's vUSD but never decreases
///         totalDebt, so totalDebt drifts above the debt token's supply.
/// @custom:breaks ratio enforcement
contract CdpLiquidationKeepsTotalDebt is CollateralDebtVault {
    using SafeTransferLib for address;

    constructor(address collateralToken_, address oracle_) CollateralDebtVault(collateralToken_, oracle_) {}

    function liquidate(address owner) public override returns (uint256 seized) {
        uint256 collateral = _collateral[owner];
        uint256 debt = _debt[owner];
        uint256 price = _oracle.price();
        if (!_isLiquidatable(collateral, debt, price)) revert PositionHealthy(owner, collateral, debt, price);

        seized = _seizedCollateral(collateral, debt, price);
        _debt[owner] = 0;
        // BUG: missing `_totalDebt -= debt;`.
        _collateral[owner] = collateral - seized;
        _totalCollateral -= seized;
        emit Liquidate(msg.sender, owner, debt, seized, price);

        _debtToken.burn(msg.sender, debt);
        _collateralToken.safeTransfer(msg.sender, seized);
    }
}
