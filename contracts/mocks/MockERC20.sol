// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "../lib/ERC20.sol";

/// @title MockERC20
/// @notice Test token with permissionless mint and burn. Never deploy outside tests.
contract MockERC20 is ERC20 {
    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_, decimals_) {}

    /// @notice Creates `amount` tokens for `to`. Anyone may call (test-only).
    function mint(address to, uint256 amount) external virtual {
        _mint(to, amount);
    }

    /// @notice Destroys `amount` tokens held by `from`. Anyone may call (test-only).
    function burn(address from, uint256 amount) external virtual {
        _burn(from, amount);
    }
}
