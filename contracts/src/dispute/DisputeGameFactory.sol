// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { IPlayerRegistry } from "src/dispute/interfaces/IPlayerRegistry.sol";
import { Claim, GameType, Timestamp } from "src/dispute/lib/Types.sol";
import {
    GameAlreadyExists,
    NoImplementation,
    NotOwner,
    TooManyPlayers
} from "src/dispute/Errors.sol";

/// @title DisputeGameFactory
/// @notice Creates dispute games as EIP-1167 clones of the implementation registered for their
///         game type (Optimism's `DisputeGameFactory`), at most one per
///         `(gameType, rootClaim, extraData)`, and keeps the player registry the games store
///         claimants by.
contract DisputeGameFactory is IPlayerRegistry {
    /// @notice A created game and when it was created.
    struct GameRecord {
        IDisputeGame game;
        Timestamp createdAt;
    }

    /// @notice The semantic version of the factory.
    string public constant version = "1.0.0";

    /// @notice Who may register implementations.
    address public owner;
    /// @notice The implementation each game type clones.
    mapping(GameType => IDisputeGame) public gameImpls;
    /// @notice The game for each `getGameUUID`, if created.
    mapping(bytes32 => IDisputeGame) internal gamesByUUID;
    /// @notice Every game created, in order.
    GameRecord[] internal gameList;

    /// @inheritdoc IPlayerRegistry
    mapping(address => uint32) public playerId;
    /// @notice The account of each id; index 0 is unused so that id 0 means "none".
    address[] internal players;

    /// @notice Emitted when a game is created.
    event DisputeGameCreated(
        address indexed disputeProxy, GameType indexed gameType, Claim indexed rootClaim
    );

    /// @notice Emitted when a game type gets an implementation.
    event ImplementationSet(address indexed impl, GameType indexed gameType);

    /// @param _owner Who may register implementations.
    constructor(address _owner) {
        owner = _owner;
        players.push(address(0));
    }

    /// @notice Makes `_impl` the implementation of `_gameType` (the owner only).
    function setImplementation(GameType _gameType, IDisputeGame _impl) external {
        if (msg.sender != owner) revert NotOwner();
        gameImpls[_gameType] = _impl;
        emit ImplementationSet(address(_impl), _gameType);
    }

    /// @notice Creates a game of `_gameType` for `_rootClaim` and `_extraData`; `msg.value`
    ///         must be the root claim's bond. The caller is the proposer.
    function create(
        GameType _gameType,
        Claim _rootClaim,
        bytes calldata _extraData
    )
        external
        payable
        returns (IDisputeGame proxy_)
    {
        proxy_ = _create(_gameType, _rootClaim, _extraData, msg.sender);
    }

    /// @notice As `create`, with `_creator` as the proposer: what a contract that takes
    ///         claims for its users (the block-hash cache, the storage attestations) calls, so
    ///         that the root bond is theirs. The caller pays the bond; naming someone else
    ///         only sends that bond's fate their way.
    function createFor(
        GameType _gameType,
        Claim _rootClaim,
        bytes calldata _extraData,
        address _creator
    )
        external
        payable
        returns (IDisputeGame proxy_)
    {
        proxy_ = _create(_gameType, _rootClaim, _extraData, _creator);
    }

    /// @notice The game of `_gameType` for `_rootClaim` and `_extraData` (zero if none).
    function games(
        GameType _gameType,
        Claim _rootClaim,
        bytes calldata _extraData
    )
        external
        view
        returns (IDisputeGame proxy_, Timestamp createdAt_)
    {
        proxy_ = gamesByUUID[getGameUUID(_gameType, _rootClaim, _extraData)];
        if (address(proxy_) != address(0)) createdAt_ = proxy_.createdAt();
    }

    /// @notice The unique id of a game: `keccak256(abi.encode(type, rootClaim, extraData))`.
    function getGameUUID(
        GameType _gameType,
        Claim _rootClaim,
        bytes calldata _extraData
    )
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(_gameType, _rootClaim, _extraData));
    }

    /// @notice How many games were created.
    function gameCount() external view returns (uint256) {
        return gameList.length;
    }

    /// @notice The `_index`-th game created.
    function gameAtIndex(uint256 _index)
        external
        view
        returns (GameType gameType_, Timestamp createdAt_, IDisputeGame proxy_)
    {
        GameRecord memory record = gameList[_index];
        return (record.game.gameType(), record.createdAt, record.game);
    }

    /// @inheritdoc IPlayerRegistry
    /// @dev Anyone may register any account: an id only names it.
    function register(address _player) external returns (uint32 id_) {
        id_ = playerId[_player];
        if (id_ != 0) return id_;
        uint256 next = players.length;
        if (next >= type(uint32).max) revert TooManyPlayers();
        id_ = uint32(next);
        players.push(_player);
        playerId[_player] = id_;
        emit PlayerRegistered(_player, id_);
    }

    /// @inheritdoc IPlayerRegistry
    function playerAddress(uint32 _id) external view returns (address) {
        return _id < players.length ? players[_id] : address(0);
    }

    /// @notice Creates and initializes the game, proposed by `_creator`.
    function _create(
        GameType _gameType,
        Claim _rootClaim,
        bytes calldata _extraData,
        address _creator
    )
        internal
        returns (IDisputeGame proxy_)
    {
        IDisputeGame impl = gameImpls[_gameType];
        if (address(impl) == address(0)) revert NoImplementation(_gameType);
        bytes32 uuid = getGameUUID(_gameType, _rootClaim, _extraData);
        if (address(gamesByUUID[uuid]) != address(0)) revert GameAlreadyExists(uuid);

        proxy_ = IDisputeGame(_clone(address(impl)));
        gamesByUUID[uuid] = proxy_;
        gameList.push(
            GameRecord({ game: proxy_, createdAt: Timestamp.wrap(uint32(block.timestamp)) })
        );
        proxy_.initialize{ value: msg.value }(_rootClaim, _extraData, _creator);
        emit DisputeGameCreated(address(proxy_), _gameType, _rootClaim);
    }

    /// @notice Deploys an EIP-1167 minimal proxy of `_impl`.
    function _clone(address _impl) internal returns (address proxy_) {
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, 0x3d602d80600a3d3981f3363d3d373d3d3d363d73000000000000000000000000)
            mstore(add(ptr, 0x14), shl(0x60, _impl))
            mstore(
                add(ptr, 0x28),
                0x5af43d82803e903d91602b57fd5bf30000000000000000000000000000000000
            )
            proxy_ := create(0, ptr, 0x37)
        }
    }
}
