// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { BatchInbox } from "src/rollup/BatchInbox.sol";
import {
    EmptyBatch,
    NoSuchBatch,
    NotNextBlock,
    NotSequencer,
    TooManyBlocks
} from "src/rollup/Errors.sol";

/// @notice `BatchInbox`: only the sequencer posts, batches are contiguous, and the
///         accumulator chains each batch's data hash, range and L1 time.
contract BatchInbox_Test is Test {
    address internal constant SEQUENCER = address(0x5E0);
    BatchInbox internal inbox;

    function setUp() public {
        inbox = new BatchInbox(SEQUENCER);
        vm.warp(1000);
    }

    function _post(uint64 _first, uint64 _last, bytes memory _data) internal {
        vm.prank(SEQUENCER);
        inbox.postBatch(_first, _last, _data);
    }

    function test_postBatch_chainsTheAccumulator_succeeds() public {
        _post(1, 3, hex"aa");
        vm.warp(1012);
        _post(4, 4, hex"bbcc");
        assertEq(inbox.batchCount(), 2);
        assertEq(inbox.nextBlock(), 5);
        bytes32 first = keccak256(
            abi.encodePacked(bytes32(0), keccak256(hex"aa"), uint64(1), uint64(3), uint64(1000))
        );
        BatchInbox.Batch memory one = inbox.batch(0);
        assertEq(one.accumulator, first);
        assertEq(uint256(one.lastBlock), 3);
        assertEq(uint256(one.timestamp), 1000);
        bytes32 second = keccak256(
            abi.encodePacked(first, keccak256(hex"bbcc"), uint64(4), uint64(4), uint64(1012))
        );
        assertEq(inbox.batch(1).accumulator, second);
    }

    function test_postBatch_notSequencer_reverts() public {
        vm.prank(address(0xBAD));
        vm.expectRevert(abi.encodeWithSelector(NotSequencer.selector, address(0xBAD)));
        inbox.postBatch(1, 1, hex"");
    }

    function test_postBatch_gapOrOverlap_reverts() public {
        vm.prank(SEQUENCER);
        vm.expectRevert(abi.encodeWithSelector(NotNextBlock.selector, uint64(1), uint64(2)));
        inbox.postBatch(2, 2, hex"");
        _post(1, 2, hex"");
        vm.prank(SEQUENCER);
        vm.expectRevert(abi.encodeWithSelector(NotNextBlock.selector, uint64(3), uint64(2)));
        inbox.postBatch(2, 5, hex"");
    }

    function test_postBatch_badRange_reverts() public {
        vm.prank(SEQUENCER);
        vm.expectRevert(abi.encodeWithSelector(EmptyBatch.selector, uint64(1), uint64(0)));
        inbox.postBatch(1, 0, hex"");
        vm.prank(SEQUENCER);
        vm.expectRevert(abi.encodeWithSelector(TooManyBlocks.selector, uint64(3601), uint64(3600)));
        inbox.postBatch(1, 3601, hex"");
    }

    function test_batch_unknown_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(NoSuchBatch.selector, uint256(0)));
        inbox.batch(0);
    }

    function testFuzz_postBatch_anyData_succeeds(bytes calldata _data, uint8 _blocks) public {
        uint64 last = uint64(_blocks) + 1;
        _post(1, last, _data);
        assertEq(inbox.nextBlock(), last + 1);
        assertEq(
            inbox.batch(0).accumulator,
            keccak256(abi.encodePacked(bytes32(0), keccak256(_data), uint64(1), last, uint64(1000)))
        );
    }
}
