// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { SparseMemory } from "test/lib/SparseMemory.sol";
import { LibMemory } from "src/riscv/lib/LibMemory.sol";

/// @title RootAtLoops
/// @notice `LibMemory.rootAt` written as loops, for the gas comparison only (the verifier uses
///         the unrolled version that tools/gen-unrolled.py generates).
library RootAtLoops {
    /// @notice The unrolled levels rolled up: the same Yul per level, with `Z[k]` from a
    ///         memory table and the mask and address bits shifted out at run time.
    function yulLoop(
        bytes calldata _proof,
        uint256 _offset,
        uint32 _addr,
        bytes32 _leaf
    )
        internal
        pure
        returns (bytes32 root_)
    {
        bytes32[28] memory z = LibMemory.zeroHashes();
        assembly ("memory-safe") {
            let start := add(_proof.offset, _offset)
            let mask := shr(224, calldataload(add(start, 32)))
            let p := add(start, 36)
            root_ := _leaf
            for { let k := 0 } lt(k, 27) { k := add(k, 1) } {
                let s := mload(add(z, shl(5, k)))
                if iszero(and(shr(k, mask), 1)) {
                    s := calldataload(p)
                    p := add(p, 0x20)
                }
                let side := and(shr(k, _addr), 0x20)
                mstore(side, root_)
                mstore(xor(side, 0x20), s)
                root_ := keccak256(0, 0x40)
            }
        }
    }

    /// @notice The same in plain Solidity: checked arithmetic, calldata slices and
    ///         `abi.encodePacked` per level.
    function solidityLoop(
        bytes calldata _proof,
        uint256 _offset,
        uint32 _addr,
        bytes32 _leaf
    )
        internal
        pure
        returns (bytes32 root_)
    {
        bytes32[28] memory z = LibMemory.zeroHashes();
        uint256 mask = uint32(bytes4(_proof[_offset + 32:_offset + 36]));
        uint256 p = _offset + 36;
        root_ = _leaf;
        for (uint256 k = 0; k < LibMemory.DEPTH; ++k) {
            bytes32 s = z[k];
            if ((mask >> k) & 1 == 0) {
                s = bytes32(_proof[p:p + 32]);
                p += 32;
            }
            root_ = (_addr >> (k + 5)) & 1 == 0
                ? keccak256(abi.encodePacked(root_, s))
                : keccak256(abi.encodePacked(s, root_));
        }
    }
}

/// @notice Meters one `rootAt` variant inside the call (`gasleft()` before and after), so the
///         figure is the function's alone: no calldata, dispatch or ABI decoding.
abstract contract RootAtMeter {
    function root(
        bytes calldata _proof,
        uint32 _addr,
        bytes32 _leaf
    )
        external
        view
        returns (bytes32 root_, uint256 gas_)
    {
        uint256 before = gasleft();
        root_ = _rootAt(_proof, _addr, _leaf);
        gas_ = before - gasleft();
    }

    function _rootAt(
        bytes calldata _proof,
        uint32 _addr,
        bytes32 _leaf
    )
        internal
        pure
        virtual
        returns (bytes32);
}

contract RootAtUnrolled is RootAtMeter {
    function _rootAt(
        bytes calldata _proof,
        uint32 _addr,
        bytes32 _leaf
    )
        internal
        pure
        override
        returns (bytes32)
    {
        return LibMemory.rootAt(_proof, 0, _addr, _leaf);
    }
}

contract RootAtYulLoop is RootAtMeter {
    function _rootAt(
        bytes calldata _proof,
        uint32 _addr,
        bytes32 _leaf
    )
        internal
        pure
        override
        returns (bytes32)
    {
        return RootAtLoops.yulLoop(_proof, 0, _addr, _leaf);
    }
}

contract RootAtSolidityLoop is RootAtMeter {
    function _rootAt(
        bytes calldata _proof,
        uint32 _addr,
        bytes32 _leaf
    )
        internal
        pure
        override
        returns (bytes32)
    {
        return RootAtLoops.solidityLoop(_proof, 0, _addr, _leaf);
    }
}

/// @title LibMemory_RootAtGas_Test
/// @notice The gas of one full 27-level root computation (`LibMemory.rootAt`) unrolled, as the
///         verifier has it, against the same levels as a Yul loop and as a plain Solidity
///         loop, on the two extreme proof shapes: every sibling sent (900 bytes) and every
///         sibling omitted (the empty memory, 36 bytes). Logged with `forge test -vv`
///         (docs/benchmarks.md, "Memory proof root on-chain"); the test fails if the unrolled
///         version stops being the cheapest, or if any version computes another root. Each
///         harness's runtime size is logged too: unrolling trades code size for gas.
contract LibMemory_RootAtGas_Test is Test {
    using SparseMemory for SparseMemory.Mem;

    /// @notice An address whose leaf index has both left and right steps on its path.
    uint32 internal constant ADDR = 0x7FFF_FE80;

    RootAtMeter internal unrolled;
    RootAtMeter internal yulLoop;
    RootAtMeter internal solidityLoop;

    function setUp() public {
        unrolled = new RootAtUnrolled();
        yulLoop = new RootAtYulLoop();
        solidityLoop = new RootAtSolidityLoop();
    }

    /// @notice Every sibling a random hash and sent: the most work `rootAt` does.
    function test_rootAt_gasAllSent_succeeds() external {
        bytes32 leaf = keccak256("leaf");
        bytes32[27] memory sib;
        bytes32 want = leaf;
        for (uint256 k = 0; k < 27; k++) {
            sib[k] = keccak256(abi.encode("sibling", k));
            want = (ADDR >> (k + 5)) & 1 == 0
                ? keccak256(abi.encodePacked(want, sib[k]))
                : keccak256(abi.encodePacked(sib[k], want));
        }
        bytes memory proof = SparseMemory.encodeProof(leaf, sib, 0);
        assertEq(proof.length, 900, "a 900-byte proof");
        _compare("27 siblings sent (900-byte proof)", proof, leaf, want);
    }

    /// @notice Every sibling `Z[k]` and omitted: the empty memory's root, Z[27].
    function test_rootAt_gasAllOmitted_succeeds() external {
        SparseMemory.Mem memory m;
        bytes memory proof = m.proof(ADDR);
        assertEq(proof.length, 36, "a 36-byte proof");
        _compare("27 siblings omitted (36-byte proof)", proof, bytes32(0), LibMemory.Z_27);
    }

    function _compare(
        string memory _name,
        bytes memory _proof,
        bytes32 _leaf,
        bytes32 _want
    )
        internal
    {
        (bytes32 rootU, uint256 gasU) = unrolled.root(_proof, ADDR, _leaf);
        (bytes32 rootY, uint256 gasY) = yulLoop.root(_proof, ADDR, _leaf);
        (bytes32 rootS, uint256 gasS) = solidityLoop.root(_proof, ADDR, _leaf);
        assertEq(rootU, _want, "unrolled");
        assertEq(rootY, _want, "Yul loop");
        assertEq(rootS, _want, "Solidity loop");
        emit log(string.concat("rootAt, ", _name, ": gas"));
        emit log_named_uint("  unrolled (LibMemory)", gasU);
        emit log_named_uint("  Yul loop", gasY);
        emit log_named_uint("  Solidity loop", gasS);
        emit log("harness runtime size (bytes)");
        emit log_named_uint("  unrolled (LibMemory)", address(unrolled).code.length);
        emit log_named_uint("  Yul loop", address(yulLoop).code.length);
        emit log_named_uint("  Solidity loop", address(solidityLoop).code.length);
        assertLe(gasU, gasY, "unrolled vs Yul loop");
        assertLe(gasU, gasS, "unrolled vs Solidity loop");
    }
}
