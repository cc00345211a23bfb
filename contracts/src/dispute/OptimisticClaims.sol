// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { LibGameOutput, OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { Claim, GameType } from "src/dispute/lib/Types.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import {
    ClaimNotValidStatus,
    GameAlreadyBonded,
    GameImplementationChanged,
    NoGameImplementation,
    UnknownGame
} from "src/dispute/Errors.sol";

/// @title OptimisticClaims
/// @notice A contract that accepts the outputs of one guest program optimistically: a claim
///         is a dispute game of the program's game type over a 32-byte input (its one local
///         datum), whose root claim is the final state of a successful run; the output is
///         accepted once that game resolved `DEFENDER_WINS` — after its challenge window
///         (the game's clock) if nobody disputed it, or by winning the bisection — given the
///         final state and a memory proof of its output commitment (`LibGameOutput`).
///
///         Games are the factory's, one per `(game type, final state, input)`: a claim whose
///         game exists already (someone created it at the factory directly) adopts it,
///         unbonded (a bonded claim of an existing game reverts, and is retried without the
///         bond). Only clones of the implementation the game type had when this contract was
///         deployed count (`GAME_CODEHASH`): the factory's owner can point the type at another
///         implementation, but not make this contract accept that one's games — a new
///         implementation needs a new contract. A claim checks this too, before it creates a
///         game or takes a bond: it does not create a game it could never accept, nor adopt
///         one.
abstract contract OptimisticClaims {
    /// @notice The factory games are created at.
    DisputeGameFactory internal immutable FACTORY;
    /// @notice The game type of the program whose outputs are accepted.
    GameType internal immutable GAME_TYPE;
    /// @notice The code hash of the factory's EIP-1167 clones of the game type's
    ///         implementation at deployment: its program, depth, clocks and verifier.
    bytes32 internal immutable GAME_CODEHASH;

    /// @param _factory The factory games are created at.
    /// @param _gameType The program's game type there (it must have an implementation).
    constructor(DisputeGameFactory _factory, GameType _gameType) {
        FACTORY = _factory;
        GAME_TYPE = _gameType;
        address impl = address(_factory.gameImpls(_gameType));
        if (impl == address(0)) revert NoGameImplementation(_gameType);
        GAME_CODEHASH = _cloneCodehash(impl);
    }

    /// @notice The factory games are created at.
    function factory() external view returns (DisputeGameFactory) {
        return FACTORY;
    }

    /// @notice The game type of the program whose outputs are accepted.
    function gameType() external view returns (GameType) {
        return GAME_TYPE;
    }

    /// @notice The game's extra data for the program input `_input`: one local datum of 32
    ///         bytes.
    function extraDataFor(bytes32 _input) public pure returns (bytes memory) {
        return abi.encodePacked(uint8(32), _input);
    }

    /// @notice The game claiming that the program run on `_input` ends in `_finalState`,
    ///         created with `msg.value` as its bond and the caller as its proposer, or the
    ///         existing one (then unbonded).
    /// @dev Reverts with `GameImplementationChanged` before creating a game (and taking its
    ///      bond) when the game type's implementation is no longer the one of `GAME_CODEHASH`,
    ///      and with `UnknownGame` when the existing game is not a clone of that one: either
    ///      game would be refused when its output is applied (`_acceptedCommitment`).
    function _claim(Claim _finalState, bytes32 _input) internal returns (IDisputeGame game_) {
        uint8 status = uint8(uint256(Claim.unwrap(_finalState)) >> 248);
        if (status != AxonABI.STATUS_VALID) revert ClaimNotValidStatus(status);
        game_ = _claimOf(GAME_TYPE, GAME_CODEHASH, _finalState, _input);
    }

    /// @notice `_claim` for a game of `_gameType` whose clones have code hash `_codehash`, with
    ///         any root claim (a split game's root is a unit commitment, not a VM state).
    function _claimOf(
        GameType _gameType,
        bytes32 _codehash,
        Claim _rootClaim,
        bytes32 _input
    )
        internal
        returns (IDisputeGame game_)
    {
        bytes memory extraData = extraDataFor(_input);
        (game_,) = FACTORY.games(_gameType, _rootClaim, extraData);
        if (address(game_) == address(0)) {
            IDisputeGame impl = FACTORY.gameImpls(_gameType);
            if (_cloneCodehash(address(impl)) != _codehash) {
                revert GameImplementationChanged(_gameType, impl);
            }
            game_ =
                FACTORY.createFor{ value: msg.value }(_gameType, _rootClaim, extraData, msg.sender);
        } else if (address(game_).codehash != _codehash) {
            revert UnknownGame(game_);
        } else if (msg.value != 0) {
            revert GameAlreadyBonded(game_);
        }
    }

    /// @notice The output commitment `_proof` proves, from a game of this contract's type
    ///         (see `LibGameOutput.commitment`).
    function _acceptedCommitment(OutputProof calldata _proof)
        internal
        view
        returns (bytes32 commitment_)
    {
        _checkKnown(_proof.game, GAME_TYPE, GAME_CODEHASH);
        commitment_ = LibGameOutput.commitment(_proof);
    }

    /// @notice Reverts with `UnknownGame` unless `_game` is the factory's game of `_gameType`
    ///         for its root claim and extra data, a clone of the implementation `_codehash`
    ///         names.
    function _checkKnown(IDisputeGame _game, GameType _gameType, bytes32 _codehash) internal view {
        if (address(_game).codehash != _codehash) revert UnknownGame(_game);
        (IDisputeGame known,) = FACTORY.games(_gameType, _game.rootClaim(), _game.extraData());
        if (address(known) != address(_game)) revert UnknownGame(_game);
    }

    /// @notice The code hash of the factory's EIP-1167 clones of `_impl`.
    function _cloneCodehash(address _impl) internal pure returns (bytes32) {
        return keccak256(
            abi.encodePacked(hex"363d3d373d3d3d363d73", _impl, hex"5af43d82803e903d91602b57fd5bf3")
        );
    }

    /// @notice The program input a game of this contract's type runs on: its one local datum,
    ///         which must be the canonical 32-byte entry `extraDataFor(input)`. The game
    ///         accepts any canonical entry, a shorter one too, on which the guest runs another
    ///         input; and anyone can create such a game at the factory, where no honest
    ///         client would play it: its outcome says nothing about the 32-byte input.
    function _inputOf(IDisputeGame _game) internal view returns (bytes32 input_) {
        bytes memory extraData = _game.extraData();
        assembly ("memory-safe") {
            // Byte 0 is the size; the word follows.
            input_ := mload(add(extraData, 0x21))
        }
        if (keccak256(extraData) != keccak256(extraDataFor(input_))) revert UnknownGame(_game);
    }
}
