// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";

/// @title IStepper
/// @notice The one-step verifier as the dispute game sees it (Optimism's `IBigStepper`): given
///         a pre-state and its witness, it executes one VM step and returns the post-state hash.
interface IStepper {
    /// @notice Executes one step of the VM.
    /// @dev Must revert, rather than return a wrong post-state, when the witness is malformed.
    /// @param _stateData The encoded pre-state.
    /// @param _proof The step's proof blob.
    /// @param _localContext The game's local context, which localizes local preimage keys.
    /// @return postState_ The post-state hash, with the VM status in its top byte.
    function step(
        bytes calldata _stateData,
        bytes calldata _proof,
        bytes32 _localContext
    )
        external
        returns (bytes32 postState_);

    /// @notice The preimage oracle the VM reads from.
    function oracle() external view returns (IPreimageOracle oracle_);
}
