// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {TokenizedVault} from "../TokenizedVault.sol";
import {SafeTransferLib} from "../lib/SafeTransferLib.sol";

/// @title VaultWithdrawSkipsAllowance
/// @notice BUG: withdraw by a caller other than `owner` never spends (or checks) the caller's share
///         allowance, so anyone can withdraw anyone's assets to themselves. redeem is correct.
/// @custom:breaks access
contract VaultWithdrawSkipsAllowance is TokenizedVault {
    using SafeTransferLib for address;

    constructor(address asset_) TokenizedVault(asset_) {}

    function withdraw(uint256 assets, address receiver, address owner) public override returns (uint256 shares) {
        uint256 max = maxWithdraw(owner);
        if (assets > max) revert ExceededMaxWithdraw(owner, assets, max);
        shares = previewWithdraw(assets);
        // BUG: missing `if (msg.sender != owner) _spendAllowance(owner, msg.sender, shares);`.
        _burn(owner, shares);
        _asset.safeTransfer(receiver, assets);
        emit Withdraw(msg.sender, receiver, owner, assets, shares);
    }
}
