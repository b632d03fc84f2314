// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {CollateralDebtVault} from "../CollateralDebtVault.sol";
import {DebtToken} from "../DebtToken.sol";

/// @title UnguardedDebtToken
/// @notice BUG: mint lost its minter check, so anyone can mint debt tokens that no position owes.
contract UnguardedDebtToken is DebtToken {
    function mint(address to, uint256 amount) external override {
        // BUG: `if (msg.sender != _minter) revert NotMinter(msg.sender, _minter);` is missing.
        _mint(to, amount);
    }
}

/// @title CdpDebtMintUnguarded
/// @notice A correct CDP whose own debt token can be minted by anyone: the token supply stops being the
///         debt outstanding, and nothing in the vault's own functions shows it.
/// @custom:breaks no function outside the specification moves value; backing
contract CdpDebtMintUnguarded is CollateralDebtVault {
    constructor(address collateralToken_, address oracle_) CollateralDebtVault(collateralToken_, oracle_) {}

    function _createDebtToken() internal override returns (DebtToken) {
        return new UnguardedDebtToken();
    }
}
