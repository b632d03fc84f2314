// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NativeVault} from "../NativeVault.sol";

/// @title NativeOpenSweep
/// @notice BUG: `sweep` (meant to collect coin force-fed to the wrapper) has no access check and sends the
///         whole balance, deposits included, to the caller.
/// @custom:breaks no function outside the specification moves value; backing
contract NativeOpenSweep is NativeVault {
    function sweep() external {
        // BUG: no owner check, and no `balance - totalSupply()` limit on what may leave.
        _sendNative(msg.sender, address(this).balance);
    }
}
