// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IInferenceResults
/// @notice Finalized inference results, as the preimage oracle reads them (`InferenceOracle`):
///         the result of a request `model ‖ uint256 output_size ‖ input` is
///         `status ‖ payload` — status 0 and the model's output, or status 1 and the reason the
///         engine refused the request — settled by an opML dispute game.
interface IInferenceResults {
    /// @notice `keccak256(status ‖ payload)` of the finalized result of the request whose
    ///         keccak-256 is `_request` — its first byte aside, which the oracle's keys do not
    ///         keep; zero while it has none.
    function finalizedResult(bytes32 _request) external view returns (bytes32 resultHash_);

    /// @notice Seconds from the claim of a result to its finality when nobody disputes it:
    ///         the opML game's clock. Games that read results must leave at least this much
    ///         time before a step (`DisputeGame`'s clock rule).
    function challengePeriod() external view returns (uint256 seconds_);
}
