// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "../../lib/ERC20.sol";
import {IERC20Metadata} from "../../lib/IERC20.sol";
import {SafeTransferLib} from "../../lib/SafeTransferLib.sol";

/// @notice A correct reserve vault with two branches coverage must tell apart: one no call can
///         reach (nothing ever sets `frozen`) and one reached only by calls that revert.
contract CoverageProbeVault is ERC20 {
    using SafeTransferLib for address;

    error Overdraw(uint256 value, uint256 balance);

    address internal immutable _underlying;
    bool private frozen;
    uint256 private overdrawAttempts;

    constructor(address underlying_) ERC20("Probe", "PRB", IERC20Metadata(underlying_).decimals()) {
        _underlying = underlying_;
    }

    function underlying() public view returns (address) {
        return _underlying;
    }

    function depositFor(address account, uint256 value) public returns (bool) {
        if (frozen) {
            value = 0;
        }
        _underlying.safeTransferFrom(msg.sender, address(this), value);
        _mint(account, value);
        return true;
    }

    function withdrawTo(address account, uint256 value) public returns (bool) {
        uint256 balance = balanceOf(msg.sender);
        if (value > balance) {
            overdrawAttempts += 1;
            revert Overdraw(value, balance);
        }
        _burn(msg.sender, value);
        _underlying.safeTransfer(account, value);
        return true;
    }
}
