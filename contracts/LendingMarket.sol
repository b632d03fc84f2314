// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {SafeTransferLib} from "./lib/SafeTransferLib.sol";

interface ILendingOracle {
    /// @return Loan units per collateral unit, scaled by 1e36.
    function price() external view returns (uint256);
}

/// @title LendingMarket
/// @notice One isolated lending market, kind `lending`: lenders supply the loan token for shares,
///         borrowers post collateral and borrow against it up to `lltv`, liquidators repay unhealthy
///         debt for collateral plus an incentive, and debt left without collateral is written off
///         against the lenders.
/// @dev Shares carry 1e6 virtual shares and 1 virtual asset. Healthy iff
///      `collateral * price / 1e36 * lltv / 1e18 >= debt rounded up`. Rounding favours the market.
///      Interest (`borrowRate` per second, WAD; 0 for none) accrues as the third-order Taylor
///      expansion of e^(rate * elapsed) - 1 before every action that touches debt.
contract LendingMarket {
    using SafeTransferLib for address;

    uint256 internal constant WAD = 1e18;
    uint256 internal constant ORACLE_SCALE = 1e36;
    uint256 internal constant VIRTUAL_SHARES = 1e6;
    uint256 internal constant VIRTUAL_ASSETS = 1;
    uint256 internal constant LIQUIDATION_CURSOR = 0.3e18;
    uint256 internal constant MAX_INCENTIVE = 1.15e18;

    event Supply(address indexed caller, address indexed onBehalf, uint256 assets, uint256 shares);
    event Withdraw(address indexed caller, address indexed onBehalf, address receiver, uint256 assets, uint256 shares);
    event Borrow(address indexed caller, address indexed onBehalf, address receiver, uint256 assets, uint256 shares);
    event Repay(address indexed caller, address indexed onBehalf, uint256 assets, uint256 shares);
    event SupplyCollateral(address indexed caller, address indexed onBehalf, uint256 assets);
    event WithdrawCollateral(address indexed caller, address indexed onBehalf, address receiver, uint256 assets);
    event Liquidate(
        address indexed caller,
        address indexed borrower,
        uint256 repaidAssets,
        uint256 repaidShares,
        uint256 seizedAssets,
        uint256 badDebtAssets,
        uint256 badDebtShares
    );
    event SetAuthorization(address indexed caller, address indexed authorizer, address indexed authorized, bool newIsAuthorized);

    error InconsistentInput();
    error ZeroAddress();
    error ZeroAssets();
    error Unauthorized(address owner, address caller);
    error InsufficientCollateral(address borrower);
    error InsufficientLiquidity(uint256 borrowed, uint256 supplied);
    error HealthyPosition(address borrower);
    error AlreadySet();

    address public immutable loanToken;
    address public immutable collateralToken;
    address public immutable oracle;
    uint256 public immutable lltv;
    uint256 public immutable borrowRate;

    uint256 public totalSupplyAssets;
    uint256 public totalSupplyShares;
    uint256 public totalBorrowAssets;
    uint256 public totalBorrowShares;
    uint256 public lastUpdate;

    mapping(address => uint256) public supplyShares;
    mapping(address => uint256) public borrowShares;
    mapping(address => uint256) internal _collateral;
    mapping(address => mapping(address => bool)) public isAuthorized;

    /// @notice Collateral `account` has posted. A function rather than a public mapping so that a
    ///         market built on this one can change how it answers.
    function collateral(address account) public view virtual returns (uint256) {
        return _collateral[account];
    }

    constructor(address loanToken_, address collateralToken_, address oracle_, uint256 lltv_, uint256 borrowRate_) {
        require(lltv_ < WAD);
        loanToken = loanToken_;
        collateralToken = collateralToken_;
        oracle = oracle_;
        lltv = lltv_;
        borrowRate = borrowRate_;
        lastUpdate = block.timestamp;
    }

    /*//////////////////////////////////////////////////////////////
                                 LENDERS
    //////////////////////////////////////////////////////////////*/

    function supply(uint256 assets, uint256 shares, address onBehalf) external virtual returns (uint256, uint256) {
        if ((assets == 0) == (shares == 0)) revert InconsistentInput();
        if (onBehalf == address(0)) revert ZeroAddress();
        _accrue();
        if (assets > 0) shares = _mulDivDown(assets, totalSupplyShares + VIRTUAL_SHARES, totalSupplyAssets + VIRTUAL_ASSETS);
        else assets = _mulDivUp(shares, totalSupplyAssets + VIRTUAL_ASSETS, totalSupplyShares + VIRTUAL_SHARES);
        supplyShares[onBehalf] += shares;
        totalSupplyShares += shares;
        totalSupplyAssets += assets;
        _checkSize();
        emit Supply(msg.sender, onBehalf, assets, shares);
        loanToken.safeTransferFrom(msg.sender, address(this), assets);
        return (assets, shares);
    }

    function withdraw(uint256 assets, uint256 shares, address onBehalf, address receiver)
        external
        virtual
        returns (uint256, uint256)
    {
        if ((assets == 0) == (shares == 0)) revert InconsistentInput();
        if (receiver == address(0)) revert ZeroAddress();
        _authorize(onBehalf);
        _accrue();
        if (assets > 0) shares = _mulDivUp(assets, totalSupplyShares + VIRTUAL_SHARES, totalSupplyAssets + VIRTUAL_ASSETS);
        else assets = _mulDivDown(shares, totalSupplyAssets + VIRTUAL_ASSETS, totalSupplyShares + VIRTUAL_SHARES);
        supplyShares[onBehalf] -= shares;
        totalSupplyShares -= shares;
        totalSupplyAssets -= assets;
        if (totalBorrowAssets > totalSupplyAssets) revert InsufficientLiquidity(totalBorrowAssets, totalSupplyAssets);
        emit Withdraw(msg.sender, onBehalf, receiver, assets, shares);
        loanToken.safeTransfer(receiver, assets);
        return (assets, shares);
    }

    /*//////////////////////////////////////////////////////////////
                                BORROWERS
    //////////////////////////////////////////////////////////////*/

    function borrow(uint256 assets, uint256 shares, address onBehalf, address receiver)
        external
        virtual
        returns (uint256, uint256)
    {
        if ((assets == 0) == (shares == 0)) revert InconsistentInput();
        if (receiver == address(0)) revert ZeroAddress();
        _authorize(onBehalf);
        _accrue();
        if (assets > 0) shares = _mulDivUp(assets, totalBorrowShares + VIRTUAL_SHARES, totalBorrowAssets + VIRTUAL_ASSETS);
        else assets = _mulDivDown(shares, totalBorrowAssets + VIRTUAL_ASSETS, totalBorrowShares + VIRTUAL_SHARES);
        borrowShares[onBehalf] += shares;
        totalBorrowShares += shares;
        totalBorrowAssets += assets;
        _checkSize();
        if (!_isHealthy(onBehalf, ILendingOracle(oracle).price())) revert InsufficientCollateral(onBehalf);
        if (totalBorrowAssets > totalSupplyAssets) revert InsufficientLiquidity(totalBorrowAssets, totalSupplyAssets);
        emit Borrow(msg.sender, onBehalf, receiver, assets, shares);
        loanToken.safeTransfer(receiver, assets);
        return (assets, shares);
    }

    function repay(uint256 assets, uint256 shares, address onBehalf) external virtual returns (uint256, uint256) {
        if ((assets == 0) == (shares == 0)) revert InconsistentInput();
        if (onBehalf == address(0)) revert ZeroAddress();
        _accrue();
        if (assets > 0) shares = _mulDivDown(assets, totalBorrowShares + VIRTUAL_SHARES, totalBorrowAssets + VIRTUAL_ASSETS);
        else assets = _mulDivUp(shares, totalBorrowAssets + VIRTUAL_ASSETS, totalBorrowShares + VIRTUAL_SHARES);
        borrowShares[onBehalf] -= shares;
        totalBorrowShares -= shares;
        // Rounding up per repayment can leave the last one a unit above the total.
        totalBorrowAssets = assets < totalBorrowAssets ? totalBorrowAssets - assets : 0;
        emit Repay(msg.sender, onBehalf, assets, shares);
        loanToken.safeTransferFrom(msg.sender, address(this), assets);
        return (assets, shares);
    }

    function supplyCollateral(uint256 assets, address onBehalf) external virtual {
        if (assets == 0) revert ZeroAssets();
        if (onBehalf == address(0)) revert ZeroAddress();
        _collateral[onBehalf] += assets;
        _checkSize();
        emit SupplyCollateral(msg.sender, onBehalf, assets);
        collateralToken.safeTransferFrom(msg.sender, address(this), assets);
    }

    function withdrawCollateral(uint256 assets, address onBehalf, address receiver) external virtual {
        if (assets == 0) revert ZeroAssets();
        if (receiver == address(0)) revert ZeroAddress();
        _authorize(onBehalf);
        _accrue();
        _collateral[onBehalf] -= assets;
        if (!_isHealthy(onBehalf, ILendingOracle(oracle).price())) revert InsufficientCollateral(onBehalf);
        emit WithdrawCollateral(msg.sender, onBehalf, receiver, assets);
        collateralToken.safeTransfer(receiver, assets);
    }

    /*//////////////////////////////////////////////////////////////
                               LIQUIDATORS
    //////////////////////////////////////////////////////////////*/

    /// @notice Exactly one of `seized` (collateral to take) and `repaidShares` (debt to repay) is nonzero.
    /// @return The collateral seized and the loan assets repaid.
    function liquidate(address borrower, uint256 seized, uint256 repaidShares)
        external
        virtual
        returns (uint256, uint256)
    {
        if ((seized == 0) == (repaidShares == 0)) revert InconsistentInput();
        _accrue();
        uint256 price = ILendingOracle(oracle).price();
        _requireLiquidatable(borrower, price);
        uint256 incentive = _incentiveFactor();
        if (seized > 0) {
            uint256 quoted = _mulDivUp(seized, price, ORACLE_SCALE);
            repaidShares = _mulDivUp(
                _mulDivUp(quoted, WAD, incentive), totalBorrowShares + VIRTUAL_SHARES, totalBorrowAssets + VIRTUAL_ASSETS
            );
        } else {
            uint256 value = _mulDivDown(repaidShares, totalBorrowAssets + VIRTUAL_ASSETS, totalBorrowShares + VIRTUAL_SHARES);
            seized = _seizedFor(value, incentive, price);
        }
        uint256 repaid = _mulDivUp(repaidShares, totalBorrowAssets + VIRTUAL_ASSETS, totalBorrowShares + VIRTUAL_SHARES);
        borrowShares[borrower] -= repaidShares;
        totalBorrowShares -= repaidShares;
        totalBorrowAssets = repaid < totalBorrowAssets ? totalBorrowAssets - repaid : 0;
        _collateral[borrower] -= seized;
        (uint256 badDebtAssets, uint256 badDebtShares) = _realizeBadDebt(borrower);
        emit Liquidate(msg.sender, borrower, repaid, repaidShares, seized, badDebtAssets, badDebtShares);
        collateralToken.safeTransfer(msg.sender, seized);
        loanToken.safeTransferFrom(msg.sender, address(this), repaid);
        return (seized, repaid);
    }

    function _requireLiquidatable(address borrower, uint256 price) internal view virtual {
        if (_isHealthy(borrower, price)) revert HealthyPosition(borrower);
    }

    /// @dev Collateral worth `value` loan assets times the incentive, rounded down (for the borrower).
    function _seizedFor(uint256 value, uint256 incentive, uint256 price) internal pure virtual returns (uint256) {
        return _mulDivDown(_mulDivDown(value, incentive, WAD), ORACLE_SCALE, price);
    }

    /// @dev A position whose collateral is gone can never be repaid by liquidation: its debt is
    ///      taken off what lenders are owed, pro rata through the supply share price.
    function _realizeBadDebt(address borrower) internal virtual returns (uint256 badDebt, uint256 shares) {
        if (_collateral[borrower] != 0) return (0, 0);
        shares = borrowShares[borrower];
        badDebt = _mulDivUp(shares, totalBorrowAssets + VIRTUAL_ASSETS, totalBorrowShares + VIRTUAL_SHARES);
        if (badDebt > totalBorrowAssets) badDebt = totalBorrowAssets;
        totalBorrowAssets -= badDebt;
        totalSupplyAssets -= badDebt;
        totalBorrowShares -= shares;
        borrowShares[borrower] = 0;
    }

    /*//////////////////////////////////////////////////////////////
                         AUTHORIZATION AND INTEREST
    //////////////////////////////////////////////////////////////*/

    function setAuthorization(address manager, bool authorized) external virtual {
        if (isAuthorized[msg.sender][manager] == authorized) revert AlreadySet();
        isAuthorized[msg.sender][manager] = authorized;
        emit SetAuthorization(msg.sender, msg.sender, manager, authorized);
    }

    function accrueInterest() external {
        _accrue();
    }

    function _authorize(address onBehalf) internal view virtual {
        if (msg.sender != onBehalf && !isAuthorized[onBehalf][msg.sender]) revert Unauthorized(onBehalf, msg.sender);
    }

    function _accrue() internal virtual {
        uint256 elapsed = block.timestamp - lastUpdate;
        if (elapsed == 0) return;
        if (borrowRate != 0) {
            uint256 first = borrowRate * elapsed;
            uint256 second = _mulDivDown(first, first, 2 * WAD);
            uint256 third = _mulDivDown(second, first, 3 * WAD);
            uint256 interest = _mulDivDown(totalBorrowAssets, first + second + third, WAD);
            totalBorrowAssets += interest;
            totalSupplyAssets += interest;
        }
        lastUpdate = block.timestamp;
    }

    /*//////////////////////////////////////////////////////////////
                                  HEALTH
    //////////////////////////////////////////////////////////////*/

    function _isHealthy(address borrower, uint256 price) internal view virtual returns (bool) {
        uint256 shares = borrowShares[borrower];
        if (shares == 0) return true;
        uint256 debt = _mulDivUp(shares, totalBorrowAssets + VIRTUAL_ASSETS, totalBorrowShares + VIRTUAL_SHARES);
        uint256 maxDebt = _mulDivDown(_mulDivDown(_collateral[borrower], price, ORACLE_SCALE), lltv, WAD);
        return maxDebt >= debt;
    }

    function _incentiveFactor() internal view returns (uint256) {
        uint256 f = _mulDivDown(WAD, WAD, WAD - _mulDivDown(LIQUIDATION_CURSOR, WAD - lltv, WAD));
        return f < MAX_INCENTIVE ? f : MAX_INCENTIVE;
    }

    /// @dev Totals are stored as uint256 but must fit 128 bits, as a packed implementation's would.
    function _checkSize() internal view {
        require(
            totalSupplyAssets <= type(uint128).max && totalSupplyShares <= type(uint128).max
                && totalBorrowAssets <= type(uint128).max && totalBorrowShares <= type(uint128).max
        );
    }

    function _mulDivDown(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return (x * y) / d;
    }

    function _mulDivUp(uint256 x, uint256 y, uint256 d) internal pure returns (uint256) {
        return (x * y + (d - 1)) / d;
    }
}
