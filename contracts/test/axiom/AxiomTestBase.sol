// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IInferenceResults } from "src/interfaces/IInferenceResults.sol";
import { Test } from "test/lib/Test.sol";
import { PreimageOracle } from "src/PreimageOracle.sol";
import { RISCV } from "src/riscv/RISCV.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { LibPosition } from "src/dispute/lib/LibPosition.sol";
import { Claim, Duration, GameParams, GameStatus, GameType } from "src/dispute/lib/Types.sol";
import { IStepper } from "src/interfaces/IStepper.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";
import { BlockHashCache } from "src/axiom/BlockHashCache.sol";
import { IBlockHashCache } from "src/axiom/interfaces/IBlockHashCache.sol";
import { StorageAttestations } from "src/axiom/StorageAttestations.sol";
import { SlotStatistics } from "src/axiom/SlotStatistics.sol";

/// @title AxiomTestBase
/// @notice The Optimistic Axiom contracts over the real verifier and factory, with game types
///         for the header-chain, storage-proof and slot-stats guests whose prestates are those
///         of the Rust runs in ../fixtures/axiom/claims.json (`make axiom-fixture`): real final
///         states and output-commitment proofs of each guest on a synthetic chain of blocks 0
///         to 1500. Games here are won by running out the challenger's clock, or lost to an
///         attack nobody answers; the bisection itself is the dispute tests' subject (and the
///         anvil end-to-end test's, over these guests).
abstract contract AxiomTestBase is Test {
    string internal constant FIXTURE = "../fixtures/axiom/claims.json";
    GameType internal constant HEADER_TYPE = GameType.wrap(2);
    GameType internal constant STORAGE_TYPE = GameType.wrap(3);
    GameType internal constant STATS_TYPE = GameType.wrap(4);
    GameType internal constant HISTORICAL_TYPE = GameType.wrap(5);
    /// @notice The historical type's split: 2^7 = 128 groups above it.
    uint256 internal constant HISTORICAL_SPLIT = 7;
    uint256 internal constant MAX_DEPTH = 32;
    Duration internal constant MAX_CLOCK = Duration.wrap(3.5 days);
    uint256 internal constant BOND_BASE = 0.01 ether;

    address internal constant PROPOSER = address(0xB0B);
    address internal constant CHALLENGER = address(0xC4A1);

    string internal json;
    DisputeGameFactory internal factory;
    BlockHashCache internal cache;
    StorageAttestations internal attestations;
    SlotStatistics internal statistics;

    function setUp() public virtual {
        vm.warp(1_700_000_000);
        json = vm.readFile(FIXTURE);
        PreimageOracle oracle = new PreimageOracle(IInferenceResults(address(0)));
        RISCV riscv = new RISCV(IPreimageOracle(address(oracle)));
        factory = new DisputeGameFactory(address(this));
        _register(riscv, HEADER_TYPE, ".recent.run.prestate");
        _register(riscv, STORAGE_TYPE, ".storage.prestate");
        _register(riscv, STATS_TYPE, ".stats.prestate");
        _registerHistorical(riscv);
        cache = new BlockHashCache(factory, HEADER_TYPE, HISTORICAL_TYPE);
        attestations =
            new StorageAttestations(IBlockHashCache(address(cache)), factory, STORAGE_TYPE);
        statistics = new SlotStatistics(attestations, factory, STATS_TYPE);
        vm.deal(PROPOSER, 100 ether);
        vm.deal(CHALLENGER, 100 ether);
        // The chain's head is past the fixture's: block 1500's hash is recent.
        vm.roll(1600);
        vm.setBlockhash(1500, _bytes32(".recent.anchor"));
    }

    function _register(RISCV _riscv, GameType _type, string memory _prestate) internal {
        _registerGame(_riscv, _type, Claim.wrap(_bytes32(_prestate)), MAX_DEPTH, 0);
    }

    /// @notice The split game type of `updateHistorical` claims: 128 groups above the split,
    ///         2^32-step runs of the unit guest below (its prestate is irrelevant here: these
    ///         tests win games by clock).
    function _registerHistorical(RISCV _riscv) internal {
        _registerGame(
            _riscv,
            HISTORICAL_TYPE,
            Claim.wrap(keccak256("header-chain-unit")),
            40,
            HISTORICAL_SPLIT
        );
    }

    function _registerGame(
        RISCV _riscv,
        GameType _type,
        Claim _prestate,
        uint256 _maxDepth,
        uint256 _splitDepth
    )
        internal
    {
        DisputeGame impl = new DisputeGame(
            GameParams({
                gameType: _type,
                absolutePrestate: _prestate,
                maxGameDepth: _maxDepth,
                splitDepth: _splitDepth,
                maxClockDuration: MAX_CLOCK,
                clockExtension: Duration.wrap(3 hours),
                leafClockExtension: Duration.wrap(6 hours),
                bondBase: BOND_BASE,
                bondGrowth: 1.09e18,
                withdrawalDelay: Duration.wrap(1 days),
                localEntries: 1
            }),
            IStepper(address(_riscv)),
            factory
        );
        factory.setImplementation(_type, IDisputeGame(address(impl)));
    }

    function _bytes32(string memory _key) internal view returns (bytes32) {
        return vm.parseJsonBytes32(json, _key);
    }

    function _bytes(string memory _key) internal view returns (bytes memory) {
        return vm.parseJsonBytes(json, _key);
    }

    /// @notice The root bond of every game.
    function _bond() internal view returns (uint256) {
        return DisputeGame(payable(address(factory.gameImpls(HEADER_TYPE))))
            .getRequiredBond(LibPosition.wrap(0, 0));
    }

    /// @notice The fixture run at `_run` (a JSON path) as the proof of `_game`'s output.
    function _outputProof(
        IDisputeGame _game,
        string memory _run
    )
        internal
        view
        returns (OutputProof memory)
    {
        return OutputProof({
            game: _game,
            finalState: _bytes(string.concat(_run, ".finalState")),
            commitmentProof: _bytes(string.concat(_run, ".commitmentProof"))
        });
    }

    /// @notice Lets `_game`'s root claim stand: nobody disputes it within its clock.
    function _win(IDisputeGame _game) internal {
        vm.warp(block.timestamp + Duration.unwrap(MAX_CLOCK) + 1);
        DisputeGame(payable(address(_game))).resolveClaim(0, 0);
        assertEq(uint256(_game.resolve()), uint256(GameStatus.DEFENDER_WINS));
    }

    /// @notice Lets `_game`'s root claim fall: an attack nobody answers.
    function _lose(IDisputeGame _game) internal {
        DisputeGame game = DisputeGame(payable(address(_game)));
        Claim attack = Claim.wrap(bytes32(uint256(0x03) << 248 | 1));
        uint256 bond = game.getRequiredBond(LibPosition.wrap(1, 0));
        vm.prank(CHALLENGER);
        game.move{ value: bond }(game.rootClaim(), 0, attack, true);
        vm.warp(block.timestamp + Duration.unwrap(MAX_CLOCK) + 1);
        game.resolveClaim(1, 0);
        game.resolveClaim(0, 0);
        assertEq(uint256(game.resolve()), uint256(GameStatus.CHALLENGER_WINS));
    }

    /// @notice The fixture's header-chain output at `_run`.
    function _update(string memory _run) internal view returns (BlockHashCache.GroupUpdate memory) {
        return abi.decode(_bytes(string.concat(_run, ".output")), (BlockHashCache.GroupUpdate));
    }

    /// @notice Claims and applies the recent update: group 1024 to block 1500 is cached.
    function _cacheRecentGroup() internal {
        vm.prank(PROPOSER);
        IDisputeGame game = cache.claimRecent{ value: _bond() }(
            1500, Claim.wrap(_bytes32(".recent.run.stateHash"))
        );
        _win(game);
        cache.updateRecent(_outputProof(game, ".recent.run"), _update(".recent.run"));
    }

    /// @notice The fixture's block-hash witness at `_path`.
    function _witness(string memory _path)
        internal
        view
        returns (IBlockHashCache.BlockHashWitness memory w_)
    {
        w_.blockNumber = uint32(vm.parseJsonUint(json, string.concat(_path, ".blockNumber")));
        w_.claimedBlockHash = _bytes32(string.concat(_path, ".claimedBlockHash"));
        w_.prevHash = _bytes32(string.concat(_path, ".prevHash"));
        w_.numFinal = uint32(vm.parseJsonUint(json, string.concat(_path, ".numFinal")));
        bytes32[] memory proof =
            abi.decode(vm.parseJson(json, string.concat(_path, ".merkleProof")), (bytes32[]));
        assertEq(proof.length, 10, "a depth-10 path");
        for (uint256 i = 0; i < 10; i++) {
            w_.merkleProof[i] = proof[i];
        }
    }
}
