// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { Claim, GameType } from "src/dispute/lib/Types.sol";
import { IBlockHashCache } from "src/axiom/interfaces/IBlockHashCache.sol";
import { OptimisticClaims } from "src/dispute/OptimisticClaims.sol";
import {
    BlockHashMismatch,
    BlockHashNotCached,
    NoPendingAttestation,
    NonCanonicalEncoding,
    OutputMismatch
} from "src/axiom/Errors.sol";

/// @title StorageAttestations
/// @notice Axiom V0's storage attestations (`AxiomV0StoragePf`), optimistic:
///         `slotAttestations[keccak256(blockNumber ‖ addr ‖ slot ‖ value)]` is set, and V0's
///         `SlotAttestationEvent` emitted, for each slot of an attestation — but the attestation
///         is a claim over the storage-proof guest (`program/storage-proof`, docs/axiom.md)
///         instead of a ZK proof.
///
///         `attestSlots` takes a block-hash witness, which must hold against the cache when
///         the claim is made, and the guest's whole input: an ABI-encoded `StorageClaim`
///         (the account's claimed state, the `eth_getProof` account proof, the slots with
///         their values and proofs). The game's input is the claim's keccak-256 (the guest
///         reads the claim by that key), the claim itself is published in
///         `AttestationClaimed` so that anyone can re-run the guest and dispute it, and the
///         contract derives from it the `StorageAttestation` the guest outputs when every
///         proof holds. Once the game resolved for the claimant, `finalizeAttestation`
///         records that attestation. Unlike V0, a claim may attest a zero slot or an absent
///         account (exclusion proofs) and any number of slots.
contract StorageAttestations is OptimisticClaims {
    /// @notice One slot of a `StorageClaim`: its claimed value and storage proof.
    struct ClaimedSlot {
        bytes32 slot;
        uint256 value;
        bytes[] proof;
    }

    /// @notice The storage-proof guest's input (`axon_axiom::attest::StorageClaim`).
    struct StorageClaim {
        bytes32 blockHash;
        address account;
        bool exists;
        uint64 nonce;
        uint256 balance;
        bytes32 storageRoot;
        bytes32 codeHash;
        bytes[] accountProof;
        ClaimedSlot[] slots;
    }

    /// @notice A proven slot value.
    struct SlotValue {
        bytes32 slot;
        uint256 value;
    }

    /// @notice The storage-proof guest's output (`axon_axiom::attest::StorageAttestation`).
    struct StorageAttestation {
        bytes32 blockHash;
        uint32 blockNumber;
        address account;
        bool exists;
        uint64 nonce;
        uint256 balance;
        bytes32 storageRoot;
        bytes32 codeHash;
        SlotValue[] slots;
    }

    /// @notice The semantic version of the contract.
    string public constant version = "1.0.0";

    /// @notice The block-hash cache witnesses are checked against.
    IBlockHashCache public immutable CACHE;

    /// @notice V0's attestations: `keccak256(abi.encodePacked(uint32 blockNumber, address addr,
    ///         uint256 slot, uint256 value))` of each attested slot.
    mapping(bytes32 => bool) public slotAttestations;

    /// @notice The keccak-256 of the ABI-encoded attestation each pending game would prove.
    mapping(IDisputeGame => bytes32) public pendingAttestations;

    /// @notice V0's event, one per attested slot.
    event SlotAttestationEvent(uint32 blockNumber, address addr, uint256 slot, uint256 slotValue);

    /// @notice Emitted for each claim, with the guest's whole input: what a challenger runs.
    event AttestationClaimed(
        IDisputeGame indexed game,
        uint32 indexed blockNumber,
        address indexed account,
        bytes storageClaim
    );

    /// @param _cache The block-hash cache.
    /// @param _factory The factory games are created at.
    /// @param _gameType The storage-proof guest's game type there.
    constructor(
        IBlockHashCache _cache,
        DisputeGameFactory _factory,
        GameType _gameType
    )
        OptimisticClaims(_factory, _gameType)
    {
        CACHE = _cache;
    }

    /// @notice Claims that the storage-proof guest run on `_storageClaim` (an ABI-encoded
    ///         `StorageClaim` about the block `_blockData` proves) ends in `_finalState`;
    ///         `msg.value` is the game's root bond (none when the game exists already).
    function attestSlots(
        IBlockHashCache.BlockHashWitness calldata _blockData,
        Claim _finalState,
        bytes calldata _storageClaim
    )
        external
        payable
        returns (IDisputeGame game_)
    {
        if (!CACHE.isBlockHashValid(_blockData)) {
            revert BlockHashNotCached(_blockData.blockNumber, _blockData.claimedBlockHash);
        }
        StorageClaim memory claim = abi.decode(_storageClaim, (StorageClaim));
        if (keccak256(abi.encode(claim)) != keccak256(_storageClaim)) {
            revert NonCanonicalEncoding();
        }
        if (claim.blockHash != _blockData.claimedBlockHash) {
            revert BlockHashMismatch(_blockData.claimedBlockHash, claim.blockHash);
        }
        game_ = _claim(_finalState, keccak256(_storageClaim));
        pendingAttestations[game_] =
            keccak256(abi.encode(attestationOf(claim, _blockData.blockNumber)));
        emit AttestationClaimed(game_, _blockData.blockNumber, claim.account, _storageClaim);
    }

    /// @notice Records the attestation a won `attestSlots` game proves.
    function finalizeAttestation(
        OutputProof calldata _proof,
        StorageAttestation calldata _attestation
    )
        external
    {
        bytes32 pending = pendingAttestations[_proof.game];
        if (pending == bytes32(0)) revert NoPendingAttestation(_proof.game);
        bytes32 output = keccak256(abi.encode(_attestation));
        if (output != pending) revert OutputMismatch(pending, output);
        bytes32 committed = _acceptedCommitment(_proof);
        if (committed != output) revert OutputMismatch(committed, output);
        for (uint256 i = 0; i < _attestation.slots.length; i++) {
            SlotValue calldata s = _attestation.slots[i];
            slotAttestations[
                slotAttestationKey(_attestation.blockNumber, _attestation.account, s.slot, s.value)
            ] = true;
            emit SlotAttestationEvent(
                _attestation.blockNumber, _attestation.account, uint256(s.slot), s.value
            );
        }
    }

    /// @notice The attestation the guest outputs for `_claim` about block `_blockNumber`
    ///         when every proof holds.
    function attestationOf(
        StorageClaim memory _claim,
        uint32 _blockNumber
    )
        public
        pure
        returns (StorageAttestation memory attestation_)
    {
        SlotValue[] memory slots = new SlotValue[](_claim.slots.length);
        for (uint256 i = 0; i < slots.length; i++) {
            slots[i] = SlotValue({ slot: _claim.slots[i].slot, value: _claim.slots[i].value });
        }
        attestation_ = StorageAttestation({
            blockHash: _claim.blockHash,
            blockNumber: _blockNumber,
            account: _claim.account,
            exists: _claim.exists,
            nonce: _claim.nonce,
            balance: _claim.balance,
            storageRoot: _claim.storageRoot,
            codeHash: _claim.codeHash,
            slots: slots
        });
    }

    /// @notice V0's key of an attested slot.
    function slotAttestationKey(
        uint32 _blockNumber,
        address _account,
        bytes32 _slot,
        uint256 _value
    )
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encodePacked(_blockNumber, _account, _slot, _value));
    }
}
