// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { RollupTestBase } from "test/rollup/RollupTestBase.sol";
import { BatchInbox } from "src/rollup/BatchInbox.sol";
import {
    DepositCountOutOfRange,
    DepositWithheld,
    EmptyBatch,
    NoBlob,
    NoSuchBatch,
    NothingToForce,
    NotNextBlock,
    NotSequencer,
    TooManyBlocks
} from "src/rollup/Errors.sol";

/// @notice `BatchInbox`: only the sequencer posts, batches are contiguous, the accumulator
///         chains each batch's blob hash, range, L1 time and deposits, and no deposit can be
///         left out past the portal's bound.
contract BatchInbox_Test is RollupTestBase {
    address internal constant USER = address(0xD0D0);

    /// @notice The blob the direct `postBatch` calls of these tests carry.
    bytes32 internal constant BLOB = bytes32(uint256(0xb10b));

    function setUp() public override {
        super.setUp();
        vm.warp(1000);
        vm.deal(USER, 10 ether);
    }

    function test_postBatch_noBlob_reverts() public {
        vm.blobhashes(new bytes32[](0));
        vm.prank(SEQUENCER);
        vm.expectRevert(NoBlob.selector);
        inbox.postBatch(1, 1, 0);
    }

    function _entry(
        bytes32 _previous,
        bytes32 _blob,
        uint64 _first,
        uint64 _last,
        uint64 _time,
        uint64 _deposits
    )
        internal
        view
        returns (bytes32)
    {
        return keccak256(
            abi.encodePacked(
                _previous,
                _blob,
                _first,
                _last,
                _time,
                _deposits,
                portal.depositAccumulator(_deposits)
            )
        );
    }

    function test_postBatch_chainsTheAccumulator_succeeds() public {
        _post(1, 3, 0, bytes32(uint256(0xaa)));
        vm.warp(1012);
        vm.prank(USER);
        portal.deposit{ value: 1 ether }(USER);
        _post(4, 4, 1, bytes32(uint256(0xbbcc)));
        assertEq(inbox.batchCount(), 2);
        assertEq(inbox.nextBlock(), 5);
        bytes32 first = _entry(bytes32(0), bytes32(uint256(0xaa)), 1, 3, 1000, 0);
        BatchInbox.Batch memory one = inbox.batch(0);
        assertEq(one.accumulator, first);
        assertEq(uint256(one.lastBlock), 3);
        assertEq(uint256(one.timestamp), 1000);
        assertEq(uint256(one.depositCount), 0);
        BatchInbox.Batch memory two = inbox.batch(1);
        assertEq(two.accumulator, _entry(first, bytes32(uint256(0xbbcc)), 4, 4, 1012, 1));
        assertEq(uint256(two.depositCount), 1);
    }

    function test_postBatch_notSequencer_reverts() public {
        _carryBlob(BLOB);
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(NotSequencer.selector, address(0xBAD)));
        inbox.postBatch(1, 1, 0);
    }

    function test_postBatch_gapOrOverlap_reverts() public {
        _carryBlob(BLOB);
        vm.prank(SEQUENCER);
        vm.expectRevert(abi.encodeWithSelector(NotNextBlock.selector, uint64(1), uint64(2)));
        inbox.postBatch(2, 2, 0);
        _post(1, 2, 0, BLOB);
        vm.prank(SEQUENCER);
        vm.expectRevert(abi.encodeWithSelector(NotNextBlock.selector, uint64(3), uint64(2)));
        inbox.postBatch(2, 5, 0);
    }

    function test_postBatch_badRange_reverts() public {
        _carryBlob(BLOB);
        vm.prank(SEQUENCER);
        vm.expectRevert(abi.encodeWithSelector(EmptyBatch.selector, uint64(1), uint64(0)));
        inbox.postBatch(1, 0, 0);
        vm.prank(SEQUENCER);
        vm.expectRevert(abi.encodeWithSelector(TooManyBlocks.selector, uint64(3601), uint64(3600)));
        inbox.postBatch(1, 3601, 0);
    }

    function test_batch_unknown_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(NoSuchBatch.selector, uint256(0)));
        inbox.batch(0);
    }

    function testFuzz_postBatch_anyBlob_succeeds(bytes32 _blob, uint8 _blocks) public {
        vm.assume(_blob != bytes32(0));
        uint64 last = uint64(_blocks) + 1;
        _post(1, last, 0, _blob);
        assertEq(inbox.nextBlock(), last + 1);
        assertEq(inbox.batch(0).accumulator, _entry(bytes32(0), _blob, 1, last, 1000, 0));
    }

    function test_postBatch_depositCountOutOfRange_reverts() public {
        _carryBlob(BLOB);
        vm.prank(USER);
        portal.deposit{ value: 1 ether }(USER);
        vm.prank(SEQUENCER);
        vm.expectRevert(
            abi.encodeWithSelector(DepositCountOutOfRange.selector, uint64(2), uint64(0), 1)
        );
        inbox.postBatch(1, 1, 2);
        _post(1, 1, 1, BLOB);
        vm.prank(SEQUENCER);
        vm.expectRevert(
            abi.encodeWithSelector(DepositCountOutOfRange.selector, uint64(0), uint64(1), 1)
        );
        inbox.postBatch(2, 2, 0);
    }

    /// @notice Within the bound the sequencer may leave a deposit for a later batch; past it,
    ///         every batch that leaves it out is refused.
    function test_postBatch_depositWithheldPastTheBound_reverts() public {
        _carryBlob(BLOB);
        vm.prank(USER);
        portal.deposit{ value: 1 ether }(USER);
        vm.warp(1000 + DEPOSIT_BOUND - 1);
        _post(1, 1, 0, BLOB);
        vm.warp(1000 + DEPOSIT_BOUND);
        vm.prank(SEQUENCER);
        vm.expectRevert(
            abi.encodeWithSelector(
                DepositWithheld.selector, uint64(0), uint64(1000 + DEPOSIT_BOUND)
            )
        );
        inbox.postBatch(2, 2, 0);
        _post(2, 2, 1, BLOB);
    }

    /// @notice Once a deposit left out is overdue anyone forces every deposit in: one block,
    ///         no data, crediting all the deposits made.
    function test_forceInclude_afterTheBound_succeeds() public {
        _post(1, 4, 0, bytes32(uint256(0xaa)));
        vm.prank(USER);
        portal.deposit{ value: 1 ether }(USER);
        vm.warp(1000 + DEPOSIT_BOUND / 2);
        vm.prank(USER);
        portal.deposit{ value: 2 ether }(address(0xABC));
        vm.expectRevert(abi.encodeWithSelector(NothingToForce.selector, uint64(0)));
        inbox.forceInclude();

        vm.warp(1000 + DEPOSIT_BOUND);
        vm.prank(address(0xF00));
        inbox.forceInclude();
        BatchInbox.Batch memory forced = inbox.batch(1);
        assertEq(uint256(forced.lastBlock), 5);
        assertEq(uint256(forced.depositCount), 2);
        assertEq(
            forced.accumulator,
            _entry(inbox.batch(0).accumulator, bytes32(0), 5, 5, 1000 + DEPOSIT_BOUND, 2)
        );
        assertEq(inbox.nextBlock(), 6);
        vm.expectRevert(abi.encodeWithSelector(NothingToForce.selector, uint64(2)));
        inbox.forceInclude();
        // The sequencer goes on from the forced block.
        _post(6, 6, 2, bytes32(uint256(0xbb)));
    }
}
