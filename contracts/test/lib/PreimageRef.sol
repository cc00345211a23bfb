// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { SparseMemory } from "test/lib/SparseMemory.sol";

/// @title PreimageRef
/// @notice Reference preimage streams for tests: `S = u64_be(len(data)) ‖ data`, the parts the
///         oracle must answer, and blobs laid out in a reference memory.
library PreimageRef {
    using SparseMemory for SparseMemory.Mem;

    /// @notice The stream of `_data`.
    function stream(bytes memory _data) internal pure returns (bytes memory) {
        return abi.encodePacked(uint64(_data.length), _data);
    }

    /// @notice The part at `_offset` of `_s`, byte by byte:
    ///         `len = min(32 - offset % 32, max(0, len(S) - offset))`.
    function part(
        bytes memory _s,
        uint256 _offset
    )
        internal
        pure
        returns (bytes32 dat_, uint256 len_)
    {
        if (_offset >= _s.length) return (0, 0);
        len_ = 32 - _offset % 32;
        if (_s.length - _offset < len_) len_ = _s.length - _offset;
        bytes memory out = new bytes(32);
        for (uint256 i = 0; i < len_; i++) {
            out[i] = _s[_offset + i];
        }
        dat_ = bytes32(out);
    }

    /// @notice The 32-byte chunk of `_s` at `_chunkOffset`, zero past the end.
    function chunk(bytes memory _s, uint256 _chunkOffset) internal pure returns (bytes32 c_) {
        bytes memory out = new bytes(32);
        for (uint256 i = 0; i < 32 && _chunkOffset + i < _s.length; i++) {
            out[i] = _s[_chunkOffset + i];
        }
        c_ = bytes32(out);
    }

    /// @notice A blob's stream laid out at address 0 of a reference memory (at most
    ///         `SparseMemory.CAPACITY` chunks).
    function blobMemory(bytes memory _s) internal pure returns (SparseMemory.Mem memory m_) {
        for (uint256 off = 0; off < _s.length; off += 32) {
            m_.setLeaf(uint32(off), chunk(_s, off));
        }
    }

    /// @notice The blob key `0x81 ‖ root[1..32]` of `_data`.
    function blobKey(bytes memory _data) internal pure returns (bytes32) {
        bytes32 root = blobMemory(stream(_data)).root();
        return bytes32((uint256(root) << 8 >> 8) | (uint256(0x81) << 248));
    }

    /// @notice The keccak key `0x02 ‖ keccak256(data)[1..32]` of `_data`.
    function keccakKey(bytes memory _data) internal pure returns (bytes32) {
        return bytes32((uint256(keccak256(_data)) << 8 >> 8) | (uint256(2) << 248));
    }

    /// @notice `_n` pseudo-random bytes from `_seed`.
    function randomBytes(uint256 _seed, uint256 _n) internal pure returns (bytes memory out_) {
        out_ = new bytes(_n);
        for (uint256 i = 0; i < _n; i++) {
            out_[i] = bytes1(uint8(uint256(keccak256(abi.encode(_seed, i)))));
        }
    }
}
