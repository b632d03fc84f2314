// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "./lib/ERC20.sol";
import {IERC20Metadata} from "./lib/IERC20.sol";
import {FixedPointMath, Rounding} from "./lib/FixedPointMath.sol";
import {SafeTransferLib} from "./lib/SafeTransferLib.sol";

/// @title TokenizedVault
/// @notice Minimal EIP-4626 vault, kind `erc4626`.
/// @dev Inflation-attack mitigation with one virtual share and one virtual asset (decimals offset 0):
///        shares = assets * (totalSupply + 1) / (totalAssets + 1)
///        assets = shares * (totalAssets + 1) / (totalSupply + 1)
///      Rounding always favours the vault: deposit/redeem/convert* round down, mint/withdraw round up.
///      totalAssets is the vault's live asset balance, so donations, gains and losses all count.
contract TokenizedVault is ERC20 {
    using FixedPointMath for uint256;
    using SafeTransferLib for address;

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event Deposit(address indexed sender, address indexed owner, uint256 assets, uint256 shares);

    event Withdraw(
        address indexed sender, address indexed receiver, address indexed owner, uint256 assets, uint256 shares
    );

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error ExceededMaxDeposit(address receiver, uint256 assets, uint256 max);

    error ExceededMaxMint(address receiver, uint256 shares, uint256 max);

    error ExceededMaxWithdraw(address owner, uint256 assets, uint256 max);

    error ExceededMaxRedeem(address owner, uint256 shares, uint256 max);

    /*//////////////////////////////////////////////////////////////
                               IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    address internal immutable _asset;

    /// @dev Reads `decimals()` from the asset; reverts if the asset does not implement it.
    constructor(address asset_) ERC20("Tokenized Vault", "tVLT", IERC20Metadata(asset_).decimals()) {
        _asset = asset_;
    }

    function asset() public view virtual returns (address) {
        return _asset;
    }

    /*//////////////////////////////////////////////////////////////
                        DEPOSIT/WITHDRAWAL LOGIC
    //////////////////////////////////////////////////////////////*/

    function deposit(uint256 assets, address receiver) public virtual returns (uint256 shares) {
        uint256 max = maxDeposit(receiver);
        if (assets > max) revert ExceededMaxDeposit(receiver, assets, max);
        shares = previewDeposit(assets);
        _deposit(msg.sender, receiver, assets, shares);
    }

    function mint(uint256 shares, address receiver) public virtual returns (uint256 assets) {
        uint256 max = maxMint(receiver);
        if (shares > max) revert ExceededMaxMint(receiver, shares, max);
        assets = previewMint(shares);
        _deposit(msg.sender, receiver, assets, shares);
    }

    function withdraw(uint256 assets, address receiver, address owner) public virtual returns (uint256 shares) {
        uint256 max = maxWithdraw(owner);
        if (assets > max) revert ExceededMaxWithdraw(owner, assets, max);
        shares = previewWithdraw(assets);
        _withdraw(msg.sender, receiver, owner, assets, shares);
    }

    function redeem(uint256 shares, address receiver, address owner) public virtual returns (uint256 assets) {
        uint256 max = maxRedeem(owner);
        if (shares > max) revert ExceededMaxRedeem(owner, shares, max);
        assets = previewRedeem(shares);
        _withdraw(msg.sender, receiver, owner, assets, shares);
    }

    /*//////////////////////////////////////////////////////////////
                            ACCOUNTING LOGIC
    //////////////////////////////////////////////////////////////*/

    function totalAssets() public view virtual returns (uint256) {
        return IERC20Metadata(_asset).balanceOf(address(this));
    }

    function convertToShares(uint256 assets) public view virtual returns (uint256) {
        return _convertToShares(assets, Rounding.Down);
    }

    function convertToAssets(uint256 shares) public view virtual returns (uint256) {
        return _convertToAssets(shares, Rounding.Down);
    }

    function previewDeposit(uint256 assets) public view virtual returns (uint256) {
        return _convertToShares(assets, Rounding.Down);
    }

    function previewMint(uint256 shares) public view virtual returns (uint256) {
        return _convertToAssets(shares, Rounding.Up);
    }

    function previewWithdraw(uint256 assets) public view virtual returns (uint256) {
        return _convertToShares(assets, Rounding.Up);
    }

    function previewRedeem(uint256 shares) public view virtual returns (uint256) {
        return _convertToAssets(shares, Rounding.Down);
    }

    /*//////////////////////////////////////////////////////////////
                     DEPOSIT/WITHDRAWAL LIMIT LOGIC
    //////////////////////////////////////////////////////////////*/

    function maxDeposit(address) public view virtual returns (uint256) {
        return type(uint256).max;
    }

    function maxMint(address) public view virtual returns (uint256) {
        return type(uint256).max;
    }

    function maxWithdraw(address owner) public view virtual returns (uint256) {
        return _convertToAssets(balanceOf(owner), Rounding.Down);
    }

    function maxRedeem(address owner) public view virtual returns (uint256) {
        return balanceOf(owner);
    }

    /*//////////////////////////////////////////////////////////////
                             INTERNAL LOGIC
    //////////////////////////////////////////////////////////////*/

    /// @dev The +1 terms are the virtual share and virtual asset that make donation attacks unprofitable.
    function _convertToShares(uint256 assets, Rounding rounding) internal view virtual returns (uint256) {
        return assets.mulDiv(totalSupply() + 1, totalAssets() + 1, rounding);
    }

    function _convertToAssets(uint256 shares, Rounding rounding) internal view virtual returns (uint256) {
        return shares.mulDiv(totalAssets() + 1, totalSupply() + 1, rounding);
    }

    function _deposit(address caller, address receiver, uint256 assets, uint256 shares) internal virtual {
        // Pull before minting so shares are never outstanding without their assets.
        _asset.safeTransferFrom(caller, address(this), assets);
        _mint(receiver, shares);
        emit Deposit(caller, receiver, assets, shares);
    }

    function _withdraw(address caller, address receiver, address owner, uint256 assets, uint256 shares)
        internal
        virtual
    {
        if (caller != owner) _spendAllowance(owner, caller, shares);
        // Burn before sending so the claim is gone before the assets leave.
        _burn(owner, shares);
        _asset.safeTransfer(receiver, assets);
        emit Withdraw(caller, receiver, owner, assets, shares);
    }
}
