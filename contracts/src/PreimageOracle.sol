// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IInferenceResults } from "src/interfaces/IInferenceResults.sol";
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
    InvalidProofLength,
    InvalidBlobElementIndex,
    InvalidBlobElementProof,
    InvalidPrecompile,
    NotEnoughGas,
    NoInferenceResults,
    InferenceResultNotFinal,
    InferenceResultMismatch
} from "src/riscv/Errors.sol";

/// @title PreimageOracle
/// @notice Holds the preimage data the Axon VM reads, modelled on Optimism's `PreimageOracle`
///         (docs/spec.md, "Preimage read" and "Preimage keys").
///
///         The data behind a key is the stream `S = u64_be(len(data)) ‖ data`. The oracle
///         stores `S` in 32-byte chunks (`preimageParts[key][32c]` = bytes `[32c, 32c + 32)` of
///         `S`, zero past its end), each loaded on demand and proven by its key type:
///
///         | type | key                                  | loaded by                    | proof       |
///         |------|--------------------------------------|------------------------------|-------------|
///         | 0x01 | localized local key                  | `loadLocalData` (the game)   | the caller  |
///         | 0x02 | `0x02 ‖ keccak256(data)[1..32]`      | `loadKeccak256PreimagePart`  | the hash    |
///         | 0x05 | `0x05 ‖ keccak256(vh ‖ index)[1..32]`| `loadBlobElementPart`        | KZG opening |
///         | 0x06 | `0x06 ‖ keccak256(a ‖ g ‖ in)[1..32]`| `loadPrecompilePreimagePart` | computed    |
///         | 0x07 | `0x07 ‖ keccak256(request)[1..32]`   | `loadInferenceResultPart`    | finalized   |
///         | 0x81 | `0x81 ‖ root[1..32]`                 | `loadBlobPart`               | memory path |
///
///         Precompile results (Optimism's key type 6) are computed here, by a static call to
///         the precompile with exactly its required gas; inference results are the ones an
///         `IInferenceResults` contract finalized, so that a block's fraud proof reads what
///         an opML game settled and never runs a model.
///
///         `readPreimage(key, offset)` answers any offset inside a loaded chunk, so a VM that
///         reads a stream byte by byte needs each chunk loaded once.
contract PreimageOracle is IPreimageOracle {
    /// @notice The semantic version of the oracle.
    string public constant version = "1.1.0";

    /// @notice The largest blob: its stream `S` must fit the 32-bit memory space.
    uint256 internal constant MAX_BLOB_LENGTH = (1 << 32) - 8;

    /// @notice The last precompile address whose results the oracle computes: Prague's set,
    ///         `0x01` (ecrecover) to `0x11` (BLS12-381 map to G2).
    uint160 internal constant LAST_PRECOMPILE = 0x11;

    /// @notice Field elements in an EIP-4844 blob.
    uint64 internal constant FIELD_ELEMENTS_PER_BLOB = 4096;

    /// @notice The order of BLS12-381's scalar field: EIP-4844's `BLS_MODULUS`.
    uint256 internal constant BLS_MODULUS =
        52435875175126190479447740508185965837690552500527637822603658699938581184513;

    /// @notice The primitive 4096th root of unity blobs are evaluated over:
    ///         `7 ** ((BLS_MODULUS - 1) / 4096) mod BLS_MODULUS` (EIP-4844).
    uint256 internal constant ROOT_OF_UNITY =
        39033254847818212395286706435128746857159659164139250548781411570340225835782;

    /// @notice The point-evaluation precompile (EIP-4844).
    address internal constant POINT_EVALUATION = address(0x0a);

    /// @notice Gas kept beside a precompile's required gas for the call itself (its memory
    ///         and the 63/64 rule's rounding): see `loadPrecompilePreimagePart`.
    uint256 internal constant PRECOMPILE_CALL_MARGIN = 5_000;

    /// @notice Where finalized inference results are read (zero: this oracle serves none).
    IInferenceResults internal immutable INFERENCE_RESULTS;

    /// @inheritdoc IPreimageOracle
    mapping(bytes32 => uint256) public preimageLengths;
    /// @inheritdoc IPreimageOracle
    mapping(bytes32 => bool) public preimageLengthOk;
    /// @inheritdoc IPreimageOracle
    mapping(bytes32 => mapping(uint256 => bytes32)) public preimageParts;
    /// @inheritdoc IPreimageOracle
    mapping(bytes32 => mapping(uint256 => bool)) public preimagePartOk;

    /// @param _inferenceResults Where inference results are read: an `InferenceOracle`, or
    ///        zero for an oracle of programs that read none.
    constructor(IInferenceResults _inferenceResults) {
        INFERENCE_RESULTS = _inferenceResults;
    }

    /// @inheritdoc IPreimageOracle
    function inferenceResults() external view returns (IInferenceResults) {
        return INFERENCE_RESULTS;
    }

    /// @inheritdoc IPreimageOracle
    function challengePeriod() external view returns (uint256) {
        return address(INFERENCE_RESULTS) == address(0) ? 0 : INFERENCE_RESULTS.challengePeriod();
    }

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
        bytes memory preimage = _preimage;
        _storeData(
            LibPreimageKey.typed(keccak256(preimage), AxonABI.KEY_TYPE_KECCAK256),
            _partOffset,
            preimage
        );
    }

    /// @inheritdoc IPreimageOracle
    function loadBlobElementPart(
        uint256 _partOffset,
        bytes32 _versionedHash,
        uint64 _index,
        bytes32 _element,
        bytes calldata _commitment,
        bytes calldata _proof
    )
        external
    {
        if (_index >= FIELD_ELEMENTS_PER_BLOB) revert InvalidBlobElementIndex(_index);
        // The precompile checks the lengths, the commitment against the versioned hash, that
        // the point and the element are field elements, and the opening. A refusal reverts:
        // nothing is stored, so a call starved of gas stores no failure. Its answer must be
        // EIP-4844's: on a chain without the precompile, a call to the empty account would
        // succeed with no data.
        (bool ok, bytes memory answer) = POINT_EVALUATION.staticcall(
            abi.encodePacked(
                _versionedHash, _evaluationPoint(_index), _element, _commitment, _proof
            )
        );
        if (!ok || keccak256(answer) != keccak256(abi.encode(FIELD_ELEMENTS_PER_BLOB, BLS_MODULUS)))
        {
            revert InvalidBlobElementProof();
        }
        _storeData(
            LibPreimageKey.typed(
                keccak256(abi.encodePacked(_versionedHash, _index)), AxonABI.KEY_TYPE_BLOB_ELEMENT
            ),
            _partOffset,
            abi.encodePacked(_element)
        );
    }

    /// @inheritdoc IPreimageOracle
    function loadPrecompilePreimagePart(
        uint256 _partOffset,
        address _precompile,
        uint64 _requiredGas,
        bytes calldata _input
    )
        external
    {
        if (uint160(_precompile) == 0 || uint160(_precompile) > LAST_PRECOMPILE) {
            revert InvalidPrecompile(_precompile);
        }
        bytes memory input = _input;
        bytes32 key = LibPreimageKey.typed(
            keccak256(abi.encodePacked(_precompile, _requiredGas, input)),
            AxonABI.KEY_TYPE_PRECOMPILE
        );
        // The first answer stands: a game that read it must read it again, even if an L1
        // fork changed the precompile since.
        if (preimagePartOk[key][_partOffset & ~uint256(31)]) return;
        // A call gets at most 63/64 of the gas left (EIP-150). Unless that covers the required
        // gas, the precompile could run out of gas and a failure that is not its answer would
        // be stored: the bug Optimism's audit found in its first key-type-6 oracle. The check
        // sits right before the call, the input already in memory.
        uint256 needed = uint256(_requiredGas) + uint256(_requiredGas) / 63 + PRECOMPILE_CALL_MARGIN;
        if (gasleft() < needed) revert NotEnoughGas(needed, gasleft());
        bool ok;
        bytes memory output;
        assembly ("memory-safe") {
            ok := staticcall(_requiredGas, _precompile, add(input, 0x20), mload(input), 0, 0)
            output := mload(0x40)
            mstore(output, returndatasize())
            returndatacopy(add(output, 0x20), 0, returndatasize())
            mstore(0x40, add(add(output, 0x20), and(add(returndatasize(), 31), not(31))))
        }
        _storeData(key, _partOffset, abi.encodePacked(ok, output));
    }

    /// @inheritdoc IPreimageOracle
    function loadInferenceResultPart(
        uint256 _partOffset,
        bytes32 _request,
        bytes calldata _result
    )
        external
    {
        if (address(INFERENCE_RESULTS) == address(0)) revert NoInferenceResults();
        bytes32 finalized = INFERENCE_RESULTS.finalizedResult(_request);
        if (finalized == bytes32(0)) revert InferenceResultNotFinal(_request);
        bytes32 given = keccak256(_result);
        if (given != finalized) revert InferenceResultMismatch(_request, finalized, given);
        _storeData(LibPreimageKey.typed(_request, AxonABI.KEY_TYPE_INFERENCE), _partOffset, _result);
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

    /// @notice Where a blob's field element `_index` is evaluated: `ω ** bitrev12(_index)`, the
    ///         blob polynomial's evaluation form being in bit-reversed order (EIP-4844).
    function _evaluationPoint(uint64 _index) internal pure returns (uint256 point_) {
        uint256 exponent;
        for (uint256 bit = 0; bit < 12; bit++) {
            exponent = (exponent << 1) | ((_index >> bit) & 1);
        }
        point_ = 1;
        uint256 base = ROOT_OF_UNITY;
        for (; exponent != 0; exponent >>= 1) {
            if (exponent & 1 == 1) point_ = mulmod(point_, base, BLS_MODULUS);
            base = mulmod(base, base, BLS_MODULUS);
        }
    }

    /// @notice Stores the chunk of `_key`'s stream `S = u64_be(len(_data)) ‖ _data` holding
    ///         `_partOffset`.
    function _storeData(bytes32 _key, uint256 _partOffset, bytes memory _data) internal {
        uint256 size = _data.length;
        if (_partOffset >= size + 8) revert PartOffsetOOB();
        uint256 chunkOffset = _partOffset & ~uint256(31);
        bytes32 chunk;
        assembly ("memory-safe") {
            // In memory `_data` is its 32-byte length word, then its bytes: the word's last 8
            // bytes and the data after them are `S`, from `_data + 24` on.
            chunk := mload(add(add(_data, 24), chunkOffset))
            // Zero the bytes past the end of S (memory there is not guaranteed clean).
            let end := add(size, 8)
            if gt(add(chunkOffset, 32), end) {
                chunk := and(chunk, not(shr(shl(3, sub(end, chunkOffset)), not(0))))
            }
        }
        _store(_key, chunkOffset, chunk, size);
    }

    /// @notice Stores chunk `_chunk` at `_chunkOffset` of `_key`'s stream and the data length.
    function _store(bytes32 _key, uint256 _chunkOffset, bytes32 _chunk, uint256 _size) internal {
        preimageParts[_key][_chunkOffset] = _chunk;
        preimagePartOk[_key][_chunkOffset] = true;
        preimageLengths[_key] = _size;
        preimageLengthOk[_key] = true;
    }
}
