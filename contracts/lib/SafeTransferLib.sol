// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title SafeTransferLib
/// @notice Token transfers that tolerate tokens returning no value and fail loudly otherwise.
/// @dev A call fails if it reverts, if the token has no code, or if it returns `false`.
///      The token's own revert data is bubbled up unchanged so callers see the real cause
///      (e.g. the token's InsufficientBalance error); silent failures raise TransferFailed.
library SafeTransferLib {
    error TransferFailed(address token, address from, address to, uint256 amount);

    function safeTransfer(address token, address to, uint256 amount) internal {
        _call(token, abi.encodeWithSelector(0xa9059cbb, to, amount), address(this), to, amount);
    }

    function safeTransferFrom(address token, address from, address to, uint256 amount) internal {
        _call(token, abi.encodeWithSelector(0x23b872dd, from, to, amount), from, to, amount);
    }

    function _call(address token, bytes memory data, address from, address to, uint256 amount) private {
        (bool success, bytes memory returned) = token.call(data);
        if (!success) {
            if (returned.length != 0) {
                assembly {
                    revert(add(returned, 0x20), mload(returned))
                }
            }
            revert TransferFailed(token, from, to, amount);
        }
        // No return value is only acceptable from a contract (a call to an EOA also "succeeds").
        bool ok = returned.length == 0 ? token.code.length != 0 : abi.decode(returned, (bool));
        if (!ok) revert TransferFailed(token, from, to, amount);
    }
}
