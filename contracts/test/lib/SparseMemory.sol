// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title SparseMemory
/// @notice A slow, obviously-correct reference of the memory Merkle tree for tests: a handful
///         of non-zero leaves in a 2^27-leaf tree where every other subtree is the zero-subtree
///         hash `Z[level]`. Nodes are computed recursively from their definition (docs/spec.md,
///         "Memory Merkle tree"), independently of `LibMemory`'s iterative path walk.
library SparseMemory {
    /// @notice Levels between a leaf and the root.
    uint256 internal constant DEPTH = 27;
    /// @notice How many distinct leaves a test memory may hold.
    uint256 internal constant CAPACITY = 8;

    /// @notice A sparse memory: `count` leaves, leaf `index[i]` holding `leaf[i]`.
    struct Mem {
        uint256 count;
        uint256[CAPACITY] index;
        bytes32[CAPACITY] leaf;
    }

    ////////////////////////////////////////////////////////////////
    //                          Contents                          //
    ////////////////////////////////////////////////////////////////

    /// @notice The leaf holding byte address `_addr`.
    function leafOf(Mem memory _m, uint32 _addr) internal pure returns (bytes32) {
        uint256 idx = _addr >> 5;
        for (uint256 i = 0; i < _m.count; i++) {
            if (_m.index[i] == idx) return _m.leaf[i];
        }
        return bytes32(0);
    }

    /// @notice Sets the whole leaf holding `_addr`.
    function setLeaf(Mem memory _m, uint32 _addr, bytes32 _leaf) internal pure {
        uint256 idx = _addr >> 5;
        for (uint256 i = 0; i < _m.count; i++) {
            if (_m.index[i] == idx) {
                _m.leaf[i] = _leaf;
                return;
            }
        }
        require(_m.count < CAPACITY, "SparseMemory: full");
        _m.index[_m.count] = idx;
        _m.leaf[_m.count] = _leaf;
        _m.count++;
    }

    /// @notice The byte at `_addr`.
    function loadByte(Mem memory _m, uint32 _addr) internal pure returns (uint8) {
        return uint8(leafOf(_m, _addr)[_addr % 32]);
    }

    /// @notice Sets the byte at `_addr`.
    function storeByte(Mem memory _m, uint32 _addr, uint8 _byte) internal pure {
        bytes memory leaf = abi.encodePacked(leafOf(_m, _addr));
        leaf[_addr % 32] = bytes1(_byte);
        setLeaf(_m, _addr, bytes32(leaf));
    }

    /// @notice Stores `_size` bytes of `_value` little-endian at `_addr`, byte by byte.
    function storeLE(Mem memory _m, uint32 _addr, uint256 _value, uint256 _size) internal pure {
        for (uint256 i = 0; i < _size; i++) {
            unchecked {
                storeByte(_m, _addr + uint32(i), uint8(_value >> (8 * i)));
            }
        }
    }

    /// @notice Loads `_size` bytes little-endian from `_addr`, byte by byte.
    function loadLE(Mem memory _m, uint32 _addr, uint256 _size) internal pure returns (uint256 v_) {
        for (uint256 i = 0; i < _size; i++) {
            unchecked {
                v_ |= uint256(loadByte(_m, _addr + uint32(i))) << (8 * i);
            }
        }
    }

    /// @notice Stores a 32-bit word at `_addr` (little-endian).
    function storeWord(Mem memory _m, uint32 _addr, uint32 _word) internal pure {
        storeLE(_m, _addr, _word, 4);
    }

    /// @notice Copies `_src` into a fresh memory.
    function copy(Mem memory _src) internal pure returns (Mem memory dst_) {
        dst_.count = _src.count;
        for (uint256 i = 0; i < CAPACITY; i++) {
            dst_.index[i] = _src.index[i];
            dst_.leaf[i] = _src.leaf[i];
        }
    }

    ////////////////////////////////////////////////////////////////
    //                            Tree                            //
    ////////////////////////////////////////////////////////////////

    /// @notice `Z[0..=27]`: `Z[0] = 0`, `Z[k+1] = keccak256(Z[k] ‖ Z[k])`.
    function zeroHashes() internal pure returns (bytes32[DEPTH + 1] memory z_) {
        for (uint256 k = 0; k < DEPTH; k++) {
            z_[k + 1] = keccak256(abi.encodePacked(z_[k], z_[k]));
        }
    }

    /// @notice Node `_idx` at `_level` (0 = leaves), from the definition.
    function node(
        Mem memory _m,
        uint256 _level,
        uint256 _idx,
        bytes32[DEPTH + 1] memory _z
    )
        internal
        pure
        returns (bytes32)
    {
        bool any;
        for (uint256 i = 0; i < _m.count; i++) {
            if (_m.index[i] >> _level == _idx) {
                if (_level == 0) return _m.leaf[i];
                any = true;
            }
        }
        if (!any) return _z[_level];
        return keccak256(
            abi.encodePacked(
                node(_m, _level - 1, 2 * _idx, _z), node(_m, _level - 1, 2 * _idx + 1, _z)
            )
        );
    }

    /// @notice The memory root.
    function root(Mem memory _m) internal pure returns (bytes32) {
        return node(_m, DEPTH, 0, zeroHashes());
    }

    /// @notice The 27 siblings of the leaf holding `_addr`, bottom-up, from the definition.
    function siblings(Mem memory _m, uint32 _addr)
        internal
        pure
        returns (bytes32[DEPTH] memory s_)
    {
        bytes32[DEPTH + 1] memory z = zeroHashes();
        uint256 idx = _addr >> 5;
        for (uint256 k = 0; k < DEPTH; k++) {
            s_[k] = node(_m, k, (idx >> k) ^ 1, z);
        }
    }

    /// @notice The compact memory proof for `_addr` as the Rust VM sends it: every sibling that
    ///         is an empty-subtree root `Z[k]` omitted.
    function proof(Mem memory _m, uint32 _addr) internal pure returns (bytes memory) {
        return encodeProof(leafOf(_m, _addr), siblings(_m, _addr));
    }

    /// @notice The compact memory proof for `_addr` with only the `Z[k]` siblings whose bit is
    ///         in `_omit` left out; other `Z[k]` siblings are sent explicitly.
    function proof(Mem memory _m, uint32 _addr, uint32 _omit) internal pure returns (bytes memory) {
        return encodeProof(leafOf(_m, _addr), siblings(_m, _addr), _omit);
    }

    /// @notice Encodes a proof with every sibling equal to `Z[k]` omitted.
    function encodeProof(
        bytes32 _leaf,
        bytes32[DEPTH] memory _siblings
    )
        internal
        pure
        returns (bytes memory)
    {
        return encodeProof(_leaf, _siblings, type(uint32).max);
    }

    /// @notice Encodes `leaf ‖ mask ‖ siblings not omitted` where sibling `k` is omitted iff
    ///         bit `k` of `_omit` is set and the sibling is `Z[k]`.
    function encodeProof(
        bytes32 _leaf,
        bytes32[DEPTH] memory _siblings,
        uint32 _omit
    )
        internal
        pure
        returns (bytes memory proof_)
    {
        bytes32[DEPTH + 1] memory z = zeroHashes();
        uint32 mask;
        bytes memory sent;
        for (uint256 k = 0; k < DEPTH; k++) {
            if ((_omit >> k) & 1 == 1 && _siblings[k] == z[k]) {
                mask |= uint32(1 << k);
            } else {
                sent = bytes.concat(sent, _siblings[k]);
            }
        }
        proof_ = bytes.concat(_leaf, bytes4(mask), sent);
    }

    /// @notice The byte length of a compact proof with mask `_mask`.
    function proofLength(uint32 _mask) internal pure returns (uint256 n_) {
        n_ = 36;
        for (uint256 k = 0; k < DEPTH; k++) {
            if ((_mask >> k) & 1 == 0) n_ += 32;
        }
    }
}
