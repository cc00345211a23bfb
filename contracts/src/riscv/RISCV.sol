// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IStepper } from "src/interfaces/IStepper.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import { LibState } from "src/riscv/lib/LibState.sol";
import { LibMemory } from "src/riscv/lib/LibMemory.sol";
import { LibInstructions } from "src/riscv/lib/LibInstructions.sol";
import { LibSyscalls } from "src/riscv/lib/LibSyscalls.sol";
import {
    InvalidCalldataLayout,
    InvalidProofLength,
    InvalidStateLength
} from "src/riscv/Errors.sol";

/// @title RISCV
/// @notice The on-chain one-step verifier of the Axon VM: executes one RV32IM step exactly as
///         docs/spec.md defines it, from the pre-state and its witness, and returns the
///         post-state hash.
///
///         Witness (docs/spec.md, "Step witness"): the 210-byte pre-state and a proof blob of
///         the memory proof for `pc`, followed — iff the step touches a data leaf (an aligned
///         load or store, a preimage key write or read moving at least one byte) — by the
///         memory proof of that leaf, or, for a `keccak_permute` of an aligned state, by the
///         block proof of its 256-byte block (`LibMemory.proveBlock`, 260 to 1028 bytes).
///         Each memory proof is compact: the leaf, a 4-byte mask
///         of the siblings that are empty-subtree roots and left out, then the other siblings
///         (`LibMemory`, 36 to 900 bytes); a block proof is the block's 256 bytes, the mask
///         and the siblings from height 3 up. A blob cut short, with trailing bytes or with a
///         mask bit above 26 (23 in a block proof) reverts. A step on a halted state is a no-op that takes no proof
///         (a non-empty one reverts).
contract RISCV is IStepper {
    using LibState for LibState.State;

    /// @notice The semantic version of the verifier (VM spec version 1; 1.1 added
    ///         `keccak_permute`, 1.2 the blob-element key type 5).
    string public constant version = "1.2.0";

    /// @notice Where `step`'s `stateData` starts in canonical calldata: selector, three head
    ///         words, the length word.
    uint256 internal constant STATE_DATA_OFFSET = 4 + 3 * 32 + 32;

    /// @notice Where `step`'s `proof` starts in canonical calldata: after the state, padded to
    ///         224 bytes, and the proof's length word.
    uint256 internal constant PROOF_OFFSET = STATE_DATA_OFFSET + 224 + 32;

    /// @notice The preimage oracle.
    IPreimageOracle internal immutable ORACLE;

    /// @param _oracle The preimage oracle the VM reads preimage parts from.
    constructor(IPreimageOracle _oracle) {
        ORACLE = _oracle;
    }

    /// @inheritdoc IStepper
    function oracle() external view returns (IPreimageOracle oracle_) {
        oracle_ = ORACLE;
    }

    /// @inheritdoc IStepper
    function step(
        bytes calldata _stateData,
        bytes calldata _proof,
        bytes32 _localContext
    )
        external
        view
        returns (bytes32 postState_)
    {
        _checkCalldataLayout(_stateData, _proof);
        LibState.State memory state = LibState.decode(_stateData);

        // A halted VM stays halted: the post-state is the pre-state, and it takes no proof.
        if (state.halted()) {
            if (_proof.length != 0) revert InvalidProofLength(0, _proof.length);
            return state.hash();
        }

        // Fetch: the proof for pc, at the start of the blob, is always there and always
        // checked, even when pc is misaligned. The data proof, if the step uses one, starts
        // right after it.
        uint32 pc = state.pc;
        (bytes32 leaf,, uint256 fetchLength) = LibMemory.proveLeaf(_proof, 0, pc, state.memRoot);
        unchecked {
            state.step += 1; // the step counter wraps at 2^64
        }

        uint8 dataProof = LibSyscalls.DATA_PROOF_NONE;
        if (pc & 3 != 0) {
            state.fault(AxonABI.FAULT_MISALIGNED_FETCH);
        } else {
            uint32 insn = LibMemory.loadLE(leaf, pc & 31, 4);
            if (LibInstructions.opcode(insn) == LibInstructions.OPCODE_SYSTEM) {
                dataProof = _system(state, insn, _proof, _localContext);
            } else if (LibInstructions.execute(state, insn, _proof)) {
                dataProof = LibSyscalls.DATA_PROOF_LEAF;
            }
        }

        // The blob must hold exactly the proofs the step used: nothing may trail them. (The
        // data proof, if used, starts at `fetchLength` and was checked there.)
        uint256 expected = fetchLength;
        if (dataProof == LibSyscalls.DATA_PROOF_LEAF) {
            expected += LibMemory.proofLength(_proof, fetchLength);
        } else if (dataProof == LibSyscalls.DATA_PROOF_BLOCK) {
            expected += LibMemory.blockProofLength(_proof, fetchLength);
        }
        if (_proof.length != expected) revert InvalidProofLength(expected, _proof.length);

        postState_ = state.hash();
    }

    /// @notice SYSTEM: exactly ECALL (`0x00000073`) and EBREAK (`0x00100073`); any other word
    ///         is illegal.
    function _system(
        LibState.State memory _state,
        uint32 _insn,
        bytes calldata _proof,
        bytes32 _localContext
    )
        internal
        view
        returns (uint8 dataProof_)
    {
        if (_insn == 0x00000073) {
            return LibSyscalls.handle(_state, _proof, ORACLE, _localContext);
        }
        if (_insn == 0x00100073) {
            _state.fault(AxonABI.FAULT_BREAKPOINT);
        } else {
            _state.fault(AxonABI.FAULT_ILLEGAL_INSTRUCTION);
        }
        return LibSyscalls.DATA_PROOF_NONE;
    }

    /// @notice Requires the canonical ABI layout of `step`'s calldata: a 210-byte state at
    ///         byte 132, the proof (of any length; `step` checks it against the proofs it
    ///         holds) right after the state's padding, nothing after the proof's padding.
    function _checkCalldataLayout(bytes calldata _stateData, bytes calldata _proof) internal pure {
        if (_stateData.length != AxonABI.STATE_BYTES) revert InvalidStateLength(_stateData.length);
        uint256 stateOffset;
        uint256 proofOffset;
        assembly {
            stateOffset := _stateData.offset
            proofOffset := _proof.offset
        }
        // Cannot overflow: the ABI decoder bounds `_proof` by the calldata size.
        uint256 paddedProof = (_proof.length + 31) & ~uint256(31);
        if (
            stateOffset != STATE_DATA_OFFSET || proofOffset != PROOF_OFFSET
                || msg.data.length != PROOF_OFFSET + paddedProof
        ) {
            revert InvalidCalldataLayout();
        }
        // The ABI padding after the state and after the proof must be zero: no calldata byte
        // may carry anything but the witness.
        uint256 proofPadBits = (paddedProof - _proof.length) * 8;
        uint256 stateLastWord = STATE_DATA_OFFSET + 192;
        // Only read when there is padding, so the proof is non-empty and this cannot underflow.
        uint256 proofLastWord = proofPadBits == 0 ? 0 : PROOF_OFFSET + paddedProof - 32;
        uint256 dirty;
        assembly {
            // 224 - 210 = 14 padding bytes: the low 112 bits of the state's last word.
            dirty := and(calldataload(stateLastWord), sub(shl(112, 1), 1))
            if proofPadBits {
                dirty := or(dirty, and(calldataload(proofLastWord), sub(shl(proofPadBits, 1), 1)))
            }
        }
        if (dirty != 0) revert InvalidCalldataLayout();
    }
}
