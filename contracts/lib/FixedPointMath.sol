// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice Rounding direction for conversions whose direction is chosen by the caller.
enum Rounding {
    Down,
    Up
}

/// @title FixedPointMath
/// @notice Multiply-then-divide helpers with an explicit rounding direction.
/// @dev Not full 512-bit precision: the product `x * y` is computed with checked arithmetic,
///      so any product >= 2^256 reverts with Panic(0x11). A zero denominator reverts with
///      Panic(0x12). Both are acceptable for the amounts the harness generates.
library FixedPointMath {
    /// @notice floor(x * y / denominator).
    function mulDivDown(uint256 x, uint256 y, uint256 denominator) internal pure returns (uint256) {
        return (x * y) / denominator;
    }

    /// @notice ceil(x * y / denominator).
    function mulDivUp(uint256 x, uint256 y, uint256 denominator) internal pure returns (uint256) {
        uint256 product = x * y;
        uint256 quotient = product / denominator;
        unchecked {
            // Round up iff there is a remainder; quotient + 1 cannot overflow since denominator >= 1
            // and a remainder implies quotient < type(uint256).max.
            return product % denominator == 0 ? quotient : quotient + 1;
        }
    }

    /// @notice x * y / denominator, rounded in the direction given.
    function mulDiv(uint256 x, uint256 y, uint256 denominator, Rounding rounding) internal pure returns (uint256) {
        return rounding == Rounding.Up ? mulDivUp(x, y, denominator) : mulDivDown(x, y, denominator);
    }
}
