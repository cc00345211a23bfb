// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { InvalidMemoryProof, InvalidProofLength, InvalidProofMask } from "src/riscv/Errors.sol";

/// @title LibMemory
/// @notice Memory proofs for the binary keccak-256 Merkle tree over the 32-bit address space
///         (docs/spec.md, "Memory Merkle tree"), and byte access within a 32-byte leaf.
///
///         The tree has depth 27 over 2^27 leaves of 32 bytes; leaf `i` is the raw bytes
///         `[32i, 32i + 32)`, so the byte at address `a` is byte `a % 32` of its leaf counted
///         from the most significant end of the `bytes32`. Memory is little-endian: a word at
///         an aligned address is the leaf's four bytes in reverse order.
///
///         A memory proof is compact (zero-sibling elision), 36 to 900 bytes:
///
///             leaf (32) ‖ mask (4, big-endian uint32) ‖ the siblings whose mask bit is clear
///
///         with the siblings bottom-up, 32 bytes each. Bit `k` of the mask (`k = 0`: the leaf's
///         own sibling, `k = 26`: the root's child) set means sibling `k` is omitted and is
///         `Z[k]`, the root of an empty subtree of height `k`. Bits 27..31 must be clear. A
///         sibling equal to `Z[k]` may also be sent explicitly with its bit clear. A proof blob
///         is a concatenation of such proofs, proof `i + 1` starting right after proof `i`.
library LibMemory {
    /// @notice Levels between a leaf and the root.
    uint256 internal constant DEPTH = 27;
    /// @notice Bytes before a proof's siblings: the leaf and the mask.
    uint256 internal constant PROOF_HEADER_BYTES = 36;
    /// @notice The shortest memory proof: every sibling omitted.
    uint256 internal constant MIN_PROOF_BYTES = PROOF_HEADER_BYTES;
    /// @notice The longest memory proof: every sibling sent (36 + 32 * 27).
    uint256 internal constant MAX_PROOF_BYTES = 900;

    /// @notice `Z[k]`, the root of an empty subtree of height `k`: `Z[0] = 0`,
    ///         `Z[k + 1] = keccak256(Z[k] ‖ Z[k])`. Precomputed; `Z[27]` is the empty memory's
    ///         root. (Checked against their definition in test/riscv/LibMemory.t.sol.)
    bytes32 internal constant Z_0 =
        0x0000000000000000000000000000000000000000000000000000000000000000;
    bytes32 internal constant Z_1 =
        0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5;
    bytes32 internal constant Z_2 =
        0xb4c11951957c6f8f642c4af61cd6b24640fec6dc7fc607ee8206a99e92410d30;
    bytes32 internal constant Z_3 =
        0x21ddb9a356815c3fac1026b6dec5df3124afbadb485c9ba5a3e3398a04b7ba85;
    bytes32 internal constant Z_4 =
        0xe58769b32a1beaf1ea27375a44095a0d1fb664ce2dd358e7fcbfb78c26a19344;
    bytes32 internal constant Z_5 =
        0x0eb01ebfc9ed27500cd4dfc979272d1f0913cc9f66540d7e8005811109e1cf2d;
    bytes32 internal constant Z_6 =
        0x887c22bd8750d34016ac3c66b5ff102dacdd73f6b014e710b51e8022af9a1968;
    bytes32 internal constant Z_7 =
        0xffd70157e48063fc33c97a050f7f640233bf646cc98d9524c6b92bcf3ab56f83;
    bytes32 internal constant Z_8 =
        0x9867cc5f7f196b93bae1e27e6320742445d290f2263827498b54fec539f756af;
    bytes32 internal constant Z_9 =
        0xcefad4e508c098b9a7e1d8feb19955fb02ba9675585078710969d3440f5054e0;
    bytes32 internal constant Z_10 =
        0xf9dc3e7fe016e050eff260334f18a5d4fe391d82092319f5964f2e2eb7c1c3a5;
    bytes32 internal constant Z_11 =
        0xf8b13a49e282f609c317a833fb8d976d11517c571d1221a265d25af778ecf892;
    bytes32 internal constant Z_12 =
        0x3490c6ceeb450aecdc82e28293031d10c7d73bf85e57bf041a97360aa2c5d99c;
    bytes32 internal constant Z_13 =
        0xc1df82d9c4b87413eae2ef048f94b4d3554cea73d92b0f7af96e0271c691e2bb;
    bytes32 internal constant Z_14 =
        0x5c67add7c6caf302256adedf7ab114da0acfe870d449a3a489f781d659e8becc;
    bytes32 internal constant Z_15 =
        0xda7bce9f4e8618b6bd2f4132ce798cdc7a60e7e1460a7299e3c6342a579626d2;
    bytes32 internal constant Z_16 =
        0x2733e50f526ec2fa19a22b31e8ed50f23cd1fdf94c9154ed3a7609a2f1ff981f;
    bytes32 internal constant Z_17 =
        0xe1d3b5c807b281e4683cc6d6315cf95b9ade8641defcb32372f1c126e398ef7a;
    bytes32 internal constant Z_18 =
        0x5a2dce0a8a7f68bb74560f8f71837c2c2ebbcbf7fffb42ae1896f13f7c7479a0;
    bytes32 internal constant Z_19 =
        0xb46a28b6f55540f89444f63de0378e3d121be09e06cc9ded1c20e65876d36aa0;
    bytes32 internal constant Z_20 =
        0xc65e9645644786b620e2dd2ad648ddfcbf4a7e5b1a3a4ecfe7f64667a3f0b7e2;
    bytes32 internal constant Z_21 =
        0xf4418588ed35a2458cffeb39b93d26f18d2ab13bdce6aee58e7b99359ec2dfd9;
    bytes32 internal constant Z_22 =
        0x5a9c16dc00d6ef18b7933a6f8dc65ccb55667138776f7dea101070dc8796e377;
    bytes32 internal constant Z_23 =
        0x4df84f40ae0c8229d0d6069e5c8f39a7c299677a09d367fc7b05e3bc380ee652;
    bytes32 internal constant Z_24 =
        0xcdc72595f74c7b1043d0e1ffbab734648c838dfb0527d971b602bc216c9619ef;
    bytes32 internal constant Z_25 =
        0x0abf5ac974a1ed57f4050aa510dd9c74f508277b39d7973bb2dfccc5eeb0618d;
    bytes32 internal constant Z_26 =
        0xb8cd74046ff337f0a7bf2c8e03e10f642c1886798d71806ab1e888d9e5ee87d0;
    bytes32 internal constant Z_27 =
        0x838c5655cb21c6cb83313b5a631175dff4963772cce9108188b34ac87c81c41e;

    /// @notice `Z[0..27]` as an array (for tests and off-line tools; the verifier uses the
    ///         constants directly).
    function zeroHashes() internal pure returns (bytes32[28] memory z_) {
        z_ = [
            Z_0,
            Z_1,
            Z_2,
            Z_3,
            Z_4,
            Z_5,
            Z_6,
            Z_7,
            Z_8,
            Z_9,
            Z_10,
            Z_11,
            Z_12,
            Z_13,
            Z_14,
            Z_15,
            Z_16,
            Z_17,
            Z_18,
            Z_19,
            Z_20,
            Z_21,
            Z_22,
            Z_23,
            Z_24,
            Z_25,
            Z_26,
            Z_27
        ];
    }

    /// @notice The byte length of the memory proof starting at byte `_offset` of `_proof`:
    ///         `36 + 32 * (27 - popcount(mask))`.
    /// @dev Reverts with `InvalidProofLength(needed, actual)` when the blob ends before the
    ///      proof's header or its last sibling, and with `InvalidProofMask` when the mask has
    ///      a bit above 26.
    /// @param _proof The proof blob.
    /// @param _offset Where the proof starts in the blob.
    /// @return length_ The proof's length in bytes.
    function proofLength(
        bytes calldata _proof,
        uint256 _offset
    )
        internal
        pure
        returns (uint256 length_)
    {
        length_ = _compactLength(_proof, _offset, 32, DEPTH);
    }

    /// @notice The length of the compact proof at byte `_offset` of `_proof` whose mask follows
    ///         `_head` bytes (a leaf, or a block) and covers `_siblings` siblings:
    ///         `_head + 4 + 32 * (_siblings - popcount(mask))`.
    /// @dev Reverts with `InvalidProofLength(needed, actual)` when the blob ends before the
    ///      mask's end or the last sibling, and with `InvalidProofMask` when the mask has a bit
    ///      at `_siblings` or above.
    function _compactLength(
        bytes calldata _proof,
        uint256 _offset,
        uint256 _head,
        uint256 _siblings
    )
        private
        pure
        returns (uint256 length_)
    {
        uint256 available;
        uint256 mask;
        assembly ("memory-safe") {
            // What is left of the blob from `_offset` (none if `_offset` is past its end).
            available := mul(sub(_proof.length, _offset), iszero(gt(_offset, _proof.length)))
            // Read before the bounds are checked: calldataload past the end gives zeros, and
            // nothing read is used unless the checks below pass.
            mask := shr(224, calldataload(add(add(_proof.offset, _offset), _head)))
            // _head + 4 + 32 * (_siblings - popcount(mask)) (SWAR popcount of 32 bits);
            // meaningless unless mask < 2^_siblings, checked below before it is used.
            let n := sub(mask, and(shr(1, mask), 0x55555555))
            n := add(and(n, 0x33333333), and(shr(2, n), 0x33333333))
            n := and(shr(24, mul(and(add(n, shr(4, n)), 0x0F0F0F0F), 0x01010101)), 0xFF)
            length_ := add(add(_head, 4), shl(5, sub(_siblings, n)))
        }
        if (available < _head + 4) revert InvalidProofLength(_offset + _head + 4, _proof.length);
        if (mask >> _siblings != 0) revert InvalidProofMask(mask);
        if (available < length_) revert InvalidProofLength(_offset + length_, _proof.length);
    }

    /// @notice Where proof `_index` starts in `_proof`: the total length of proofs
    ///         `0.._index - 1`, each checked as `proofLength` does. Also the exact blob length
    ///         of a blob of `_index` proofs.
    /// @param _proof The proof blob.
    /// @param _index Which proof (0: instruction fetch, 1: data).
    /// @return offset_ The proof's offset in the blob.
    function proofOffset(
        bytes calldata _proof,
        uint256 _index
    )
        internal
        pure
        returns (uint256 offset_)
    {
        unchecked {
            // Cannot overflow: each length is bounded by what is left of the blob.
            for (uint256 i = 0; i < _index; ++i) {
                offset_ += proofLength(_proof, offset_);
            }
        }
    }

    /// @notice The root of the tree a memory proof leads to, for `_leaf` at `_addr`.
    /// @dev Uses the siblings of proof `_index` in `_proof` and ignores that proof's own leaf,
    ///      so the same siblings give the root before (the proven leaf) and after (a rewritten
    ///      leaf) a write. Reverts as `proofLength` does when the blob does not hold proof
    ///      `_index` whole.
    /// @param _proof The proof blob.
    /// @param _index Which proof of the blob to use (0: instruction fetch, 1: data).
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
        uint256 offset = _index == 0 ? 0 : proofOffset(_proof, _index);
        proofLength(_proof, offset); // bounds and mask
        root_ = rootAt(_proof, offset, _addr, _leaf);
    }

    /// @notice The leaf of proof `_index`, checked against `_root`.
    /// @dev Reverts with `InvalidProofLength` or `InvalidProofMask` when the blob does not hold
    ///      a well-formed proof `_index` whole, and with `InvalidMemoryProof(_index)` when the
    ///      proof does not lead to `_root`.
    /// @param _proof The proof blob.
    /// @param _index Which proof of the blob to use (0: instruction fetch, 1: data).
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
        (leaf_,,) = proveLeaf(_proof, _index, _addr, _root);
    }

    /// @notice As `readLeaf`, and where proof `_index` starts in the blob and its length: a
    ///         write gets the new root from `rootAt`, and the caller knows where the proof
    ///         ends, without parsing the blob again.
    /// @return leaf_ The proven leaf.
    /// @return offset_ The proof's offset in the blob.
    /// @return length_ The proof's length in bytes.
    function proveLeaf(
        bytes calldata _proof,
        uint256 _index,
        uint32 _addr,
        bytes32 _root
    )
        internal
        pure
        returns (bytes32 leaf_, uint256 offset_, uint256 length_)
    {
        if (_index != 0) offset_ = proofOffset(_proof, _index);
        length_ = proofLength(_proof, offset_); // bounds and mask
        leaf_ = leafAt(_proof, offset_);
        if (rootAt(_proof, offset_, _addr, leaf_) != _root) revert InvalidMemoryProof(_index);
    }

    /// @notice The leaf of the proof at byte `_offset` of the blob, unchecked. The caller
    ///         checks bounds and the root.
    function leafAt(bytes calldata _proof, uint256 _offset) internal pure returns (bytes32 leaf_) {
        assembly ("memory-safe") {
            leaf_ := calldataload(add(_proof.offset, _offset))
        }
    }

    /// @notice The root for `_leaf` at `_addr` from the siblings of the proof at byte
    ///         `_offset` of `_proof` (its own leaf is ignored), unchecked: the caller has
    ///         checked that proof with `proofLength` (`proveLeaf` and `computeRoot` do).
    /// @dev Unrolled over the 27 levels so that each level's `Z[k]` and mask bit are
    ///      immediates. At level `k` the sibling is `Z[k]` if mask bit `k` is set, else the next
    ///      sent sibling; bit `k` of the leaf index (bit `k + 5` of `_addr`, moved to 0x20)
    ///      says whether the node is a right child: then it is hashed as H(sibling ‖ node),
    ///      else as H(node ‖ sibling). The assembly is generated by
    ///      `contracts/tools/gen-unrolled.py`: edit the script and run `make generate`
    ///      (`make test` fails when the two differ).
    function rootAt(
        bytes calldata _proof,
        uint256 _offset,
        uint32 _addr,
        bytes32 _leaf
    )
        internal
        pure
        returns (bytes32 root_)
    {
        assembly ("memory-safe") {
            // BEGIN GENERATED by contracts/tools/gen-unrolled.py, do not edit.
            let start := add(_proof.offset, _offset)
            let mask := shr(224, calldataload(add(start, 32)))
            let p := add(start, 36)
            let s
            let side
            root_ := _leaf
            // Level 0.
            s := Z_0
            if iszero(and(mask, 0x1)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(_addr, 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 1.
            s := Z_1
            if iszero(and(mask, 0x2)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(1, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 2.
            s := Z_2
            if iszero(and(mask, 0x4)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(2, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 3.
            s := Z_3
            if iszero(and(mask, 0x8)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(3, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 4.
            s := Z_4
            if iszero(and(mask, 0x10)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(4, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 5.
            s := Z_5
            if iszero(and(mask, 0x20)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(5, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 6.
            s := Z_6
            if iszero(and(mask, 0x40)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(6, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 7.
            s := Z_7
            if iszero(and(mask, 0x80)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(7, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 8.
            s := Z_8
            if iszero(and(mask, 0x100)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(8, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 9.
            s := Z_9
            if iszero(and(mask, 0x200)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(9, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 10.
            s := Z_10
            if iszero(and(mask, 0x400)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(10, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 11.
            s := Z_11
            if iszero(and(mask, 0x800)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(11, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 12.
            s := Z_12
            if iszero(and(mask, 0x1000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(12, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 13.
            s := Z_13
            if iszero(and(mask, 0x2000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(13, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 14.
            s := Z_14
            if iszero(and(mask, 0x4000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(14, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 15.
            s := Z_15
            if iszero(and(mask, 0x8000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(15, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 16.
            s := Z_16
            if iszero(and(mask, 0x10000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(16, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 17.
            s := Z_17
            if iszero(and(mask, 0x20000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(17, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 18.
            s := Z_18
            if iszero(and(mask, 0x40000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(18, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 19.
            s := Z_19
            if iszero(and(mask, 0x80000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(19, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 20.
            s := Z_20
            if iszero(and(mask, 0x100000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(20, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 21.
            s := Z_21
            if iszero(and(mask, 0x200000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(21, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 22.
            s := Z_22
            if iszero(and(mask, 0x400000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(22, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 23.
            s := Z_23
            if iszero(and(mask, 0x800000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(23, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 24.
            s := Z_24
            if iszero(and(mask, 0x1000000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(24, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 25.
            s := Z_25
            if iszero(and(mask, 0x2000000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(25, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // Level 26.
            s := Z_26
            if iszero(and(mask, 0x4000000)) {
                s := calldataload(p)
                p := add(p, 0x20)
            }
            side := and(shr(26, _addr), 0x20)
            mstore(side, root_)
            mstore(xor(side, 0x20), s)
            root_ := keccak256(0, 0x40)
            // END GENERATED by contracts/tools/gen-unrolled.py.
        }
    }

    /// @notice Bytes in a memory block (`keccak_permute`'s): eight leaves under one node.
    uint256 internal constant BLOCK_BYTES = 256;
    /// @notice The height of a block's node above its leaves.
    uint256 internal constant BLOCK_HEIGHT = 3;

    /// @notice The byte length of the block proof starting at byte `_offset` of `_proof`:
    ///         `260 + 32 * (24 - popcount(mask))` (docs/spec.md, "Memory Merkle tree").
    /// @dev Reverts with `InvalidProofLength(needed, actual)` when the blob ends before the
    ///      proof's header or its last sibling, and with `InvalidProofMask` when the mask has
    ///      a bit above 23.
    function blockProofLength(
        bytes calldata _proof,
        uint256 _offset
    )
        internal
        pure
        returns (uint256 length_)
    {
        length_ = _compactLength(_proof, _offset, BLOCK_BYTES, DEPTH - BLOCK_HEIGHT);
    }

    /// @notice The eight leaves of the block proof at byte `_offset` of `_proof`, checked
    ///         against `_root`, and the proof's length.
    /// @dev Reverts as `blockProofLength` does, and with `InvalidMemoryProof(1)` when the
    ///      proof does not lead to `_root` (the block proof is the step's data proof).
    /// @param _addr The block's address (any byte address in it).
    function proveBlock(
        bytes calldata _proof,
        uint256 _offset,
        uint32 _addr,
        bytes32 _root
    )
        internal
        pure
        returns (bytes32[8] memory block_, uint256 length_)
    {
        length_ = blockProofLength(_proof, _offset);
        for (uint256 i = 0; i < 8; i++) {
            block_[i] = leafAt(_proof, _offset + 32 * i);
        }
        if (blockRootAt(_proof, _offset, _addr, block_) != _root) revert InvalidMemoryProof(1);
    }

    /// @notice The root for `_block` at `_addr` from the siblings of the block proof at byte
    ///         `_offset` of `_proof` (its own block is ignored), unchecked: the caller has
    ///         checked that proof with `blockProofLength`.
    /// @dev The block's node is the tree of its eight leaves; it climbs like a leaf from
    ///      height 3, the sibling at height `3 + k` being `Z[3 + k]` if mask bit `k` is set.
    function blockRootAt(
        bytes calldata _proof,
        uint256 _offset,
        uint32 _addr,
        bytes32[8] memory _block
    )
        internal
        pure
        returns (bytes32 root_)
    {
        bytes32[28] memory z = zeroHashes();
        bytes32[8] memory nodes;
        assembly ("memory-safe") {
            // The block's node: three levels of pairs, the first from the block's leaves.
            let from := _block
            for { let width := 8 } gt(width, 1) { width := shr(1, width) } {
                for { let i := 0 } lt(i, width) { i := add(i, 2) } {
                    mstore(0, mload(add(from, shl(5, i))))
                    mstore(0x20, mload(add(from, shl(5, add(i, 1)))))
                    mstore(add(nodes, shl(4, i)), keccak256(0, 0x40))
                }
                from := nodes
            }
            root_ := mload(nodes)
            let start := add(_proof.offset, _offset)
            let mask := shr(224, calldataload(add(start, 256)))
            let p := add(start, 260)
            for { let k := 0 } lt(k, 24) { k := add(k, 1) } {
                let s := mload(add(z, shl(5, add(k, 3))))
                if iszero(and(shr(k, mask), 1)) {
                    s := calldataload(p)
                    p := add(p, 0x20)
                }
                let side := and(shr(add(k, 3), _addr), 0x20)
                mstore(side, root_)
                mstore(xor(side, 0x20), s)
                root_ := keccak256(0, 0x40)
            }
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
