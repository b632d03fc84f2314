// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IReserve, PsmStablecoin} from "../PegStabilityModule.sol";

/// BUG: the redemption fee divides by 1000 instead of 10000, charging ten times the rate.
/// Trips PSM-FEE-001.
contract PsmRedeemFeeTenfold {
    uint256 public constant SCALE = 1e12;
    uint256 public constant BPS = 10_000;

    IReserve public immutable reserve;
    PsmStablecoin public immutable stable;
    uint256 public immutable feeBps;
    /// Reserve units kept as fees.
    uint256 public fees;

    constructor(IReserve reserve_, PsmStablecoin stable_, uint256 feeBps_) {
        require(feeBps_ <= BPS, "fee");
        reserve = reserve_;
        stable = stable_;
        feeBps = feeBps_;
    }

    function mint(uint256 amount) external returns (uint256 minted) {
        uint256 fee = (amount * feeBps + BPS - 1) / BPS;
        minted = (amount - fee) * SCALE;
        require(reserve.transferFrom(msg.sender, address(this), amount), "transfer");
        fees += fee;
        stable.mint(msg.sender, minted);
    }

    function redeem(uint256 stableAmount) external returns (uint256 paid) {
        uint256 gross = stableAmount / SCALE;
        uint256 fee = (gross * feeBps + 999) / 1000;
        paid = gross - fee;
        stable.burn(msg.sender, stableAmount);
        fees += fee;
        require(reserve.transfer(msg.sender, paid), "transfer");
    }
}
