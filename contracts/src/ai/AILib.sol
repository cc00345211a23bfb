// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title AILib
/// @notice Calls the AI EVM's `inference` precompile, call-compatible with Axonum's published
///         `AILib.sol`: the precompile at `0xa1` takes `model_address (32 bytes) ‖ uint256
///         output_size ‖ input` and returns `uint256 len ‖ output[len]`, which the library
///         has the call write straight over a fresh `bytes` of `output_size` (its length word
///         first), so the output costs no copy. The model is the model-DA blob at
///         `model_address` (its Merkle-chunked blob key) and runs in Axon's deterministic ML
///         engine (docs/ml.md), natively on the sequencer and inside the fraud-proof VM when
///         disputed.
///
///         Unlike Axonum's, the library checks what came back: a failed inference (a missing
///         model, a malformed input, an output size the model does not produce) reverts with
///         the precompile's own reason, `InferenceFailed(string)` (`InferenceOutOfGas` when it
///         failed without one: out of gas); a chain without the
///         precompile (a call to `0xa1` that returns nothing) reverts `InferenceUnavailable`;
///         and an answer that is not exactly `output_size` bytes reverts
///         `InferenceOutputMismatch` instead of handing back a `bytes` of another length.
library AILib {
    /// @notice The `inference` precompile.
    address internal constant INFERENCE = address(0xa1);

    /// @notice The precompile's revert data when it cannot run an inference.
    error InferenceFailed(string reason);

    /// @notice Thrown when the chain has no `inference` precompile (the call returned nothing).
    error InferenceUnavailable();

    /// @notice Thrown when the precompile failed without a reason: it ran out of gas.
    error InferenceOutOfGas();

    /// @notice Thrown by `argmaxInt8` for no logits.
    error NoLogits();

    /// @notice Thrown when the precompile's answer is not `uint256 outputSize ‖ output` of
    ///         `outputSize + 32` bytes.
    error InferenceOutputMismatch(uint256 outputSize, uint256 returnedBytes);

    /// @notice Runs the model at `_model` on `_input` and returns its `_outputSize`-byte
    ///         output (for the int8 models their logits, for llama models u32 token ids).
    function inference(
        bytes32 _model,
        bytes memory _input,
        uint256 _outputSize
    )
        internal
        returns (bytes memory output_)
    {
        bytes memory request = abi.encodePacked(_model, _outputSize, _input);
        output_ = new bytes(_outputSize);
        bool ok;
        uint256 returned;
        assembly ("memory-safe") {
            // The answer lands on `output_` itself: its length word, then its bytes.
            ok := call(
                gas(),
                0xa1,
                0,
                add(request, 0x20),
                mload(request),
                output_,
                add(_outputSize, 0x20)
            )
            returned := returndatasize()
            if and(iszero(ok), gt(returned, 0)) {
                let reason := mload(0x40)
                returndatacopy(reason, 0, returned)
                revert(reason, returned)
            }
        }
        if (!ok) revert InferenceOutOfGas();
        if (returned == 0) revert InferenceUnavailable();
        if (returned != _outputSize + 32 || output_.length != _outputSize) {
            revert InferenceOutputMismatch(_outputSize, returned);
        }
    }

    /// @notice The class an int8 model's logits pick: the first index of the largest logit
    ///         (the engine's greedy choice).
    function argmaxInt8(bytes memory _logits) internal pure returns (uint256 index_) {
        if (_logits.length == 0) revert NoLogits();
        int8 best = type(int8).min;
        for (uint256 i = 0; i < _logits.length; i++) {
            int8 logit = int8(uint8(_logits[i]));
            if (i == 0 || logit > best) {
                best = logit;
                index_ = i;
            }
        }
    }
}
