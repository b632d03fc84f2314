// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ReserveVault} from "../ReserveVault.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title ReserveUnbackedMintOnEdge
/// @notice BUG: depositFor mints `value + 1` when `value % 1000 == 7`, creating one unbacked wrapped unit.
/// @custom:breaks full backing
contract ReserveUnbackedMintOnEdge is ReserveVault {
    using SafeTransferLib for address;

    constructor(address underlying_) ReserveVault(underlying_) {}

    function depositFor(address account, uint256 value) public override returns (bool) {
        if (account == address(this)) revert InvalidAccount(account);
        _underlying.safeTransferFrom(msg.sender, address(this), value);
        // BUG: an off-by-one "adjustment" on an edge amount.
        _mint(account, value % 1000 == 7 ? value + 1 : value);
        return true;
    }
}
