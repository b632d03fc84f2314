// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// The reserve asset as the module sees it (a 6-decimal dollar token: USDC's shape).
interface IReserve {
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function transfer(address to, uint256 amount) external returns (bool);
}

/// An 18-decimal stablecoin that only its minter (the module) can mint and burn.
contract PsmStablecoin {
    string public constant name = "PSM Dollar";
    string public constant symbol = "pUSD";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;
    address public immutable owner;
    address public minter;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor() {
        owner = msg.sender;
    }

    function setMinter(address minter_) external {
        require(msg.sender == owner, "not owner");
        minter = minter_;
    }

    function mint(address to, uint256 value) external {
        require(msg.sender == minter, "not minter");
        totalSupply += value;
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function burn(address from, uint256 value) external {
        require(msg.sender == minter, "not minter");
        balanceOf[from] -= value;
        totalSupply -= value;
        emit Transfer(from, address(0), value);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external returns (bool) {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) allowance[from][msg.sender] = allowed - value;
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
        return true;
    }
}

/// A peg stability module: 1 reserve unit (6 decimals) in, 10^12 stablecoin units (18 decimals)
/// out, minus a fee in basis points that stays in the module. Fees round up, payouts down.
contract PegStabilityModule {
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
        uint256 fee = (gross * feeBps + BPS - 1) / BPS;
        paid = gross - fee;
        stable.burn(msg.sender, stableAmount);
        fees += fee;
        require(reserve.transfer(msg.sender, paid), "transfer");
    }
}
