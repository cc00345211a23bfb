// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { Claim, GameType } from "src/dispute/lib/Types.sol";
import { OptimisticClaims } from "src/dispute/OptimisticClaims.sol";
import { StorageAttestations } from "src/axiom/StorageAttestations.sol";
import {
    NoAttestedSlots,
    NoPendingStatistics,
    NonCanonicalEncoding,
    OutputMismatch,
    SlotNotAttested
} from "src/axiom/Errors.sol";

/// @title SlotStatistics
/// @notice Verified compute over attested history, the seed's promise: the count, sum, minimum
///         and maximum of slot values attested across any number of blocks, computed by the
///         slot-stats guest (`program/slot-stats`) and claimed like any other result.
///
///         `claimStats` takes the items (an ABI-encoded `AttestedSlot[]`: block number,
///         account, slot, value), requires each to be attested in `StorageAttestations` now,
///         and opens a game over the guest run on them (its input is the items' keccak-256;
///         the items are published in `StatisticsClaimed`). The guest outputs `SlotStats`,
///         whose `attestationsHash` is the keccak-256 of the items' V0 attestation keys one
///         after another — which ties the result to exactly the attested values the contract
///         checked. Once the game stood, `finalizeStatistics` records the result under that
///         hash.
contract SlotStatistics is OptimisticClaims {
    /// @notice One attested slot value (`axon_axiom::compute::AttestedSlot`).
    struct AttestedSlot {
        uint32 blockNumber;
        address account;
        bytes32 slot;
        uint256 value;
    }

    /// @notice The slot-stats guest's output (`axon_axiom::compute::SlotStats`).
    struct SlotStats {
        bytes32 attestationsHash;
        uint256 count;
        uint256 sum;
        uint256 min;
        uint256 max;
    }

    /// @notice The semantic version of the contract.
    string public constant version = "1.0.0";

    /// @notice Where the items' attestations are checked.
    StorageAttestations public immutable ATTESTATIONS;

    /// @notice The `attestationsHash` of the items of each pending game.
    mapping(IDisputeGame => bytes32) public pendingStatistics;

    /// @notice The statistics of each finalized list of attested values, by its
    ///         `attestationsHash`.
    mapping(bytes32 => SlotStats) internal results;

    /// @notice Emitted for each claim, with the guest's whole input.
    event StatisticsClaimed(
        IDisputeGame indexed game, bytes32 indexed attestationsHash, bytes items
    );

    /// @notice Emitted when the statistics of the values behind `attestationsHash` are final.
    event StatisticsFinalized(
        bytes32 indexed attestationsHash, uint256 count, uint256 sum, uint256 min, uint256 max
    );

    /// @param _attestations The storage attestations.
    /// @param _factory The factory games are created at.
    /// @param _gameType The slot-stats guest's game type there.
    constructor(
        StorageAttestations _attestations,
        DisputeGameFactory _factory,
        GameType _gameType
    )
        OptimisticClaims(_factory, _gameType)
    {
        ATTESTATIONS = _attestations;
    }

    /// @notice Claims that the slot-stats guest run on `_items` (an ABI-encoded
    ///         `AttestedSlot[]`, each attested) ends in `_finalState`; `msg.value` is the
    ///         game's root bond (none when the game exists already).
    function claimStatistics(
        Claim _finalState,
        bytes calldata _items
    )
        external
        payable
        returns (IDisputeGame game_)
    {
        AttestedSlot[] memory items = abi.decode(_items, (AttestedSlot[]));
        if (keccak256(abi.encode(items)) != keccak256(_items)) revert NonCanonicalEncoding();
        if (items.length == 0) revert NoAttestedSlots();
        bytes32[] memory keys = new bytes32[](items.length);
        for (uint256 i = 0; i < items.length; i++) {
            AttestedSlot memory item = items[i];
            keys[i] = ATTESTATIONS.slotAttestationKey(
                item.blockNumber, item.account, item.slot, item.value
            );
            if (!ATTESTATIONS.slotAttestations(keys[i])) revert SlotNotAttested(keys[i]);
        }
        bytes32 attestationsHash = keccak256(abi.encodePacked(keys));
        game_ = _claim(_finalState, keccak256(_items));
        pendingStatistics[game_] = attestationsHash;
        emit StatisticsClaimed(game_, attestationsHash, _items);
    }

    /// @notice Records the statistics a won `claimStatistics` game proves.
    function finalizeStatistics(OutputProof calldata _proof, SlotStats calldata _stats) external {
        bytes32 pending = pendingStatistics[_proof.game];
        if (pending == bytes32(0)) revert NoPendingStatistics(_proof.game);
        if (_stats.attestationsHash != pending) {
            revert OutputMismatch(pending, _stats.attestationsHash);
        }
        bytes32 output = keccak256(abi.encode(_stats));
        bytes32 committed = _acceptedCommitment(_proof);
        if (committed != output) revert OutputMismatch(committed, output);
        results[pending] = _stats;
        emit StatisticsFinalized(pending, _stats.count, _stats.sum, _stats.min, _stats.max);
    }

    /// @notice The finalized statistics of the attested values behind `_attestationsHash`
    ///         (all zero while none).
    function statistics(bytes32 _attestationsHash) external view returns (SlotStats memory) {
        return results[_attestationsHash];
    }
}
