// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MockOracle
/// @notice Settable price feed: debt units per collateral unit, 1e18-scaled. Anyone may set it (test-only).
contract MockOracle {
    event PriceSet(uint256 oldPrice, uint256 newPrice, address indexed by);

    uint256 public price;

    constructor(uint256 initialPrice) {
        price = initialPrice;
        emit PriceSet(0, initialPrice, msg.sender);
    }

    function setPrice(uint256 newPrice) external {
        emit PriceSet(price, newPrice, msg.sender);
        price = newPrice;
    }
}
