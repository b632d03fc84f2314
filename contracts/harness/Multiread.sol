// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Multiread
/// @notice Harness-only lens: performs many static calls in one EVM call.
/// @dev Observing a vault after every step takes a dozen views (balances, supply, positions).
///      Entering the EVM once instead of a dozen times is the largest saving in the harness loop.
///      A failed view is reported, not bubbled, so one broken getter cannot hide the others.
contract Multiread {
    struct Result {
        bool ok;
        bytes data;
    }

    function read(address[] calldata targets, bytes[] calldata data, address[] calldata natives)
        external
        view
        returns (Result[] memory results, uint256[] memory nativeBalances)
    {
        results = new Result[](targets.length);
        for (uint256 i = 0; i < targets.length; ++i) {
            (bool ok, bytes memory ret) = targets[i].staticcall(data[i]);
            results[i] = Result(ok, ret);
        }
        nativeBalances = new uint256[](natives.length);
        for (uint256 i = 0; i < natives.length; ++i) {
            nativeBalances[i] = natives[i].balance;
        }
    }
}
