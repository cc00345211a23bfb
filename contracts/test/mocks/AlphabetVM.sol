// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IStepper } from "src/interfaces/IStepper.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";

/// @title AlphabetVM
/// @notice A trivial stepper for the game logic (Optimism's test VM of the same name): the
///         state after `n` steps is `abi.encode(n)` and one step adds one, until the trace
///         halts at `HALT_STEP`, after which a step is a no-op. Its state hashes carry a VM
///         status like the real VM's: 3 (unfinished) while running, 0 (valid) once halted.
contract AlphabetVM is IStepper {
    /// @notice The step count at which the trace halts.
    uint256 public immutable HALT_STEP;
    /// @notice The oracle handed to the game (the mock reads nothing from it).
    IPreimageOracle internal immutable ORACLE;

    constructor(uint256 _haltStep, IPreimageOracle _oracle) {
        HALT_STEP = _haltStep;
        ORACLE = _oracle;
    }

    /// @inheritdoc IStepper
    function step(
        bytes calldata _stateData,
        bytes calldata,
        bytes32
    )
        public
        view
        virtual
        returns (bytes32 postState_)
    {
        uint256 n = abi.decode(_stateData, (uint256));
        return stateHash(n < HALT_STEP ? n + 1 : n);
    }

    /// @inheritdoc IStepper
    function oracle() external view returns (IPreimageOracle) {
        return ORACLE;
    }

    /// @notice The honest state hash after `_steps` steps (any number; it saturates at the
    ///         halt).
    function stateAt(uint256 _steps) external view returns (bytes32) {
        return stateHash(_steps < HALT_STEP ? _steps : HALT_STEP);
    }

    /// @notice The state hash of the state after exactly `_n` steps (`_n` at most the halt).
    function stateHash(uint256 _n) public view returns (bytes32) {
        uint256 status = _n < HALT_STEP ? 3 : 0;
        return bytes32((uint256(keccak256(abi.encode(_n))) << 8 >> 8) | (status << 248));
    }
}
