// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IInferenceResults } from "src/interfaces/IInferenceResults.sol";

/// @title IPreimageOracle
/// @notice The preimage oracle the stepper reads from (docs/spec.md, "Preimage read" and
///         "Preimage keys"). The data behind a key is read as the stream
///         `S = u64_be(len(data)) ‖ data`; the oracle stores it in 32-byte chunks of `S`,
///         each loaded by whoever needs it, and answers reads from the stored chunks.
interface IPreimageOracle {
    /// @notice Reads the part of the stream of `_key` at `_offset`.
    /// @dev `datLen_ = min(32 - _offset % 32, max(0, len(S) - _offset))` bytes of `S` starting
    ///      at `_offset`, left-aligned in `dat_` (the rest zero), so a part never crosses a
    ///      32-byte chunk of `S`. Past the end of `S` the answer is `(0, 0)`, once the length
    ///      is known. Reverts with `PartNotFound` when the chunk holding `_offset` was not
    ///      loaded (or, past the end, when the length is not yet known).
    /// @param _key The (localized, for local data) preimage key.
    /// @param _offset The byte offset into `S`.
    /// @return dat_ The part, left-aligned.
    /// @return datLen_ The part's length in bytes.
    function readPreimage(
        bytes32 _key,
        uint256 _offset
    )
        external
        view
        returns (bytes32 dat_, uint256 datLen_);

    /// @notice Loads a chunk of local data for the caller's game.
    /// @dev The data is `_word[0.._size]` (`_size` at most 32); the key is the local key of
    ///      `_ident` localized with `msg.sender` and `_localContext` (see `LibPreimageKey`).
    ///      Stores the 32-byte chunk of `S` holding `_partOffset`.
    /// @param _ident The local index (a bare 31-byte index, or the full `0x01`-typed key).
    /// @param _localContext The game's local context.
    /// @param _word The data, left-aligned.
    /// @param _size The data's length in bytes (at most 32).
    /// @param _partOffset An offset into `S` (below `_size + 8`).
    /// @return key_ The localized key the chunk was stored under.
    function loadLocalData(
        uint256 _ident,
        bytes32 _localContext,
        bytes32 _word,
        uint256 _size,
        uint256 _partOffset
    )
        external
        returns (bytes32 key_);

    /// @notice Loads the chunk of `S` holding `_partOffset` for a keccak-256 preimage; the key
    ///         is `0x02 ‖ keccak256(_preimage)[1..32]`.
    /// @param _partOffset An offset into `S` (below `len(_preimage) + 8`).
    /// @param _preimage The whole preimage.
    function loadKeccak256PreimagePart(uint256 _partOffset, bytes calldata _preimage) external;

    /// @notice Loads one 32-byte chunk of a Merkle-chunked blob, proven against the blob root.
    /// @dev The key is `0x81 ‖ root[1..32]` with `root` the memory Merkle root of `S` laid out
    ///      at address 0. `_proof` is exactly one compact memory proof (`LibMemory`: leaf,
    ///      4-byte mask of omitted empty-subtree siblings, the other siblings; 36 to 900 bytes)
    ///      for address `_partOffset`, whose leaf must be `_chunk`. A proof cut short or with
    ///      trailing bytes reverts with `InvalidProofLength`, a mask bit above 26 with
    ///      `InvalidProofMask`, a wrong chunk or root with `InvalidBlobProof`. The first chunk
    ///      (offset 0) carries the blob's length and must be loaded before any other.
    /// @param _key The `0x81`-typed blob key.
    /// @param _partOffset The chunk's offset into `S`, a multiple of 32 below `len(S)`.
    /// @param _chunk The 32 bytes of `S` at `_partOffset`.
    /// @param _proof The memory proof of the chunk.
    function loadBlobPart(
        bytes32 _key,
        uint256 _partOffset,
        bytes32 _chunk,
        bytes calldata _proof
    )
        external;

    /// @notice Loads the chunk holding `_partOffset` of field element `_index` of the EIP-4844
    ///         blob `_versionedHash` names (Optimism's key type 5). The key is
    ///         `0x05 ‖ keccak256(_versionedHash ‖ u64_be(_index))[1..32]` and the data the
    ///         element's 32 bytes, proven by the point-evaluation precompile: `_proof` opens the
    ///         blob's commitment `_commitment` to `_element` at the element's evaluation point
    ///         `ω^bitrev12(_index)`, and the precompile checks the commitment against
    ///         `_versionedHash`.
    /// @dev Reverts with `InvalidBlobElementIndex` for an index past the blob's 4096 elements,
    ///      and with `InvalidBlobElementProof` when the precompile refuses the opening.
    /// @param _partOffset An offset into the element's stream.
    /// @param _versionedHash The blob's versioned hash, as `BLOBHASH` reads it.
    /// @param _index The element's index, 0 to 4095.
    /// @param _element The element: the blob polynomial's value at its evaluation point.
    /// @param _commitment The blob's 48-byte KZG commitment.
    /// @param _proof The 48-byte KZG opening proof at the element's evaluation point.
    function loadBlobElementPart(
        uint256 _partOffset,
        bytes32 _versionedHash,
        uint64 _index,
        bytes32 _element,
        bytes calldata _commitment,
        bytes calldata _proof
    )
        external;

    /// @notice Computes precompile `_precompile` on `_input` with exactly `_requiredGas` and
    ///         loads the chunk of the result's stream holding `_partOffset` (Optimism's key type
    ///         6). The key is `0x06 ‖ keccak256(_precompile ‖ u64_be(_requiredGas) ‖ _input)[1..32]`
    ///         and the data `status ‖ output`: status 1 and the return data when the call
    ///         succeeded, status 0 and nothing when it failed.
    /// @dev Reverts with `InvalidPrecompile` for an address outside `0x01..0x11` (Prague's
    ///      precompiles), and with `NotEnoughGas` unless the gas left lets the call have all of
    ///      `_requiredGas`: a call starved of gas must not store a failure. A chunk loaded
    ///      already is kept (the first answer stands, whatever a later L1 fork would answer).
    /// @param _partOffset An offset into the result's stream.
    /// @param _precompile The precompile's address.
    /// @param _requiredGas The gas the precompile charges for `_input` (its gas schedule).
    /// @param _input The call's input.
    function loadPrecompilePreimagePart(
        uint256 _partOffset,
        address _precompile,
        uint64 _requiredGas,
        bytes calldata _input
    )
        external;

    /// @notice Loads the chunk holding `_partOffset` of the finalized result of the inference
    ///         request whose keccak-256 is `_request`. The key is `0x07 ‖ _request[1..32]` and
    ///         the data `_result`, `status ‖ payload` (see `IInferenceResults`).
    /// @dev Reverts with `NoInferenceResults` when this oracle reads none,
    ///      `InferenceResultNotFinal` when the request has no finalized result, and
    ///      `InferenceResultMismatch` when `_result` is not the finalized one.
    /// @param _partOffset An offset into the result's stream.
    /// @param _request The request's keccak-256.
    /// @param _result The finalized result.
    function loadInferenceResultPart(
        uint256 _partOffset,
        bytes32 _request,
        bytes calldata _result
    )
        external;

    /// @notice Where this oracle reads finalized inference results (zero: it serves none).
    function inferenceResults() external view returns (IInferenceResults);

    /// @notice Seconds a game must leave a player before a step for the data this oracle
    ///         serves to become loadable: the inference results' challenge period, zero
    ///         without them.
    function challengePeriod() external view returns (uint256);

    /// @notice The data length (without the 8-byte length prefix) of `_key`, once known.
    function preimageLengths(bytes32 _key) external view returns (uint256);

    /// @notice Whether `preimageLengths(_key)` is known.
    function preimageLengthOk(bytes32 _key) external view returns (bool);

    /// @notice The stored chunk of `S` starting at `_chunkOffset` (a multiple of 32).
    function preimageParts(bytes32 _key, uint256 _chunkOffset) external view returns (bytes32);

    /// @notice Whether the chunk at `_chunkOffset` (a multiple of 32) has been loaded.
    function preimagePartOk(bytes32 _key, uint256 _chunkOffset) external view returns (bool);
}
