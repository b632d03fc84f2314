// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Reverter
/// @notice Test fixture for the chain layer: one function per way an EVM call can fail,
///         plus a trivial storage slot and event to check successful calls and logs.
contract Reverter {
    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event ValueSet(uint256 indexed value, address by);

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error Unauthorized(address who, uint256 amount);

    /*//////////////////////////////////////////////////////////////
                                 STORAGE
    //////////////////////////////////////////////////////////////*/

    uint256 public value;

    function setValue(uint256 newValue) external {
        value = newValue;
        emit ValueSet(newValue, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                              FAILURE MODES
    //////////////////////////////////////////////////////////////*/

    /// @notice Reverts with Error(string) "Reverter: string".
    function revertString() external pure {
        revert("Reverter: string");
    }

    /// @notice Reverts with Panic(0x01) (failed assert).
    function revertPanic() external pure {
        assert(false);
    }

    /// @notice Reverts with Panic(0x12) (division by zero); divisor is a parameter so the
    ///         compiler cannot fold it away.
    function revertDivByZero(uint256 divisor) external pure returns (uint256) {
        return 1 / divisor;
    }

    /// @notice Reverts with Unauthorized(msg.sender, 42).
    function revertCustom() external view {
        revert Unauthorized(msg.sender, 42);
    }

    /// @notice Reverts with the 4 raw bytes 0xdeadbeef (no ABI encoding).
    function revertRaw() external pure {
        assembly {
            mstore(0, shl(224, 0xdeadbeef))
            revert(0, 4)
        }
    }

    /// @notice Reverts with empty return data.
    function revertEmpty() external pure {
        assembly {
            revert(0, 0)
        }
    }

    /// @notice Executes the INVALID opcode (0xfe), consuming all gas.
    function invalidOpcode() external pure {
        assembly {
            invalid()
        }
    }

    /// @notice Never returns; runs out of gas.
    function loopForever() external view returns (uint256 i) {
        // Reading state each iteration keeps the optimizer from proving the loop pointless.
        while (value != type(uint256).max - 1 || i != type(uint256).max) {
            unchecked {
                ++i;
            }
        }
    }
}
