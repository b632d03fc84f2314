// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {ERC4626Upgradeable} from "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC4626Upgradeable.sol";

/// OpenZeppelin's upgradeable ERC-4626 as production deploys it: an implementation whose
/// constructor locks it, used through an ERC1967 proxy that runs `initialize` once.
contract UpgradeableVault is ERC4626Upgradeable {
    constructor() {
        _disableInitializers();
    }

    function initialize(IERC20 asset_) external initializer {
        __ERC20_init("Proxied Vault Share", "pvSHR");
        __ERC4626_init(asset_);
    }
}

// Imported for its artifact: the adapter deploys the proxy from this compile output.
abstract contract ProxyArtifact is ERC1967Proxy {}
