// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AxiomTestBase } from "test/axiom/AxiomTestBase.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { Claim } from "src/dispute/lib/Types.sol";
import { GameNotWon } from "src/dispute/Errors.sol";
import { IBlockHashCache } from "src/axiom/interfaces/IBlockHashCache.sol";
import { StorageAttestations } from "src/axiom/StorageAttestations.sol";
import { HistoricHolderGate } from "src/axiom/examples/HistoricHolderGate.sol";
import {
    BalanceNotAttested,
    BalanceTooLow,
    BlockHashMismatch,
    BlockHashNotCached,
    NoPendingAttestation,
    NonCanonicalEncoding,
    OutputMismatch
} from "src/axiom/Errors.sol";

/// @title StorageAttestations_Test
/// @notice Attestations with the storage-proof guest's real run from the fixture — a token's
///         balance slot of a holder and an unset slot at block 1100, against a synthetic
///         state trie — over the cache holding block 1100's group; the attestation the
///         contract derives from a claim is the guest's output byte for byte; and the example
///         consumer admits the holder on it.
contract StorageAttestations_Test is AxiomTestBase {
    event SlotAttestationEvent(uint32 blockNumber, address addr, uint256 slot, uint256 slotValue);

    uint32 internal constant BLOCK = 1100;

    function setUp() public override {
        super.setUp();
        _cacheRecentGroup();
    }

    function _claim() internal view returns (StorageAttestations.StorageClaim memory) {
        return abi.decode(_bytes(".storage.storageClaim"), (StorageAttestations.StorageClaim));
    }

    function _attest() internal returns (IDisputeGame game_) {
        vm.prank(PROPOSER);
        game_ = attestations.attestSlots{ value: _bond() }(
            _witness(".storage.witness"),
            Claim.wrap(_bytes32(".storage.stateHash")),
            _bytes(".storage.storageClaim")
        );
    }

    function _attestation() internal view returns (StorageAttestations.StorageAttestation memory) {
        return abi.decode(_bytes(".storage.output"), (StorageAttestations.StorageAttestation));
    }

    function _key(uint256 _slot) internal view returns (bytes32) {
        StorageAttestations.SlotValue memory s = _attestation().slots[_slot];
        return attestations.slotAttestationKey(BLOCK, _attestation().account, s.slot, s.value);
    }

    /// @notice What the contract expects the guest to output is exactly what it output.
    function test_attestationOf_isTheGuestOutput_succeeds() external view {
        assertEq(abi.encode(attestations.attestationOf(_claim(), BLOCK)), _bytes(".storage.output"));
    }

    function test_attestSlots_succeeds() external {
        StorageAttestations.StorageAttestation memory expected = _attestation();
        assertEq(expected.slots.length, 2);
        assertEq(expected.slots[1].value, 0, "an exclusion proof");
        IDisputeGame game = _attest();
        assertEq(
            game.extraData(),
            abi.encodePacked(uint8(32), keccak256(_bytes(".storage.storageClaim")))
        );
        assertFalse(attestations.slotAttestations(_key(0)), "not before the game is won");
        _win(game);
        vm.expectEmit(true, true, true, true, address(attestations));
        emit SlotAttestationEvent(
            BLOCK, expected.account, uint256(expected.slots[0].slot), expected.slots[0].value
        );
        attestations.finalizeAttestation(_outputProof(game, ".storage"), expected);
        assertTrue(attestations.slotAttestations(_key(0)), "the balance");
        assertTrue(attestations.slotAttestations(_key(1)), "the unset slot");
        // V0's key: keccak256(blockNumber ‖ addr ‖ slot ‖ value), packed.
        assertEq(
            _key(0),
            keccak256(
                abi.encodePacked(
                    BLOCK, expected.account, expected.slots[0].slot, expected.slots[0].value
                )
            )
        );
    }

    function test_attestSlots_uncachedBlock_reverts() external {
        IBlockHashCache.BlockHashWitness memory w = _witness(".storage.witness");
        w.claimedBlockHash ^= bytes32(uint256(1));
        uint256 bond = _bond();
        Claim finalState = Claim.wrap(_bytes32(".storage.stateHash"));
        bytes memory claim = _bytes(".storage.storageClaim");
        vm.prank(PROPOSER);
        vm.expectRevert(
            abi.encodeWithSelector(BlockHashNotCached.selector, BLOCK, w.claimedBlockHash)
        );
        attestations.attestSlots{ value: bond }(w, finalState, claim);
    }

    /// @notice One claim, one encoding: bytes that decode to the claim but are not its
    ///         canonical encoding (here with a trailing word) are refused.
    function test_attestSlots_nonCanonicalClaim_reverts() external {
        IBlockHashCache.BlockHashWitness memory w = _witness(".storage.witness");
        uint256 bond = _bond();
        Claim finalState = Claim.wrap(_bytes32(".storage.stateHash"));
        bytes memory padded = bytes.concat(_bytes(".storage.storageClaim"), bytes32(0));
        vm.prank(PROPOSER);
        vm.expectRevert(NonCanonicalEncoding.selector);
        attestations.attestSlots{ value: bond }(w, finalState, padded);
    }

    function test_attestSlots_claimAboutAnotherBlock_reverts() external {
        StorageAttestations.StorageClaim memory claim = _claim();
        claim.blockHash = _witness(".witnesses[1]").claimedBlockHash;
        IBlockHashCache.BlockHashWitness memory w = _witness(".storage.witness");
        uint256 bond = _bond();
        Claim finalState = Claim.wrap(_bytes32(".storage.stateHash"));
        bytes memory encoded = abi.encode(claim);
        vm.prank(PROPOSER);
        vm.expectRevert(
            abi.encodeWithSelector(BlockHashMismatch.selector, w.claimedBlockHash, claim.blockHash)
        );
        attestations.attestSlots{ value: bond }(w, finalState, encoded);
    }

    function test_finalizeAttestation_unresolvedGame_reverts() external {
        IDisputeGame game = _attest();
        OutputProof memory proof = _outputProof(game, ".storage");
        StorageAttestations.StorageAttestation memory attestation = _attestation();
        vm.expectRevert(abi.encodeWithSelector(GameNotWon.selector, game));
        attestations.finalizeAttestation(proof, attestation);
    }

    function test_finalizeAttestation_counteredGame_reverts() external {
        IDisputeGame game = _attest();
        _lose(game);
        OutputProof memory proof = _outputProof(game, ".storage");
        StorageAttestations.StorageAttestation memory attestation = _attestation();
        vm.expectRevert(abi.encodeWithSelector(GameNotWon.selector, game));
        attestations.finalizeAttestation(proof, attestation);
    }

    function test_finalizeAttestation_otherValue_reverts() external {
        IDisputeGame game = _attest();
        _win(game);
        OutputProof memory proof = _outputProof(game, ".storage");
        StorageAttestations.StorageAttestation memory attestation = _attestation();
        bytes32 pending = keccak256(abi.encode(attestation));
        attestation.slots[0].value += 1;
        bytes32 given = keccak256(abi.encode(attestation));
        vm.expectRevert(abi.encodeWithSelector(OutputMismatch.selector, pending, given));
        attestations.finalizeAttestation(proof, attestation);
    }

    function test_finalizeAttestation_unknownGame_reverts() external {
        IDisputeGame game = IDisputeGame(address(cache));
        OutputProof memory proof = _outputProof(game, ".storage");
        StorageAttestations.StorageAttestation memory attestation = _attestation();
        vm.expectRevert(abi.encodeWithSelector(NoPendingAttestation.selector, game));
        attestations.finalizeAttestation(proof, attestation);
    }

    function test_historicHolderGate_admitsAttestedHolder_succeeds() external {
        address token = vm.parseJsonAddress(json, ".storage.token");
        address holder = vm.parseJsonAddress(json, ".storage.holder");
        uint256 balance = vm.parseJsonUint(json, ".storage.balance");
        HistoricHolderGate gate = new HistoricHolderGate(attestations, token, 0, BLOCK, 500);
        HistoricHolderGate strict = new HistoricHolderGate(attestations, token, 0, BLOCK, 5000);
        vm.expectRevert(abi.encodeWithSelector(BalanceNotAttested.selector, holder, balance));
        gate.admit(holder, balance);

        IDisputeGame game = _attest();
        _win(game);
        attestations.finalizeAttestation(_outputProof(game, ".storage"), _attestation());
        gate.admit(holder, balance);
        assertEq(gate.admitted(holder), balance);
        vm.expectRevert(abi.encodeWithSelector(BalanceNotAttested.selector, holder, balance + 1));
        gate.admit(holder, balance + 1);
        vm.expectRevert(abi.encodeWithSelector(BalanceTooLow.selector, balance, 5000));
        strict.admit(holder, balance);
    }
}
