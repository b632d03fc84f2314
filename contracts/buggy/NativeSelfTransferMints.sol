// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NativeVault} from "../NativeVault.sol";

/// @title NativeSelfTransferMints
/// @notice BUG: _transfer caches both balances before writing, so a transfer to oneself credits `amount`
///         without debiting it (sum of balances exceeds totalSupply and the coin backing it).
/// @custom:breaks full backing
contract NativeSelfTransferMints is NativeVault {
    function _transfer(address from, address to, uint256 amount) internal override {
        if (to == address(0)) revert InvalidReceiver(to);
        uint256 fromBalance = _balances[from];
        uint256 toBalance = _balances[to];
        if (fromBalance < amount) revert InsufficientBalance(from, fromBalance, amount);
        _balances[from] = fromBalance - amount;
        // BUG: when from == to this overwrites the debit with a stale balance plus amount.
        _balances[to] = toBalance + amount;
        emit Transfer(from, to, amount);
    }
}
