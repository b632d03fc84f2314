// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IReserve, PsmStablecoin} from "../PegStabilityModule.sol";

/// BUG: mint scales by 10^18 (the stablecoin's decimals) instead of 10^12 (their difference):
/// every mint issues a million times the stablecoins the reserve backs. Trips PSM-BACKING-001.
contract PsmMintWrongScale {
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
        minted = (amount - fee) * 1e18;
        require(reserve.transferFrom(msg.sender, address(this), amount), "transfer");
        fees += fee;
        stable.mint(msg.sender, minted);
    }

    function redeem(uint256 stableAmount) external returns (uint256 paid) {
        uint256 gross = stableAmount / SCALE;
        uint256 fee = (gross * feeBps + BPS - 1) / BPS;
        paid = gross - fee;
        stable.burn(msg.sender, stableAmount);
        fees += fee;
        require(reserve.transfer(msg.sender, paid), "transfer");
    }
}
