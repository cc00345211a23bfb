// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import {
    InvalidStateLength,
    InvalidStateVersion,
    InvalidHaltKind,
    NonZeroRunningHaltCode,
    UnknownFaultCode
} from "src/riscv/Errors.sol";

/// @title LibState
/// @notice The VM state: decoding and validating its 210-byte big-endian encoding, encoding it
///         back, and the state hash with the VM status in its top byte (docs/spec.md, "State
///         encoding").
///
///         | offset | size | field                                                |
///         |--------|------|------------------------------------------------------|
///         | 0      | 1    | layout version = 1                                   |
///         | 1      | 32   | memory root                                          |
///         | 33     | 32   | preimage key                                         |
///         | 65     | 4    | preimage offset                                      |
///         | 69     | 4    | pc                                                   |
///         | 73     | 8    | step counter                                         |
///         | 81     | 1    | halt kind: 0 running, 1 exited, 2 faulted            |
///         | 82     | 4    | halt code: exit code, fault code, or 0 if running    |
///         | 86     | 124  | registers x1..x31, 4 bytes each                      |
library LibState {
    /// @notice The decoded VM state. `registers[0]` is `x0` and always zero.
    struct State {
        bytes32 memRoot;
        bytes32 preimageKey;
        uint32 preimageOffset;
        uint32 pc;
        uint64 step;
        uint8 haltKind;
        uint32 haltCode;
        uint32[32] registers;
    }

    // Field offsets in the encoding (literals, so inline assembly can use them); each is the
    // previous offset plus the previous field's size, which `test_layout_offsets_succeeds`
    // checks.
    uint256 internal constant OFF_VERSION = 0;
    uint256 internal constant OFF_MEM_ROOT = 1;
    uint256 internal constant OFF_PREIMAGE_KEY = 33;
    uint256 internal constant OFF_PREIMAGE_OFFSET = 65;
    uint256 internal constant OFF_PC = 69;
    uint256 internal constant OFF_STEP = 73;
    uint256 internal constant OFF_HALT_KIND = 81;
    uint256 internal constant OFF_HALT_CODE = 82;
    uint256 internal constant OFF_REGISTERS = 86;
    uint256 internal constant STATE_BYTES = 210;

    /// @notice Decodes and validates an encoded state held in calldata.
    /// @dev Reverts unless the encoding is exactly 210 bytes of layout version 1, with a halt
    ///      kind of at most 2, a zero halt code when running, and a known fault code when
    ///      faulted (an exited state may carry any code).
    /// @param _data The 210-byte encoding.
    /// @return state_ The decoded state.
    function decode(bytes calldata _data) internal pure returns (State memory state_) {
        if (_data.length != STATE_BYTES) revert InvalidStateLength(_data.length);
        uint8 version;
        assembly ("memory-safe") {
            let p := _data.offset
            version := shr(248, calldataload(add(p, OFF_VERSION)))
            mstore(state_, calldataload(add(p, OFF_MEM_ROOT)))
            mstore(add(state_, 0x20), calldataload(add(p, OFF_PREIMAGE_KEY)))
            mstore(add(state_, 0x40), shr(224, calldataload(add(p, OFF_PREIMAGE_OFFSET))))
            mstore(add(state_, 0x60), shr(224, calldataload(add(p, OFF_PC))))
            mstore(add(state_, 0x80), shr(192, calldataload(add(p, OFF_STEP))))
            mstore(add(state_, 0xa0), shr(248, calldataload(add(p, OFF_HALT_KIND))))
            mstore(add(state_, 0xc0), shr(224, calldataload(add(p, OFF_HALT_CODE))))
            // registers[i] (i in 1..31) sits at OFF_REGISTERS + 4 * (i - 1); unrolled, as a
            // loop costs three times as much.
            let regs := mload(add(state_, 0xe0))
            mstore(add(regs, 0x20), shr(224, calldataload(add(p, 86))))
            mstore(add(regs, 0x40), shr(224, calldataload(add(p, 90))))
            mstore(add(regs, 0x60), shr(224, calldataload(add(p, 94))))
            mstore(add(regs, 0x80), shr(224, calldataload(add(p, 98))))
            mstore(add(regs, 0xa0), shr(224, calldataload(add(p, 102))))
            mstore(add(regs, 0xc0), shr(224, calldataload(add(p, 106))))
            mstore(add(regs, 0xe0), shr(224, calldataload(add(p, 110))))
            mstore(add(regs, 0x100), shr(224, calldataload(add(p, 114))))
            mstore(add(regs, 0x120), shr(224, calldataload(add(p, 118))))
            mstore(add(regs, 0x140), shr(224, calldataload(add(p, 122))))
            mstore(add(regs, 0x160), shr(224, calldataload(add(p, 126))))
            mstore(add(regs, 0x180), shr(224, calldataload(add(p, 130))))
            mstore(add(regs, 0x1a0), shr(224, calldataload(add(p, 134))))
            mstore(add(regs, 0x1c0), shr(224, calldataload(add(p, 138))))
            mstore(add(regs, 0x1e0), shr(224, calldataload(add(p, 142))))
            mstore(add(regs, 0x200), shr(224, calldataload(add(p, 146))))
            mstore(add(regs, 0x220), shr(224, calldataload(add(p, 150))))
            mstore(add(regs, 0x240), shr(224, calldataload(add(p, 154))))
            mstore(add(regs, 0x260), shr(224, calldataload(add(p, 158))))
            mstore(add(regs, 0x280), shr(224, calldataload(add(p, 162))))
            mstore(add(regs, 0x2a0), shr(224, calldataload(add(p, 166))))
            mstore(add(regs, 0x2c0), shr(224, calldataload(add(p, 170))))
            mstore(add(regs, 0x2e0), shr(224, calldataload(add(p, 174))))
            mstore(add(regs, 0x300), shr(224, calldataload(add(p, 178))))
            mstore(add(regs, 0x320), shr(224, calldataload(add(p, 182))))
            mstore(add(regs, 0x340), shr(224, calldataload(add(p, 186))))
            mstore(add(regs, 0x360), shr(224, calldataload(add(p, 190))))
            mstore(add(regs, 0x380), shr(224, calldataload(add(p, 194))))
            mstore(add(regs, 0x3a0), shr(224, calldataload(add(p, 198))))
            mstore(add(regs, 0x3c0), shr(224, calldataload(add(p, 202))))
            mstore(add(regs, 0x3e0), shr(224, calldataload(add(p, 206))))
        }
        if (version != AxonABI.STATE_VERSION) revert InvalidStateVersion(version);
        validate(state_);
    }

    /// @notice Checks the halt fields of a state: the rules a decoder enforces beyond layout.
    /// @param _state The state to check.
    function validate(State memory _state) internal pure {
        uint8 kind = _state.haltKind;
        uint32 code = _state.haltCode;
        if (kind > AxonABI.HALT_FAULTED) revert InvalidHaltKind(kind);
        if (kind == AxonABI.HALT_RUNNING && code != 0) revert NonZeroRunningHaltCode(code);
        if (kind == AxonABI.HALT_FAULTED && (code == 0 || code > AxonABI.FAULT_MAX)) {
            revert UnknownFaultCode(code);
        }
    }

    /// @notice Encodes a state into its 210-byte form. `registers[0]` is not encoded.
    /// @param _state The state to encode.
    /// @return data_ The encoding.
    function encode(State memory _state) internal pure returns (bytes memory data_) {
        assembly ("memory-safe") {
            data_ := mload(0x40)
            // Length word, 210 data bytes, and room for the last 32-byte store at offset 206
            // (bytes 210.. end up zero: that store's low 28 bytes are).
            mstore(0x40, add(data_, 0x120))
            mstore(data_, STATE_BYTES)
            let d := add(data_, 0x20)
            // Each field is written with one left-aligned 32-byte store, in increasing offset
            // order, so a store's trailing garbage is overwritten by the next field.
            mstore(add(d, OFF_VERSION), shl(248, 1))
            mstore(add(d, OFF_MEM_ROOT), mload(_state))
            mstore(add(d, OFF_PREIMAGE_KEY), mload(add(_state, 0x20)))
            mstore(add(d, OFF_PREIMAGE_OFFSET), shl(224, mload(add(_state, 0x40))))
            mstore(add(d, OFF_PC), shl(224, mload(add(_state, 0x60))))
            mstore(add(d, OFF_STEP), shl(192, mload(add(_state, 0x80))))
            mstore(add(d, OFF_HALT_KIND), shl(248, mload(add(_state, 0xa0))))
            mstore(add(d, OFF_HALT_CODE), shl(224, mload(add(_state, 0xc0))))
            // Registers x1..x31, unrolled (see `decode`).
            let regs := mload(add(_state, 0xe0))
            mstore(add(d, 86), shl(224, mload(add(regs, 0x20))))
            mstore(add(d, 90), shl(224, mload(add(regs, 0x40))))
            mstore(add(d, 94), shl(224, mload(add(regs, 0x60))))
            mstore(add(d, 98), shl(224, mload(add(regs, 0x80))))
            mstore(add(d, 102), shl(224, mload(add(regs, 0xa0))))
            mstore(add(d, 106), shl(224, mload(add(regs, 0xc0))))
            mstore(add(d, 110), shl(224, mload(add(regs, 0xe0))))
            mstore(add(d, 114), shl(224, mload(add(regs, 0x100))))
            mstore(add(d, 118), shl(224, mload(add(regs, 0x120))))
            mstore(add(d, 122), shl(224, mload(add(regs, 0x140))))
            mstore(add(d, 126), shl(224, mload(add(regs, 0x160))))
            mstore(add(d, 130), shl(224, mload(add(regs, 0x180))))
            mstore(add(d, 134), shl(224, mload(add(regs, 0x1a0))))
            mstore(add(d, 138), shl(224, mload(add(regs, 0x1c0))))
            mstore(add(d, 142), shl(224, mload(add(regs, 0x1e0))))
            mstore(add(d, 146), shl(224, mload(add(regs, 0x200))))
            mstore(add(d, 150), shl(224, mload(add(regs, 0x220))))
            mstore(add(d, 154), shl(224, mload(add(regs, 0x240))))
            mstore(add(d, 158), shl(224, mload(add(regs, 0x260))))
            mstore(add(d, 162), shl(224, mload(add(regs, 0x280))))
            mstore(add(d, 166), shl(224, mload(add(regs, 0x2a0))))
            mstore(add(d, 170), shl(224, mload(add(regs, 0x2c0))))
            mstore(add(d, 174), shl(224, mload(add(regs, 0x2e0))))
            mstore(add(d, 178), shl(224, mload(add(regs, 0x300))))
            mstore(add(d, 182), shl(224, mload(add(regs, 0x320))))
            mstore(add(d, 186), shl(224, mload(add(regs, 0x340))))
            mstore(add(d, 190), shl(224, mload(add(regs, 0x360))))
            mstore(add(d, 194), shl(224, mload(add(regs, 0x380))))
            mstore(add(d, 198), shl(224, mload(add(regs, 0x3a0))))
            mstore(add(d, 202), shl(224, mload(add(regs, 0x3c0))))
            mstore(add(d, 206), shl(224, mload(add(regs, 0x3e0))))
        }
    }

    /// @notice The state hash: keccak-256 of the encoding with its first byte replaced by the
    ///         VM status (Optimism's convention).
    /// @param _state The state to hash.
    /// @return hash_ The state hash.
    function hash(State memory _state) internal pure returns (bytes32 hash_) {
        bytes memory data = encode(_state);
        uint8 status = statusOf(_state.haltKind, _state.haltCode);
        assembly ("memory-safe") {
            hash_ := keccak256(add(data, 0x20), STATE_BYTES)
            hash_ := or(shr(8, shl(8, hash_)), shl(248, status))
        }
    }

    /// @notice The VM status of a state, as placed in the top byte of its hash.
    /// @param _haltKind The halt kind (0 running, 1 exited, 2 faulted).
    /// @param _haltCode The halt code.
    /// @return status_ 0 valid (exit 0), 1 invalid (exit non-zero), 2 panic (fault),
    ///         3 unfinished (running).
    function statusOf(uint8 _haltKind, uint32 _haltCode) internal pure returns (uint8 status_) {
        if (_haltKind == AxonABI.HALT_RUNNING) return AxonABI.STATUS_UNFINISHED;
        if (_haltKind == AxonABI.HALT_FAULTED) return AxonABI.STATUS_PANIC;
        return _haltCode == 0 ? AxonABI.STATUS_VALID : AxonABI.STATUS_INVALID;
    }

    /// @notice Whether the VM has halted (exited or faulted).
    function halted(State memory _state) internal pure returns (bool) {
        return _state.haltKind != AxonABI.HALT_RUNNING;
    }

    /// @notice Reads register `_r` (`x0` reads as zero).
    function reg(State memory _state, uint256 _r) internal pure returns (uint32) {
        return _state.registers[_r];
    }

    /// @notice Writes register `_r`; writes to `x0` are discarded.
    function setReg(State memory _state, uint256 _r, uint32 _value) internal pure {
        if (_r != 0) _state.registers[_r] = _value;
    }

    /// @notice Puts the VM into a fault. `pc`, registers, memory and the preimage fields stay as
    ///         they were: callers fault before changing anything.
    /// @param _state The state to fault.
    /// @param _code The fault code (1..7).
    function fault(State memory _state, uint32 _code) internal pure {
        _state.haltKind = AxonABI.HALT_FAULTED;
        _state.haltCode = _code;
    }
}
