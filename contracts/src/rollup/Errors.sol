// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

////////////////////////////////////////////////////////////////
//                     `BatchInbox` errors                    //
////////////////////////////////////////////////////////////////

/// @notice Thrown when anyone but the sequencer posts a batch.
error NotSequencer(address caller);

/// @notice Thrown when a batch does not start at the first L2 block no batch covers yet.
error NotNextBlock(uint64 expected, uint64 given);

/// @notice Thrown when a batch is posted by a transaction that carries no blob.
error NoBlob();

/// @notice Thrown when a batch's last block is before its first.
error EmptyBatch(uint64 firstBlock, uint64 lastBlock);

/// @notice Thrown when a batch covers more blocks than a batch may.
error TooManyBlocks(uint64 blocks, uint64 max);

/// @notice Thrown when asked for a batch that was not posted.
error NoSuchBatch(uint256 index);

/// @notice Thrown when L2 block `l2Block` is in no batch (the inbox's next block is
///         `nextBlock`; block 0 is the genesis, never batched).
error BlockNotBatched(uint64 l2Block, uint64 nextBlock);

/// @notice Thrown when a batch's deposit count is under the previous batch's or over the
///         deposits made.
error DepositCountOutOfRange(uint64 given, uint64 min, uint256 max);

/// @notice Thrown when a batch leaves out deposit `index`, which had to be batched by
///         `deadline`.
error DepositWithheld(uint64 index, uint64 deadline);

/// @notice Thrown when forcing deposits in while no deposit left out is overdue (`index`: the
///         first one the batches leave out).
error NothingToForce(uint64 index);

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

/// @notice Thrown when asking for the output of a proposal that is not finalized (yet).
error OutputNotFinalized(address game);

/// @notice Thrown when asking for the output of a proposal that lost its game.
error ProposalDiscarded(address game);

////////////////////////////////////////////////////////////////
//                        `Portal` errors                     //
////////////////////////////////////////////////////////////////

/// @notice Thrown when the portal is deployed for an inbox that reads another portal.
error PortalMismatch(address inboxPortal, address portal);

/// @notice Thrown for a deposit of no ETH.
error EmptyDeposit();

/// @notice Thrown when asking for the accumulator after more deposits than were made.
error NoSuchDeposit(uint256 count);

/// @notice Thrown when a withdrawal was already paid.
error WithdrawalAlreadyFinalized(bytes32 withdrawalHash);

/// @notice Thrown when an output root's preimage is not the finalized output's.
error InvalidOutputRootProof(bytes32 outputRoot, bytes32 proven);

/// @notice Thrown when the storage proof does not show the withdrawal in the message passer.
error InvalidWithdrawalProof(bytes32 withdrawalHash);

/// @notice Thrown when paying a withdrawal's target failed.
error WithdrawalFailed(bytes32 withdrawalHash);
