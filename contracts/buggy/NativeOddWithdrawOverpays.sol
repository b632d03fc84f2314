// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NativeVault} from "../NativeVault.sol";

/// @title NativeOddWithdrawOverpays
/// @notice BUG: withdraw burns `wad` but sends `wad + 1` wei when `wad` is odd, draining other holders' backing.
/// @custom:breaks full backing
contract NativeOddWithdrawOverpays is NativeVault {
    function withdraw(uint256 wad) public override {
        _burn(msg.sender, wad);
        emit Withdrawal(msg.sender, wad);
        // BUG: a botched "round up to even" on the payout.
        _sendNative(msg.sender, wad % 2 == 1 ? wad + 1 : wad);
    }
}
