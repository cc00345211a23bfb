// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { PreimageOracle } from "src/PreimageOracle.sol";
import { RISCV } from "src/riscv/RISCV.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { LibPosition } from "src/dispute/lib/LibPosition.sol";
import { Claim, Duration, GameParams, GameStatus, GameType } from "src/dispute/lib/Types.sol";
import { IInferenceResults } from "src/interfaces/IInferenceResults.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";
import { IStepper } from "src/interfaces/IStepper.sol";
import { BatchInbox } from "src/rollup/BatchInbox.sol";
import { Outputs } from "src/rollup/Outputs.sol";
import { Portal } from "src/rollup/Portal.sol";

/// @title RollupTestBase
/// @notice The rollup's L1 contracts as `axon-node deploy` lays them out, over the real
///         factory, split game and verifier: the inbox is created for the portal's address
///         (known in advance: the portal is created two nonces later), then the registry, then
///         the portal. Games are won by running out the clock and lost to an unanswered
///         attack; the bisection itself is the Rust tests' subject.
abstract contract RollupTestBase is Test {
    GameType internal constant OUTPUT_TYPE = GameType.wrap(11);
    Duration internal constant CLOCK = Duration.wrap(1 days);
    uint256 internal constant SPLIT = 4;
    uint64 internal constant DEPOSIT_BOUND = 1 hours;
    address internal constant SEQUENCER = address(0x5E0);
    address internal constant PROPOSER = address(0xB0B);
    address internal constant CHALLENGER = address(0xC4A1);
    bytes32 internal constant CONFIG = keccak256("chain config");
    bytes32 internal constant GENESIS = keccak256("genesis output");

    DisputeGameFactory internal factory;
    RISCV internal riscv;
    BatchInbox internal inbox;
    Outputs internal outputs;
    Portal internal portal;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        factory = new DisputeGameFactory(address(this));
        riscv =
            new RISCV(IPreimageOracle(address(new PreimageOracle(IInferenceResults(address(0))))));
        factory.setImplementation(OUTPUT_TYPE, IDisputeGame(address(_impl(OUTPUT_TYPE, SPLIT))));
        (inbox, outputs, portal) = _deploy(GENESIS);
        vm.deal(PROPOSER, 100 ether);
        vm.deal(CHALLENGER, 100 ether);
    }

    /// @notice The inbox, the registry anchored at `_genesis` and the portal.
    function _deploy(bytes32 _genesis) internal returns (BatchInbox, Outputs, Portal) {
        address predicted = vm.computeCreateAddress(address(this), vm.getNonce(address(this)) + 2);
        BatchInbox inbox_ = new BatchInbox(SEQUENCER, Portal(payable(predicted)));
        Outputs outputs_ = new Outputs(factory, OUTPUT_TYPE, inbox_, CONFIG, _genesis);
        Portal portal_ = new Portal(outputs_, DEPOSIT_BOUND);
        assertEq(address(portal_), predicted);
        return (inbox_, outputs_, portal_);
    }

    function _impl(GameType _type, uint256 _split) internal returns (DisputeGame) {
        return new DisputeGame(
            GameParams({
                gameType: _type,
                absolutePrestate: Claim.wrap(keccak256("rollup-block")),
                maxGameDepth: 40,
                splitDepth: _split,
                maxClockDuration: CLOCK,
                clockExtension: Duration.wrap(3 hours),
                leafClockExtension: Duration.wrap(6 hours),
                bondBase: 0.01 ether,
                bondGrowth: 1.09e18,
                withdrawalDelay: Duration.wrap(1 days),
                localEntries: 1
            }),
            IStepper(address(riscv)),
            factory
        );
    }

    /// @notice Posts blocks `_first..=_last` as the sequencer, crediting no new deposit.
    function _post(uint64 _first, uint64 _last) internal {
        _post(_first, _last, _credited(), bytes32(uint256(_first)));
    }

    /// @notice Posts blocks `_first..=_last` as the sequencer, in the blob named `_blob`.
    function _post(uint64 _first, uint64 _last, uint64 _deposits, bytes32 _blob) internal {
        _carryBlob(_blob);
        vm.prank(SEQUENCER);
        inbox.postBatch(_first, _last, _deposits);
    }

    /// @notice Makes the transactions that follow carry one blob, named `_blob`.
    function _carryBlob(bytes32 _blob) internal {
        bytes32[] memory hashes = new bytes32[](1);
        hashes[0] = _blob;
        vm.blobhashes(hashes);
    }

    /// @notice How many deposits the batches so far credit.
    function _credited() internal view returns (uint64) {
        uint256 count = inbox.batchCount();
        return count == 0 ? 0 : inbox.batch(count - 1).depositCount;
    }

    function _propose(bytes32 _root, uint64 _block) internal returns (IDisputeGame game_) {
        uint256 bond = DisputeGame(payable(address(factory.gameImpls(OUTPUT_TYPE))))
            .getRequiredBond(LibPosition.wrap(0, 0));
        vm.prank(PROPOSER);
        game_ = outputs.propose{ value: bond }(_root, _block);
    }

    function _win(IDisputeGame _game) internal {
        vm.warp(block.timestamp + Duration.unwrap(CLOCK) + 1);
        DisputeGame(payable(address(_game))).resolveClaim(0, 0);
        assertEq(uint256(_game.resolve()), uint256(GameStatus.DEFENDER_WINS));
    }

    function _lose(IDisputeGame _game) internal {
        DisputeGame game = DisputeGame(payable(address(_game)));
        uint256 bond = game.getRequiredBond(LibPosition.wrap(1, 0));
        vm.prank(CHALLENGER);
        game.move{ value: bond }(game.rootClaim(), 0, Claim.wrap(keccak256("honest")), true);
        vm.warp(block.timestamp + Duration.unwrap(CLOCK) + 1);
        game.resolveClaim(1, 0);
        game.resolveClaim(0, 0);
        assertEq(uint256(game.resolve()), uint256(GameStatus.CHALLENGER_WINS));
    }
}
