// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IPlayerRegistry
/// @notice Short ids for the accounts that play dispute games. A claim stores its claimant as a
///         32-bit id rather than a 160-bit address, which is what lets a whole claim fit two
///         storage slots (docs/dispute.md, "Gas"). Ids are global, so an account registers
///         once for every game, not once per game.
interface IPlayerRegistry {
    /// @notice Emitted when an account gets its id.
    event PlayerRegistered(address indexed player, uint32 indexed id);

    /// @notice The id of `_player`, registering it first if it has none. Ids start at 1.
    function register(address _player) external returns (uint32 id_);

    /// @notice The id of `_player` (0 if it has none).
    function playerId(address _player) external view returns (uint32);

    /// @notice The account with id `_id` (zero if no account has it).
    function playerAddress(uint32 _id) external view returns (address);
}
