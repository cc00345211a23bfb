// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

////////////////////////////////////////////////////////////////
//                     `BatchInbox` errors                    //
////////////////////////////////////////////////////////////////

/// @notice Thrown when anyone but the sequencer posts a batch.
error NotSequencer(address caller);

/// @notice Thrown when a batch does not start at the first L2 block no batch covers yet.
error NotNextBlock(uint64 expected, uint64 given);

/// @notice Thrown when a batch's last block is before its first.
error EmptyBatch(uint64 firstBlock, uint64 lastBlock);

/// @notice Thrown when a batch covers more blocks than a batch may.
error TooManyBlocks(uint64 blocks, uint64 max);

/// @notice Thrown when asked for a batch that was not posted.
error NoSuchBatch(uint256 index);

/// @notice Thrown when L2 block `l2Block` is in no batch (the inbox's next block is
///         `nextBlock`; block 0 is the genesis, never batched).
error BlockNotBatched(uint64 l2Block, uint64 nextBlock);

////////////////////////////////////////////////////////////////
//                       `Outputs` errors                     //
////////////////////////////////////////////////////////////////

/// @notice Thrown when the output game type has no split: its units must be L2 blocks.
error NotASplitGame();

/// @notice Thrown when a proposal is not after the anchor's block.
error ProposalNotAfterAnchor(uint64 l2Block, uint64 anchorBlock);

/// @notice Thrown when a proposal is further from the anchor than a game's units reach.
error ProposalTooFar(uint64 l2Block, uint64 maxBlock);

/// @notice Thrown for a game that is no proposal of this contract.
error UnknownProposal(address game);

/// @notice Thrown when finalizing a proposal whose game is not resolved.
error ProposalNotResolved(address game);

/// @notice Thrown when asking for the output of a proposal that is not finalized.
error OutputNotFinalized(address game);
