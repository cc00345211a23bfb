// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { RollupTestBase } from "test/rollup/RollupTestBase.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { Claim, GameType } from "src/dispute/lib/Types.sol";
import { BatchInbox } from "src/rollup/BatchInbox.sol";
import { Outputs } from "src/rollup/Outputs.sol";
import {
    BlockNotBatched,
    NotASplitGame,
    OutputNotFinalized,
    ProposalDiscarded,
    ProposalNotAfterAnchor,
    ProposalNotResolved,
    ProposalTooFar,
    UnknownProposal
} from "src/rollup/Errors.sol";

/// @title Outputs tests
/// @notice Proposals over the real factory, split game and verifier: the game's input is the
///         boot built from L1's state (the anchor, the covering batch's accumulator), a won
///         proposal becomes the anchor, a lost one is discarded.
contract Outputs_Test is RollupTestBase {
    function test_constructor_noSplit_reverts() public {
        GameType flat = GameType.wrap(12);
        factory.setImplementation(flat, IDisputeGame(address(_impl(flat, 0))));
        vm.expectRevert(NotASplitGame.selector);
        new Outputs(factory, flat, inbox, CONFIG, GENESIS);
    }

    function test_propose_gameRunsOnTheBootFromL1_succeeds() public {
        _post(1, 3);
        _post(4, 9);
        (, bytes32 second) = inbox.batchCovering(5);
        IDisputeGame game = _propose(keccak256("output 5"), 5);
        bytes memory boot = abi.encode(CONFIG, GENESIS, uint64(0), second, uint64(5));
        assertEq(outputs.bootFor(5), boot);
        assertEq(game.extraData(), abi.encodePacked(uint8(32), keccak256(boot)));
        assertEq(Claim.unwrap(game.rootClaim()), keccak256("output 5"));
        (uint64 l2Block, Outputs.Fate fate) = outputs.proposals(game);
        assertEq(uint256(l2Block), 5);
        assertEq(uint256(fate), uint256(Outputs.Fate.PROPOSED));
    }

    function test_propose_outOfReach_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(BlockNotBatched.selector, uint64(1), uint64(1)));
        outputs.propose(keccak256("early"), 1);
        _post(1, 40);
        vm.expectRevert(
            abi.encodeWithSelector(ProposalNotAfterAnchor.selector, uint64(0), uint64(0))
        );
        outputs.propose(keccak256("genesis again"), 0);
        vm.expectRevert(abi.encodeWithSelector(ProposalTooFar.selector, uint64(17), uint64(16)));
        outputs.propose(keccak256("far"), 17);
        vm.expectRevert(abi.encodeWithSelector(BlockNotBatched.selector, uint64(41), uint64(41)));
        inbox.batchCovering(41);
    }

    function test_finalize_wonBecomesTheAnchor_lostIsDiscarded() public {
        _post(1, 10);
        IDisputeGame wrong = _propose(keccak256("wrong 8"), 8);
        IDisputeGame right = _propose(keccak256("right 6"), 6);
        vm.expectRevert(abi.encodeWithSelector(ProposalNotResolved.selector, address(right)));
        outputs.finalize(right);
        vm.expectRevert(abi.encodeWithSelector(UnknownProposal.selector, address(this)));
        outputs.finalize(IDisputeGame(address(this)));
        vm.expectRevert(abi.encodeWithSelector(OutputNotFinalized.selector, address(right)));
        outputs.finalizedOutput(right);
        vm.expectRevert(abi.encodeWithSelector(UnknownProposal.selector, address(this)));
        outputs.finalizedOutput(IDisputeGame(address(this)));

        _lose(wrong);
        _win(right);
        outputs.finalize(wrong);
        outputs.finalize(right);
        (, Outputs.Fate wrongFate) = outputs.proposals(wrong);
        assertEq(uint256(wrongFate), uint256(Outputs.Fate.DISCARDED));
        vm.expectRevert(abi.encodeWithSelector(ProposalDiscarded.selector, address(wrong)));
        outputs.finalizedOutput(wrong);
        (bytes32 root, uint64 l2Block) = outputs.anchor();
        assertEq(root, keccak256("right 6"));
        assertEq(uint256(l2Block), 6);
        (root, l2Block) = outputs.finalizedOutput(right);
        assertEq(root, keccak256("right 6"));
        // Settling again changes nothing; the next proposal starts from the new anchor.
        outputs.finalize(right);
        (, bytes32 accumulator) = inbox.batchCovering(9);
        assertEq(
            outputs.bootFor(9),
            abi.encode(CONFIG, keccak256("right 6"), uint64(6), accumulator, uint64(9))
        );
        vm.expectRevert(
            abi.encodeWithSelector(ProposalNotAfterAnchor.selector, uint64(6), uint64(6))
        );
        outputs.bootFor(6);
    }

    function testFuzz_batchCovering_findsTheFirstBatchHoldingTheBlock(
        uint8 _batches,
        uint64 _block
    )
        public
    {
        uint64 count = uint64(_batches % 20) + 1;
        uint64 next = 1;
        for (uint64 i = 0; i < count; i++) {
            uint64 last = next + (i * 7 + 3) % 5;
            _post(next, last);
            next = last + 1;
        }
        uint64 target = _block % (next - 1) + 1;
        (uint256 index, bytes32 accumulator) = inbox.batchCovering(target);
        BatchInbox.Batch memory b = inbox.batch(index);
        assertEq(b.accumulator, accumulator);
        assertTrue(b.lastBlock >= target);
        if (index > 0) assertTrue(inbox.batch(index - 1).lastBlock < target);
    }
}
