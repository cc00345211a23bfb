// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import { LibMemory } from "src/riscv/lib/LibMemory.sol";
import { LibPreimageKey } from "src/lib/LibPreimageKey.sol";
import {
    PartNotFound,
    PartOffsetOOB,
    InvalidKeyType,
    InvalidLocalDataSize,
    InvalidBlobProof,
    BlobLengthUnknown,
    InvalidBlobLength,
    InvalidProofLength
} from "src/riscv/Errors.sol";

/// @title PreimageOracle
/// @notice Holds the preimage data the Axon VM reads, modelled on Optimism's `PreimageOracle`
///         (docs/spec.md, "Preimage read" and "Preimage keys").
///
///         The data behind a key is the stream `S = u64_be(len(data)) ‖ data`. The oracle
///         stores `S` in 32-byte chunks (`preimageParts[key][32c]` = bytes `[32c, 32c + 32)` of
///         `S`, zero past its end), each loaded on demand and proven by its key type:
///
///         | type | key                              | loaded by                    | proof       |
///         |------|----------------------------------|------------------------------|-------------|
///         | 0x01 | localized local key              | `loadLocalData` (the game)    | the caller  |
///         | 0x02 | `0x02 ‖ keccak256(data)[1..32]`  | `loadKeccak256PreimagePart`  | the hash    |
///         | 0x81 | `0x81 ‖ root[1..32]`             | `loadBlobPart`               | memory path |
///
///         `readPreimage(key, offset)` answers any offset inside a loaded chunk, so a VM that
///         reads a stream byte by byte needs each chunk loaded once.
contract PreimageOracle is IPreimageOracle {
    /// @notice The semantic version of the oracle.
    string public constant version = "1.0.0";

    /// @notice The largest blob: its stream `S` must fit the 32-bit memory space.
    uint256 internal constant MAX_BLOB_LENGTH = (1 << 32) - 8;

    /// @inheritdoc IPreimageOracle
    mapping(bytes32 => uint256) public preimageLengths;
    /// @inheritdoc IPreimageOracle
    mapping(bytes32 => bool) public preimageLengthOk;
    /// @inheritdoc IPreimageOracle
    mapping(bytes32 => mapping(uint256 => bytes32)) public preimageParts;
    /// @inheritdoc IPreimageOracle
    mapping(bytes32 => mapping(uint256 => bool)) public preimagePartOk;

    /// @inheritdoc IPreimageOracle
    function readPreimage(
        bytes32 _key,
        uint256 _offset
    )
        external
        view
        returns (bytes32 dat_, uint256 datLen_)
    {
        uint256 chunkOffset = _offset & ~uint256(31);
        if (!preimagePartOk[_key][chunkOffset]) {
            // Past the end of S there is nothing to load: answer (0, 0) once the length is known.
            if (preimageLengthOk[_key] && _offset >= preimageLengths[_key] + 8) return (0, 0);
            revert PartNotFound();
        }
        // A loaded chunk implies a known length (blob chunks after the first need the first).
        uint256 streamLength = preimageLengths[_key] + 8;
        if (_offset >= streamLength) return (0, 0);
        uint256 within = _offset - chunkOffset;
        datLen_ = 32 - within;
        if (streamLength - _offset < datLen_) datLen_ = streamLength - _offset;
        dat_ = bytes32(
            (uint256(preimageParts[_key][chunkOffset]) << (8 * within))
                & LibMemory.topBytesMask(datLen_)
        );
    }

    /// @inheritdoc IPreimageOracle
    function loadLocalData(
        uint256 _ident,
        bytes32 _localContext,
        bytes32 _word,
        uint256 _size,
        uint256 _partOffset
    )
        external
        returns (bytes32 key_)
    {
        uint8 identType = uint8(_ident >> 248);
        if (identType != 0 && identType != AxonABI.KEY_TYPE_LOCAL) {
            revert InvalidKeyType(identType);
        }
        if (_size > 32) revert InvalidLocalDataSize();
        if (_partOffset >= _size + 8) revert PartOffsetOOB();

        key_ = LibPreimageKey.localize(
            LibPreimageKey.typed(bytes32(_ident), AxonABI.KEY_TYPE_LOCAL), msg.sender, _localContext
        );
        // S = u64_be(size) ‖ word[0..size]: at most 40 bytes, two chunks.
        uint256 data = uint256(_word) & LibMemory.topBytesMask(_size);
        uint256 chunk = _partOffset < 32 ? (_size << 192) | (data >> 64) : data << 192;
        _store(key_, _partOffset & ~uint256(31), bytes32(chunk), _size);
    }

    /// @inheritdoc IPreimageOracle
    function loadKeccak256PreimagePart(uint256 _partOffset, bytes calldata _preimage) external {
        uint256 size = _preimage.length;
        if (_partOffset >= size + 8) revert PartOffsetOOB();
        uint256 chunkOffset = _partOffset & ~uint256(31);
        bytes32 key;
        bytes32 chunk;
        assembly ("memory-safe") {
            // Lay S out in free memory: the 8-byte length, then the preimage.
            let ptr := mload(0x40)
            mstore(ptr, shl(192, size))
            calldatacopy(add(ptr, 8), _preimage.offset, size)
            key := or(shr(8, shl(8, keccak256(add(ptr, 8), size))), shl(248, 2))
            chunk := mload(add(ptr, chunkOffset))
            // Zero the bytes past the end of S (memory there is not guaranteed clean).
            let end := add(size, 8)
            if gt(add(chunkOffset, 32), end) {
                chunk := and(chunk, not(shr(shl(3, sub(end, chunkOffset)), not(0))))
            }
        }
        _store(key, chunkOffset, chunk, size);
    }

    /// @inheritdoc IPreimageOracle
    function loadBlobPart(
        bytes32 _key,
        uint256 _partOffset,
        bytes32 _chunk,
        bytes calldata _proof
    )
        external
    {
        uint8 keyType = LibPreimageKey.keyType(_key);
        if (keyType != AxonABI.KEY_TYPE_BLOB) revert InvalidKeyType(keyType);
        if (_partOffset % 32 != 0 || _partOffset > type(uint32).max) revert PartOffsetOOB();
        // Exactly one compact memory proof (LibMemory), whose leaf is the chunk.
        uint256 length = LibMemory.proofLength(_proof, 0);
        if (_proof.length != length) revert InvalidProofLength(length, _proof.length);
        if (LibMemory.leafAt(_proof, 0) != _chunk) revert InvalidBlobProof();
        // The key is the root with its first byte replaced by the type: compare root[1..32].
        bytes32 root = LibMemory.rootAt(_proof, 0, uint32(_partOffset), _chunk);
        if (LibPreimageKey.typed(root, AxonABI.KEY_TYPE_BLOB) != _key) revert InvalidBlobProof();

        uint256 size;
        if (_partOffset == 0) {
            size = uint256(_chunk) >> 192;
            if (size > MAX_BLOB_LENGTH) revert InvalidBlobLength();
        } else {
            if (!preimageLengthOk[_key]) revert BlobLengthUnknown();
            size = preimageLengths[_key];
            if (_partOffset >= size + 8) revert PartOffsetOOB();
        }
        _store(_key, _partOffset, _chunk, size);
    }

    /// @notice Stores chunk `_chunk` at `_chunkOffset` of `_key`'s stream and the data length.
    function _store(bytes32 _key, uint256 _chunkOffset, bytes32 _chunk, uint256 _size) internal {
        preimageParts[_key][_chunkOffset] = _chunk;
        preimagePartOk[_key][_chunkOffset] = true;
        preimageLengths[_key] = _size;
        preimageLengthOk[_key] = true;
    }
}
