// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {MockERC20} from "./MockERC20.sol";
import {FixedPointMath} from "../lib/FixedPointMath.sol";

/// Tokens that break the assumptions a vault may make about its asset, for `--token-quirks`. Each
/// has MockERC20's constructor `(name, symbol, decimals)` and its permissionless `mint`/`burn`, so
/// a kind deploys it wherever it would deploy MockERC20; model/erc20.ts models each behaviour.
/// Never deploy outside tests.

/// @notice Burns 1% of every transfer: the recipient gets 99%. Imitates STA (Statera) and PAXG,
///         and USDT or USDC should their issuers switch on the fee their contracts provide for.
contract FeeOnTransferERC20 is MockERC20 {
    /// @dev Parts per million of each transfer that are burned (model/erc20.ts feePpm).
    uint256 public constant FEE_PPM = 10_000;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) MockERC20(name_, symbol_, decimals_) {}

    function _transfer(address from, address to, uint256 amount) internal override {
        if (to == address(0)) revert InvalidReceiver(to);
        uint256 balance = _balances[from];
        if (balance < amount) revert InsufficientBalance(from, balance, amount);
        // floor(amount * FEE_PPM / 1e6) without overflowing for any amount.
        uint256 fee = amount / (1_000_000 / FEE_PPM);
        unchecked {
            _balances[from] = balance - amount;
            _balances[to] += amount - fee;
            _totalSupply -= fee;
        }
        emit Transfer(from, to, amount - fee);
        if (fee != 0) emit Transfer(from, address(0), fee);
    }
}

/// @notice Reverts on transfers of zero. Imitates LEND (Aave's first token) and others that
///         `require(amount > 0)`.
contract RevertOnZeroERC20 is MockERC20 {
    error ZeroAmount();

    constructor(string memory name_, string memory symbol_, uint8 decimals_) MockERC20(name_, symbol_, decimals_) {}

    function _transfer(address from, address to, uint256 amount) internal override {
        if (amount == 0) revert ZeroAmount();
        super._transfer(from, to, amount);
    }
}

/// @notice `transfer(type(uint256).max)` and `transferFrom(.., type(uint256).max)` move the
///         sender's whole balance instead of reverting. Imitates Compound III's cUSDCv3 (Comet).
contract TransferMaxERC20 is MockERC20 {
    constructor(string memory name_, string memory symbol_, uint8 decimals_) MockERC20(name_, symbol_, decimals_) {}

    function transfer(address to, uint256 amount) public override returns (bool) {
        if (amount == type(uint256).max) amount = _balances[msg.sender];
        return super.transfer(to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        if (amount == type(uint256).max) amount = _balances[from];
        return super.transferFrom(from, to, amount);
    }
}

/// @notice Returns false, moving nothing, when the balance or the allowance is too small,
///         instead of reverting. Imitates ZRX and the tokens written before reverting became the
///         norm (EIP-20 allows both).
contract ReturnsFalseERC20 is MockERC20 {
    constructor(string memory name_, string memory symbol_, uint8 decimals_) MockERC20(name_, symbol_, decimals_) {}

    function transfer(address to, uint256 amount) public override returns (bool) {
        if (_balances[msg.sender] < amount) return false;
        return super.transfer(to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) public override returns (bool) {
        uint256 allowed = _allowances[from][msg.sender];
        if ((allowed != type(uint256).max && allowed < amount) || _balances[from] < amount) return false;
        return super.transferFrom(from, to, amount);
    }
}

/// @notice Rebasing balances: the owner (the harness's deployer, as an environment action)
///         scales every holder's balance up or down by parts per million. Imitates stETH (daily
///         rebases up, down after a slashing) and AMPL (supply policy in both directions).
contract RebasingERC20 is MockERC20 {
    address public immutable owner;
    address[] internal _holders;
    mapping(address => bool) internal _known;

    error NotOwner(address caller);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) MockERC20(name_, symbol_, decimals_) {
        owner = msg.sender;
    }

    /// @notice Every balance becomes floor(balance * (1e6 +- ppm) / 1e6); the supply is their sum.
    function rebase(bool up, uint256 ppm) external {
        if (msg.sender != owner) revert NotOwner(msg.sender);
        uint256 factor = up ? 1_000_000 + ppm : 1_000_000 - ppm;
        uint256 supply;
        for (uint256 i = 0; i < _holders.length; i++) {
            address h = _holders[i];
            uint256 b = FixedPointMath.mulDivDown(_balances[h], factor, 1_000_000);
            _balances[h] = b;
            supply += b;
        }
        _totalSupply = supply;
    }

    function _track(address a) internal {
        if (!_known[a]) {
            _known[a] = true;
            _holders.push(a);
        }
    }

    function _transfer(address from, address to, uint256 amount) internal override {
        _track(to);
        super._transfer(from, to, amount);
    }

    function _mint(address to, uint256 amount) internal override {
        _track(to);
        super._mint(to, amount);
    }
}

/// @notice `transfer`, `transferFrom` and `approve` return nothing (they revert on failure).
///         Imitates USDT, BNB and OMG: a vault that expects a bool from them cannot decode it.
contract NoReturnERC20 {
    string public name;
    string public symbol;
    uint8 public immutable decimals;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 amount);
    event Approval(address indexed owner, address indexed spender, uint256 amount);

    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    error InsufficientAllowance(address owner, address spender, uint256 allowance, uint256 needed);
    error InvalidReceiver(address receiver);

    constructor(string memory name_, string memory symbol_, uint8 decimals_) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
    }

    function mint(address to, uint256 amount) external {
        if (to == address(0)) revert InvalidReceiver(to);
        totalSupply += amount;
        balanceOf[to] += amount;
        emit Transfer(address(0), to, amount);
    }

    function burn(address from, uint256 amount) external {
        uint256 b = balanceOf[from];
        if (b < amount) revert InsufficientBalance(from, b, amount);
        balanceOf[from] = b - amount;
        totalSupply -= amount;
        emit Transfer(from, address(0), amount);
    }

    function approve(address spender, uint256 amount) external {
        allowance[msg.sender][spender] = amount;
        emit Approval(msg.sender, spender, amount);
    }

    function transfer(address to, uint256 amount) external {
        _move(msg.sender, to, amount);
    }

    function transferFrom(address from, address to, uint256 amount) external {
        uint256 allowed = allowance[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < amount) revert InsufficientAllowance(from, msg.sender, allowed, amount);
            allowance[from][msg.sender] = allowed - amount;
        }
        _move(from, to, amount);
    }

    function _move(address from, address to, uint256 amount) internal {
        if (to == address(0)) revert InvalidReceiver(to);
        uint256 b = balanceOf[from];
        if (b < amount) revert InsufficientBalance(from, b, amount);
        balanceOf[from] = b - amount;
        balanceOf[to] += amount;
        emit Transfer(from, to, amount);
    }
}

/// @notice ERC777-style transfer hooks: a holder that registers a hook contract is called before
///         tokens leave it (`tokensToSend`) and after tokens reach it (`tokensReceived`), in the
///         middle of whatever contract moved them. Imitates imBTC and AMP, through whose hooks
///         Lendf.Me (~$25M) and Cream Finance ($18.8M) were re-entered.
contract HookERC20 is MockERC20 {
    mapping(address => address) public hookOf;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) MockERC20(name_, symbol_, decimals_) {}

    /// @notice The caller's hook (ERC1820's registry in ERC777, one mapping here); zero removes it.
    function setHook(address hook) external {
        hookOf[msg.sender] = hook;
    }

    function _transfer(address from, address to, uint256 amount) internal override {
        address sender = hookOf[from];
        if (sender != address(0)) ITokenHook(sender).tokensToSend(from, to, amount);
        super._transfer(from, to, amount);
        address recipient = hookOf[to];
        if (recipient != address(0)) ITokenHook(recipient).tokensReceived(from, to, amount);
    }
}

interface ITokenHook {
    function tokensToSend(address from, address to, uint256 amount) external;
    function tokensReceived(address from, address to, uint256 amount) external;
}

/// @notice The attacker actor of the `transfer-hooks` quirk: a contract holding tokens like any
///         actor (the harness calls from its address), whose hook makes one armed call (a vault
///         action) from inside a transfer, swallowing its failure and recording whether it worked.
contract ReentrantAttacker is ITokenHook {
    address internal _target;
    bytes internal _data;
    bool public innerOk;
    bool public innerRan;

    /// @notice The next hook call makes `data` on `target` (once).
    function arm(address target, bytes calldata data) external {
        _target = target;
        _data = data;
        innerOk = false;
        innerRan = false;
    }

    function tokensToSend(address, address, uint256) external {
        _fire();
    }

    function tokensReceived(address, address, uint256) external {
        _fire();
    }

    function _fire() internal {
        address target = _target;
        if (target == address(0)) return;
        _target = address(0);
        innerRan = true;
        (innerOk, ) = target.call(_data);
    }
}
