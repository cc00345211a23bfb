// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import { LibState } from "src/riscv/lib/LibState.sol";
import { LibMemory } from "src/riscv/lib/LibMemory.sol";
import { LibKeccak } from "src/riscv/lib/LibKeccak.sol";
import { LibPreimageKey } from "src/lib/LibPreimageKey.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";

/// @title LibSyscalls
/// @notice ECALL per docs/spec.md, "Syscalls": `a7` holds the number, `a0..a2` the arguments,
///         `a0` receives the result; afterwards `pc += 4` unless the VM halted.
///
///         | a7 | name  | effect                                                           |
///         |----|-------|------------------------------------------------------------------|
///         | 93 | exit  | halts with status exited, exit code `a0`; `pc` unchanged          |
///         | 64 | write | fd 1, 2, 4: `a0 = count`; fd 6: preimage key write; else -EBADF  |
///         | 63 | read  | fd 5: preimage read; else -EBADF                                  |
///         | 0x10000 | keccak_permute | keccak-f[1600] on the block at `a0`; -EINVAL if   |
///         |    |       | `a0` is not 256-aligned                                          |
///         | *  |       | fault `UnknownSyscall`                                            |
library LibSyscalls {
    using LibState for LibState.State;

    // Registers of the syscall convention.
    uint256 internal constant REG_A0 = 10;
    uint256 internal constant REG_A1 = 11;
    uint256 internal constant REG_A2 = 12;
    uint256 internal constant REG_A7 = 17;

    /// @notice The data proof a syscall used (proof 1 of the blob): none, a leaf's memory
    ///         proof, or a block proof (`keccak_permute`).
    uint8 internal constant DATA_PROOF_NONE = 0;
    uint8 internal constant DATA_PROOF_LEAF = 1;
    uint8 internal constant DATA_PROOF_BLOCK = 2;

    /// @notice Executes an ECALL on `_state`.
    /// @param _state The running state; updated in place.
    /// @param _proof The step's proof blob; proof 1 is the data leaf of a key write or preimage
    ///        read that moves at least one byte, or the block of a `keccak_permute`.
    /// @param _oracle The preimage oracle.
    /// @param _localContext The game's local context (localizes local keys).
    /// @return dataProof_ Which data proof the step used (`DATA_PROOF_*`).
    function handle(
        LibState.State memory _state,
        bytes calldata _proof,
        IPreimageOracle _oracle,
        bytes32 _localContext
    )
        internal
        view
        returns (uint8 dataProof_)
    {
        uint32 number = _state.reg(REG_A7);
        uint32 fd = _state.reg(REG_A0);
        bool touched;
        if (number == AxonABI.SYS_EXIT) {
            _state.haltKind = AxonABI.HALT_EXITED;
            _state.haltCode = fd; // a0: the exit code
            return DATA_PROOF_NONE;
        }
        if (number == AxonABI.SYS_WRITE) {
            if (fd == AxonABI.FD_STDOUT || fd == AxonABI.FD_STDERR || fd == AxonABI.FD_HINT_WRITE) {
                // The host consumes the bytes; memory is not proven.
                _state.setReg(REG_A0, _state.reg(REG_A2));
            } else if (fd == AxonABI.FD_PREIMAGE_WRITE) {
                touched = writePreimageKey(_state, _proof);
            } else {
                _state.setReg(REG_A0, AxonABI.NEG_EBADF);
            }
        } else if (number == AxonABI.SYS_READ) {
            if (fd == AxonABI.FD_PREIMAGE_READ) {
                touched = readPreimage(_state, _proof, _oracle, _localContext);
                if (_state.halted()) return DATA_PROOF_NONE;
            } else {
                _state.setReg(REG_A0, AxonABI.NEG_EBADF);
            }
        } else if (number == AxonABI.SYS_KECCAK_PERMUTE) {
            if (keccakPermute(_state, _proof)) dataProof_ = DATA_PROOF_BLOCK;
        } else {
            _state.fault(AxonABI.FAULT_UNKNOWN_SYSCALL);
            return DATA_PROOF_NONE;
        }
        if (touched) dataProof_ = DATA_PROOF_LEAF;
        unchecked {
            _state.pc += 4;
        }
    }

    /// @notice `keccak_permute` (`0x10000`): for a 256-aligned `a0`, replaces the block at
    ///         `a0` (proven by the block proof, proof 1) by its keccak-f[1600] permutation
    ///         (`LibKeccak`) and sets `a0 = 0`; otherwise sets `a0 = -EINVAL` and touches no
    ///         memory.
    /// @return touched_ Whether the step used a block proof.
    function keccakPermute(
        LibState.State memory _state,
        bytes calldata _proof
    )
        internal
        pure
        returns (bool touched_)
    {
        uint32 addr = _state.reg(REG_A0);
        if (addr % AxonABI.KECCAK_BLOCK_BYTES != 0) {
            _state.setReg(REG_A0, AxonABI.NEG_EINVAL);
            return false;
        }
        uint256 offset = LibMemory.proofOffset(_proof, 1);
        (bytes32[8] memory block_,) = LibMemory.proveBlock(_proof, offset, addr, _state.memRoot);
        LibKeccak.permuteBlock(block_);
        _state.memRoot = LibMemory.blockRootAt(_proof, offset, addr, block_);
        _state.setReg(REG_A0, 0);
        touched_ = true;
    }

    /// @notice Preimage key write (fd 6): `n = min(count, 32 - buf % 32)` bytes from the leaf
    ///         holding `buf` enter the key at its low end (the oldest bytes fall off the top);
    ///         `preimage_offset = 0`; `a0 = n`. With `n = 0` no memory is touched.
    function writePreimageKey(
        LibState.State memory _state,
        bytes calldata _proof
    )
        internal
        pure
        returns (bool touched_)
    {
        uint32 buf = _state.reg(REG_A1);
        uint256 room = 32 - (buf & 31);
        uint256 count = _state.reg(REG_A2);
        uint256 n = count < room ? count : room;
        if (n > 0) {
            bytes32 leaf = LibMemory.readLeaf(_proof, 1, buf, _state.memRoot);
            uint256 bytes_ = uint256(LibMemory.readBytes(leaf, buf & 31, n)) >> (256 - 8 * n);
            uint256 key = uint256(_state.preimageKey);
            // For n = 32 the whole key is replaced (a shift by 256 bits gives zero).
            key = n == 32 ? bytes_ : (key << (8 * n)) | bytes_;
            _state.preimageKey = bytes32(key);
            touched_ = true;
        }
        _state.preimageOffset = 0;
        _state.setReg(REG_A0, uint32(n));
    }

    /// @notice Preimage read (fd 5): faults with `InvalidPreimageKey` for an unknown key type;
    ///         otherwise writes `n = min(count, 32 - buf % 32, part_len)` bytes of the oracle's
    ///         part for `(key, preimage_offset)` at `buf`, `preimage_offset += n`, `a0 = n`.
    ///         With `n = 0` no memory is touched (and with `count = 0` the oracle is not asked).
    function readPreimage(
        LibState.State memory _state,
        bytes calldata _proof,
        IPreimageOracle _oracle,
        bytes32 _localContext
    )
        internal
        view
        returns (bool touched_)
    {
        bytes32 key = _state.preimageKey;
        uint8 keyType = LibPreimageKey.keyType(key);
        if (
            keyType != AxonABI.KEY_TYPE_LOCAL && keyType != AxonABI.KEY_TYPE_KECCAK256
                && keyType != AxonABI.KEY_TYPE_BLOB_ELEMENT
                && keyType != AxonABI.KEY_TYPE_PRECOMPILE && keyType != AxonABI.KEY_TYPE_INFERENCE
                && keyType != AxonABI.KEY_TYPE_BLOB
        ) {
            _state.fault(AxonABI.FAULT_INVALID_PREIMAGE_KEY);
            return false;
        }
        uint256 n = _state.reg(REG_A2);
        if (n > 0) {
            if (keyType == AxonABI.KEY_TYPE_LOCAL) {
                key = LibPreimageKey.localize(key, msg.sender, _localContext);
            }
            (bytes32 part, uint256 partLen) = _oracle.readPreimage(key, _state.preimageOffset);
            n = _writePart(_state, _proof, n, part, partLen);
            touched_ = n > 0;
        }
        unchecked {
            _state.preimageOffset += uint32(n);
        }
        _state.setReg(REG_A0, uint32(n));
    }

    /// @notice Writes `n = min(_count, 32 - buf % 32, _partLen)` bytes of `_part` at `buf`
    ///         (`a1`) and recomputes the root; touches no memory when `n = 0`.
    function _writePart(
        LibState.State memory _state,
        bytes calldata _proof,
        uint256 _count,
        bytes32 _part,
        uint256 _partLen
    )
        private
        pure
        returns (uint256 n_)
    {
        uint32 buf = _state.reg(REG_A1);
        n_ = 32 - (buf & 31);
        if (_count < n_) n_ = _count;
        if (_partLen < n_) n_ = _partLen;
        if (n_ == 0) return 0;
        (bytes32 leaf, uint256 offset,) = LibMemory.proveLeaf(_proof, 1, buf, _state.memRoot);
        leaf = LibMemory.writeBytes(leaf, buf & 31, n_, _part);
        _state.memRoot = LibMemory.rootAt(_proof, offset, buf, leaf);
    }
}
