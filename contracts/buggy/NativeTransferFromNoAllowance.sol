// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {NativeVault} from "../NativeVault.sol";

/// @title NativeTransferFromNoAllowance
/// @notice BUG: transferFrom neither checks nor spends the allowance, so anyone can move anyone's tokens.
/// @custom:breaks access
contract NativeTransferFromNoAllowance is NativeVault {
    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        // BUG: missing `_spendAllowance(from, msg.sender, amount);`.
        _transfer(from, to, amount);
        return true;
    }
}
