// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { Claim, GameStatus } from "src/dispute/lib/Types.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import { LibMemory } from "src/riscv/lib/LibMemory.sol";
import { LibState } from "src/riscv/lib/LibState.sol";
import {
    FinalStateMismatch,
    GameNotWon,
    InvalidCommitmentProof,
    ProgramDidNotSucceed
} from "src/dispute/Errors.sol";

/// @notice What proves a program's output from a resolved game: the game, the 210-byte final
///         state its root claim names, and the memory proof (compact, as `LibMemory` reads it)
///         of the state's output-commitment leaf.
struct OutputProof {
    IDisputeGame game;
    bytes finalState;
    bytes commitmentProof;
}

/// @title LibGameOutput
/// @notice Reads a program's output commitment out of a dispute game its root claim won. A
///         guest that produces an output stores `keccak256(output)` in the memory leaf at
///         `AxonABI.OUTPUT_COMMITMENT` before it exits 0, so the final state hash the game
///         settles commits to the output through the memory root: a contract accepts an
///         output once a game claiming that final state resolved `DEFENDER_WINS`, given the
///         state's preimage and one memory proof, without re-running anything.
library LibGameOutput {
    /// @notice The output commitment `_proof` proves: the game's root claim stood, it is the
    ///         hash of `finalState` (with the status byte of a program that exited 0), and
    ///         `commitmentProof` is exactly one memory proof of the commitment leaf under
    ///         that state's memory root.
    /// @dev Reverts with `GameNotWon`, `FinalStateMismatch`, `ProgramDidNotSucceed` or
    ///      `InvalidCommitmentProof`, or as `LibState.decode` and `LibMemory.readLeaf` do on a
    ///      malformed state or proof.
    function commitment(OutputProof calldata _proof) internal view returns (bytes32 leaf_) {
        uint8 status;
        (status, leaf_) = exitCommitment(_proof);
        if (status != AxonABI.STATUS_VALID) revert ProgramDidNotSucceed(status);
    }

    /// @notice `commitment` for a program that exited with any code: its status (valid for
    ///         exit code 0, invalid otherwise) and the commitment leaf it left. A guest whose
    ///         failures are results too (the inference guest's refusals) commits to them
    ///         before it exits non-zero.
    /// @dev Reverts with `ProgramDidNotSucceed` for a state that did not exit (a fault).
    function exitCommitment(OutputProof calldata _proof)
        internal
        view
        returns (uint8 status_, bytes32 leaf_)
    {
        IDisputeGame game = _proof.game;
        if (game.status() != GameStatus.DEFENDER_WINS) revert GameNotWon(game);
        bytes calldata finalState = _proof.finalState;
        LibState.State memory state = LibState.decode(finalState);
        status_ = LibState.statusOf(state.haltKind, state.haltCode);
        if (status_ != AxonABI.STATUS_VALID && status_ != AxonABI.STATUS_INVALID) {
            revert ProgramDidNotSucceed(status_);
        }
        bytes32 stateHash = (keccak256(finalState) << 8 >> 8) | bytes32(uint256(status_) << 248);
        Claim rootClaim = game.rootClaim();
        if (stateHash != Claim.unwrap(rootClaim)) {
            revert FinalStateMismatch(Claim.unwrap(rootClaim), stateHash);
        }
        bytes calldata proof = _proof.commitmentProof;
        uint256 length;
        (leaf_,, length) = LibMemory.proveLeaf(proof, 0, AxonABI.OUTPUT_COMMITMENT, state.memRoot);
        if (proof.length != length) revert InvalidCommitmentProof();
    }
}
