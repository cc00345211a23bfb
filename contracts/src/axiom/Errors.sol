// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { GameType } from "src/dispute/lib/Types.sol";

////////////////////////////////////////////////////////////////
//                    Guest input errors                      //
////////////////////////////////////////////////////////////////

/// @notice Thrown when a guest input is not the canonical ABI encoding of what it decodes to
///         (one claim, one input, one game).
error NonCanonicalEncoding();

////////////////////////////////////////////////////////////////
//                   `BlockHashCache` errors                  //
////////////////////////////////////////////////////////////////

/// @notice Thrown when `blockhash(blockNumber)` is unavailable: not one of the 256 blocks
///         before the current one.
error BlockHashUnavailable(uint32 blockNumber);

/// @notice Thrown by `updateRecent` for a game whose anchor was not claimed through
///         `claimRecent`.
error NotRecentlyAnchored(IDisputeGame game);

/// @notice Thrown when an update's output is not the one the game's program committed to.
error OutputMismatch(bytes32 expected, bytes32 actual);

/// @notice Thrown by `updateOld` unless the update covers a whole group.
error IncompleteGroup(uint32 numFinal);

/// @notice Thrown when an update would not extend the cached entry of its group: entries
///         only grow (`numFinal` increases), so an older update cannot be replayed over a
///         newer one.
error StaleUpdate(uint32 start, uint32 cachedNumFinal, uint32 numFinal);

/// @notice Thrown by `updateOld` and `updateHistorical` when the next group's cached entry is
///         not `keccak256(anchor ‖ nextRoot ‖ nextNumFinal)`.
error NextGroupMismatch(uint32 nextStart);

/// @notice Thrown by the `BlockHashCache` constructor when the historical game type is the
///         header-chain guest's or its implementation is not split at depth 7 (128 groups).
error InvalidHistoricalGameType(GameType gameType);

/// @notice Thrown by `updateHistorical` when the first group's start is not a multiple of 1024.
error InvalidHistoricalStart(uint32 start);

/// @notice Thrown by `updateHistorical` when end-hash proof `index` does not lead to the root of
///         group `index`.
error InvalidEndHashProof(uint256 index);

////////////////////////////////////////////////////////////////
//                 `StorageAttestations` errors               //
////////////////////////////////////////////////////////////////

/// @notice Thrown when the block-hash witness does not hold against the cache.
error BlockHashNotCached(uint32 blockNumber, bytes32 blockHash);

/// @notice Thrown when the storage claim is about another block than the witness.
error BlockHashMismatch(bytes32 witness, bytes32 storageClaim);

/// @notice Thrown when a game has no pending attestation of this contract.
error NoPendingAttestation(IDisputeGame game);

////////////////////////////////////////////////////////////////
//                    `SlotStatistics` errors                 //
////////////////////////////////////////////////////////////////

/// @notice Thrown when a statistics claim has no items.
error NoAttestedSlots();

/// @notice Thrown when an item of a statistics claim is not attested.
error SlotNotAttested(bytes32 key);

/// @notice Thrown when a game has no pending statistics of this contract.
error NoPendingStatistics(IDisputeGame game);

////////////////////////////////////////////////////////////////
//                   `HistoricHolderGate` errors              //
////////////////////////////////////////////////////////////////

/// @notice Thrown when the holder's balance at the snapshot is not attested.
error BalanceNotAttested(address holder, uint256 balance);

/// @notice Thrown when the attested balance is below the gate's minimum.
error BalanceTooLow(uint256 balance, uint256 minimum);
