// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @notice Rounding direction for conversions whose direction is chosen by the caller.
enum Rounding {
    Down,
    Up
}

/// @title FixedPointMath
/// @notice Multiply-then-divide helpers with an explicit rounding direction.
/// @dev Full 512-bit intermediate precision (OpenZeppelin's Math.mulDiv): only a result that does
///      not fit in 256 bits reverts. EIP-4626 views such as maxWithdraw MUST NOT revert, and a plain
///      checked `x * y` would make them revert once balances grow large.
library FixedPointMath {
    /// @notice floor(x * y / denominator).
    function mulDivDown(uint256 x, uint256 y, uint256 denominator) internal pure returns (uint256) {
        return Math.mulDiv(x, y, denominator, Math.Rounding.Floor);
    }

    /// @notice ceil(x * y / denominator).
    function mulDivUp(uint256 x, uint256 y, uint256 denominator) internal pure returns (uint256) {
        return Math.mulDiv(x, y, denominator, Math.Rounding.Ceil);
    }

    /// @notice x * y / denominator, rounded in the direction given.
    function mulDiv(uint256 x, uint256 y, uint256 denominator, Rounding rounding) internal pure returns (uint256) {
        return rounding == Rounding.Up ? mulDivUp(x, y, denominator) : mulDivDown(x, y, denominator);
    }
}
