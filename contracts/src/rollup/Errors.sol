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
