// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReserveVault} from "../ReserveVault.sol";

/// @title ReserveSelfTransferBurns
/// @notice BUG: _transfer credits the recipient before debiting the sender from a balance it read earlier,
///         so a transfer to oneself overwrites the credit: `amount` disappears from the balances while
///         totalSupply (and the underlying backing it) stays.
/// @custom:breaks full backing
contract ReserveSelfTransferBurns is ReserveVault {
    constructor(address underlying_) ReserveVault(underlying_) {}

    function _transfer(address from, address to, uint256 amount) internal override {
        if (to == address(0)) revert InvalidReceiver(to);
        uint256 fromBalance = _balances[from];
        if (fromBalance < amount) revert InsufficientBalance(from, fromBalance, amount);
        _balances[to] += amount;
        // BUG: writes a stale balance when from == to; should debit before crediting.
        _balances[from] = fromBalance - amount;
        emit Transfer(from, to, amount);
    }
}
