// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { LibPosition } from "src/dispute/lib/LibPosition.sol";

using LibPosition for Position global;

/// @notice A claim: the VM state hash (status in the top byte) at a point of the trace.
type Claim is bytes32;

/// @notice A node of the game tree as a generalized index `2^depth + indexAtDepth`.
type Position is uint64;

/// @notice A length of time, in seconds.
type Duration is uint32;

/// @notice A point in time, in seconds since the Unix epoch.
type Timestamp is uint32;

/// @notice Which kind of game a factory creates: one per registered implementation.
type GameType is uint32;

/// @notice Where a game stands.
enum GameStatus {
    /// The root claim is not resolved yet.
    IN_PROGRESS,
    /// The root claim was countered.
    CHALLENGER_WINS,
    /// The root claim stood.
    DEFENDER_WINS
}

/// @notice One claim of the game, as `claimData` returns it.
/// @param parentIndex The index of the claim it answers (`type(uint32).max` for the root).
/// @param counteredBy Who countered it: the `step` caller for a leaf, the claimant of its
///        leftmost uncountered child once resolved; zero while it stands.
/// @param claimant Who made it.
/// @param bond The bond it carries, in wei.
/// @param claim The claimed state hash.
/// @param position Where it sits in the game tree.
/// @param duration The time its claimant's side had used when it was made.
/// @param timestamp When it was made.
struct ClaimData {
    uint32 parentIndex;
    address counteredBy;
    address claimant;
    uint256 bond;
    Claim claim;
    Position position;
    Duration duration;
    Timestamp timestamp;
}

/// @notice What one game type is, but for the contracts it plays with: a `DisputeGame`
///         implementation's constructor parameters (docs/dispute.md, "Game types").
/// @param gameType The game type this implementation plays.
/// @param absolutePrestate The program's initial state hash.
/// @param maxGameDepth The depth of the leaves (1 to 62).
/// @param splitDepth The depth of the last unit claims (0: no split; else at most
///        `maxGameDepth - 2`, so every execution subgame has at least one level).
/// @param maxClockDuration The time on each side's clock (below 2^24 seconds).
/// @param clockExtension The time a mover is guaranteed for its next move.
/// @param leafClockExtension The time a mover is guaranteed when its next action runs the VM
///        (a step, or an execution subgame's root).
/// @param bondBase The root claim's bond, in wei.
/// @param bondGrowth The per-level bond growth, in WAD (at least 1e18).
/// @param withdrawalDelay The time between resolution and withdrawal.
/// @param localEntries How many local data the program reads: the extra data's entries.
struct GameParams {
    GameType gameType;
    Claim absolutePrestate;
    uint256 maxGameDepth;
    uint256 splitDepth;
    Duration maxClockDuration;
    Duration clockExtension;
    Duration leafClockExtension;
    uint256 bondBase;
    uint256 bondGrowth;
    Duration withdrawalDelay;
    uint256 localEntries;
}
