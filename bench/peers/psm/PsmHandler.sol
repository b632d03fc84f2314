// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PeerBase} from "peers/Peers.sol";
import {MockERC20} from "vc/mocks/MockERC20.sol";
import {PsmStablecoin} from "psm/PegStabilityModule.sol";

/// The cheatcodes used beyond Peers.sol's.
interface VmLogs {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory);
}

interface IPsm {
    function mint(uint256 amount) external returns (uint256);
    function redeem(uint256 stableAmount) external returns (uint256);
    function fees() external view returns (uint256);
}

uint256 constant FEE_BPS = 30;
uint256 constant SCALE = 1e12;
uint256 constant FUNDS = 1_000_000e6;
uint256 constant MAX = type(uint256).max;
bytes32 constant TRANSFER = keccak256("Transfer(address,address,uint256)");
bytes32 constant APPROVAL = keccak256("Approval(address,address,uint256)");

/// The model's fee on `gross` reserve units: ceil(gross * FEE_BPS / 10^4), without overflow.
function feeOn(uint256 gross) pure returns (uint256) {
    return (gross / 10_000) * FEE_BPS + ((gross % 10_000) * FEE_BPS + 9_999) / 10_000;
}

/// Handler for a peg stability module: vaultcheck's psm actions from three actors, each predicted
/// by a ghost model and compared with the chain. With fail_on_revert = false a reverting handler
/// call is ignored, so a broken property is recorded in `broken` and an invariant reports it.
contract PsmHandler is PeerBase {
    VmLogs internal constant logs = VmLogs(address(uint160(uint256(keccak256("hevm cheat code")))));
    IPsm public immutable psm;
    MockERC20 public immutable reserve;
    PsmStablecoin public immutable stable;

    // The ghost model (model.ts's PsmState).
    mapping(address => uint256) public gReserve;
    mapping(address => uint256) public gReserveAllowance; // to the module
    mapping(address => uint256) public gStable;
    mapping(address => mapping(address => uint256)) public gAllowance;
    uint256 public gSupply;
    uint256 public gFees;
    string public broken;

    constructor(IPsm psm_, MockERC20 reserve_, PsmStablecoin stable_) {
        (psm, reserve, stable) = (psm_, reserve_, stable_);
        for (uint256 i = 0; i < 3; i++) (gReserve[actors[i]], gReserveAllowance[actors[i]]) = (FUNDS, MAX);
    }

    function mint(uint256 by, uint256 seed) external {
        address a = _actor(by);
        uint256 amount = _amount(seed, gReserve[a], gReserve[a]);
        bool ok = amount <= MAX / FEE_BPS && amount <= gReserve[a] && amount <= gReserveAllowance[a];
        uint256 fee = feeOn(amount);
        uint256 s0 = stable.balanceOf(a);
        vm.prank(a);
        try psm.mint(amount) returns (uint256 got) {
            _fee(int256(amount), (int256(stable.balanceOf(a)) - int256(s0)) / int256(SCALE));
            if (!_agree(ok, true, "PSM-DIFF-001: mint")) return;
            uint256 minted = (amount - fee) * SCALE;
            _check(got == minted, "PSM-DIFF-002: mint returned a different value");
            gReserve[a] -= amount;
            gReserve[address(psm)] += amount;
            if (gReserveAllowance[a] != MAX) gReserveAllowance[a] -= amount;
            gStable[a] += minted;
            gSupply += minted;
            gFees += fee;
        } catch {
            _agree(ok, false, "PSM-DIFF-001: mint");
        }
    }

    function redeem(uint256 by, uint256 seed) external {
        address a = _pick(by, address(0), _holds);
        uint256 amount = _amount(seed, gStable[a], gStable[a]);
        uint256 gross = amount / SCALE;
        uint256 fee = feeOn(gross);
        bool ok = amount <= gStable[a] && gross - fee <= gReserve[address(psm)];
        uint256 r0 = reserve.balanceOf(a);
        vm.prank(a);
        try psm.redeem(amount) returns (uint256 got) {
            _fee(int256(gross), int256(reserve.balanceOf(a)) - int256(r0));
            if (!_agree(ok, true, "PSM-DIFF-001: redeem")) return;
            _check(got == gross - fee, "PSM-DIFF-002: redeem returned a different value");
            gStable[a] -= amount;
            gSupply -= amount;
            gReserve[address(psm)] -= gross - fee;
            gReserve[a] += gross - fee;
            gFees += fee;
        } catch {
            _agree(ok, false, "PSM-DIFF-001: redeem");
        }
    }

    function transfer(uint256 by, uint256 to, uint256 seed) external {
        (address a, address b) = (_pick(by, address(0), _holds), _account(to));
        uint256 amount = _amount(seed, gStable[a], gStable[a]);
        logs.recordLogs();
        vm.prank(a);
        try stable.transfer(b, amount) returns (bool r) {
            if (!_agree(amount <= gStable[a], true, "PSM-DIFF-001: transfer")) return;
            _check(r, "PSM-DIFF-002: transfer returned false");
            _event(TRANSFER, a, b, amount);
            gStable[a] -= amount;
            gStable[b] += amount;
        } catch {
            _agree(amount <= gStable[a], false, "PSM-DIFF-001: transfer");
        }
    }

    function approve(uint256 by, uint256 to, uint256 seed) external {
        (address a, address b) = (_actor(by), _actor(to));
        uint256 amount = _amount(seed, gStable[a], MAX);
        logs.recordLogs();
        vm.prank(a);
        try stable.approve(b, amount) returns (bool r) {
            _check(r, "PSM-DIFF-002: approve returned false");
            _event(APPROVAL, a, b, amount);
            gAllowance[a][b] = amount;
        } catch {
            _agree(true, false, "PSM-DIFF-001: approve");
        }
    }

    function transferFrom(uint256 by, uint256 from, uint256 to, uint256 seed) external {
        address s = _pick(by, address(0), _isApproved);
        (address f, address t) = (_pick(from, s, _canSpend), _account(to));
        uint256 allowed = gAllowance[f][s];
        uint256 amount = _amount(seed, allowed, gStable[f]);
        bool ok = amount <= allowed && amount <= gStable[f];
        logs.recordLogs();
        vm.prank(s);
        try stable.transferFrom(f, t, amount) returns (bool r) {
            if (!_agree(ok, true, "PSM-DIFF-001: transferFrom")) return;
            _check(r, "PSM-DIFF-002: transferFrom returned false");
            _event(TRANSFER, f, t, amount);
            if (allowed != MAX) gAllowance[f][s] -= amount;
            gStable[f] -= amount;
            gStable[t] += amount;
        } catch {
            _agree(ok, false, "PSM-DIFF-001: transferFrom");
        }
    }

    // Functions outside the specification, from an actor (PSM-ACCESS-002).
    function stableMint(uint256 by, uint256 to, uint256 seed) external {
        _unprivileged(by, abi.encodeCall(PsmStablecoin.mint, (_account(to), _amount(seed, gStable[_actor(by)], gSupply))));
    }

    function stableBurn(uint256 by, uint256 from, uint256 seed) external {
        _unprivileged(by, abi.encodeCall(PsmStablecoin.burn, (_account(from), _amount(seed, gStable[_account(from)], gSupply))));
    }

    function stableSetMinter(uint256 by, uint256 minter) external {
        _unprivileged(by, abi.encodeCall(PsmStablecoin.setMinter, (_account(minter))));
    }

    /// Every value the psm kind observes, from the chain or from the ghost model.
    function observe(bool chain) public view returns (uint256[] memory o) {
        o = new uint256[](21);
        (o[0], o[1]) = chain ? (stable.totalSupply(), psm.fees()) : (gSupply, gFees);
        o[2] = chain ? reserve.balanceOf(address(psm)) : gReserve[address(psm)];
        uint256 n = 3;
        for (uint256 i = 0; i < 3; i++) {
            address a = actors[i];
            o[n++] = chain ? reserve.balanceOf(a) : gReserve[a];
            o[n++] = chain ? reserve.allowance(a, address(psm)) : gReserveAllowance[a];
            o[n++] = chain ? stable.balanceOf(a) : gStable[a];
            for (uint256 j = 0; j < 3; j++) o[n++] = chain ? stable.allowance(a, actors[j]) : gAllowance[a][actors[j]];
        }
    }

    function _unprivileged(uint256 by, bytes memory data) internal {
        bytes32 before = keccak256(abi.encode(observe(true)));
        vm.prank(_actor(by));
        (bool ok,) = address(stable).call(data);
        _check(!ok || keccak256(abi.encode(observe(true))) == before, "PSM-ACCESS-002");
    }

    /// PSM-FEE-001: a caller that gave up `gross` reserve units and received `received` was charged at most the fee.
    function _fee(int256 gross, int256 received) internal {
        _check(gross - received <= int256(feeOn(uint256(gross))), "PSM-FEE-001");
    }

    /// PSM-DIFF-002 on events: the stablecoin's Transfer/Approval logs are exactly the model's one event.
    function _event(bytes32 sig, address x, address y, uint256 value) internal {
        VmLogs.Log[] memory l = logs.getRecordedLogs();
        (uint256 n, bool same) = (0, false);
        for (uint256 i = 0; i < l.length; i++) {
            bytes32[] memory t = l[i].topics;
            if (l[i].emitter != address(stable) || t.length == 0 || (t[0] != TRANSFER && t[0] != APPROVAL)) continue;
            n++;
            same = t.length == 3 && t[0] == sig && t[1] == bytes32(uint256(uint160(x))) && t[2] == bytes32(uint256(uint160(y)))
                && keccak256(l[i].data) == keccak256(abi.encode(value));
        }
        _check(n == 1 && same, "PSM-DIFF-002: different events");
    }

    function _agree(bool predicted, bool succeeded, string memory id) internal returns (bool) {
        _check(predicted == succeeded, id);
        return predicted && succeeded;
    }

    function _check(bool ok, string memory id) internal {
        if (!ok && bytes(broken).length == 0) broken = id;
    }

    /// Like vaultcheck's amount recipes: a fraction of a reference (6/11), a reference or ±1 (3/11),
    /// a boundary or round constant (2/11). Two references: one of them.
    function _amount(uint256 seed, uint256 ref0, uint256 ref1) internal pure returns (uint256) {
        (uint256 kind, uint256 ref) = (seed % 11, (seed / 11) % 2 == 0 ? ref0 : ref1);
        seed /= 22;
        if (kind < 6) return (ref / 1e6) * (seed % 1_000_001) + ((ref % 1e6) * (seed % 1_000_001)) / 1e6;
        if (kind < 9) return [ref, ref, ref == 0 ? 0 : ref - 1, ref == MAX ? MAX : ref + 1][seed % 4];
        uint256 k = seed % 20;
        if (k < 6) return [uint256(0), 1, 2, 2 ** 255, MAX - 1, MAX][k];
        return k < 15 ? 10 ** (3 * (k - 6)) : [uint256(1), 2, 5, 10, 1000][k - 15] * 1e18;
    }

    /// A receiver: an actor (8/10), the module or the zero address.
    function _account(uint256 seed) internal view returns (address) {
        uint256 r = seed % 10;
        return r == 8 ? address(psm) : r == 9 ? address(0) : _actor(seed / 10);
    }

    /// An actor; half the time preferably one for which `holds(actor, other)`.
    function _pick(uint256 seed, address other, function(address, address) internal view returns (bool) holds)
        internal
        view
        returns (address)
    {
        if (seed % 2 == 0) {
            for (uint256 i = 0; i < 3; i++) if (holds(_actor(seed / 2 + i), other)) return _actor(seed / 2 + i);
        }
        return _actor(seed);
    }

    function _holds(address a, address) internal view returns (bool) {
        return gStable[a] > 0;
    }

    function _isApproved(address spender, address) internal view returns (bool) {
        for (uint256 i = 0; i < 3; i++) if (gAllowance[actors[i]][spender] > 0) return true;
        return false;
    }

    function _canSpend(address owner, address spender) internal view returns (bool) {
        return gStable[owner] > 0 && gAllowance[owner][spender] > 0;
    }
}

/// The invariant test: backing, the chain equal to the ghost model, the exit, and what the handler
/// found on its calls. Concrete tests pick the module by overriding `_deploy`.
abstract contract PsmRace is PeerBase {
    PsmHandler public handler;
    IPsm internal psm;
    MockERC20 internal reserve;
    PsmStablecoin internal stable;

    function _deploy(address reserve_, address stable_) internal virtual returns (address);

    function setUp() public {
        reserve = new MockERC20("Reserve Dollar", "rUSD", 6);
        stable = new PsmStablecoin();
        psm = IPsm(_deploy(address(reserve), address(stable)));
        stable.setMinter(address(psm));
        for (uint256 i = 0; i < 3; i++) {
            reserve.mint(actors[i], FUNDS);
            vm.prank(actors[i]);
            reserve.approve(address(psm), MAX);
        }
        handler = new PsmHandler(psm, reserve, stable);
    }

    function targetContracts() public view returns (address[] memory t) {
        t = new address[](1);
        t[0] = address(handler);
    }

    function invariant_backing() public view {
        require(reserve.balanceOf(address(psm)) * SCALE >= stable.totalSupply(), "PSM-BACKING-001");
    }

    /// PSM-DIFF-001/002, PSM-FEE-001, PSM-ACCESS-002 as the handler checked them on its calls.
    function invariant_calls() public view {
        string memory b = handler.broken();
        require(bytes(b).length == 0, b);
    }

    /// PSM-DIFF-002 (and VIEW-001: a reverting view fails it too).
    function invariant_model() public view {
        require(keccak256(abi.encode(handler.observe(true))) == keccak256(abi.encode(handler.observe(false))), "PSM-DIFF-002");
    }

    /// PSM-EXIT-001: every holder in turn redeems its whole balance for what the model pays; what is
    /// left is what the module and the zero address hold. forge discards an invariant's state changes.
    function invariant_exit() public {
        (uint256 held, uint256 supply) = (handler.gReserve(address(psm)), handler.gSupply());
        for (uint256 i = 0; i < 3; i++) {
            uint256 balance = handler.gStable(actors[i]);
            if (balance == 0) continue;
            uint256 wanted = balance / SCALE - feeOn(balance / SCALE);
            bool ok = wanted <= held;
            vm.prank(actors[i]);
            try psm.redeem(balance) returns (uint256 paid) {
                require(paid == (ok ? wanted : 0), "PSM-EXIT-001: paid other than the model");
            } catch {
                revert("PSM-EXIT-001: could not redeem its whole balance");
            }
            if (ok) (held, supply) = (held - wanted, supply - balance);
        }
        require(stable.totalSupply() == supply, "PSM-EXIT-001: outstanding after every holder redeemed");
    }
}
