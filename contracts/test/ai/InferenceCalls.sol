// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AILib } from "src/ai/AILib.sol";

/// @notice Calls the `inference` precompile `_times` times in one transaction, keeping nothing:
///         what one more call costs the block proof is the difference between two such
///         transactions (`tests/benches/ai_evm.rs`), free of the transaction's own costs.
contract InferenceCalls {
    /// @notice Runs the model at `_model` on `_input` for `_outputSize` bytes, `_times` times.
    function repeat(
        bytes32 _model,
        bytes calldata _input,
        uint256 _outputSize,
        uint256 _times
    )
        external
    {
        for (uint256 i = 0; i < _times; i++) {
            AILib.inference(_model, _input, _outputSize);
        }
    }
}
