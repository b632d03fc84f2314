// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "./lib/ERC20.sol";

/// @title NativeVault
/// @notice Wrapped native coin (the WETH9 shape), kind `native`.
/// @dev Unlike WETH9, transfers to address(0) revert (lib ERC20 semantics).
///      Invariant: totalSupply() <= address(this).balance.
contract NativeVault is ERC20 {
    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event Deposit(address indexed dst, uint256 wad);

    event Withdrawal(address indexed src, uint256 wad);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error NativeTransferFailed(address to, uint256 wad);

    constructor() ERC20("Wrapped Native", "WNAT", 18) {}

    /*//////////////////////////////////////////////////////////////
                        DEPOSIT/WITHDRAWAL LOGIC
    //////////////////////////////////////////////////////////////*/

    /// @notice Plain transfers of native coin are deposits.
    receive() external payable virtual {
        deposit();
    }

    /// @notice Mints `msg.value` wrapped tokens to the caller.
    function deposit() public payable virtual {
        _mint(msg.sender, msg.value);
        emit Deposit(msg.sender, msg.value);
    }

    /// @notice Burns `wad` wrapped tokens from the caller and sends it `wad` native coin.
    function withdraw(uint256 wad) public virtual {
        // Burn before the call: the receiver may reenter.
        _burn(msg.sender, wad);
        emit Withdrawal(msg.sender, wad);
        _sendNative(msg.sender, wad);
    }

    /*//////////////////////////////////////////////////////////////
                             INTERNAL LOGIC
    //////////////////////////////////////////////////////////////*/

    function _sendNative(address to, uint256 wad) internal virtual {
        (bool success,) = to.call{value: wad}("");
        if (!success) revert NativeTransferFailed(to, wad);
    }
}
