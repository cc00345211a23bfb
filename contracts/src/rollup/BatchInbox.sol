// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Portal } from "src/rollup/Portal.sol";
import {
    BlockNotBatched,
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

/// @title BatchInbox
/// @notice Where the sequencer posts the L2 chain's blocks (docs/rollup.md): each batch is the
///         blocks `firstBlock..=lastBlock` — their timestamps and signed transactions,
///         compressed — in the EIP-4844 blob its transaction carries. A validator derives the
///         L2 chain from these batches alone, reading the blobs from an L1 beacon node; the
///         fraud proof reads them one field element at a time (the preimage oracle's key
///         type 5, opened with KZG proofs).
///
///         The contract cannot read a batch (a blob is not in the EVM); it only holds what
///         derivation and proofs need to agree on which data is the chain: batches are
///         contiguous and in order (a batch starts at the block after the last one batched),
///         each is named by its blob's versioned hash (zero for a forced batch, which has no
///         data), and an accumulator
///         chains them with their block range and the L1 time they were posted at, so that one
///         word names every batch up to it. What a batch's data means, including data that does
///         not decode, is derivation's rule (docs/rollup.md), the same for the node and for the
///         fraud proof.
///
///         Each batch also names how many of the `Portal`'s deposits the L2 has credited by its
///         last block, and the deposit accumulator there: derivation credits them. A batch that
///         leaves out a deposit older than the portal's bound is refused, and once a deposit is
///         that old, anyone may force it in (`forceInclude`): a sequencer cannot withhold
///         deposits.
///
///         Only the sequencer posts. The L2 chain's safe head is the last block of the last
///         batch; its finalized head the same read at L1's finalized block.
contract BatchInbox {
    /// @notice One posted batch: two storage slots.
    /// @param accumulator `keccak256(previous accumulator ‖ blob hash ‖ firstBlock ‖ lastBlock
    ///        ‖ timestamp ‖ depositCount ‖ deposit accumulator)` (128 bytes), the previous one
    ///        zero before the first batch.
    /// @param lastBlock The batch's last L2 block.
    /// @param timestamp The L1 time it was posted at.
    /// @param depositCount How many deposits the L2 has credited by its last block.
    struct Batch {
        bytes32 accumulator;
        uint64 lastBlock;
        uint64 timestamp;
        uint64 depositCount;
    }

    /// @notice The semantic version.
    string public constant version = "2.0.0";

    /// @notice The most L2 blocks one batch may cover: a bound on the work one batch asks of
    ///         derivation (an hour of one-second blocks).
    uint64 public constant MAX_BLOCKS_PER_BATCH = 3600;

    /// @notice The only account that may post.
    address public immutable SEQUENCER;

    /// @notice Where deposits are made.
    Portal public immutable PORTAL;

    /// @notice The batches, by index.
    mapping(uint256 => Batch) internal batches;

    /// @notice How many batches were posted.
    uint256 public batchCount;

    /// @notice The first L2 block no batch covers (block 0 is the genesis, never batched).
    uint64 public nextBlock = 1;

    /// @notice Emitted for each batch.
    event BatchPosted(
        uint256 indexed index,
        uint64 firstBlock,
        uint64 lastBlock,
        bytes32 blobHash,
        uint64 depositCount,
        bytes32 depositAccumulator,
        bytes32 accumulator
    );

    /// @param _sequencer The account that posts batches.
    /// @param _portal Where deposits are made.
    constructor(address _sequencer, Portal _portal) {
        SEQUENCER = _sequencer;
        PORTAL = _portal;
    }

    /// @notice Posts the L2 blocks `_firstBlock..=_lastBlock` as the transaction's first blob
    ///         (docs/rollup.md has the format); other blobs are not read.
    /// @param _firstBlock The batch's first L2 block: `nextBlock`.
    /// @param _lastBlock Its last.
    /// @param _depositCount How many deposits the L2 has credited by `_lastBlock`: at least
    ///        the previous batch's, at most the portal's, and leaving out no overdue deposit.
    function postBatch(uint64 _firstBlock, uint64 _lastBlock, uint64 _depositCount) external {
        if (msg.sender != SEQUENCER) revert NotSequencer(msg.sender);
        bytes32 blob = blobhash(0);
        if (blob == bytes32(0)) revert NoBlob();
        uint64 next = nextBlock;
        if (_firstBlock != next) revert NotNextBlock(next, _firstBlock);
        if (_lastBlock < _firstBlock) revert EmptyBatch(_firstBlock, _lastBlock);
        uint64 blocks = _lastBlock - _firstBlock + 1;
        if (blocks > MAX_BLOCKS_PER_BATCH) revert TooManyBlocks(blocks, MAX_BLOCKS_PER_BATCH);
        uint64 credited = _credited();
        uint256 made = PORTAL.depositCount();
        if (_depositCount < credited || _depositCount > made) {
            revert DepositCountOutOfRange(_depositCount, credited, made);
        }
        if (PORTAL.overdue(_depositCount)) {
            revert DepositWithheld(_depositCount, PORTAL.depositDeadline(_depositCount));
        }
        _append(_firstBlock, _lastBlock, blob, _depositCount);
    }

    /// @notice Forces every deposit made so far into the L2 once one the batches leave out is
    ///         overdue: anyone may call it. It appends a batch of one block and no data, which
    ///         derivation makes the empty block crediting the deposits.
    function forceInclude() external {
        uint64 credited = _credited();
        if (!PORTAL.overdue(credited)) revert NothingToForce(credited);
        uint64 next = nextBlock;
        _append(next, next, bytes32(0), uint64(PORTAL.depositCount()));
    }

    /// @notice How many deposits the batches so far credit.
    function _credited() internal view returns (uint64) {
        uint256 count = batchCount;
        return count == 0 ? 0 : batches[count - 1].depositCount;
    }

    /// @notice Appends a batch and chains it into the accumulator.
    function _append(
        uint64 _firstBlock,
        uint64 _lastBlock,
        bytes32 _blobHash,
        uint64 _depositCount
    )
        internal
    {
        uint256 index = batchCount;
        bytes32 previous = index == 0 ? bytes32(0) : batches[index - 1].accumulator;
        uint64 timestamp = uint64(block.timestamp);
        bytes32 deposits = PORTAL.depositAccumulator(_depositCount);
        bytes32 accumulator = keccak256(
            abi.encodePacked(
                previous, _blobHash, _firstBlock, _lastBlock, timestamp, _depositCount, deposits
            )
        );
        batches[index] = Batch({
            accumulator: accumulator,
            lastBlock: _lastBlock,
            timestamp: timestamp,
            depositCount: _depositCount
        });
        batchCount = index + 1;
        nextBlock = _lastBlock + 1;
        emit BatchPosted(
            index, _firstBlock, _lastBlock, _blobHash, _depositCount, deposits, accumulator
        );
    }

    /// @notice Batch `_index`.
    function batch(uint256 _index) external view returns (Batch memory) {
        if (_index >= batchCount) revert NoSuchBatch(_index);
        return batches[_index];
    }

    /// @notice The first batch holding L2 block `_l2Block`, and its accumulator: the word
    ///         that names every batch a proof of that block needs (binary search: a batch's
    ///         last block grows with its index).
    function batchCovering(uint64 _l2Block)
        external
        view
        returns (uint256 index_, bytes32 accumulator_)
    {
        if (_l2Block == 0 || _l2Block >= nextBlock) {
            revert BlockNotBatched(_l2Block, nextBlock);
        }
        uint256 low = 0;
        uint256 high = batchCount - 1;
        while (low < high) {
            uint256 mid = (low + high) / 2;
            if (batches[mid].lastBlock < _l2Block) low = mid + 1;
            else high = mid;
        }
        return (low, batches[low].accumulator);
    }
}
