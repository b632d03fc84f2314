// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReserveVault} from "../ReserveVault.sol";

/// @title ReserveFullExitBlocked
/// @notice BUG: withdrawTo pre-checks the balance with `>=` instead of `>`, so a holder can never unwrap its whole balance.
/// @custom:breaks full redeemability
contract ReserveFullExitBlocked is ReserveVault {
    constructor(address underlying_) ReserveVault(underlying_) {}

    function withdrawTo(address account, uint256 value) public override returns (bool) {
        uint256 balance = _balances[msg.sender];
        // BUG: off-by-one; should be `value > balance`.
        if (value != 0 && value >= balance) revert InsufficientBalance(msg.sender, balance, value);
        return super.withdrawTo(account, value);
    }
}
