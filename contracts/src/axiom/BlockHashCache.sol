// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { Claim, GameStatus, GameType } from "src/dispute/lib/Types.sol";
import { GameNotWon, NoGameImplementation } from "src/dispute/Errors.sol";
import { IBlockHashCache } from "src/axiom/interfaces/IBlockHashCache.sol";
import { OptimisticClaims } from "src/dispute/OptimisticClaims.sol";
import {
    BlockHashUnavailable,
    IncompleteGroup,
    InvalidEndHashProof,
    InvalidHistoricalGameType,
    InvalidHistoricalStart,
    NextGroupMismatch,
    NotRecentlyAnchored,
    OutputMismatch,
    StaleUpdate
} from "src/axiom/Errors.sol";

/// @notice The one view of a split game the cache reads at deployment.
interface ISplitGame {
    function splitDepth() external view returns (uint256);
}

/// @title BlockHashCache
/// @notice Axiom V0's block-hash cache (`AxiomV0`), optimistic: `historicalRoots[start]` is
///         `keccak256(prevHash ‖ root ‖ numFinal)` for the 1024-block group from `start`, where
///         `root` is the depth-10 Merkle root of the group's block hashes (those from
///         `numFinal` on zero) — V0's values, bit for bit — but an update is a claim over the
///         header-chain guest (`program/header-chain`, docs/axiom.md) instead of a ZK proof.
///
///         The guest takes one block hash, the anchor, fetches headers by hash back to the
///         first block of the anchor's group, checks every parent link and outputs
///         `abi.encode(start, prevHash, root, numFinal)`. A claim states the final state of
///         that run for an anchor the contract trusts:
///         - `claimRecent`: `blockhash()` of one of the last 256 blocks, checked when the
///           claim is made (the window would be gone by the time it is decided);
///         - `claimOld`: any hash, checked when the update is applied by `updateOld`: it must
///           be the `prevHash` of the next group's cached entry, so the update extends the
///           cache backwards from what is already proven.
///         Once the claim's game has resolved for the claimant, `updateRecent` / `updateOld`
///         apply the output the final state commits to, and emit V0's `UpdateEvent`. An
///         entry only grows: an update must cover more of its group than the cached one
///         (`cachedNumFinal`), so a won update applies once and an older one cannot replace a
///         newer one.
///
///         `updateHistorical` adds 128 complete groups at once (131,072 headers), backwards
///         from a cached group like `updateOld`, with V0's signature. Its claim is a split game
///         (`claimHistorical`, docs/axiom.md): the units are the 128 groups, newest first,
///         each run by the `header-chain-unit` guest from the previous group's `prevHash`, and
///         the commitment after unit `u` is `keccak256(c_(u-1) ‖ abi.encode(start, prevHash,
///         root, 1024))` of its group (`c` before the first unit is zero). A dispute bisects
///         over the groups, then runs the one disputed group's header chain in the VM.
///
///         `isBlockHashValid` returns `false` where V0's reverts (a zero hash, an uncached
///         group), and also for a block at or past `numFinal` (defence in depth: the leaves
///         there are zero, so only a zero hash could have a path).
contract BlockHashCache is IBlockHashCache, OptimisticClaims {
    /// @notice The output of the header-chain guest (`axon_axiom::group::GroupClaimAbi`).
    /// @param start The group's first block (a multiple of 1024).
    /// @param prevHash The hash of block `start - 1` (zero for the group of genesis).
    /// @param root The Merkle root of the group's block hashes.
    /// @param numFinal How many of the group's blocks the root covers.
    struct GroupUpdate {
        uint32 start;
        bytes32 prevHash;
        bytes32 root;
        uint32 numFinal;
    }

    /// @notice The semantic version of the cache.
    string public constant version = "1.0.0";

    /// @notice Blocks in a group.
    uint32 internal constant GROUP_SIZE = 1024;

    /// @notice Levels of a group's tree.
    uint256 internal constant TREE_DEPTH = 10;

    /// @notice Groups in one `updateHistorical` (V0's `HISTORICAL_NUM_ROOTS`).
    uint256 internal constant HISTORICAL_NUM_ROOTS = 128;

    /// @notice The split depth of the historical game type: 2^7 units, one per group.
    uint256 internal constant HISTORICAL_SPLIT_DEPTH = 7;

    /// @notice The split game type of `updateHistorical` claims at the factory.
    GameType internal immutable HISTORICAL_GAME_TYPE;
    /// @notice The code hash of that type's games (see `OptimisticClaims.GAME_CODEHASH`).
    bytes32 internal immutable HISTORICAL_CODEHASH;

    /// @inheritdoc IBlockHashCache
    mapping(uint32 => bytes32) public historicalRoots;

    /// @notice The `numFinal` of each cached group's entry (0: none): an update must raise it.
    mapping(uint32 => uint32) public cachedNumFinal;

    /// @notice The games whose anchor `claimRecent` checked against `blockhash()`.
    mapping(IDisputeGame => bool) public recentlyAnchored;

    /// @notice Emitted for each claim: the game deciding it and the anchor it runs from.
    event UpdateClaimed(IDisputeGame indexed game, bytes32 indexed anchor, bool recent);

    /// @notice Emitted for each `claimHistorical`: the game deciding it and its end hash.
    event HistoricalUpdateClaimed(IDisputeGame indexed game, bytes32 indexed endHash);

    /// @param _factory The factory games are created at.
    /// @param _gameType The header-chain guest's game type there.
    /// @param _historicalGameType The split game type of `updateHistorical` claims there (its
    ///        units the 128 groups, its executions the `header-chain-unit` guest's).
    constructor(
        DisputeGameFactory _factory,
        GameType _gameType,
        GameType _historicalGameType
    )
        OptimisticClaims(_factory, _gameType)
    {
        address impl = address(_factory.gameImpls(_historicalGameType));
        if (impl == address(0)) revert NoGameImplementation(_historicalGameType);
        // Its units are exactly the 128 groups: a split at depth 7.
        if (
            GameType.unwrap(_historicalGameType) == GameType.unwrap(_gameType)
                || ISplitGame(impl).splitDepth() != HISTORICAL_SPLIT_DEPTH
        ) revert InvalidHistoricalGameType(_historicalGameType);
        HISTORICAL_GAME_TYPE = _historicalGameType;
        HISTORICAL_CODEHASH = _cloneCodehash(impl);
    }

    /// @notice The split game type of `updateHistorical` claims.
    function historicalGameType() external view returns (GameType) {
        return HISTORICAL_GAME_TYPE;
    }

    ////////////////////////////////////////////////////////////////
    //                          Claims                            //
    ////////////////////////////////////////////////////////////////

    /// @notice Claims that the header-chain guest run from the hash of recent block
    ///         `_blockNumber` ends in `_finalState`; `msg.value` is the game's root bond
    ///         (none when the game exists already).
    function claimRecent(
        uint32 _blockNumber,
        Claim _finalState
    )
        external
        payable
        returns (IDisputeGame game_)
    {
        bytes32 anchor = blockhash(_blockNumber);
        if (anchor == bytes32(0)) revert BlockHashUnavailable(_blockNumber);
        game_ = _claim(_finalState, anchor);
        recentlyAnchored[game_] = true;
        emit UpdateClaimed(game_, anchor, true);
    }

    /// @notice Claims that the header-chain guest run from `_anchor`, the last block hash of
    ///         an older group, ends in `_finalState` (`updateOld` checks the anchor).
    function claimOld(
        bytes32 _anchor,
        Claim _finalState
    )
        external
        payable
        returns (IDisputeGame game_)
    {
        game_ = _claim(_finalState, _anchor);
        emit UpdateClaimed(game_, _anchor, false);
    }

    /// @notice Claims that the 128 groups before the block whose hash is `_endHash` (the
    ///         `prevHash` of a cached group: `updateHistorical` checks it) chain to
    ///         `_commitment` (see the contract notice); `msg.value` is the root bond.
    function claimHistorical(
        bytes32 _endHash,
        Claim _commitment
    )
        external
        payable
        returns (IDisputeGame game_)
    {
        game_ = _claimOf(HISTORICAL_GAME_TYPE, HISTORICAL_CODEHASH, _commitment, _endHash);
        emit HistoricalUpdateClaimed(game_, _endHash);
    }

    ////////////////////////////////////////////////////////////////
    //                         Updates                            //
    ////////////////////////////////////////////////////////////////

    /// @notice Applies the update a won `claimRecent` game proves (V0's `updateRecent`).
    function updateRecent(OutputProof calldata _proof, GroupUpdate calldata _update) external {
        if (!recentlyAnchored[_proof.game]) revert NotRecentlyAnchored(_proof.game);
        _apply(_proof, _update);
    }

    /// @notice Applies the update a won game proves for the group before the cached group
    ///         `_update.start + 1024`, whose entry must be `keccak256(anchor ‖ _nextRoot ‖
    ///         _nextNumFinal)` (V0's `updateOld`).
    function updateOld(
        bytes32 _nextRoot,
        uint32 _nextNumFinal,
        OutputProof calldata _proof,
        GroupUpdate calldata _update
    )
        external
    {
        if (_update.numFinal != GROUP_SIZE) revert IncompleteGroup(_update.numFinal);
        uint32 nextStart = _update.start + GROUP_SIZE;
        bytes32 anchor = _inputOf(_proof.game);
        if (
            historicalRoots[nextStart]
                != keccak256(abi.encodePacked(anchor, _nextRoot, _nextNumFinal))
        ) {
            revert NextGroupMismatch(nextStart);
        }
        _apply(_proof, _update);
    }

    /// @notice Caches the 128 complete groups from `startBlockNumber` that a won
    ///         `claimHistorical` game proves (V0's `updateHistorical`): the group after them
    ///         must be cached as `keccak256(endHash ‖ _nextRoot ‖ _nextNumFinal)`, `endHash`
    ///         being the game's input; `_roots` are the groups' roots, oldest first;
    ///         `_endHashProofs[i]` is the last block hash of group `i` (element 10) and its
    ///         Merkle path in `_roots[i]` (elements 0 to 9), which gives group `i + 1`'s
    ///         `prevHash`. Emits V0's `UpdateEvent` for each group.
    /// @param _proofData `abi.encode(game, startBlockNumber, startHash)`: the won game, the
    ///        first group's first block, and the hash of the block before it.
    function updateHistorical(
        bytes32 _nextRoot,
        uint32 _nextNumFinal,
        bytes32[HISTORICAL_NUM_ROOTS] calldata _roots,
        bytes32[TREE_DEPTH + 1][HISTORICAL_NUM_ROOTS - 1] calldata _endHashProofs,
        bytes calldata _proofData
    )
        external
    {
        (IDisputeGame game, uint32 start, bytes32 startHash) =
            abi.decode(_proofData, (IDisputeGame, uint32, bytes32));
        if (start % GROUP_SIZE != 0) revert InvalidHistoricalStart(start);
        _checkKnown(game, HISTORICAL_GAME_TYPE, HISTORICAL_CODEHASH);
        if (game.status() != GameStatus.DEFENDER_WINS) revert GameNotWon(game);
        uint32 nextStart = start + uint32(HISTORICAL_NUM_ROOTS) * GROUP_SIZE;
        if (
            historicalRoots[nextStart]
                != keccak256(abi.encodePacked(_inputOf(game), _nextRoot, _nextNumFinal))
        ) {
            revert NextGroupMismatch(nextStart);
        }
        bytes32[HISTORICAL_NUM_ROOTS] memory prevHashes =
            _prevHashes(startHash, _roots, _endHashProofs);
        bytes32 commitment = _historicalCommitment(start, prevHashes, _roots);
        bytes32 claimed = Claim.unwrap(game.rootClaim());
        if (commitment != claimed) revert OutputMismatch(claimed, commitment);
        for (uint256 i = 0; i < HISTORICAL_NUM_ROOTS; i++) {
            uint32 groupStart = start + uint32(i) * GROUP_SIZE;
            cachedNumFinal[groupStart] = GROUP_SIZE;
            historicalRoots[groupStart] =
                keccak256(abi.encodePacked(prevHashes[i], _roots[i], GROUP_SIZE));
            emit UpdateEvent(groupStart, prevHashes[i], _roots[i], GROUP_SIZE);
        }
    }

    ////////////////////////////////////////////////////////////////
    //                          Reads                             //
    ////////////////////////////////////////////////////////////////

    /// @inheritdoc IBlockHashCache
    function isBlockHashValid(BlockHashWitness calldata _witness) external view returns (bool) {
        if (_witness.claimedBlockHash == bytes32(0)) return false;
        uint32 side = _witness.blockNumber % GROUP_SIZE;
        if (side >= _witness.numFinal) return false;
        bytes32 node = _witness.claimedBlockHash;
        for (uint256 level = 0; level < TREE_DEPTH; level++) {
            bytes32 sibling = _witness.merkleProof[level];
            node = (side >> level) & 1 == 0
                ? keccak256(abi.encodePacked(node, sibling))
                : keccak256(abi.encodePacked(sibling, node));
        }
        return historicalRoots[_witness.blockNumber - side]
            == keccak256(abi.encodePacked(_witness.prevHash, node, _witness.numFinal));
    }

    ////////////////////////////////////////////////////////////////
    //                        Internals                           //
    ////////////////////////////////////////////////////////////////

    /// @notice Each of the 128 groups' `prevHash`: `_startHash` for the first, the last block
    ///         hash of the group before (`_endHashProofs`, checked against its root) for the
    ///         others.
    function _prevHashes(
        bytes32 _startHash,
        bytes32[HISTORICAL_NUM_ROOTS] calldata _roots,
        bytes32[TREE_DEPTH + 1][HISTORICAL_NUM_ROOTS - 1] calldata _endHashProofs
    )
        internal
        pure
        returns (bytes32[HISTORICAL_NUM_ROOTS] memory prevHashes_)
    {
        prevHashes_[0] = _startHash;
        for (uint256 i = 1; i < HISTORICAL_NUM_ROOTS; i++) {
            bytes32[TREE_DEPTH + 1] calldata proof = _endHashProofs[i - 1];
            // The last leaf is the right child at every level.
            bytes32 node = proof[TREE_DEPTH];
            for (uint256 level = 0; level < TREE_DEPTH; level++) {
                node = keccak256(abi.encodePacked(proof[level], node));
            }
            if (node != _roots[i - 1]) revert InvalidEndHashProof(i - 1);
            prevHashes_[i] = proof[TREE_DEPTH];
        }
    }

    /// @notice The commitment after the 128 units of a historical claim from `_start`: the
    ///         groups newest first, each chained as `keccak256(previous ‖ abi.encode(start,
    ///         prevHash, root, 1024))` (`c` before the first unit is zero).
    function _historicalCommitment(
        uint32 _start,
        bytes32[HISTORICAL_NUM_ROOTS] memory _groupPrevHashes,
        bytes32[HISTORICAL_NUM_ROOTS] calldata _roots
    )
        internal
        pure
        returns (bytes32 commitment_)
    {
        for (uint256 u = 0; u < HISTORICAL_NUM_ROOTS; u++) {
            uint256 i = HISTORICAL_NUM_ROOTS - 1 - u;
            uint32 groupStart = _start + uint32(i) * GROUP_SIZE;
            commitment_ = keccak256(
                abi.encode(commitment_, groupStart, _groupPrevHashes[i], _roots[i], GROUP_SIZE)
            );
        }
    }

    /// @notice Writes `_update` once `_proof` shows the guest output exactly it.
    function _apply(OutputProof calldata _proof, GroupUpdate calldata _update) internal {
        bytes32 output = keccak256(abi.encode(_update));
        bytes32 committed = _acceptedCommitment(_proof);
        if (committed != output) revert OutputMismatch(committed, output);
        uint32 cached = cachedNumFinal[_update.start];
        if (_update.numFinal <= cached) {
            revert StaleUpdate(_update.start, cached, _update.numFinal);
        }
        cachedNumFinal[_update.start] = _update.numFinal;
        historicalRoots[_update.start] =
            keccak256(abi.encodePacked(_update.prevHash, _update.root, _update.numFinal));
        emit UpdateEvent(_update.start, _update.prevHash, _update.root, _update.numFinal);
    }
}
