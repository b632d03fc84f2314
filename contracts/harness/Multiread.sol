// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Multiread
/// @notice Harness-only lens: performs many static calls in one EVM call.
/// @dev Observing a vault after every step takes a few dozen views (balances, supply, positions),
///      each returning one word. The lens is plain assembly over a packed format, because the
///      ABI-decoding of `bytes[]` and ABI-encoding of `(bool, bytes)[]` that a Solidity version does
///      cost twice as many opcodes as all the views it calls (measured: 10.7k of 15.8k per
///      observation of an ERC4626 vault). A failed view is reported, not bubbled, so one broken
///      getter cannot hide the others.
///
///      Calldata (no selector): one word `n`, then n packed entries:
///        call:    0x00 | target (20 bytes) | len (2 bytes, big-endian) | calldata (len bytes)
///        balance: 0x01 | account (20 bytes)
///      Returns ceil(n / 256) bitmap words (bit i of word i / 256 set: entry i failed), then n words:
///      a call's first return word, an account's native balance. A failed entry's word is 0 when the
///      call reverted and 1 when it returned fewer than 32 bytes.
contract Multiread {
    fallback() external {
        assembly {
            let n := calldataload(0)
            // Solidity's entry code wrote the free memory pointer at 0x40: start above it.
            let base := 0x80
            let out := add(base, shl(5, shr(8, add(n, 255))))
            let scratch := add(out, shl(5, n))
            let p := 32
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let head := calldataload(p)
                let target := shr(96, shl(8, head))
                switch byte(0, head)
                case 0 {
                    let len := and(shr(72, head), 0xffff)
                    calldatacopy(scratch, add(p, 23), len)
                    let failed := 0
                    switch staticcall(gas(), target, scratch, len, 0, 0)
                    case 0 { failed := 1 }
                    default {
                        switch lt(returndatasize(), 32)
                        case 1 {
                            failed := 1
                            mstore(out, 1)
                        }
                        default { returndatacopy(out, 0, 32) }
                    }
                    if failed {
                        let w := add(base, shl(5, shr(8, i)))
                        mstore(w, or(mload(w), shl(and(i, 255), 1)))
                    }
                    p := add(p, add(23, len))
                }
                default {
                    mstore(out, balance(target))
                    p := add(p, 21)
                }
                out := add(out, 32)
            }
            return(base, sub(out, base))
        }
    }
}
