// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NativeVault} from "../NativeVault.sol";

/// @title NativeFullExitNoBurn
/// @notice BUG: withdraw skips the burn when `wad` equals the caller's whole balance, so a full exit
///         pays out native coin while the wrapped supply (and the caller's balance) stays.
/// @custom:breaks full backing
contract NativeFullExitNoBurn is NativeVault {
    function withdraw(uint256 wad) public override {
        uint256 balance = _balances[msg.sender];
        if (wad > balance) revert InsufficientBalance(msg.sender, balance, wad);
        // BUG: a "close account" fast path that forgets to burn.
        if (wad != balance) _burn(msg.sender, wad);
        emit Withdrawal(msg.sender, wad);
        _sendNative(msg.sender, wad);
    }
}
