// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PsmRace, FEE_BPS} from "peers/psm/PsmHandler.sol";
import {PegStabilityModule, IReserve, PsmStablecoin} from "psm/PegStabilityModule.sol";
import {PsmMintWrongScale} from "psm/buggy/PsmMintWrongScale.sol";
import {PsmRedeemFeeTenfold} from "psm/buggy/PsmRedeemFeeTenfold.sol";

contract PsmRaceReference is PsmRace {
    function _deploy(address r, address s) internal override returns (address) {
        return address(new PegStabilityModule(IReserve(r), PsmStablecoin(s), FEE_BPS));
    }
}

contract PsmRaceMintWrongScale is PsmRace {
    function _deploy(address r, address s) internal override returns (address) {
        return address(new PsmMintWrongScale(IReserve(r), PsmStablecoin(s), FEE_BPS));
    }
}

contract PsmRaceRedeemFeeTenfold is PsmRace {
    function _deploy(address r, address s) internal override returns (address) {
        return address(new PsmRedeemFeeTenfold(IReserve(r), PsmStablecoin(s), FEE_BPS));
    }
}
