// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "./lib/ERC20.sol";
import {IERC20Metadata} from "./lib/IERC20.sol";
import {SafeTransferLib} from "./lib/SafeTransferLib.sol";

/// @title ReserveVault
/// @notice 1:1 wrapper over an ERC20 (the OpenZeppelin ERC20Wrapper shape), kind `reserve`.
/// @dev Invariant: totalSupply() <= underlying.balanceOf(this); every wrapped unit is
///      redeemable for exactly one underlying unit.
contract ReserveVault is ERC20 {
    using SafeTransferLib for address;

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Wrapping to, or unwrapping to, the vault itself would strand the tokens.
    error InvalidAccount(address account);

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    address internal immutable _underlying;

    /// @dev Reads `decimals()` from the underlying; reverts if the underlying does not implement it.
    constructor(address underlying_)
        ERC20("Wrapped Reserve", "wRSV", IERC20Metadata(underlying_).decimals())
    {
        _underlying = underlying_;
    }

    function underlying() public view virtual returns (address) {
        return _underlying;
    }

    /*//////////////////////////////////////////////////////////////
                        DEPOSIT/WITHDRAWAL LOGIC
    //////////////////////////////////////////////////////////////*/

    /// @notice Pulls `value` underlying from the caller and mints `value` wrapped tokens to `account`.
    function depositFor(address account, uint256 value) public virtual returns (bool) {
        if (account == address(this)) revert InvalidAccount(account);
        // Pull first so a failing (or reentrant) token can never leave minted, unbacked supply.
        _underlying.safeTransferFrom(msg.sender, address(this), value);
        _mint(account, value);
        return true;
    }

    /// @notice Burns `value` wrapped tokens from the caller and sends `value` underlying to `account`.
    function withdrawTo(address account, uint256 value) public virtual returns (bool) {
        if (account == address(this)) revert InvalidAccount(account);
        // Burn first: the caller's claim is destroyed before the backing leaves.
        _burn(msg.sender, value);
        _underlying.safeTransfer(account, value);
        return true;
    }
}
