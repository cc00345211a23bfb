// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { SparseMemory } from "test/lib/SparseMemory.sol";
import { PreimageRef } from "test/lib/PreimageRef.sol";
import { InferenceOracle } from "src/ai/InferenceOracle.sol";
import { ClaimNotResult, ConflictingResult, ResultMismatch } from "src/ai/Errors.sol";
import { PreimageOracle } from "src/PreimageOracle.sol";
import { RISCV } from "src/riscv/RISCV.sol";
import { LibState } from "src/riscv/lib/LibState.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { LibPosition } from "src/dispute/lib/LibPosition.sol";
import { Claim, Duration, GameParams, GameStatus, GameType } from "src/dispute/lib/Types.sol";
import { GameNotWon, LeafClockExtensionTooShort } from "src/dispute/Errors.sol";
import { IInferenceResults } from "src/interfaces/IInferenceResults.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";
import { IStepper } from "src/interfaces/IStepper.sol";
import { InferenceResultMismatch, InferenceResultNotFinal } from "src/riscv/Errors.sol";
import { LibPreimageKey } from "src/lib/LibPreimageKey.sol";

/// @title InferenceOracle tests
/// @notice The opML half of the AI EVM's proofs over the real factory, game and verifier: a
///         result claimed as the `inference` guest's final state becomes final when its game
///         is won, and only then can a block's oracle load it. Final states are built here (an
///         exited state whose memory holds the committed payload's hash); games are won by
///         running out the challenger's clock or lost to an attack nobody answers — the
///         bisection over the guest is the Rust tests' subject.
contract InferenceOracle_Test is Test {
    using SparseMemory for SparseMemory.Mem;

    GameType internal constant OPML_TYPE = GameType.wrap(7);
    Duration internal constant OPML_CLOCK = Duration.wrap(1 days);
    address internal constant CLAIMANT = address(0xB0B);
    address internal constant CHALLENGER = address(0xC4A1);

    DisputeGameFactory internal factory;
    InferenceOracle internal results;
    PreimageOracle internal blockOracle;
    bytes internal request = abi.encodePacked(keccak256("model"), uint256(10), hex"0102");
    bytes32 internal requestHash = keccak256(request);

    function setUp() public {
        vm.warp(1_700_000_000);
        PreimageOracle plain = new PreimageOracle(IInferenceResults(address(0)));
        factory = new DisputeGameFactory(address(this));
        DisputeGame impl = _impl(
            new RISCV(IPreimageOracle(address(plain))),
            OPML_TYPE,
            OPML_CLOCK,
            Duration.wrap(6 hours)
        );
        factory.setImplementation(OPML_TYPE, IDisputeGame(address(impl)));
        results = new InferenceOracle(factory, OPML_TYPE);
        blockOracle = new PreimageOracle(results);
        vm.deal(CLAIMANT, 100 ether);
        vm.deal(CHALLENGER, 100 ether);
    }

    function _impl(
        RISCV _riscv,
        GameType _type,
        Duration _clock,
        Duration _leafExtension
    )
        internal
        returns (DisputeGame)
    {
        return new DisputeGame(
            GameParams({
                gameType: _type,
                absolutePrestate: Claim.wrap(keccak256("inference")),
                maxGameDepth: 32,
                splitDepth: 0,
                maxClockDuration: _clock,
                clockExtension: Duration.wrap(3 hours),
                leafClockExtension: _leafExtension,
                bondBase: 0.01 ether,
                bondGrowth: 1.09e18,
                withdrawalDelay: Duration.wrap(1 days),
                localEntries: 1
            }),
            IStepper(address(_riscv)),
            factory
        );
    }

    /// @notice A final state of the guest that exited with `_exitCode` having committed
    ///         `keccak256(_payload)`, and the proof of that commitment.
    function _finalState(
        uint32 _exitCode,
        bytes memory _payload
    )
        internal
        pure
        returns (bytes memory state_, bytes memory proof_, Claim hash_)
    {
        SparseMemory.Mem memory m;
        m.setLeaf(AxonABI.OUTPUT_COMMITMENT, keccak256(_payload));
        uint32[32] memory registers;
        LibState.State memory s = LibState.State({
            memRoot: m.root(),
            preimageKey: bytes32(0),
            preimageOffset: 0,
            pc: 0x1000,
            step: 123_456,
            haltKind: AxonABI.HALT_EXITED,
            haltCode: _exitCode,
            registers: registers
        });
        state_ = LibState.encode(s);
        proof_ = m.proof(AxonABI.OUTPUT_COMMITMENT);
        hash_ = Claim.wrap(LibState.hash(s));
    }

    function _bond() internal view returns (uint256) {
        return DisputeGame(payable(address(factory.gameImpls(OPML_TYPE))))
            .getRequiredBond(LibPosition.wrap(0, 0));
    }

    /// @notice Claims `status ‖ payload` for the request; returns the game and the proof.
    function _claim(
        uint8 _status,
        bytes memory _payload
    )
        internal
        returns (IDisputeGame game_, OutputProof memory proof_)
    {
        return _claimAs(requestHash, _status, _payload);
    }

    /// @notice `_claim` under the request name `_request`.
    function _claimAs(
        bytes32 _request,
        uint8 _status,
        bytes memory _payload
    )
        internal
        returns (IDisputeGame game_, OutputProof memory proof_)
    {
        (bytes memory state, bytes memory proof, Claim hash) = _finalState(_status, _payload);
        vm.prank(CLAIMANT);
        game_ = results.claimResult{ value: _bond() }(_request, hash);
        proof_ = OutputProof({ game: game_, finalState: state, commitmentProof: proof });
    }

    function _win(IDisputeGame _game) internal {
        vm.warp(block.timestamp + Duration.unwrap(OPML_CLOCK) + 1);
        DisputeGame(payable(address(_game))).resolveClaim(0, 0);
        assertEq(uint256(_game.resolve()), uint256(GameStatus.DEFENDER_WINS));
    }

    function _lose(IDisputeGame _game) internal {
        DisputeGame game = DisputeGame(payable(address(_game)));
        uint256 bond = game.getRequiredBond(LibPosition.wrap(1, 0));
        vm.prank(CHALLENGER);
        game.move{ value: bond }(game.rootClaim(), 0, Claim.wrap(bytes32(uint256(3) << 248)), true);
        vm.warp(block.timestamp + Duration.unwrap(OPML_CLOCK) + 1);
        game.resolveClaim(1, 0);
        game.resolveClaim(0, 0);
        assertEq(uint256(game.resolve()), uint256(GameStatus.CHALLENGER_WINS));
    }

    /// @notice Loads every chunk of `_result` into the block oracle and reads it back.
    function _loadAndRead(bytes memory _result) internal {
        bytes memory s = PreimageRef.stream(_result);
        for (uint256 off = 0; off < s.length; off += 32) {
            blockOracle.loadInferenceResultPart(off, requestHash, _result);
        }
        bytes32 key = LibPreimageKey.typed(requestHash, AxonABI.KEY_TYPE_INFERENCE);
        for (uint256 off = 0; off < s.length; off++) {
            (bytes32 want, uint256 wantLen) = PreimageRef.part(s, off);
            (bytes32 dat, uint256 len) = blockOracle.readPreimage(key, off);
            assertEq(len, wantLen);
            assertEq(dat, want);
        }
    }

    function test_output_finalAfterItsChallengePeriod_loads() external {
        bytes memory output = hex"0a0b0c0d0e0f10111213";
        (IDisputeGame game, OutputProof memory proof) = _claim(0, output);
        bytes memory result = bytes.concat(hex"00", output);

        vm.expectRevert(abi.encodeWithSelector(GameNotWon.selector, game));
        results.finalize(proof, result);
        vm.expectRevert(abi.encodeWithSelector(InferenceResultNotFinal.selector, requestHash));
        blockOracle.loadInferenceResultPart(0, requestHash, result);

        _win(game);
        results.finalize(proof, result);
        assertEq(results.finalizedResult(requestHash), keccak256(result));
        // Finalizing it again changes nothing.
        results.finalize(proof, result);
        _loadAndRead(result);
    }

    /// @notice A refusal is a result too: the guest exited 1 having committed the reason.
    function test_refusal_final_loads() external {
        bytes memory reason = "output size mismatch: the request asks for 10 bytes";
        (IDisputeGame game, OutputProof memory proof) = _claim(1, reason);
        _win(game);
        bytes memory result = bytes.concat(hex"01", reason);
        results.finalize(proof, result);
        _loadAndRead(result);
    }

    function test_finalize_otherResult_reverts() external {
        (IDisputeGame game, OutputProof memory proof) = _claim(0, hex"aa");
        _win(game);
        bytes32 committed = keccak256(hex"aa");
        vm.expectRevert(abi.encodeWithSelector(ResultMismatch.selector, 0, committed));
        results.finalize(proof, hex"00bb");
        vm.expectRevert(abi.encodeWithSelector(ResultMismatch.selector, 0, committed));
        results.finalize(proof, hex"01aa");
        vm.expectRevert(abi.encodeWithSelector(ResultMismatch.selector, 0, committed));
        results.finalize(proof, "");
    }

    /// @notice A lost claim never becomes final; the correct result is claimed afterwards and
    ///         is.
    function test_lostClaim_neverFinal_correctOneIs() external {
        (IDisputeGame forged, OutputProof memory forgedProof) = _claim(0, hex"ff");
        _lose(forged);
        vm.expectRevert(abi.encodeWithSelector(GameNotWon.selector, forged));
        results.finalize(forgedProof, hex"00ff");
        assertEq(results.finalizedResult(requestHash), bytes32(0));

        (IDisputeGame honest, OutputProof memory proof) = _claim(0, hex"01");
        _win(honest);
        results.finalize(proof, hex"0001");
        vm.expectRevert(
            abi.encodeWithSelector(
                InferenceResultMismatch.selector,
                requestHash,
                keccak256(hex"0001"),
                keccak256(hex"00ff")
            )
        );
        blockOracle.loadInferenceResultPart(0, requestHash, hex"00ff");
        _loadAndRead(hex"0001");
    }

    /// @notice Two results won for one request (nobody disputed a wrong one): the first stands.
    function test_finalize_conflictingResult_reverts() external {
        (IDisputeGame a, OutputProof memory pa) = _claim(0, hex"01");
        (IDisputeGame b, OutputProof memory pb) = _claim(0, hex"02");
        _win(a);
        DisputeGame(payable(address(b))).resolveClaim(0, 0);
        b.resolve();
        results.finalize(pa, hex"0001");
        vm.expectRevert(
            abi.encodeWithSelector(
                ConflictingResult.selector, requestHash, keccak256(hex"0001"), keccak256(hex"0002")
            )
        );
        results.finalize(pb, hex"0002");
    }

    /// @notice The oracle's keys drop a request hash's first byte, so the guest reads one
    ///         request under 256 names: they share one result, and a claim under another name
    ///         cannot put a second result under the same key.
    function test_requestNames_shareOneResult() external {
        bytes32 alias_ = requestHash ^ bytes32(uint256(0x5a) << 248);
        assertEq(results.requestId(alias_), results.requestId(requestHash));
        (IDisputeGame honest, OutputProof memory honestProof) = _claim(0, hex"01");
        (IDisputeGame forged, OutputProof memory forgedProof) = _claimAs(alias_, 0, hex"02");
        _win(honest);
        DisputeGame(payable(address(forged))).resolveClaim(0, 0);
        forged.resolve();
        results.finalize(honestProof, hex"0001");
        assertEq(results.finalizedResult(alias_), keccak256(hex"0001"));
        vm.expectRevert(
            abi.encodeWithSelector(
                ConflictingResult.selector, alias_, keccak256(hex"0001"), keccak256(hex"0002")
            )
        );
        results.finalize(forgedProof, hex"0002");
        _loadAndRead(hex"0001");
    }

    function test_claimResult_notExited_reverts() external {
        vm.expectRevert(abi.encodeWithSelector(ClaimNotResult.selector, 2));
        results.claimResult(requestHash, Claim.wrap(bytes32(uint256(2) << 248)));
        vm.expectRevert(abi.encodeWithSelector(ClaimNotResult.selector, 3));
        results.claimResult(requestHash, Claim.wrap(bytes32(uint256(3) << 248)));
    }

    /// @notice A game reading the results must give a player about to step at least their
    ///         challenge period.
    function test_clockRule_leafExtensionBelowChallengePeriod_reverts() external {
        RISCV riscv = new RISCV(IPreimageOracle(address(blockOracle)));
        assertEq(blockOracle.challengePeriod(), 1 days);
        assertEq(results.challengePeriod(), 1 days);
        vm.expectRevert(
            abi.encodeWithSelector(LeafClockExtensionTooShort.selector, 1 days - 1, 1 days)
        );
        _impl(riscv, GameType.wrap(8), Duration.wrap(3 days), Duration.wrap(1 days - 1));
        _impl(riscv, GameType.wrap(8), Duration.wrap(3 days), Duration.wrap(1 days));
    }
}
