// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

////////////////////////////////////////////////////////////////
//                   `InferenceOracle` errors                 //
////////////////////////////////////////////////////////////////

/// @notice Thrown when a claimed final state is not that of a run that exited (status valid
///         or invalid): only those commit to a result.
error ClaimNotResult(uint8 status);

/// @notice Thrown when the result given is not `status ‖ payload` of the game's final state:
///         its status and the payload whose keccak-256 it committed.
error ResultMismatch(uint8 status, bytes32 committed);

/// @notice Thrown when a request already has another finalized result.
error ConflictingResult(bytes32 request, bytes32 finalized, bytes32 given);
