// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PeerBase, IERC20Like} from "./Peers.sol";
import {MockERC20} from "vc/mocks/MockERC20.sol";

interface IVault4626 is IERC20Like {
    function deposit(uint256 assets, address receiver) external returns (uint256);
    function mint(uint256 shares, address receiver) external returns (uint256);
    function withdraw(uint256 assets, address receiver, address owner) external returns (uint256);
    function redeem(uint256 shares, address receiver, address owner) external returns (uint256);
    function previewRedeem(uint256 shares) external view returns (uint256);
}

/// Handler for an EIP-4626 vault: deposit, mint, withdraw, redeem and donations, bounded to three
/// actors. Ghost share and asset balances follow the reference conversion (one virtual share and one
/// virtual asset, rounding in the vault's favour) from the live totals before each call, so any step
/// that mints, burns or pays other than the reference would breaks the differential promise.
contract Erc4626Handler is PeerBase {
    IVault4626 public immutable vault;
    MockERC20 public immutable asset;
    mapping(address => uint256) public ghostShares;
    mapping(address => uint256) public ghostAssets;

    constructor(IVault4626 vault_, MockERC20 asset_) {
        vault = vault_;
        asset = asset_;
        for (uint256 i = 0; i < 3; i++) {
            asset.mint(actors[i], 1e24);
            ghostAssets[actors[i]] = 1e24;
            vm.prank(actors[i]);
            asset.approve(address(vault), type(uint256).max);
        }
    }

    function _totals() internal view returns (uint256 s, uint256 a) {
        s = vault.totalSupply();
        a = asset.balanceOf(address(vault));
    }

    function _up(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        uint256 p = x * y;
        return p / d + (p % d == 0 ? 0 : 1);
    }

    function deposit(uint256 by, uint256 to, uint256 assets) external {
        address a = _actor(by);
        assets = assets % (ghostAssets[a] + 1);
        (uint256 s, uint256 t) = _totals();
        uint256 shares = assets * (s + 1) / (t + 1);
        vm.prank(a);
        vault.deposit(assets, _actor(to));
        ghostAssets[a] -= assets;
        ghostShares[_actor(to)] += shares;
    }

    function mint(uint256 by, uint256 to, uint256 shares) external {
        address a = _actor(by);
        (uint256 s, uint256 t) = _totals();
        shares = shares % (ghostAssets[a] * (s + 1) / (t + 1) + 1);
        uint256 cost = _up(shares, t + 1, s + 1);
        vm.prank(a);
        vault.mint(shares, _actor(to));
        ghostAssets[a] -= cost;
        ghostShares[_actor(to)] += shares;
    }

    function withdraw(uint256 by, uint256 to, uint256 assets) external {
        address a = _actor(by);
        (uint256 s, uint256 t) = _totals();
        assets = assets % (ghostShares[a] * (t + 1) / (s + 1) + 1);
        uint256 burnt = _up(assets, s + 1, t + 1);
        vm.prank(a);
        vault.withdraw(assets, _actor(to), a);
        ghostShares[a] -= burnt;
        ghostAssets[_actor(to)] += assets;
    }

    function redeem(uint256 by, uint256 to, uint256 shares) external {
        address a = _actor(by);
        shares = shares % (ghostShares[a] + 1);
        (uint256 s, uint256 t) = _totals();
        uint256 paid = shares * (t + 1) / (s + 1);
        vm.prank(a);
        vault.redeem(shares, _actor(to), a);
        ghostShares[a] -= shares;
        ghostAssets[_actor(to)] += paid;
    }

    /// Asset sent straight to the vault (no shares): the first-depositor donation.
    function donate(uint256 by, uint256 assets) external {
        address a = _actor(by);
        assets = assets % (ghostAssets[a] + 1);
        vm.prank(a);
        asset.transfer(address(vault), assets);
        ghostAssets[a] -= assets;
    }
}

/// The invariant test: backing (ERC4626-BACKING-001: the holders' previewRedeem claims fit in the
/// vault's assets) and share/asset balances equal to the reference ghost model (ERC4626-DIFF-002).
abstract contract Erc4626Race {
    Erc4626Handler public handler;
    IVault4626 internal vault;
    MockERC20 internal asset;

    function _deploy(address asset_) internal virtual returns (address);

    function setUp() public {
        asset = new MockERC20("Asset", "AST", 18);
        vault = IVault4626(_deploy(address(asset)));
        handler = new Erc4626Handler(vault, asset);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    function invariant_backing() public view {
        uint256 claims;
        for (uint256 i = 0; i < 3; i++) {
            address a = [address(0xA11CE), address(0xB0B), address(0xCA401)][i];
            claims += vault.previewRedeem(vault.balanceOf(a));
        }
        require(claims <= asset.balanceOf(address(vault)), "ERC4626-BACKING-001");
    }

    function invariant_balances() public view {
        for (uint256 i = 0; i < 3; i++) {
            address a = [address(0xA11CE), address(0xB0B), address(0xCA401)][i];
            require(vault.balanceOf(a) == handler.ghostShares(a), "ERC4626-DIFF-002 shares");
            require(asset.balanceOf(a) == handler.ghostAssets(a), "ERC4626-DIFF-002 assets");
        }
    }
}
