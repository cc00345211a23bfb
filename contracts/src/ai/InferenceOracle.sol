// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { DisputeGameFactory } from "src/dispute/DisputeGameFactory.sol";
import { DisputeGame } from "src/dispute/DisputeGame.sol";
import { IDisputeGame } from "src/dispute/interfaces/IDisputeGame.sol";
import { OptimisticClaims } from "src/dispute/OptimisticClaims.sol";
import { LibGameOutput, OutputProof } from "src/dispute/lib/LibGameOutput.sol";
import { Claim, Duration, GameType } from "src/dispute/lib/Types.sol";
import { IInferenceResults } from "src/interfaces/IInferenceResults.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import { ClaimNotResult, ConflictingResult, ResultMismatch } from "src/ai/Errors.sol";

/// @title InferenceOracle
/// @notice Inference results as finalized claims: the opML half of the AI EVM's fraud proofs,
///         kept apart from the block proof (docs/ai-evm.md). A block's proof reads the result
///         of each inference it made from the preimage oracle, which loads only results
///         finalized here; the model itself is only ever run in an opML game.
///
///         A request is `model ‖ uint256 output_size ‖ input` (the `inference` precompile's
///         calldata), named by its keccak-256. Its result is `status ‖ payload`: status 0 and
///         the model's output, or status 1 and the reason the engine refused the request. A
///         claim is a dispute game of the `inference` guest's game type over the request's
///         hash, whose root claim is the guest's final state: exited 0 with `keccak256(output)`
///         committed, or exited 1 with `keccak256(reason)` committed. Anyone may claim, with
///         the game's bond; a claim nobody disputes wins when its clock runs out (the
///         challenge period), a disputed one when it wins its game. `finalize` then records
///         the result. A lost claim never becomes final, and the correct result can be claimed
///         by anyone at any time: its game is another one (another root claim).
///
///         A request is known by its hash without the first byte: the preimage oracle's keys
///         replace that byte by their type, so the guest reads the same request under every
///         hash that differs in it alone, and the oracle serves one result under all of them.
///         Results are recorded under the hash with that byte cleared (`requestId`), so that
///         all 256 names of a request share one result.
///
///         The first result finalized for a request stands. Two different finalized results
///         for one request would need a wrong claim to go undisputed for its whole challenge
///         period, which the optimistic assumption (one honest challenger) rules out;
///         `finalize` refuses the second with `ConflictingResult`.
contract InferenceOracle is OptimisticClaims, IInferenceResults {
    /// @notice `keccak256(status ‖ payload)` of each request's finalized result, by
    ///         `requestId`.
    mapping(bytes32 => bytes32) internal results;

    /// @notice The opML game's clock, read once from the game type's implementation.
    uint256 internal immutable CHALLENGE_PERIOD;

    /// @notice Emitted when a result is claimed: the game settles it.
    event ResultClaimed(
        bytes32 indexed request, IDisputeGame indexed game, address indexed claimant
    );

    /// @notice Emitted when a request's result becomes final.
    event ResultFinalized(bytes32 indexed request, bytes32 resultHash, IDisputeGame game);

    /// @param _factory The factory games are created at.
    /// @param _gameType The `inference` guest's game type there.
    constructor(
        DisputeGameFactory _factory,
        GameType _gameType
    )
        OptimisticClaims(_factory, _gameType)
    {
        DisputeGame impl = DisputeGame(payable(address(_factory.gameImpls(_gameType))));
        CHALLENGE_PERIOD = Duration.unwrap(impl.maxClockDuration());
    }

    /// @inheritdoc IInferenceResults
    function challengePeriod() external view returns (uint256) {
        return CHALLENGE_PERIOD;
    }

    /// @inheritdoc IInferenceResults
    function finalizedResult(bytes32 _request) external view returns (bytes32) {
        return results[requestId(_request)];
    }

    /// @notice The name results are recorded under: the request's hash with its first byte
    ///         cleared, which is all that the oracle's keys keep of it.
    function requestId(bytes32 _request) public pure returns (bytes32) {
        return _request & bytes32(type(uint256).max >> 8);
    }

    /// @notice Claims that the `inference` guest run on the request whose keccak-256 is
    ///         `_request` ends in `_finalState`, bonded with `msg.value` (the game's root
    ///         bond; zero to adopt an existing game).
    /// @dev Reverts with `ClaimNotResult` unless `_finalState` carries the status of a run that
    ///      exited (valid or invalid), and as `OptimisticClaims._claimOf` does.
    function claimResult(
        bytes32 _request,
        Claim _finalState
    )
        external
        payable
        returns (IDisputeGame game_)
    {
        uint8 status = uint8(uint256(Claim.unwrap(_finalState)) >> 248);
        if (status != AxonABI.STATUS_VALID && status != AxonABI.STATUS_INVALID) {
            revert ClaimNotResult(status);
        }
        game_ = _claimOf(GAME_TYPE, GAME_CODEHASH, _finalState, _request);
        emit ResultClaimed(_request, game_, msg.sender);
    }

    /// @notice Records the result of the request a won game settled: `_result` is
    ///         `status ‖ payload`, the status the game's final state carries and the payload
    ///         the committed one. Finalizing the same result again does nothing.
    /// @dev Reverts with `UnknownGame`, as `LibGameOutput.exitCommitment` does, with
    ///      `ResultMismatch` when `_result` is not what the final state commits to, and with
    ///      `ConflictingResult` when another result of the request is final already.
    function finalize(OutputProof calldata _proof, bytes calldata _result) external {
        _checkKnown(_proof.game, GAME_TYPE, GAME_CODEHASH);
        bytes32 request = _inputOf(_proof.game);
        (uint8 status, bytes32 committed) = LibGameOutput.exitCommitment(_proof);
        if (
            _result.length == 0 || uint8(_result[0]) != status
                || keccak256(_result[1:]) != committed
        ) {
            revert ResultMismatch(status, committed);
        }
        bytes32 resultHash = keccak256(_result);
        bytes32 id = requestId(request);
        bytes32 prior = results[id];
        if (prior == resultHash) return;
        if (prior != bytes32(0)) revert ConflictingResult(request, prior, resultHash);
        results[id] = resultHash;
        emit ResultFinalized(request, resultHash, _proof.game);
    }
}
