// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AILib } from "src/ai/AILib.sol";

/// @title AIContract
/// @notice The AI EVM's example from the Axonum paper: any contract calls a model inside a
///         transaction and gets its output back, deterministic on every node.
contract AIContract {
    /// @notice Emitted with each inference and its output.
    event Inference(bytes32 model_address, bytes input_data, uint256 output_size, bytes output);

    /// @notice Runs the model at `model_address` on `input_data` for `output_size` bytes.
    function inference(bytes32 model_address, bytes memory input_data, uint256 output_size) public {
        bytes memory output = AILib.inference(model_address, input_data, output_size);
        emit Inference(model_address, input_data, output_size, output);
    }
}
