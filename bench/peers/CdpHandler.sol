// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PeerBase, IERC20Like} from "./Peers.sol";
import {MockERC20} from "vc/mocks/MockERC20.sol";
import {MockOracle} from "vc/mocks/MockOracle.sol";

interface ICdp {
    function deposit(uint256 amount) external;
    function withdraw(uint256 amount) external;
    function borrow(uint256 amount) external;
    function repay(uint256 amount) external;
    function liquidate(address owner) external returns (uint256);
    function collateralOf(address) external view returns (uint256);
    function debtOf(address) external view returns (uint256);
    function totalDebt() external view returns (uint256);
    function totalCollateral() external view returns (uint256);
    function debtToken() external view returns (address);
}

/// Handler for a collateralised debt vault: deposit, withdraw, borrow, repay, liquidate and oracle
/// price moves, bounded to three actors. After every withdraw or borrow that went through it checks
/// the caller's position at the current price (the vault promises no user action leaves it unhealthy).
contract CdpHandler is PeerBase {
    uint256 internal constant RATIO = 1.5e18;
    uint256 internal constant INITIAL_PRICE = 2000e18;

    ICdp public immutable vault;
    MockERC20 public immutable collateral;
    MockOracle public immutable oracle;
    /// Set when a withdraw or borrow left the caller below the minimum collateral ratio.
    bool public unhealthyAfterAction;

    constructor(ICdp vault_, MockERC20 collateral_, MockOracle oracle_) {
        vault = vault_;
        collateral = collateral_;
        oracle = oracle_;
        for (uint256 i = 0; i < 3; i++) {
            collateral.mint(actors[i], 1000e18);
            vm.prank(actors[i]);
            collateral.approve(address(vault), type(uint256).max);
        }
    }

    function _healthy(address a) internal view returns (bool) {
        uint256 debt = vault.debtOf(a);
        return debt == 0 || vault.collateralOf(a) * oracle.price() >= debt * RATIO;
    }

    function deposit(uint256 by, uint256 amount) external {
        address a = _actor(by);
        amount = amount % (collateral.balanceOf(a) + 1);
        vm.prank(a);
        vault.deposit(amount);
    }

    function withdraw(uint256 by, uint256 amount, bool all) external {
        address a = _actor(by);
        uint256 c = vault.collateralOf(a);
        amount = all ? c : amount % (c + 1);
        vm.prank(a);
        vault.withdraw(amount);
        if (!_healthy(a)) unhealthyAfterAction = true;
    }

    /// Up to twice what the position can carry, so over-borrowing is tried as often as not.
    function borrow(uint256 by, uint256 amount) external {
        address a = _actor(by);
        uint256 cap = vault.collateralOf(a) * oracle.price() / RATIO;
        amount = amount % (2 * cap + 2);
        vm.prank(a);
        vault.borrow(amount);
        if (!_healthy(a)) unhealthyAfterAction = true;
    }

    function repay(uint256 by, uint256 amount) external {
        address a = _actor(by);
        uint256 d = vault.debtOf(a);
        uint256 held = IERC20Like(vault.debtToken()).balanceOf(a);
        amount = amount % ((d < held ? d : held) + 1);
        vm.prank(a);
        vault.repay(amount);
    }

    function liquidate(uint256 by, uint256 owner) external {
        vm.prank(_actor(by));
        vault.liquidate(_actor(owner));
    }

    /// A move to 1%..200% of the initial price.
    function setPrice(uint256 pct) external {
        oracle.setPrice(INITIAL_PRICE * (pct % 200 + 1) / 100);
    }
}

/// The invariant test: no withdraw or borrow leaves its caller unhealthy (CDP-RATIO-001), debts sum
/// to the debt token's supply and the recorded total (CDP-BACKING-001), and collateral adds up.
abstract contract CdpRace {
    CdpHandler public handler;
    ICdp internal vault;
    MockERC20 internal collateral;
    MockOracle internal oracle;

    function _deploy(address collateral_, address oracle_) internal virtual returns (address);

    function setUp() public {
        collateral = new MockERC20("Collateral", "COL", 18);
        oracle = new MockOracle(2000e18);
        vault = ICdp(_deploy(address(collateral), address(oracle)));
        handler = new CdpHandler(vault, collateral, oracle);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    function invariant_ratio() public view {
        require(!handler.unhealthyAfterAction(), "CDP-RATIO-001");
    }

    function invariant_debt() public view {
        uint256 debts;
        uint256 coll;
        for (uint256 i = 0; i < 3; i++) {
            address a = [address(0xA11CE), address(0xB0B), address(0xCA401)][i];
            debts += vault.debtOf(a);
            coll += vault.collateralOf(a);
        }
        uint256 supply = IERC20Like(vault.debtToken()).totalSupply();
        require(debts == supply && vault.totalDebt() == supply, "CDP-BACKING-001");
        require(coll == vault.totalCollateral() && coll == collateral.balanceOf(address(vault)), "CDP-BACKING-002");
    }
}
