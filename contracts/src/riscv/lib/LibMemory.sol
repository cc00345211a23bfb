// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { InvalidMemoryProof, InvalidProofLength } from "src/riscv/Errors.sol";

/// @title LibMemory
/// @notice Memory proofs for the binary keccak-256 Merkle tree over the 32-bit address space
///         (docs/spec.md, "Memory Merkle tree"), and byte access within a 32-byte leaf.
///
///         The tree has depth 27 over 2^27 leaves of 32 bytes; leaf `i` is the raw bytes
///         `[32i, 32i + 32)`, so the byte at address `a` is byte `a % 32` of its leaf counted
///         from the most significant end of the `bytes32`. Memory is little-endian: a word at
///         an aligned address is the leaf's four bytes in reverse order.
///
///         A proof blob is a concatenation of 896-byte memory proofs, each the leaf followed by
///         its 27 siblings from the leaf level up to the root's children.
library LibMemory {
    /// @notice Bytes in one memory proof.
    uint256 internal constant PROOF_BYTES = 896;

    /// @notice The root of the tree a memory proof leads to, for `_leaf` at `_addr`.
    /// @dev Uses the siblings of proof `_index` in `_proof` and ignores that proof's own leaf,
    ///      so the same siblings give the root before (the proven leaf) and after (a rewritten
    ///      leaf) a write. The caller checks that the proof exists.
    /// @param _proof The proof blob.
    /// @param _index Which 896-byte proof of the blob to use.
    /// @param _addr Any byte address within the leaf.
    /// @param _leaf The leaf's content.
    /// @return root_ The root.
    function computeRoot(
        bytes calldata _proof,
        uint256 _index,
        uint32 _addr,
        bytes32 _leaf
    )
        internal
        pure
        returns (bytes32 root_)
    {
        assembly ("memory-safe") {
            // p walks the 27 siblings; bit k of `path` (the leaf index) says whether the node
            // at level k is a right child: then it is hashed as H(sibling ‖ node), else as
            // H(node ‖ sibling). Three levels per iteration (27 = 9 x 3) to save loop overhead.
            let p := add(_proof.offset, mul(_index, PROOF_BYTES))
            let end := add(p, 864)
            let path := shr(5, _addr)
            root_ := _leaf
            for { } lt(p, end) { } {
                let side := shl(5, and(path, 1)) // 0x20 if a right child, else 0
                mstore(side, root_)
                mstore(xor(side, 0x20), calldataload(add(p, 0x20)))
                root_ := keccak256(0, 0x40)

                side := shl(4, and(path, 2))
                mstore(side, root_)
                mstore(xor(side, 0x20), calldataload(add(p, 0x40)))
                root_ := keccak256(0, 0x40)

                side := shl(3, and(path, 4))
                mstore(side, root_)
                mstore(xor(side, 0x20), calldataload(add(p, 0x60)))
                root_ := keccak256(0, 0x40)

                path := shr(3, path)
                p := add(p, 0x60)
            }
        }
    }

    /// @notice The leaf of proof `_index`, checked against `_root`.
    /// @dev Reverts with `InvalidProofLength` when the blob holds no proof `_index`, and with
    ///      `InvalidMemoryProof` when the proof does not lead to `_root`.
    /// @param _proof The proof blob.
    /// @param _index Which 896-byte proof of the blob to use.
    /// @param _addr Any byte address within the leaf.
    /// @param _root The memory root the proof must lead to.
    /// @return leaf_ The proven leaf.
    function readLeaf(
        bytes calldata _proof,
        uint256 _index,
        uint32 _addr,
        bytes32 _root
    )
        internal
        pure
        returns (bytes32 leaf_)
    {
        uint256 needed = (_index + 1) * PROOF_BYTES;
        if (_proof.length < needed) revert InvalidProofLength(needed, _proof.length);
        leaf_ = leafAt(_proof, _index);
        if (computeRoot(_proof, _index, _addr, leaf_) != _root) revert InvalidMemoryProof(_index);
    }

    /// @notice The leaf of proof `_index`, unchecked. The caller checks bounds and the root.
    function leafAt(bytes calldata _proof, uint256 _index) internal pure returns (bytes32 leaf_) {
        assembly ("memory-safe") {
            leaf_ := calldataload(add(_proof.offset, mul(_index, PROOF_BYTES)))
        }
    }

    /// @notice Reads `_size` (1, 2 or 4) bytes at byte `_offset` of a leaf as a little-endian
    ///         number. The bytes must lie within the leaf.
    function loadLE(bytes32 _leaf, uint256 _offset, uint256 _size) internal pure returns (uint32) {
        // The bytes as a big-endian number, then reversed.
        uint256 be = (uint256(_leaf) >> (256 - 8 * (_offset + _size))) & ((1 << (8 * _size)) - 1);
        return uint32(reverseBytes(be, _size));
    }

    /// @notice Writes the low `_size` (1, 2 or 4) bytes of `_value` little-endian at byte
    ///         `_offset` of a leaf. The bytes must lie within the leaf.
    function storeLE(
        bytes32 _leaf,
        uint256 _offset,
        uint256 _size,
        uint32 _value
    )
        internal
        pure
        returns (bytes32)
    {
        uint256 shift = 256 - 8 * (_offset + _size);
        uint256 mask = ((1 << (8 * _size)) - 1) << shift;
        uint256 be = reverseBytes(uint256(_value) & ((1 << (8 * _size)) - 1), _size);
        return bytes32((uint256(_leaf) & ~mask) | (be << shift));
    }

    /// @notice The `_n` bytes at byte `_offset` of a leaf, left-aligned, the rest zero.
    ///         `_offset + _n` must not exceed 32.
    function readBytes(bytes32 _leaf, uint256 _offset, uint256 _n) internal pure returns (bytes32) {
        return bytes32((uint256(_leaf) << (8 * _offset)) & topBytesMask(_n));
    }

    /// @notice Replaces the `_n` bytes at byte `_offset` of a leaf with the first `_n` bytes of
    ///         `_data`. `_offset + _n` must not exceed 32.
    function writeBytes(
        bytes32 _leaf,
        uint256 _offset,
        uint256 _n,
        bytes32 _data
    )
        internal
        pure
        returns (bytes32)
    {
        uint256 mask = topBytesMask(_n) >> (8 * _offset);
        return bytes32((uint256(_leaf) & ~mask) | ((uint256(_data) >> (8 * _offset)) & mask));
    }

    /// @notice A mask of the top `_n` bytes of a word (`_n` in 0..32).
    function topBytesMask(uint256 _n) internal pure returns (uint256 mask_) {
        assembly {
            // not(shr(8n, ~0)) sets the top n bytes; for n = 32, shr gives 0.
            mask_ := not(shr(shl(3, _n), not(0)))
        }
    }

    /// @notice Reverses the low `_size` (1, 2 or 4) bytes of `_x`.
    function reverseBytes(uint256 _x, uint256 _size) internal pure returns (uint256) {
        if (_size == 1) return _x;
        if (_size == 2) return ((_x & 0xFF) << 8) | (_x >> 8);
        return ((_x & 0xFF) << 24) | ((_x & 0xFF00) << 8) | ((_x >> 8) & 0xFF00) | (_x >> 24);
    }
}
