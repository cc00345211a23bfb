// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AILib } from "src/ai/AILib.sol";

/// @title InferenceReplay
/// @notice The `inference` precompile's stand-in for Foundry (installed at `0xa1` with
///         `vm.etch`; forge has no AI EVM): it answers exactly as the precompile does —
///         `uint256 len ‖ output` for a request `model ‖ uint256 output_size ‖ input`, and
///         `InferenceFailed(reason)` for a malformed request, an unknown model or an output
///         size the model does not produce — with outputs the tests record from Axon's ML
///         engine (the digits model's logits in `fixtures/models/digits-test.json`, which the
///         Rust tests check against the engine natively and in the VM). A request it has no
///         recorded output for fails too: it replays, it does not infer.
contract InferenceReplay {
    /// @notice Each registered model's output size, plus one (0: unknown).
    mapping(bytes32 => uint256) internal outputSizePlusOne;
    /// @notice The recorded outputs, by `keccak256(model ‖ input)`.
    mapping(bytes32 => bytes) internal outputs;

    /// @notice Registers `_model`, whose outputs are `_outputSize` bytes.
    function register(bytes32 _model, uint256 _outputSize) external {
        outputSizePlusOne[_model] = _outputSize + 1;
    }

    /// @notice Records the engine's `_output` for `_model` on `_input`.
    function record(bytes32 _model, bytes calldata _input, bytes calldata _output) external {
        outputs[keccak256(abi.encodePacked(_model, _input))] = _output;
    }

    /// @notice An inference request.
    fallback(bytes calldata _request) external returns (bytes memory) {
        if (_request.length < 64) revert AILib.InferenceFailed("malformed request");
        bytes32 model = bytes32(_request[0:32]);
        uint256 outputSize = uint256(bytes32(_request[32:64]));
        uint256 known = outputSizePlusOne[model];
        if (known == 0) revert AILib.InferenceFailed("unknown model");
        if (outputSize != known - 1) revert AILib.InferenceFailed("output size mismatch");
        bytes memory output = outputs[keccak256(abi.encodePacked(model, _request[64:]))];
        if (output.length == 0) revert AILib.InferenceFailed("no recorded run for this input");
        return abi.encodePacked(output.length, output);
    }
}

/// @title ShortInference
/// @notice A broken precompile: answers every request with five bytes.
contract ShortInference {
    fallback(bytes calldata) external returns (bytes memory) {
        return hex"0102030405";
    }
}

/// @title SilentFailure
/// @notice A precompile that fails without revert data (as one out of gas does).
contract SilentFailure {
    fallback(bytes calldata) external returns (bytes memory) {
        revert();
    }
}
