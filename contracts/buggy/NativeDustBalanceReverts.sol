// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NativeVault} from "../NativeVault.sol";

/// @title NativeDustBalanceReverts
/// @notice BUG: the minimum-balance rule (no dust below 1 gwei) is asserted in balanceOf instead of enforced
///         in deposit, withdraw and transfer, so once any account holds dust its balanceOf reverts.
/// @custom:breaks answering views
contract NativeDustBalanceReverts is NativeVault {
    error DustBalance(address account, uint256 balance);

    uint256 internal constant MIN_BALANCE = 1 gwei;

    function balanceOf(address account) public view override returns (uint256) {
        uint256 balance = _balances[account];
        // BUG: a check that belongs in the actions that leave dust, not in a view.
        if (balance != 0 && balance < MIN_BALANCE) revert DustBalance(account, balance);
        return balance;
    }
}
