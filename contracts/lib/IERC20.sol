// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IERC20
/// @notice The slice of EIP-20 the vaults call on the tokens they hold.
interface IERC20 {
    function totalSupply() external view returns (uint256);

    function balanceOf(address account) external view returns (uint256);

    function transfer(address to, uint256 amount) external returns (bool);

    function transferFrom(address from, address to, uint256 amount) external returns (bool);
}

/// @title IERC20Metadata
/// @notice Optional EIP-20 metadata; only `decimals` is needed to mirror the underlying.
interface IERC20Metadata is IERC20 {
    function decimals() external view returns (uint8);
}
