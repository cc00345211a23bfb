// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

////////////////////////////////////////////////////////////////
//                     `LibState` errors                      //
////////////////////////////////////////////////////////////////

/// @notice Thrown when an encoded state is not exactly 210 bytes long.
/// @param length The length that was given.
error InvalidStateLength(uint256 length);

/// @notice Thrown when an encoded state's layout version is not 1.
/// @param version The version byte that was given.
error InvalidStateVersion(uint8 version);

/// @notice Thrown when an encoded state's halt kind is above 2 (faulted).
/// @param haltKind The halt kind that was given.
error InvalidHaltKind(uint8 haltKind);

/// @notice Thrown when a running state (halt kind 0) carries a non-zero halt code.
/// @param haltCode The halt code that was given.
error NonZeroRunningHaltCode(uint32 haltCode);

/// @notice Thrown when a faulted state (halt kind 2) carries a halt code that is no fault code.
/// @param haltCode The halt code that was given.
error UnknownFaultCode(uint32 haltCode);

////////////////////////////////////////////////////////////////
//                     `LibMemory` errors                     //
////////////////////////////////////////////////////////////////

/// @notice Thrown when a memory proof does not lead to the expected root.
/// @param index Which proof of the proof blob failed (0: instruction fetch, 1: data).
error InvalidMemoryProof(uint256 index);

/// @notice Thrown when the proof blob ends before the end of a memory proof the step needs,
///         or does not end where the step's proofs end: a step takes exactly the fetch proof,
///         followed by one data proof iff it touches a data leaf (36 to 900 bytes: 36 + 32 per
///         sibling sent) or, for `keccak_permute`, a block (a block proof, 260 to 1028 bytes).
/// @param expected The length this step requires (for a blob cut short: the length the
///                 proof being read needs at least).
/// @param actual The length that was given.
error InvalidProofLength(uint256 expected, uint256 actual);

/// @notice Thrown when a memory proof's mask has a bit above 26 set (the tree has 27 levels),
///         or a block proof's a bit above 23 (its 24 siblings start at height 3).
/// @param mask The mask that was given.
error InvalidProofMask(uint256 mask);

////////////////////////////////////////////////////////////////
//                       `RISCV` errors                       //
////////////////////////////////////////////////////////////////

/// @notice Thrown when `step`'s calldata is not the canonical ABI encoding: `stateData` must
///         start at byte 132, `proof` right after its padding at byte 388, and nothing may
///         follow the proof's padding.
error InvalidCalldataLayout();

////////////////////////////////////////////////////////////////
//                   `PreimageOracle` errors                  //
////////////////////////////////////////////////////////////////

/// @notice Thrown when a part is read that was never loaded into the oracle.
error PartNotFound();

/// @notice Thrown when a part offset lies outside the stream `u64_be(len) ‖ data`, or a blob
///         part offset is not a multiple of 32.
error PartOffsetOOB();

/// @notice Thrown when a load function is given a key or local identifier whose type byte is
///         not the one that function handles.
/// @param keyType The type byte that was given.
error InvalidKeyType(uint8 keyType);

/// @notice Thrown when local data longer than one 32-byte word is loaded.
error InvalidLocalDataSize();

/// @notice Thrown when a blob chunk's memory proof does not lead to the root in the blob key.
error InvalidBlobProof();

/// @notice Thrown when a blob chunk other than the first is loaded before the first chunk,
///         which carries the blob's length.
error BlobLengthUnknown();

/// @notice Thrown when a blob's first chunk declares a length above 4 GiB - 8 bytes.
error InvalidBlobLength();

/// @notice Thrown when a precompile result is asked of an address that is not one of the
///         precompiles the oracle computes (`0x01` to `0x11`, Prague's).
error InvalidPrecompile(address precompile);

/// @notice Thrown when a blob element is asked past a blob's 4096 field elements.
error InvalidBlobElementIndex(uint64 index);

/// @notice Thrown when the point-evaluation precompile refuses a blob element's opening: the
///         commitment is not the versioned hash's, or the proof does not open it to the element.
error InvalidBlobElementProof();

/// @notice Thrown when too little gas is left to give a precompile its required gas: the
///         call could run out of gas and store a failure that is not the precompile's answer.
error NotEnoughGas(uint256 required, uint256 available);

/// @notice Thrown when an inference result is loaded into an oracle that reads none.
error NoInferenceResults();

/// @notice Thrown when the inference request has no finalized result (yet).
error InferenceResultNotFinal(bytes32 request);

/// @notice Thrown when the result given is not the one finalized for the request.
error InferenceResultMismatch(bytes32 request, bytes32 finalized, bytes32 given);
