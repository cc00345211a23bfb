// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IInferenceResults } from "src/interfaces/IInferenceResults.sol";
import { Test } from "test/lib/Test.sol";
import { AlphabetVM } from "test/mocks/AlphabetVM.sol";
import { PreimageOracle } from "src/PreimageOracle.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { IStepper } from "src/interfaces/IStepper.sol";
import {
    Claim,
    ClaimData,
    Duration,
    GameParams,
    GameStatus,
    GameType,
    Position
} from "src/dispute/lib/Types.sol";
import { LibPosition } from "src/dispute/lib/LibPosition.sol";

/// @title DisputeGameTestBase
/// @notice A factory with a game over the `AlphabetVM` trace at a small depth, and helpers to
///         play it: the honest claim at any position, moves with the right bond.
abstract contract DisputeGameTestBase is Test {
    GameType internal constant GAME_TYPE = GameType.wrap(7);
    uint256 internal constant MAX_DEPTH = 8;
    uint256 internal constant HALT_STEP = 200;
    Duration internal constant MAX_CLOCK = Duration.wrap(7 days);
    Duration internal constant EXTENSION = Duration.wrap(3 hours);
    Duration internal constant LEAF_EXTENSION = Duration.wrap(6 hours);
    Duration internal constant WITHDRAWAL_DELAY = Duration.wrap(1 days);
    uint256 internal constant BOND_BASE = 0.08 ether;
    uint256 internal constant BOND_GROWTH = 1.1e18;

    address internal constant PROPOSER = address(0xB0B);
    address internal constant CHALLENGER = address(0xC4A1);

    PreimageOracle internal oracle;
    AlphabetVM internal alphabet;
    DisputeGameFactory internal factory;
    DisputeGame internal impl;
    DisputeGame internal game;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        oracle = new PreimageOracle(IInferenceResults(address(0)));
        alphabet = new AlphabetVM(HALT_STEP, oracle);
        factory = new DisputeGameFactory(address(this));
        impl = _newImpl(IStepper(address(alphabet)), MAX_DEPTH);
        factory.setImplementation(GAME_TYPE, IDisputeGame(address(impl)));
    }

    /// @notice The split depth of the current game type (0: none; split tests set it).
    uint256 internal splitDepth;

    /// @notice How many local-data entries the current game type takes (the alphabet trace
    ///         reads none; tests of local data switch with `_useLocalEntries`).
    uint256 internal localEntries;

    /// @notice Makes `GAME_TYPE` a fresh implementation whose games take `_entries` local-data
    ///         entries.
    function _useLocalEntries(uint256 _entries) internal {
        localEntries = _entries;
        impl = _newImpl(IStepper(address(alphabet)), MAX_DEPTH);
        factory.setImplementation(GAME_TYPE, IDisputeGame(address(impl)));
    }

    /// @notice A game implementation with the test parameters over `_vm` at `_maxDepth`.
    function _newImpl(IStepper _vm, uint256 _maxDepth) internal returns (DisputeGame) {
        return new DisputeGame(
            GameParams({
                gameType: GAME_TYPE,
                absolutePrestate: Claim.wrap(alphabet.stateAt(0)),
                maxGameDepth: _maxDepth,
                splitDepth: splitDepth,
                maxClockDuration: MAX_CLOCK,
                clockExtension: EXTENSION,
                leafClockExtension: LEAF_EXTENSION,
                bondBase: BOND_BASE,
                bondGrowth: BOND_GROWTH,
                withdrawalDelay: WITHDRAWAL_DELAY,
                localEntries: localEntries
            }),
            _vm,
            factory
        );
    }

    /// @notice Creates the game for `_rootClaim` as the proposer.
    function _create(Claim _rootClaim, bytes memory _extraData) internal returns (DisputeGame) {
        uint256 bond = impl.getRequiredBond(LibPosition.wrap(0, 0));
        vm.deal(PROPOSER, 1000 ether);
        vm.prank(PROPOSER);
        game = DisputeGame(
            payable(address(factory.create{ value: bond }(GAME_TYPE, _rootClaim, _extraData)))
        );
        return game;
    }

    /// @notice The honest claim at `_position`: the state after its trace index plus one steps.
    function _honest(Position _position) internal view returns (Claim) {
        return Claim.wrap(alphabet.stateAt(_position.traceIndex(uint8(MAX_DEPTH)) + 1));
    }

    /// @notice A claim that is not the honest one at `_position`.
    function _dishonest(Position _position) internal pure returns (Claim) {
        return Claim.wrap(keccak256(abi.encode("wrong", Position.unwrap(_position))) >> 8);
    }

    /// @notice Moves against claim `_parent` as `_who`, paying the required bond.
    function _move(address _who, uint256 _parent, Claim _claim, bool _isAttack) internal {
        ClaimData memory parent = game.claimData(_parent);
        uint256 bond = game.getRequiredBond(parent.position.move(_isAttack));
        vm.deal(_who, _who.balance + bond);
        vm.prank(_who);
        game.move{ value: bond }(parent.claim, _parent, _claim, _isAttack);
    }

    /// @notice The positions (by depth) of the only path of moves from the root to the leaf at
    ///         trace index `_traceIndex` (even: moves only reach even generalized indices), and
    ///         whether each move is an attack (`isAttack_[d]` makes the claim at depth `d`).
    function _pathTo(uint256 _traceIndex)
        internal
        pure
        returns (Position[] memory path_, bool[] memory isAttack_)
    {
        require(_traceIndex % 2 == 0 && _traceIndex < (1 << MAX_DEPTH), "odd trace index");
        path_ = new Position[](MAX_DEPTH + 1);
        isAttack_ = new bool[](MAX_DEPTH + 1);
        uint64 p = uint64((1 << MAX_DEPTH) | _traceIndex);
        for (uint256 d = MAX_DEPTH; d > 0; d--) {
            path_[d] = Position.wrap(p);
            // The parent is p / 2 (attack) or p / 2 - 1 (defence): whichever a move reaches.
            uint64 up = p >> 1;
            bool viaAttack = d == 1 || up % 2 == 0;
            isAttack_[d] = viaAttack;
            p = viaAttack ? up : up - 1;
        }
        path_[0] = Position.wrap(p);
    }

    /// @notice The claim of a trace that is honest up to `_divergence` steps and wrong after.
    function _traceClaim(Position _position, uint256 _divergence) internal view returns (Claim) {
        uint256 n = _position.traceIndex(uint8(MAX_DEPTH)) + 1;
        return n <= _divergence ? _honest(_position) : _dishonest(_position);
    }

    /// @notice Plays the path to the leaf at `_traceIndex` below the existing root, every claim
    ///         from the trace that diverges after `_divergence` steps, the challenger at odd
    ///         depths and the proposer at even ones. Claim `d` sits at depth `d`.
    function _playPath(uint256 _traceIndex, uint256 _divergence) internal {
        (Position[] memory path, bool[] memory isAttack) = _pathTo(_traceIndex);
        for (uint256 d = 1; d <= MAX_DEPTH; d++) {
            _move(
                d % 2 == 1 ? CHALLENGER : PROPOSER,
                d - 1,
                _traceClaim(path[d], _divergence),
                isAttack[d]
            );
        }
    }

    /// @notice The AlphabetVM state data of the state after `_n` steps (saturating at the halt).
    function _stateData(uint256 _n) internal pure returns (bytes memory) {
        return abi.encode(_n < HALT_STEP ? _n : HALT_STEP);
    }

    /// @notice Resolves every claim, children first (reverse index order), then the game.
    function _resolveAll() internal returns (GameStatus status_) {
        for (uint256 i = game.claimDataLen(); i > 0; i--) {
            game.resolveClaim(i - 1, 0);
        }
        status_ = game.resolve();
    }
}
