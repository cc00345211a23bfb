// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { SparseMemory } from "test/lib/SparseMemory.sol";
import { LibMemory } from "src/riscv/lib/LibMemory.sol";
import { InvalidMemoryProof, InvalidProofLength, InvalidProofMask } from "src/riscv/Errors.sol";

/// @notice Exposes `LibMemory` with calldata proofs.
contract LibMemoryHarness {
    function readLeaf(
        bytes calldata _proof,
        uint256 _index,
        uint32 _addr,
        bytes32 _root
    )
        external
        pure
        returns (bytes32)
    {
        return LibMemory.readLeaf(_proof, _index, _addr, _root);
    }

    function computeRoot(
        bytes calldata _proof,
        uint256 _index,
        uint32 _addr,
        bytes32 _leaf
    )
        external
        pure
        returns (bytes32)
    {
        return LibMemory.computeRoot(_proof, _index, _addr, _leaf);
    }

    function proofLength(bytes calldata _proof, uint256 _offset) external pure returns (uint256) {
        return LibMemory.proofLength(_proof, _offset);
    }

    function proofOffset(bytes calldata _proof, uint256 _index) external pure returns (uint256) {
        return LibMemory.proofOffset(_proof, _index);
    }
}

abstract contract LibMemory_TestInit is Test {
    using SparseMemory for SparseMemory.Mem;

    LibMemoryHarness internal harness;

    function setUp() public virtual {
        harness = new LibMemoryHarness();
    }

    /// @notice A memory with three leaves derived from `_seed`, one of them at `_addr`.
    function _mem(uint256 _seed, uint32 _addr) internal pure returns (SparseMemory.Mem memory m_) {
        m_.setLeaf(_addr, keccak256(abi.encode(_seed, "a")));
        m_.setLeaf(uint32(uint256(keccak256(abi.encode(_seed, "b")))), keccak256(abi.encode(_seed)));
        // A neighbour sharing most of the path with `_addr`.
        m_.setLeaf(_addr ^ 0x20, keccak256(abi.encode(_seed, "c")));
    }
}

contract LibMemory_ComputeRoot_Test is LibMemory_TestInit {
    using SparseMemory for SparseMemory.Mem;

    /// @notice The empty memory's root is Z[27], from the zero proof.
    function test_computeRoot_emptyMemory_succeeds() external view {
        bytes32 z;
        for (uint256 k = 0; k < 27; k++) {
            z = keccak256(abi.encodePacked(z, z));
        }
        SparseMemory.Mem memory m;
        assertEq(m.root(), z, "reference");
        assertEq(harness.computeRoot(m.proof(0x1234), 0, 0x1234, bytes32(0)), z, "LibMemory");
    }

    /// @notice A single leaf at address 0: the root is the leaf hashed up with Z[k] on the right.
    function test_computeRoot_leafZero_succeeds() external view {
        bytes32 leaf = bytes32(uint256(0xABCD));
        bytes32 node = leaf;
        bytes32 z;
        for (uint256 k = 0; k < 27; k++) {
            node = keccak256(abi.encodePacked(node, z));
            z = keccak256(abi.encodePacked(z, z));
        }
        SparseMemory.Mem memory m;
        m.setLeaf(0, leaf);
        assertEq(m.root(), node, "reference");
        assertEq(harness.computeRoot(m.proof(0), 0, 0, leaf), node, "LibMemory");
    }

    /// @notice A single leaf at the top address: the root is hashed up with Z[k] on the left.
    function test_computeRoot_leafTop_succeeds() external view {
        bytes32 leaf = bytes32(uint256(1));
        bytes32 node = leaf;
        bytes32 z;
        for (uint256 k = 0; k < 27; k++) {
            node = keccak256(abi.encodePacked(z, node));
            z = keccak256(abi.encodePacked(z, z));
        }
        SparseMemory.Mem memory m;
        m.setLeaf(0xFFFFFFFF, leaf);
        assertEq(m.root(), node, "reference");
        assertEq(harness.computeRoot(m.proof(0xFFFFFFE0), 0, 0xFFFFFFFF, leaf), node, "LibMemory");
    }

    /// @notice Writing a leaf and recomputing the root from the old siblings equals the
    ///         reference root of the updated memory.
    function testFuzz_computeRoot_afterWrite_succeeds(
        uint256 _seed,
        uint32 _addr,
        bytes32 _new
    )
        external
        view
    {
        SparseMemory.Mem memory m = _mem(_seed, _addr);
        bytes memory proof = m.proof(_addr);
        m.setLeaf(_addr, _new);
        assertEq(harness.computeRoot(proof, 0, _addr, _new), m.root());
    }

    /// @notice The second proof of a blob is used for index 1.
    function testFuzz_computeRoot_secondProof_succeeds(
        uint256 _seed,
        uint32 _a,
        uint32 _b
    )
        external
        view
    {
        SparseMemory.Mem memory m = _mem(_seed, _a);
        m.setLeaf(_b, bytes32(_seed));
        bytes memory blob = bytes.concat(m.proof(_a), m.proof(_b));
        assertEq(harness.computeRoot(blob, 1, _b, bytes32(_seed)), m.root());
    }
}

contract LibMemory_ReadLeaf_Test is LibMemory_TestInit {
    using SparseMemory for SparseMemory.Mem;

    /// @notice A reference proof verifies and yields the leaf, for any address in the leaf.
    function testFuzz_readLeaf_validProof_succeeds(uint256 _seed, uint32 _addr) external view {
        SparseMemory.Mem memory m = _mem(_seed, _addr);
        bytes memory proof = m.proof(_addr);
        bytes32 root = m.root();
        assertEq(harness.readLeaf(proof, 0, _addr, root), m.leafOf(_addr));
        assertEq(harness.readLeaf(proof, 0, _addr | 31, root), m.leafOf(_addr));
        assertEq(harness.readLeaf(proof, 0, _addr & ~uint32(31), root), m.leafOf(_addr));
    }

    /// @notice Flipping any bit of the leaf or a sibling breaks the proof.
    function testFuzz_readLeaf_tamperedProof_reverts(
        uint256 _seed,
        uint32 _addr,
        uint256 _byte,
        uint8 _bit
    )
        external
    {
        SparseMemory.Mem memory m = _mem(_seed, _addr);
        bytes memory proof = m.proof(_addr);
        bytes32 root = m.root();
        // A byte of the leaf or of a sent sibling (not the mask).
        _byte = bound(_byte, 0, proof.length - 5);
        if (_byte >= 32) _byte += 4;
        proof[_byte] = bytes1(uint8(proof[_byte]) ^ uint8(1 << (_bit % 8)));
        vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, 0));
        harness.readLeaf(proof, 0, _addr, root);
    }

    /// @notice A proof for one leaf does not verify for an address in another leaf.
    function testFuzz_readLeaf_wrongAddress_reverts(
        uint256 _seed,
        uint32 _addr,
        uint32 _other
    )
        external
    {
        vm.assume(_addr >> 5 != _other >> 5);
        SparseMemory.Mem memory m = _mem(_seed, _addr);
        bytes memory proof = m.proof(_addr);
        bytes32 root = m.root();
        vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, 0));
        harness.readLeaf(proof, 0, _other, root);
    }

    /// @notice A valid proof against another root reverts.
    function test_readLeaf_wrongRoot_reverts() external {
        SparseMemory.Mem memory m = _mem(1, 0x1000);
        bytes memory proof = m.proof(0x1000);
        vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, 0));
        harness.readLeaf(proof, 0, 0x1000, bytes32(uint256(m.root()) ^ 1));
    }

    /// @notice Asking for a proof the blob does not hold reverts with the lengths.
    function test_readLeaf_missingProof_reverts() external {
        SparseMemory.Mem memory m = _mem(1, 0x1000);
        bytes memory proof = m.proof(0x1000);
        bytes32 root = m.root();
        uint256 n = proof.length;
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, n + 36, n));
        harness.readLeaf(proof, 1, 0x1000, root);
        bytes memory short = new bytes(35);
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 36, 35));
        harness.readLeaf(short, 0, 0x1000, root);
        // A zero mask announces 27 siblings.
        short = new bytes(899);
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 900, 899));
        harness.readLeaf(short, 0, 0x1000, root);
    }

    /// @notice The second proof of a blob reports index 1 when it fails.
    function test_readLeaf_badSecondProof_reverts() external {
        SparseMemory.Mem memory m = _mem(1, 0x1000);
        bytes memory first = m.proof(0x1000);
        bytes memory blob = bytes.concat(first, m.proof(0x2000));
        bytes32 root = m.root();
        blob[first.length + 10] ^= 0x01; // its leaf
        vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, 1));
        harness.readLeaf(blob, 1, 0x2000, root);
    }
}

contract LibMemory_Compact_Test is LibMemory_TestInit {
    using SparseMemory for SparseMemory.Mem;

    /// @notice The precomputed `Z[k]` are the empty-subtree roots of their definition.
    function test_zeroHashes_matchDefinition_succeeds() external pure {
        bytes32[28] memory z = LibMemory.zeroHashes();
        bytes32 want;
        for (uint256 k = 0; k <= 27; k++) {
            assertEq(z[k], want, "Z[k]");
            want = keccak256(abi.encodePacked(want, want));
        }
        assertEq(LibMemory.Z_1, keccak256(abi.encode(0, 0)));
        SparseMemory.Mem memory empty;
        assertEq(LibMemory.Z_27, SparseMemory.root(empty), "empty root");
    }

    /// @notice A proof's length is 36 bytes plus 32 per sibling sent (mask bit clear).
    function testFuzz_proofLength_popcount_succeeds(uint32 _mask, uint256 _offset) external view {
        _mask &= 0x7FFFFFF;
        _offset = bound(_offset, 0, 100);
        uint256 n = SparseMemory.proofLength(_mask);
        bytes memory blob =
            bytes.concat(new bytes(_offset), bytes32(0), bytes4(_mask), new bytes(n - 36));
        assertEq(harness.proofLength(blob, _offset), n);
        uint256 bits;
        for (uint256 k = 0; k < 27; k++) {
            bits += (_mask >> k) & 1;
        }
        assertEq(n, 36 + 32 * (27 - bits));
    }

    function test_proofLength_bounds_succeeds() external view {
        assertEq(harness.proofLength(bytes.concat(bytes32(0), bytes4(0x07FFFFFF)), 0), 36);
        assertEq(harness.proofLength(new bytes(900), 0), 900);
        assertEq(LibMemory.MIN_PROOF_BYTES, 36);
        assertEq(LibMemory.MAX_PROOF_BYTES, 900);
    }

    /// @notice Any mask bit above 26 reverts, whatever the rest of the proof.
    function testFuzz_proofLength_highMaskBits_reverts(uint32 _mask) external {
        vm.assume(_mask >> 27 != 0);
        bytes memory blob = bytes.concat(bytes32(0), bytes4(_mask), new bytes(900));
        vm.expectRevert(abi.encodeWithSelector(InvalidProofMask.selector, _mask));
        harness.proofLength(blob, 0);
        vm.expectRevert(abi.encodeWithSelector(InvalidProofMask.selector, _mask));
        harness.readLeaf(blob, 0, 0, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(InvalidProofMask.selector, _mask));
        harness.computeRoot(blob, 0, 0, bytes32(0));
    }

    /// @notice Siblings that are `Z[k]` where `_zero` has bit `k`, else random from `_seed`,
    ///         and the root they give `_leaf` at `_addr`, by the definition.
    function _path(
        bytes32 _leaf,
        uint32 _addr,
        uint256 _seed,
        uint32 _zero
    )
        internal
        pure
        returns (bytes32[27] memory sib_, bytes32 root_)
    {
        bytes32[28] memory z = SparseMemory.zeroHashes();
        root_ = _leaf;
        uint256 idx = _addr >> 5;
        for (uint256 k = 0; k < 27; k++) {
            sib_[k] = (_zero >> k) & 1 == 1 ? z[k] : keccak256(abi.encode(_seed, k));
            root_ = (idx >> k) & 1 == 0
                ? keccak256(abi.encodePacked(root_, sib_[k]))
                : keccak256(abi.encodePacked(sib_[k], root_));
        }
    }

    /// @notice Random leaf and siblings, each sibling random or `Z[k]` (omitted or sent):
    ///         the compact encoding round-trips to the leaf and the root of the definition.
    function testFuzz_compact_roundTrip_succeeds(
        bytes32 _leaf,
        uint32 _addr,
        uint256 _seed,
        uint32 _zero,
        uint32 _omit
    )
        external
        view
    {
        (bytes32[27] memory sib, bytes32 root) = _path(_leaf, _addr, _seed, _zero);
        bytes memory proof = SparseMemory.encodeProof(_leaf, sib, _omit);
        // Omitted: exactly the Z[k] siblings whose bit is in `_omit`.
        assertEq(proof.length, SparseMemory.proofLength(_zero & _omit & 0x7FFFFFF), "length");
        assertEq(harness.proofLength(proof, 0), proof.length, "proofLength");
        assertEq(harness.readLeaf(proof, 0, _addr, root), _leaf, "readLeaf");
        assertEq(harness.computeRoot(proof, 0, _addr, _leaf), root, "computeRoot");
        // As the second proof of a blob, after a proof of another shape.
        bytes memory blob =
            bytes.concat(SparseMemory.encodeProof(bytes32(_seed), sib, ~_omit), proof);
        assertEq(harness.proofOffset(blob, 1), blob.length - proof.length, "offset");
        assertEq(harness.proofOffset(blob, 2), blob.length, "end");
        assertEq(harness.readLeaf(blob, 1, _addr, root), _leaf, "readLeaf 1");
    }

    /// @notice A proof cut anywhere short of its end reverts with the length it needs.
    function testFuzz_readLeaf_truncated_reverts(
        uint256 _seed,
        uint32 _addr,
        uint256 _cut
    )
        external
    {
        SparseMemory.Mem memory m = _mem(_seed, _addr);
        bytes memory proof = m.proof(_addr, 0); // every sibling sent: 900 bytes
        assertEq(proof.length, 900);
        _cut = bound(_cut, 0, 899);
        bytes memory cut = new bytes(_cut);
        for (uint256 i = 0; i < _cut; i++) {
            cut[i] = proof[i];
        }
        bytes32 root = m.root();
        vm.expectRevert(
            abi.encodeWithSelector(InvalidProofLength.selector, _cut < 36 ? 36 : 900, _cut)
        );
        harness.readLeaf(cut, 0, _addr, root);
    }
}

contract LibMemory_Bytes_Test is Test {
    using SparseMemory for SparseMemory.Mem;

    /// @notice loadLE agrees with the byte-by-byte reference for every size and offset.
    function testFuzz_loadLE_matchesReference_succeeds(
        bytes32 _leaf,
        uint256 _off,
        uint8 _s
    )
        external
        pure
    {
        uint256 size = 1 << (_s % 3);
        _off = bound(_off, 0, 32 - size);
        SparseMemory.Mem memory m;
        m.setLeaf(0, _leaf);
        assertEq(LibMemory.loadLE(_leaf, _off, size), m.loadLE(uint32(_off), size));
    }

    /// @notice storeLE agrees with the byte-by-byte reference and leaves other bytes alone.
    function testFuzz_storeLE_matchesReference_succeeds(
        bytes32 _leaf,
        uint256 _off,
        uint8 _s,
        uint32 _value
    )
        external
        pure
    {
        uint256 size = 1 << (_s % 3);
        _off = bound(_off, 0, 32 - size);
        SparseMemory.Mem memory m;
        m.setLeaf(0, _leaf);
        m.storeLE(uint32(_off), _value, size);
        assertEq(LibMemory.storeLE(_leaf, _off, size, _value), m.leafOf(0));
    }

    function test_loadLE_littleEndian_succeeds() external pure {
        bytes32 leaf = hex"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
        assertEq(LibMemory.loadLE(leaf, 0, 4), 0x33221100);
        assertEq(LibMemory.loadLE(leaf, 28, 4), 0xffeeddcc);
        assertEq(LibMemory.loadLE(leaf, 2, 2), 0x3322);
        assertEq(LibMemory.loadLE(leaf, 31, 1), 0xff);
    }

    /// @notice readBytes / writeBytes move bytes between a leaf and a left-aligned word.
    function testFuzz_writeBytes_readBack_succeeds(
        bytes32 _leaf,
        bytes32 _data,
        uint256 _off,
        uint256 _n
    )
        external
        pure
    {
        _off = bound(_off, 0, 32);
        _n = bound(_n, 0, 32 - _off);
        bytes32 out = LibMemory.writeBytes(_leaf, _off, _n, _data);
        for (uint256 i = 0; i < 32; i++) {
            bytes1 want = (i >= _off && i < _off + _n) ? _data[i - _off] : _leaf[i];
            assertEq(uint8(out[i]), uint8(want), "byte");
        }
        assertEq(LibMemory.readBytes(out, _off, _n), LibMemory.readBytes(_data, 0, _n));
    }

    function test_topBytesMask_succeeds() external pure {
        assertEq(LibMemory.topBytesMask(0), 0);
        assertEq(LibMemory.topBytesMask(1), 0xff << 248);
        assertEq(LibMemory.topBytesMask(32), type(uint256).max);
    }
}
