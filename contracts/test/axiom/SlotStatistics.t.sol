// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AxiomTestBase } from "test/axiom/AxiomTestBase.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { Claim } from "src/dispute/lib/Types.sol";
import { GameNotWon } from "src/dispute/Errors.sol";
import { SlotStatistics } from "src/axiom/SlotStatistics.sol";
import { StorageAttestations } from "src/axiom/StorageAttestations.sol";
import {
    NoAttestedSlots,
    NoPendingStatistics,
    OutputMismatch,
    SlotNotAttested
} from "src/axiom/Errors.sol";

/// @title SlotStatistics_Test
/// @notice Verified compute over the fixture's two attested slots with the slot-stats guest's
///         real run: claimed only over attested values, final once its game stood, refused
///         for any other result.
contract SlotStatistics_Test is AxiomTestBase {
    function setUp() public override {
        super.setUp();
        _cacheRecentGroup();
        vm.prank(PROPOSER);
        IDisputeGame game = attestations.attestSlots{ value: _bond() }(
            _witness(".storage.witness"),
            Claim.wrap(_bytes32(".storage.stateHash")),
            _bytes(".storage.storageClaim")
        );
        _win(game);
        attestations.finalizeAttestation(
            _outputProof(game, ".storage"),
            abi.decode(_bytes(".storage.output"), (StorageAttestations.StorageAttestation))
        );
    }

    function _claimStatistics(bytes memory _items) internal returns (IDisputeGame game_) {
        vm.prank(PROPOSER);
        game_ = statistics.claimStatistics{ value: _bond() }(
            Claim.wrap(_bytes32(".stats.stateHash")), _items
        );
    }

    function _stats() internal view returns (SlotStatistics.SlotStats memory) {
        return abi.decode(_bytes(".stats.output"), (SlotStatistics.SlotStats));
    }

    function test_finalizeStatistics_succeeds() external {
        IDisputeGame game = _claimStatistics(_bytes(".stats.items"));
        SlotStatistics.SlotStats memory stats = _stats();
        assertEq(statistics.pendingStatistics(game), stats.attestationsHash);
        _win(game);
        statistics.finalizeStatistics(_outputProof(game, ".stats"), stats);
        SlotStatistics.SlotStats memory stored = statistics.statistics(stats.attestationsHash);
        assertEq(stored.count, 2);
        assertEq(stored.sum, vm.parseJsonUint(json, ".storage.balance"));
        assertEq(stored.min, 0, "the unset slot");
        assertEq(stored.max, vm.parseJsonUint(json, ".storage.balance"));
    }

    function test_claimStatistics_unattestedValue_reverts() external {
        SlotStatistics.AttestedSlot[] memory items =
            abi.decode(_bytes(".stats.items"), (SlotStatistics.AttestedSlot[]));
        items[1].value = 5;
        bytes32 key = attestations.slotAttestationKey(
            items[1].blockNumber, items[1].account, items[1].slot, items[1].value
        );
        uint256 bond = _bond();
        Claim finalState = Claim.wrap(_bytes32(".stats.stateHash"));
        bytes memory encoded = abi.encode(items);
        vm.prank(PROPOSER);
        vm.expectRevert(abi.encodeWithSelector(SlotNotAttested.selector, key));
        statistics.claimStatistics{ value: bond }(finalState, encoded);
    }

    function test_claimStatistics_noItems_reverts() external {
        uint256 bond = _bond();
        Claim finalState = Claim.wrap(_bytes32(".stats.stateHash"));
        bytes memory empty = abi.encode(new SlotStatistics.AttestedSlot[](0));
        vm.prank(PROPOSER);
        vm.expectRevert(NoAttestedSlots.selector);
        statistics.claimStatistics{ value: bond }(finalState, empty);
    }

    function test_finalizeStatistics_otherResult_reverts() external {
        IDisputeGame game = _claimStatistics(_bytes(".stats.items"));
        _win(game);
        OutputProof memory proof = _outputProof(game, ".stats");
        SlotStatistics.SlotStats memory stats = _stats();
        bytes32 committed = keccak256(abi.encode(stats));
        stats.max += 1;
        bytes32 claimed = keccak256(abi.encode(stats));
        vm.expectRevert(abi.encodeWithSelector(OutputMismatch.selector, committed, claimed));
        statistics.finalizeStatistics(proof, stats);

        stats = _stats();
        stats.attestationsHash = bytes32(uint256(1));
        vm.expectRevert(
            abi.encodeWithSelector(
                OutputMismatch.selector, _stats().attestationsHash, stats.attestationsHash
            )
        );
        statistics.finalizeStatistics(proof, stats);
    }

    function test_finalizeStatistics_counteredGame_reverts() external {
        IDisputeGame game = _claimStatistics(_bytes(".stats.items"));
        _lose(game);
        OutputProof memory proof = _outputProof(game, ".stats");
        SlotStatistics.SlotStats memory stats = _stats();
        vm.expectRevert(abi.encodeWithSelector(GameNotWon.selector, game));
        statistics.finalizeStatistics(proof, stats);
    }

    function test_finalizeStatistics_unknownGame_reverts() external {
        IDisputeGame game = IDisputeGame(address(attestations));
        OutputProof memory proof = _outputProof(game, ".stats");
        SlotStatistics.SlotStats memory stats = _stats();
        vm.expectRevert(abi.encodeWithSelector(NoPendingStatistics.selector, game));
        statistics.finalizeStatistics(proof, stats);
    }
}
