// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Claim, GameStatus, GameType, Timestamp } from "src/dispute/lib/Types.sol";

/// @title IDisputeGame
/// @notice What the factory and outside contracts need of a dispute game: its identity (type,
///         root claim, extra data), its creation, and its outcome.
interface IDisputeGame {
    /// @notice Emitted when the game is resolved.
    event Resolved(GameStatus indexed status);

    /// @notice Sets up a clone: called once, by the factory, with the root claim's bond.
    /// @param _rootClaim The claimed final state hash (VM status in its top byte).
    /// @param _extraData The local data the program reads (see `DisputeGame`).
    /// @param _creator Who proposed the root claim and pays its bond.
    function initialize(
        Claim _rootClaim,
        bytes calldata _extraData,
        address _creator
    )
        external
        payable;

    /// @notice Resolves the game once its root claim is resolved.
    function resolve() external returns (GameStatus status_);

    /// @notice The game's outcome so far.
    function status() external view returns (GameStatus);

    /// @notice The kind of game.
    function gameType() external view returns (GameType);

    /// @notice The claimed final state.
    function rootClaim() external view returns (Claim);

    /// @notice The local data the program reads.
    function extraData() external view returns (bytes memory);

    /// @notice When the game was created.
    function createdAt() external view returns (Timestamp);

    /// @notice When the game was resolved (zero while in progress).
    function resolvedAt() external view returns (Timestamp);
}
