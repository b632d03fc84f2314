// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReserveVault} from "../ReserveVault.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title ReserveWithdrawBurnsRecipient
/// @notice BUG: withdrawTo sends the underlying before burning, and burns from `account` (the recipient)
///         instead of msg.sender, so anyone can force-unwrap another holder's tokens without its allowance
///         (the caller's own balance is untouched).
/// @custom:breaks access
contract ReserveWithdrawBurnsRecipient is ReserveVault {
    using SafeTransferLib for address;

    constructor(address underlying_) ReserveVault(underlying_) {}

    function withdrawTo(address account, uint256 value) public override returns (bool) {
        if (account == address(this)) revert InvalidAccount(account);
        _underlying.safeTransfer(account, value);
        // BUG: burns the named account's tokens, not the caller's.
        _burn(account, value);
        return true;
    }
}
