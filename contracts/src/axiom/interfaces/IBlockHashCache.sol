// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IBlockHashCache
/// @notice What Axiom V0's `IAxiomV0` gives its readers: the cache of Merkle roots of
///         1024-block groups of block hashes, the witness that proves one block hash against
///         it (same struct, same check, but `false` where V0 reverts), and the event of each
///         update. V0's `isRecentBlockHashValid` (a plain `blockhash` check) and `getEmptyHash`
///         are not part of it.
interface IBlockHashCache {
    /// @notice A block hash and its path in its group's tree.
    /// @param blockNumber The block.
    /// @param claimedBlockHash Its hash.
    /// @param prevHash The hash of the block before its group (`historicalRoots`' first input).
    /// @param numFinal How many blocks of the group, from its first, the root covers.
    /// @param merkleProof The siblings from the leaf up (depth 10).
    struct BlockHashWitness {
        uint32 blockNumber;
        bytes32 claimedBlockHash;
        bytes32 prevHash;
        uint32 numFinal;
        bytes32[10] merkleProof;
    }

    /// @notice Emitted when `historicalRoots[startBlockNumber]` is written.
    event UpdateEvent(uint32 startBlockNumber, bytes32 prevHash, bytes32 root, uint32 numFinal);

    /// @notice `keccak256(prevHash ‖ root ‖ numFinal)` of the group starting at
    ///         `_startBlockNumber` (a multiple of 1024), or zero while none is cached.
    function historicalRoots(uint32 _startBlockNumber) external view returns (bytes32);

    /// @notice Whether `_witness` proves its block hash against the cache: its group's entry
    ///         matches, its path leads to the entry's root, and the block is one of the
    ///         `numFinal` the root covers.
    function isBlockHashValid(BlockHashWitness calldata _witness) external view returns (bool);
}
