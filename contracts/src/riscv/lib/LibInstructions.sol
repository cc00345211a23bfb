// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import { LibState } from "src/riscv/lib/LibState.sol";
import { LibMemory } from "src/riscv/lib/LibMemory.sol";

/// @title LibInstructions
/// @notice Strict RV32IM decoding and execution of every instruction except SYSTEM (which
///         `RISCV` hands to `LibSyscalls`), per docs/spec.md, "Decoding" and "Execution and
///         faults".
///
///         Decoding is strict: every field the unprivileged spec fixes must hold, otherwise the
///         word is an illegal instruction. A step that cannot complete faults before it changes
///         anything, so `pc`, registers and memory keep their pre-step values.
library LibInstructions {
    using LibState for LibState.State;

    // Major opcodes (bits 6..0).
    uint32 internal constant OPCODE_LOAD = 0x03;
    uint32 internal constant OPCODE_MISC_MEM = 0x0F;
    uint32 internal constant OPCODE_OP_IMM = 0x13;
    uint32 internal constant OPCODE_AUIPC = 0x17;
    uint32 internal constant OPCODE_STORE = 0x23;
    uint32 internal constant OPCODE_OP = 0x33;
    uint32 internal constant OPCODE_LUI = 0x37;
    uint32 internal constant OPCODE_BRANCH = 0x63;
    uint32 internal constant OPCODE_JALR = 0x67;
    uint32 internal constant OPCODE_JAL = 0x6F;
    uint32 internal constant OPCODE_SYSTEM = 0x73;

    // funct7 values of OP (and the shift immediates' imm[11:5]).
    uint32 internal constant FUNCT7_BASE = 0x00;
    uint32 internal constant FUNCT7_MULDIV = 0x01;
    uint32 internal constant FUNCT7_ALT = 0x20;

    ////////////////////////////////////////////////////////////////
    //                           Fields                           //
    ////////////////////////////////////////////////////////////////

    function opcode(uint32 _insn) internal pure returns (uint32) {
        return _insn & 0x7F;
    }

    function rd(uint32 _insn) internal pure returns (uint256) {
        return (_insn >> 7) & 0x1F;
    }

    function funct3(uint32 _insn) internal pure returns (uint32) {
        return (_insn >> 12) & 0x7;
    }

    function rs1(uint32 _insn) internal pure returns (uint256) {
        return (_insn >> 15) & 0x1F;
    }

    function rs2(uint32 _insn) internal pure returns (uint256) {
        return (_insn >> 20) & 0x1F;
    }

    function funct7(uint32 _insn) internal pure returns (uint32) {
        return _insn >> 25;
    }

    /// @notice I-type immediate: `insn[31:20]`, sign-extended.
    function immI(uint32 _insn) internal pure returns (uint32) {
        return uint32(int32(_insn) >> 20);
    }

    /// @notice S-type immediate: `insn[31:25] ‖ insn[11:7]`, sign-extended.
    function immS(uint32 _insn) internal pure returns (uint32) {
        return (uint32(int32(_insn) >> 20) & 0xFFFFFFE0) | ((_insn >> 7) & 0x1F);
    }

    /// @notice B-type immediate: `insn[31] ‖ insn[7] ‖ insn[30:25] ‖ insn[11:8] ‖ 0`,
    ///         sign-extended.
    function immB(uint32 _insn) internal pure returns (uint32) {
        return (uint32(int32(_insn) >> 19) & 0xFFFFF000) | ((_insn << 4) & 0x800)
            | ((_insn >> 20) & 0x7E0) | ((_insn >> 7) & 0x1E);
    }

    /// @notice U-type immediate: `insn[31:12] ‖ 0^12`.
    function immU(uint32 _insn) internal pure returns (uint32) {
        return _insn & 0xFFFFF000;
    }

    /// @notice J-type immediate: `insn[31] ‖ insn[19:12] ‖ insn[20] ‖ insn[30:21] ‖ 0`,
    ///         sign-extended.
    function immJ(uint32 _insn) internal pure returns (uint32) {
        return (uint32(int32(_insn) >> 11) & 0xFFF00000) | (_insn & 0xFF000)
            | ((_insn >> 9) & 0x800) | ((_insn >> 20) & 0x7FE);
    }

    ////////////////////////////////////////////////////////////////
    //                          Execution                         //
    ////////////////////////////////////////////////////////////////

    /// @notice Executes one non-SYSTEM instruction on `_state` (whose `pc` holds it).
    /// @param _state The running state; updated in place.
    /// @param _insn The fetched instruction word.
    /// @param _proof The step's proof blob; proof 1 is the data leaf of a load or store.
    /// @return touched_ Whether the step used a data leaf (proof 1).
    function execute(
        LibState.State memory _state,
        uint32 _insn,
        bytes calldata _proof
    )
        internal
        pure
        returns (bool touched_)
    {
        uint32 op = opcode(_insn);
        uint32 pc = _state.pc;
        unchecked {
            if (op == OPCODE_OP || op == OPCODE_OP_IMM) {
                uint32 a = _state.reg(rs1(_insn));
                uint32 f7 = funct7(_insn);
                uint32 f3 = funct3(_insn);
                uint32 b;
                if (op == OPCODE_OP) {
                    b = _state.reg(rs2(_insn));
                } else if (f3 == 1 || f3 == 5) {
                    // SLLI, SRLI, SRAI: imm[11:5] is funct7 and must be 0000000 or (SRAI)
                    // 0100000; `alu` rejects the rest but would take 0000001 as M.
                    if (f7 == FUNCT7_MULDIV) return _illegal(_state);
                    b = uint32(rs2(_insn));
                } else {
                    // ADDI, SLTI, SLTIU, XORI, ORI, ANDI: the ALU op with funct7 = 0.
                    b = immI(_insn);
                    f7 = FUNCT7_BASE;
                }
                (uint32 result, bool legal) = alu(f3, f7, a, b);
                if (!legal) return _illegal(_state);
                _state.setReg(rd(_insn), result);
                _state.pc = pc + 4;
            } else if (op == OPCODE_LOAD) {
                return _load(_state, _insn, _proof);
            } else if (op == OPCODE_STORE) {
                return _store(_state, _insn, _proof);
            } else if (op == OPCODE_BRANCH) {
                uint32 f3 = funct3(_insn);
                if (f3 == 2 || f3 == 3) return _illegal(_state);
                if (branchTaken(f3, _state.reg(rs1(_insn)), _state.reg(rs2(_insn)))) {
                    _jump(_state, pc + immB(_insn), 0, 0);
                } else {
                    _state.pc = pc + 4;
                }
            } else if (op == OPCODE_JAL) {
                _jump(_state, pc + immJ(_insn), rd(_insn), pc + 4);
            } else if (op == OPCODE_JALR) {
                if (funct3(_insn) != 0) return _illegal(_state);
                uint32 target = (_state.reg(rs1(_insn)) + immI(_insn)) & 0xFFFFFFFE;
                _jump(_state, target, rd(_insn), pc + 4);
            } else if (op == OPCODE_LUI) {
                _state.setReg(rd(_insn), immU(_insn));
                _state.pc = pc + 4;
            } else if (op == OPCODE_AUIPC) {
                _state.setReg(rd(_insn), pc + immU(_insn));
                _state.pc = pc + 4;
            } else if (op == OPCODE_MISC_MEM) {
                // FENCE (funct3 000, any other bits) is a no-op; FENCE.I and the rest are not.
                if (funct3(_insn) != 0) return _illegal(_state);
                _state.pc = pc + 4;
            } else {
                return _illegal(_state);
            }
        }
    }

    /// @notice The OP / OP-IMM arithmetic: RV32I for funct7 0000000 and 0100000, RV32M for
    ///         0000001. `legal` is false for encodings the spec does not define.
    /// @param _f3 funct3.
    /// @param _f7 funct7.
    /// @param _a rs1's value.
    /// @param _b rs2's value, the immediate, or the shift amount.
    function alu(
        uint32 _f3,
        uint32 _f7,
        uint32 _a,
        uint32 _b
    )
        internal
        pure
        returns (uint32 result_, bool legal_)
    {
        unchecked {
            if (_f7 == FUNCT7_BASE) {
                if (_f3 == 0) return (_a + _b, true); // ADD
                if (_f3 == 1) return (_a << (_b & 31), true); // SLL
                if (_f3 == 2) return (int32(_a) < int32(_b) ? 1 : 0, true); // SLT
                if (_f3 == 3) return (_a < _b ? 1 : 0, true); // SLTU
                if (_f3 == 4) return (_a ^ _b, true); // XOR
                if (_f3 == 5) return (_a >> (_b & 31), true); // SRL
                if (_f3 == 6) return (_a | _b, true); // OR
                return (_a & _b, true); // AND
            }
            if (_f7 == FUNCT7_ALT) {
                if (_f3 == 0) return (_a - _b, true); // SUB
                if (_f3 == 5) return (uint32(int32(_a) >> (_b & 31)), true); // SRA
                return (0, false);
            }
            if (_f7 == FUNCT7_MULDIV) return (muldiv(_f3, _a, _b), true);
            return (0, false);
        }
    }

    /// @notice The M extension, with the spec's corner cases: `x / 0 = 0xFFFFFFFF`,
    ///         `x % 0 = x`, `INT_MIN / -1 = INT_MIN`, `INT_MIN % -1 = 0`.
    function muldiv(uint32 _f3, uint32 _a, uint32 _b) internal pure returns (uint32) {
        unchecked {
            if (_f3 == 0) return uint32(uint256(_a) * uint256(_b)); // MUL
            if (_f3 == 1) {
                // MULH: signed x signed, high word.
                return uint32(uint256(int256(int32(_a)) * int256(int32(_b)) >> 32));
            }
            if (_f3 == 2) {
                // MULHSU: signed x unsigned, high word.
                return uint32(uint256(int256(int32(_a)) * int256(uint256(_b)) >> 32));
            }
            if (_f3 == 3) return uint32((uint256(_a) * uint256(_b)) >> 32); // MULHU
            if (_f3 == 4) {
                // DIV
                if (_b == 0) return 0xFFFFFFFF;
                if (_a == 0x80000000 && _b == 0xFFFFFFFF) return 0x80000000;
                return uint32(int32(_a) / int32(_b));
            }
            if (_f3 == 5) return _b == 0 ? 0xFFFFFFFF : _a / _b; // DIVU
            if (_f3 == 6) {
                // REM
                if (_b == 0) return _a;
                if (_a == 0x80000000 && _b == 0xFFFFFFFF) return 0;
                return uint32(int32(_a) % int32(_b));
            }
            return _b == 0 ? _a : _a % _b; // REMU
        }
    }

    /// @notice Whether a branch with funct3 `_f3` (0, 1, 4..7) is taken.
    function branchTaken(uint32 _f3, uint32 _a, uint32 _b) internal pure returns (bool) {
        if (_f3 == 0) return _a == _b; // BEQ
        if (_f3 == 1) return _a != _b; // BNE
        if (_f3 == 4) return int32(_a) < int32(_b); // BLT
        if (_f3 == 5) return int32(_a) >= int32(_b); // BGE
        if (_f3 == 6) return _a < _b; // BLTU
        return _a >= _b; // BGEU
    }

    ////////////////////////////////////////////////////////////////
    //                          Internals                         //
    ////////////////////////////////////////////////////////////////

    /// @notice Jumps to `_target`, linking `_link` into `_rd`, or faults with `MisalignedFetch`
    ///         (before `_rd` is written) when the target is not 4-byte aligned.
    function _jump(
        LibState.State memory _state,
        uint32 _target,
        uint256 _rd,
        uint32 _link
    )
        private
        pure
    {
        if (_target & 3 != 0) {
            _state.fault(AxonABI.FAULT_MISALIGNED_FETCH);
            return;
        }
        _state.setReg(_rd, _link);
        _state.pc = _target;
    }

    /// @notice LB, LH, LW, LBU, LHU.
    function _load(
        LibState.State memory _state,
        uint32 _insn,
        bytes calldata _proof
    )
        private
        pure
        returns (bool touched_)
    {
        uint32 f3 = funct3(_insn);
        // funct3: 000 LB, 001 LH, 010 LW, 100 LBU, 101 LHU.
        if (f3 == 3 || f3 > 5) return _illegal(_state);
        uint256 size = 1 << (f3 & 3);
        uint32 addr;
        unchecked {
            addr = _state.reg(rs1(_insn)) + immI(_insn);
        }
        if (addr & (size - 1) != 0) {
            _state.fault(AxonABI.FAULT_MISALIGNED_LOAD);
            return false;
        }
        bytes32 leaf = LibMemory.readLeaf(_proof, 1, addr, _state.memRoot);
        uint32 value = LibMemory.loadLE(leaf, addr & 31, size);
        if (f3 == 0) value = uint32(int32(int8(uint8(value)))); // LB
        else if (f3 == 1) value = uint32(int32(int16(uint16(value)))); // LH
        _state.setReg(rd(_insn), value);
        unchecked {
            _state.pc += 4;
        }
        return true;
    }

    /// @notice SB, SH, SW: rewrite the data leaf and recompute the root from its siblings.
    function _store(
        LibState.State memory _state,
        uint32 _insn,
        bytes calldata _proof
    )
        private
        pure
        returns (bool touched_)
    {
        uint32 f3 = funct3(_insn);
        if (f3 > 2) return _illegal(_state);
        uint256 size = 1 << f3;
        uint32 addr;
        unchecked {
            addr = _state.reg(rs1(_insn)) + immS(_insn);
        }
        if (addr & (size - 1) != 0) {
            _state.fault(AxonABI.FAULT_MISALIGNED_STORE);
            return false;
        }
        (bytes32 leaf, uint256 offset,) = LibMemory.proveLeaf(_proof, 1, addr, _state.memRoot);
        leaf = LibMemory.storeLE(leaf, addr & 31, size, _state.reg(rs2(_insn)));
        _state.memRoot = LibMemory.rootAt(_proof, offset, addr, leaf);
        unchecked {
            _state.pc += 4;
        }
        return true;
    }

    /// @notice Faults with `IllegalInstruction`; touches no data leaf.
    function _illegal(LibState.State memory _state) private pure returns (bool) {
        _state.fault(AxonABI.FAULT_ILLEGAL_INSTRUCTION);
        return false;
    }
}
