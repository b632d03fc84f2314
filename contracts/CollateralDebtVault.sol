// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {DebtToken} from "./DebtToken.sol";
import {SafeTransferLib} from "./lib/SafeTransferLib.sol";

interface IPriceOracle {
    /// @return Debt units per collateral unit, 1e18-scaled.
    function price() external view returns (uint256);
}

/// @title CollateralDebtVault
/// @notice Over-collateralised debt positions minting vUSD, kind `cdp`.
/// @dev A position is healthy iff `debt == 0 || collateral * price >= debt * minCollateralRatio`
///      (raw products, no division; products >= 2^256 revert with Panic(0x11)).
///      Invariants: totalDebt() == debtToken.totalSupply(); totalCollateral() == sum of collateralOf;
///      no user action leaves the caller's position unhealthy.
contract CollateralDebtVault {
    using SafeTransferLib for address;

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    event Deposit(address indexed account, uint256 amount);

    event Withdraw(address indexed account, uint256 amount);

    event Borrow(address indexed account, uint256 amount);

    event Repay(address indexed account, uint256 amount);

    event Liquidate(
        address indexed liquidator, address indexed owner, uint256 debtRepaid, uint256 collateralSeized, uint256 price
    );

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    error InsufficientCollateral(address account, uint256 collateral, uint256 requested);

    error RepayExceedsDebt(address account, uint256 debt, uint256 amount);

    /// @notice The action would leave `account` below the minimum collateral ratio.
    error PositionUnhealthy(address account, uint256 collateral, uint256 debt, uint256 price);

    error PositionHealthy(address owner, uint256 collateral, uint256 debt, uint256 price);

    /*//////////////////////////////////////////////////////////////
                               PARAMETERS
    //////////////////////////////////////////////////////////////*/

    uint256 internal constant WAD = 1e18;

    uint256 internal constant MIN_COLLATERAL_RATIO = 1.5e18;

    uint256 internal constant LIQUIDATION_BONUS = 0.05e18;

    address internal immutable _collateralToken;

    DebtToken internal immutable _debtToken;

    IPriceOracle internal immutable _oracle;

    /*//////////////////////////////////////////////////////////////
                                POSITIONS
    //////////////////////////////////////////////////////////////*/

    mapping(address => uint256) internal _collateral;

    mapping(address => uint256) internal _debt;

    uint256 internal _totalCollateral;

    uint256 internal _totalDebt;

    /// @dev Deploys the vault's own DebtToken, making this vault its sole minter.
    constructor(address collateralToken_, address oracle_) {
        _collateralToken = collateralToken_;
        _oracle = IPriceOracle(oracle_);
        _debtToken = _createDebtToken();
    }

    /// @dev The debt token this vault mints; a hook so that variants can deploy another one.
    function _createDebtToken() internal virtual returns (DebtToken) {
        return new DebtToken();
    }

    /*//////////////////////////////////////////////////////////////
                                  VIEWS
    //////////////////////////////////////////////////////////////*/

    function collateralToken() public view virtual returns (address) {
        return _collateralToken;
    }

    function debtToken() public view virtual returns (address) {
        return address(_debtToken);
    }

    function oracle() public view virtual returns (address) {
        return address(_oracle);
    }

    function minCollateralRatio() public pure virtual returns (uint256) {
        return MIN_COLLATERAL_RATIO;
    }

    function liquidationBonus() public pure virtual returns (uint256) {
        return LIQUIDATION_BONUS;
    }

    function collateralOf(address account) public view virtual returns (uint256) {
        return _collateral[account];
    }

    function debtOf(address account) public view virtual returns (uint256) {
        return _debt[account];
    }

    function totalCollateral() public view virtual returns (uint256) {
        return _totalCollateral;
    }

    function totalDebt() public view virtual returns (uint256) {
        return _totalDebt;
    }

    function isHealthy(address account) public view virtual returns (bool) {
        return _isHealthy(_collateral[account], _debt[account], _oracle.price());
    }

    /*//////////////////////////////////////////////////////////////
                        DEPOSIT/WITHDRAWAL LOGIC
    //////////////////////////////////////////////////////////////*/

    /// @notice Adds `amount` collateral, pulled from the caller, to the caller's position.
    function deposit(uint256 amount) public virtual {
        _collateralToken.safeTransferFrom(msg.sender, address(this), amount);
        _collateral[msg.sender] += amount;
        _totalCollateral += amount;
        emit Deposit(msg.sender, amount);
    }

    /// @notice Removes `amount` collateral from the caller's position; the position must stay healthy.
    function withdraw(uint256 amount) public virtual {
        uint256 collateral = _collateral[msg.sender];
        if (amount > collateral) revert InsufficientCollateral(msg.sender, collateral, amount);
        unchecked {
            collateral -= amount;
        }
        _requireHealthy(msg.sender, collateral, _debt[msg.sender]);
        _collateral[msg.sender] = collateral;
        _totalCollateral -= amount;
        emit Withdraw(msg.sender, amount);
        _collateralToken.safeTransfer(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                           BORROW/REPAY LOGIC
    //////////////////////////////////////////////////////////////*/

    /// @notice Mints `amount` vUSD to the caller against its collateral; the position must stay healthy.
    function borrow(uint256 amount) public virtual {
        uint256 debt = _debt[msg.sender] + amount;
        _requireHealthy(msg.sender, _collateral[msg.sender], debt);
        _debt[msg.sender] = debt;
        _totalDebt += amount;
        emit Borrow(msg.sender, amount);
        _debtToken.mint(msg.sender, amount);
    }

    /// @notice Burns `amount` of the caller's vUSD and reduces its debt by the same amount.
    function repay(uint256 amount) public virtual {
        uint256 debt = _debt[msg.sender];
        if (amount > debt) revert RepayExceedsDebt(msg.sender, debt, amount);
        unchecked {
            _debt[msg.sender] = debt - amount;
            // totalDebt >= debt >= amount.
            _totalDebt -= amount;
        }
        emit Repay(msg.sender, amount);
        _debtToken.burn(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                            LIQUIDATION LOGIC
    //////////////////////////////////////////////////////////////*/

    /// @notice Repays all of an unhealthy `owner`'s debt with the caller's vUSD and pays the caller
    ///         that debt's worth of collateral plus the liquidation bonus (capped at the collateral).
    function liquidate(address owner) public virtual returns (uint256 seized) {
        uint256 collateral = _collateral[owner];
        uint256 debt = _debt[owner];
        uint256 price = _oracle.price();
        if (!_isLiquidatable(collateral, debt, price)) revert PositionHealthy(owner, collateral, debt, price);

        seized = _seizedCollateral(collateral, debt, price);
        _debt[owner] = 0;
        _totalDebt -= debt;
        _collateral[owner] = collateral - seized;
        _totalCollateral -= seized;
        emit Liquidate(msg.sender, owner, debt, seized, price);

        _debtToken.burn(msg.sender, debt);
        _collateralToken.safeTransfer(msg.sender, seized);
    }

    /*//////////////////////////////////////////////////////////////
                             INTERNAL LOGIC
    //////////////////////////////////////////////////////////////*/

    function _isHealthy(uint256 collateral, uint256 debt, uint256 price) internal pure virtual returns (bool) {
        return debt == 0 || collateral * price >= debt * MIN_COLLATERAL_RATIO;
    }

    function _isLiquidatable(uint256 collateral, uint256 debt, uint256 price) internal pure virtual returns (bool) {
        return !_isHealthy(collateral, debt, price);
    }

    /// @dev Reads the price and reverts with PositionUnhealthy if (collateral, debt) would be unhealthy.
    function _requireHealthy(address account, uint256 collateral, uint256 debt) internal view virtual {
        uint256 price = _oracle.price();
        if (!_isHealthy(collateral, debt, price)) revert PositionUnhealthy(account, collateral, debt, price);
    }

    /// @dev min(collateral, debt * (1 + bonus) / price), floored; a zero price forfeits all collateral.
    function _seizedCollateral(uint256 collateral, uint256 debt, uint256 price) internal pure virtual returns (uint256) {
        if (price == 0) return collateral;
        uint256 owed = (debt * (WAD + LIQUIDATION_BONUS)) / price;
        return owed < collateral ? owed : collateral;
    }
}
