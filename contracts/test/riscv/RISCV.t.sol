// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { StepTestBase } from "test/riscv/StepTestBase.sol";
import { SparseMemory } from "test/lib/SparseMemory.sol";
import { RV } from "test/lib/RV.sol";
import { RefRV } from "test/lib/RefRV.sol";
import { LibState } from "src/riscv/lib/LibState.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import {
    InvalidStateLength,
    InvalidStateVersion,
    InvalidHaltKind,
    InvalidMemoryProof,
    InvalidProofLength,
    InvalidProofMask,
    InvalidCalldataLayout
} from "src/riscv/Errors.sol";

/// @notice Metadata and wiring of the stepper.
contract RISCV_Constructor_Test is StepTestBase {
    function test_constructor_oracle_succeeds() external view {
        assertEq(address(riscv.oracle()), address(oracle));
        assertEq(riscv.version(), "1.2.0");
    }
}

/// @notice OP and OP-IMM: RV32I arithmetic and the M extension.
contract RISCV_StepAlu_Test is StepTestBase {
    using SparseMemory for SparseMemory.Mem;

    /// @notice Steps one OP instruction `x7 = x5 op x6` and checks `x7`.
    function _op(uint32 _insn, uint32 _a, uint32 _b, uint32 _want) internal view {
        SparseMemory.Mem memory m = _program(_insn);
        LibState.State memory pre = _state(m);
        pre.registers[5] = _a;
        pre.registers[6] = _b;
        pre.registers[7] = 0x5A5A5A5A;
        LibState.State memory post = _next(pre);
        post.registers[7] = _want;
        _assertStep(pre, m, post);
    }

    function test_step_add_succeeds() external view {
        _op(RV.add(7, 5, 6), 5, 7, 12);
        _op(RV.add(7, 5, 6), 0xFFFFFFFF, 2, 1); // wraps
    }

    function test_step_sub_succeeds() external view {
        _op(RV.sub(7, 5, 6), 5, 7, 0xFFFFFFFE);
        _op(RV.sub(7, 5, 6), 0x80000000, 1, 0x7FFFFFFF);
    }

    function test_step_shifts_succeeds() external view {
        _op(RV.sll(7, 5, 6), 1, 31, 0x80000000);
        _op(RV.sll(7, 5, 6), 1, 33, 2); // low 5 bits of the amount
        _op(RV.srl(7, 5, 6), 0x80000000, 31, 1);
        _op(RV.srl(7, 5, 6), 0x80000000, 0xFFFFFFE1, 0x40000000);
        _op(RV.sra(7, 5, 6), 0x80000000, 31, 0xFFFFFFFF);
        _op(RV.sra(7, 5, 6), 0x80000000, 4, 0xF8000000);
        _op(RV.sra(7, 5, 6), 0x40000000, 4, 0x04000000);
    }

    function test_step_compare_succeeds() external view {
        _op(RV.slt(7, 5, 6), 0xFFFFFFFF, 0, 1); // -1 < 0
        _op(RV.slt(7, 5, 6), 0, 0xFFFFFFFF, 0);
        _op(RV.sltu(7, 5, 6), 0xFFFFFFFF, 0, 0);
        _op(RV.sltu(7, 5, 6), 0, 0xFFFFFFFF, 1);
        _op(RV.slt(7, 5, 6), 3, 3, 0);
    }

    function test_step_logic_succeeds() external view {
        _op(RV.xor_(7, 5, 6), 0xF0F0F0F0, 0xFF00FF00, 0x0FF00FF0);
        _op(RV.or_(7, 5, 6), 0xF0F0F0F0, 0xFF00FF00, 0xFFF0FFF0);
        _op(RV.and_(7, 5, 6), 0xF0F0F0F0, 0xFF00FF00, 0xF000F000);
    }

    function test_step_mul_succeeds() external view {
        _op(RV.mulDiv(0, 7, 5, 6), 0xFFFFFFFF, 0xFFFFFFFF, 1); // MUL
        _op(RV.mulDiv(0, 7, 5, 6), 0x10000, 0x10000, 0);
        _op(RV.mulDiv(1, 7, 5, 6), 0xFFFFFFFF, 0xFFFFFFFF, 0); // MULH -1 * -1
        _op(RV.mulDiv(1, 7, 5, 6), 0x80000000, 0x80000000, 0x40000000); // MULH min*min
        _op(RV.mulDiv(1, 7, 5, 6), 0x80000000, 1, 0xFFFFFFFF);
        _op(RV.mulDiv(2, 7, 5, 6), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF); // MULHSU -1 * (2^32-1)
        _op(RV.mulDiv(2, 7, 5, 6), 0x80000000, 0xFFFFFFFF, 0x80000000);
        _op(RV.mulDiv(3, 7, 5, 6), 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE); // MULHU
    }

    function test_step_div_succeeds() external view {
        _op(RV.mulDiv(4, 7, 5, 6), 7, 0, 0xFFFFFFFF); // DIV by zero
        _op(RV.mulDiv(4, 7, 5, 6), 0x80000000, 0xFFFFFFFF, 0x80000000); // INT_MIN / -1
        _op(RV.mulDiv(4, 7, 5, 6), 0xFFFFFFF9, 2, 0xFFFFFFFD); // -7 / 2 = -3
        _op(RV.mulDiv(4, 7, 5, 6), 7, 0xFFFFFFFE, 0xFFFFFFFD); // 7 / -2 = -3
        _op(RV.mulDiv(5, 7, 5, 6), 7, 0, 0xFFFFFFFF); // DIVU by zero
        _op(RV.mulDiv(5, 7, 5, 6), 0xFFFFFFFF, 2, 0x7FFFFFFF);
    }

    function test_step_rem_succeeds() external view {
        _op(RV.mulDiv(6, 7, 5, 6), 7, 0, 7); // REM by zero
        _op(RV.mulDiv(6, 7, 5, 6), 0x80000000, 0xFFFFFFFF, 0); // INT_MIN % -1
        _op(RV.mulDiv(6, 7, 5, 6), 0xFFFFFFF9, 2, 0xFFFFFFFF); // -7 % 2 = -1
        _op(RV.mulDiv(6, 7, 5, 6), 7, 0xFFFFFFFE, 1); // 7 % -2 = 1
        _op(RV.mulDiv(7, 7, 5, 6), 0xFFFFFFFF, 0, 0xFFFFFFFF); // REMU by zero
        _op(RV.mulDiv(7, 7, 5, 6), 0xFFFFFFFF, 10, 5);
    }

    function test_step_opImm_succeeds() external view {
        _op(RV.addi(7, 5, -1), 0, 0, 0xFFFFFFFF);
        _op(RV.addi(7, 5, 2047), 1, 0, 2048);
        _op(RV.opImm(2, 7, 5, -1), 0xFFFFFFFE, 0, 1); // SLTI -2 < -1
        _op(RV.opImm(3, 7, 5, -1), 0xFFFFFFFE, 0, 1); // SLTIU: imm is 0xFFFFFFFF
        _op(RV.opImm(3, 7, 5, -1), 0xFFFFFFFF, 0, 0);
        _op(RV.opImm(4, 7, 5, -1), 0x12345678, 0, 0xEDCBA987); // XORI -1 = NOT
        _op(RV.opImm(6, 7, 5, -2048), 0x1, 0, 0xFFFFF801); // ORI
        _op(RV.opImm(7, 7, 5, 0x7F0), 0xFFFFFFFF, 0, 0x7F0); // ANDI
        _op(RV.slli(7, 5, 31), 3, 0, 0x80000000);
        _op(RV.srli(7, 5, 4), 0x80000000, 0, 0x08000000);
        _op(RV.srai(7, 5, 4), 0x80000000, 0, 0xF8000000);
    }

    /// @notice Writes to x0 are discarded (and x0 reads as zero).
    function test_step_writeX0_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.addi(0, 5, 1));
        LibState.State memory pre = _state(m);
        pre.registers[5] = 41;
        _assertStep(pre, m, _next(pre));
    }

    function test_step_readX0_succeeds() external view {
        _op(RV.add(7, 0, 6), 0xDEAD, 3, 3);
    }

    function test_step_lui_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.lui(7, 0xFFFFF));
        LibState.State memory pre = _state(m);
        LibState.State memory post = _next(pre);
        post.registers[7] = 0xFFFFF000;
        _assertStep(pre, m, post);
    }

    function test_step_auipc_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.auipc(7, 0xFFFFF));
        LibState.State memory pre = _state(m);
        LibState.State memory post = _next(pre);
        post.registers[7] = PC - 0x1000; // wraps
        _assertStep(pre, m, post);
    }

    /// @notice Any OP with funct7 in {0, 1, 0x20} agrees with the reference.
    function testFuzz_step_op_matchesReference_succeeds(
        uint8 _f3,
        uint8 _f7,
        uint32 _a,
        uint32 _b,
        uint8 _rd
    )
        external
        view
    {
        uint32 f3 = _f3 % 8;
        uint32 f7 = [uint32(0), 1, 0x20][_f7 % 3];
        uint256 rd = _rd % 32;
        SparseMemory.Mem memory m = _program(RV.rType(f7, 6, 5, f3, rd, RV.OP));
        LibState.State memory pre = _state(m);
        pre.registers[5] = _a;
        pre.registers[6] = _b;
        (bool legal, uint256 want) = RefRV.op(f3, f7, _a, _b);
        LibState.State memory post;
        if (legal) {
            post = _next(pre);
            if (rd != 0) post.registers[rd] = uint32(want);
        } else {
            post = _faulted(pre, AxonABI.FAULT_ILLEGAL_INSTRUCTION);
        }
        _assertStep(pre, m, post);
    }

    /// @notice Any OP-IMM agrees with the reference (I-type immediate, shifts by shamt).
    function testFuzz_step_opImm_matchesReference_succeeds(
        uint32 _insnBits,
        uint32 _a
    )
        external
        view
    {
        // Random immediate and funct3; rd = x7, rs1 = x5.
        uint32 insn = (_insnBits & 0xFFF07000) | (5 << 15) | (7 << 7) | RV.OP_IMM;
        uint32 f3 = (insn >> 12) & 7;
        SparseMemory.Mem memory m = _program(insn);
        LibState.State memory pre = _state(m);
        pre.registers[5] = _a;
        LibState.State memory post;
        if (!RefRV.legal(insn)) {
            post = _faulted(pre, AxonABI.FAULT_ILLEGAL_INSTRUCTION);
        } else {
            uint256 b = RefRV.immI(insn);
            uint256 f7 = 0;
            if (f3 == 1 || f3 == 5) {
                b = (insn >> 20) & 31;
                f7 = insn >> 25;
            }
            (, uint256 want) = RefRV.op(f3, f7, _a, b);
            post = _next(pre);
            post.registers[7] = uint32(want);
        }
        _assertStep(pre, m, post);
    }
}

/// @notice Branches, JAL and JALR.
contract RISCV_StepControl_Test is StepTestBase {
    using SparseMemory for SparseMemory.Mem;

    function _branch(uint32 _f3, uint32 _a, uint32 _b, int256 _off, bool _taken) internal view {
        SparseMemory.Mem memory m = _program(RV.branch(_f3, 5, 6, _off));
        LibState.State memory pre = _state(m);
        pre.registers[5] = _a;
        pre.registers[6] = _b;
        LibState.State memory post = _next(pre);
        if (_taken) post.pc = uint32(uint256(int256(uint256(PC)) + _off));
        _assertStep(pre, m, post);
    }

    function test_step_branches_succeeds() external view {
        _branch(0, 1, 1, 8, true); // BEQ
        _branch(0, 1, 2, 8, false);
        _branch(1, 1, 2, -8, true); // BNE backwards
        _branch(1, 1, 1, -8, false);
        _branch(4, 0xFFFFFFFF, 0, 4092, true); // BLT signed
        _branch(4, 0, 0xFFFFFFFF, 4092, false);
        _branch(5, 0, 0xFFFFFFFF, -4096, true); // BGE
        _branch(5, 3, 3, 16, true);
        _branch(5, 0xFFFFFFFF, 0, 16, false);
        _branch(6, 0, 0xFFFFFFFF, 16, true); // BLTU
        _branch(6, 0xFFFFFFFF, 0, 16, false);
        _branch(7, 0xFFFFFFFF, 0, 16, true); // BGEU
        _branch(7, 0, 1, 16, false);
    }

    /// @notice A taken branch to a target that is not 4-byte aligned faults; not taken, it
    ///         does not.
    function test_step_branchMisaligned_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.branch(0, 5, 6, 6));
        LibState.State memory pre = _state(m);
        _assertStep(pre, m, _faulted(pre, AxonABI.FAULT_MISALIGNED_FETCH));
        pre.registers[5] = 1;
        _assertStep(pre, m, _next(pre));
    }

    function test_step_jal_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.jal(1, -2048));
        LibState.State memory pre = _state(m);
        LibState.State memory post = _next(pre);
        post.registers[1] = PC + 4;
        post.pc = PC - 2048;
        _assertStep(pre, m, post);
    }

    function test_step_jalFar_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.jal(5, (1 << 20) - 4));
        LibState.State memory pre = _state(m);
        LibState.State memory post = _next(pre);
        post.registers[5] = PC + 4;
        post.pc = PC + (1 << 20) - 4;
        _assertStep(pre, m, post);
    }

    /// @notice A misaligned JAL target faults before rd is written.
    function test_step_jalMisaligned_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.jal(1, 2));
        LibState.State memory pre = _state(m);
        _assertStep(pre, m, _faulted(pre, AxonABI.FAULT_MISALIGNED_FETCH));
    }

    /// @notice JALR clears bit 0 of the target and reads rs1 before writing rd (rd == rs1).
    function test_step_jalr_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.jalr(5, 5, 1));
        LibState.State memory pre = _state(m);
        pre.registers[5] = 0x20004; // 0x20004 + 1 = 0x20005, bit 0 cleared
        LibState.State memory post = _next(pre);
        post.registers[5] = PC + 4;
        post.pc = 0x20004;
        _assertStep(pre, m, post);
    }

    /// @notice A JALR target with bit 1 set faults before rd is written.
    function test_step_jalrMisaligned_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.jalr(5, 5, -3));
        LibState.State memory pre = _state(m);
        pre.registers[5] = 0x20005; // 0x20002
        _assertStep(pre, m, _faulted(pre, AxonABI.FAULT_MISALIGNED_FETCH));
    }

    function test_step_jalrX0_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.jalr(0, 1, 0));
        LibState.State memory pre = _state(m);
        pre.registers[1] = 0x40000;
        LibState.State memory post = _next(pre);
        post.pc = 0x40000;
        _assertStep(pre, m, post);
    }

    /// @notice Any branch agrees with the reference, including misaligned targets.
    function testFuzz_step_branch_matchesReference_succeeds(
        uint32 _bits,
        uint32 _a,
        uint32 _b
    )
        external
        view
    {
        uint32 insn = (_bits & 0xFE007F80) | (6 << 20) | (5 << 15) | RV.BRANCH;
        uint32 f3 = (insn >> 12) & 7;
        SparseMemory.Mem memory m = _program(insn);
        LibState.State memory pre = _state(m);
        pre.registers[5] = _a;
        pre.registers[6] = _b;
        LibState.State memory post;
        if (!RefRV.legal(insn)) {
            post = _faulted(pre, AxonABI.FAULT_ILLEGAL_INSTRUCTION);
        } else if (RefRV.branch(f3, _a, _b)) {
            uint256 target = (uint256(PC) + RefRV.immB(insn)) % (1 << 32);
            if (target % 4 != 0) {
                post = _faulted(pre, AxonABI.FAULT_MISALIGNED_FETCH);
            } else {
                post = _next(pre);
                post.pc = uint32(target);
            }
        } else {
            post = _next(pre);
        }
        _assertStep(pre, m, post);
    }

    /// @notice Any JAL agrees with the reference immediate.
    function testFuzz_step_jal_matchesReference_succeeds(uint32 _bits) external view {
        uint32 insn = (_bits & 0xFFFFF000) | (1 << 7) | RV.JAL;
        SparseMemory.Mem memory m = _program(insn);
        LibState.State memory pre = _state(m);
        uint256 target = (uint256(PC) + RefRV.immJ(insn)) % (1 << 32);
        LibState.State memory post;
        if (target % 4 != 0) {
            post = _faulted(pre, AxonABI.FAULT_MISALIGNED_FETCH);
        } else {
            post = _next(pre);
            post.pc = uint32(target);
            post.registers[1] = PC + 4;
        }
        _assertStep(pre, m, post);
    }
}

/// @notice Loads and stores.
contract RISCV_StepMemory_Test is StepTestBase {
    using SparseMemory for SparseMemory.Mem;

    uint32 internal constant DATA = 0x0002_0000;

    /// @notice A memory with the program and a recognizable data leaf at DATA.
    function _memory(uint32 _insn) internal pure returns (SparseMemory.Mem memory m_) {
        m_ = _program(_insn);
        m_.setLeaf(DATA, hex"8182838485868788898a8b8c8d8e8f90f1f2f3f4f5f6f7f8f9fafbfcfdfeff00");
    }

    function _load(uint32 _f3, uint32 _addr, uint32 _want) internal view {
        // x7 = load(x5 + 16); x5 = addr - 16.
        SparseMemory.Mem memory m = _memory(RV.load(_f3, 7, 5, 16));
        LibState.State memory pre = _state(m);
        pre.registers[5] = _addr - 16;
        LibState.State memory post = _next(pre);
        post.registers[7] = _want;
        _assertStep(pre, m, _addr, post);
    }

    function test_step_loads_succeeds() external view {
        _load(0, DATA, 0xFFFFFF81); // LB sign-extends
        _load(4, DATA, 0x81); // LBU
        _load(0, DATA + 31, 0); // last byte
        _load(0, DATA + 16, 0xFFFFFFF1);
        _load(1, DATA, 0xFFFF8281); // LH
        _load(5, DATA, 0x8281); // LHU
        _load(1, DATA + 30, 0x000000FF); // bytes ff 00
        _load(1, DATA + 14, 0xFFFF908F); // bytes 8f 90
        _load(2, DATA, 0x84838281); // LW
        _load(2, DATA + 28, 0x00FFFEFD);
        _load(4, DATA + 1000, 0); // untouched memory is zero
    }

    /// @notice A load from the instruction's own leaf uses a second proof of the same leaf.
    function test_step_loadOwnLeaf_succeeds() external view {
        uint32 insn = RV.load(2, 7, 5, 0);
        SparseMemory.Mem memory m = _program(insn);
        LibState.State memory pre = _state(m);
        pre.registers[5] = PC;
        LibState.State memory post = _next(pre);
        post.registers[7] = insn;
        _assertStep(pre, m, PC, post);
    }

    function test_step_loadMisaligned_succeeds() external view {
        uint32[4] memory cases = [uint32(1), 1, 2, 5];
        uint32[4] memory offs = [uint32(1), 3, 2, 1];
        for (uint256 i = 0; i < 4; i++) {
            SparseMemory.Mem memory m = _memory(RV.load(cases[i], 7, 5, 0));
            LibState.State memory pre = _state(m);
            pre.registers[5] = DATA + offs[i];
            _assertStep(pre, m, _faulted(pre, AxonABI.FAULT_MISALIGNED_LOAD));
        }
    }

    function _store(uint32 _f3, uint32 _addr, uint32 _value) internal view {
        // store(x6) at x5 - 4; x5 = addr + 4.
        SparseMemory.Mem memory m = _memory(RV.store(_f3, 6, 5, -4));
        LibState.State memory pre = _state(m);
        unchecked {
            pre.registers[5] = _addr + 4;
        }
        pre.registers[6] = _value;
        bytes memory proof = _proof(pre, m, _addr);
        m.storeLE(_addr, _value, 1 << _f3);
        LibState.State memory post = _next(pre);
        post.memRoot = m.root();
        assertEq(
            riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT), LibState.hash(post), "store"
        );
    }

    function test_step_stores_succeeds() external view {
        _store(0, DATA, 0xAABBCCDD); // SB writes the low byte
        _store(0, DATA + 31, 0x12);
        _store(1, DATA + 2, 0xAABBCCDD); // SH
        _store(1, DATA + 30, 0xFFFF);
        _store(2, DATA + 4, 0xAABBCCDD); // SW
        _store(2, DATA + 28, 0x01020304);
        _store(2, 0xFFFFFFFC, 0x01020304); // top of memory
        _store(2, 0, 0x01020304); // bottom of memory
    }

    /// @notice A store into the instruction's own leaf (self-modifying code).
    function test_step_storeOwnLeaf_succeeds() external view {
        _store(2, PC + 4, 0x00000013);
        _store(2, PC, 0x00000013);
    }

    function test_step_storeMisaligned_succeeds() external view {
        uint32[3] memory f3s = [uint32(1), 2, 2];
        uint32[3] memory offs = [uint32(1), 2, 1];
        for (uint256 i = 0; i < 3; i++) {
            SparseMemory.Mem memory m = _memory(RV.store(f3s[i], 6, 5, 0));
            LibState.State memory pre = _state(m);
            pre.registers[5] = DATA + offs[i];
            _assertStep(pre, m, _faulted(pre, AxonABI.FAULT_MISALIGNED_STORE));
        }
    }

    /// @notice Store then load agree with the byte-level reference memory.
    function testFuzz_step_storeLoad_matchesReference_succeeds(
        uint32 _addr,
        uint32 _value,
        uint8 _f3
    )
        external
        view
    {
        uint32 f3 = _f3 % 3;
        uint32 size = uint32(1) << f3;
        _addr = _addr & ~(size - 1);
        vm.assume(_addr >> 5 != PC >> 5);
        SparseMemory.Mem memory m = _program(RV.store(f3, 6, 5, 0));
        m.setLeaf(_addr, keccak256(abi.encode(_addr)));
        LibState.State memory pre = _state(m);
        pre.registers[5] = _addr;
        pre.registers[6] = _value;
        bytes memory proof = _proof(pre, m, _addr);
        m.storeLE(_addr, _value, size);
        LibState.State memory post = _next(pre);
        post.memRoot = m.root();
        assertEq(riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT), LibState.hash(post));

        // Load it back, unsigned (LBU / LHU / LW).
        uint32 loadF3 = f3 == 2 ? 2 : f3 + 4;
        m.storeWord(post.pc, RV.load(loadF3, 7, 5, 0));
        post.memRoot = m.root();
        LibState.State memory post2 = _next(post);
        post2.registers[7] = uint32(m.loadLE(_addr, size));
        assertEq(post2.registers[7], uint256(_value) & ((uint256(1) << (8 * size)) - 1));
        _assertStep(post, m, _addr, post2);
    }
}

/// @notice FENCE, SYSTEM words other than ECALL, strict decoding and faults.
contract RISCV_StepDecode_Test is StepTestBase {
    using SparseMemory for SparseMemory.Mem;

    function test_step_fence_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.fence());
        LibState.State memory pre = _state(m);
        _assertStep(pre, m, _next(pre));
        // FENCE with arbitrary other bits (fm, rd, rs1) is still a no-op.
        m = _program(0xFFFF8F8F & ~uint32(0x7000));
        pre.memRoot = m.root();
        _assertStep(pre, m, _next(pre));
    }

    function test_step_ebreak_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.ebreak());
        LibState.State memory pre = _state(m);
        _assertStep(pre, m, _faulted(pre, AxonABI.FAULT_BREAKPOINT));
    }

    function _assertIllegal(uint32 _insn) internal view {
        SparseMemory.Mem memory m = _program(_insn);
        LibState.State memory pre = _state(m);
        pre.registers[5] = 0x20000;
        assertEq(
            _step(pre, m),
            LibState.hash(_faulted(pre, AxonABI.FAULT_ILLEGAL_INSTRUCTION)),
            vm.toString(bytes32(uint256(_insn)))
        );
    }

    function test_step_illegal_succeeds() external view {
        _assertIllegal(0x00000000); // all zero
        _assertIllegal(0xFFFFFFFF); // all ones
        _assertIllegal(0x00000001); // compressed
        _assertIllegal(0x00004501); // c.li
        _assertIllegal(RV.rType(0x20, 6, 5, 1, 7, RV.OP)); // OP funct7 0100000 with SLL
        _assertIllegal(RV.rType(0x20, 6, 5, 7, 7, RV.OP));
        _assertIllegal(RV.rType(0x02, 6, 5, 0, 7, RV.OP));
        _assertIllegal(RV.rType(0x40, 6, 5, 0, 7, RV.OP));
        _assertIllegal(RV.rType(0x20, 3, 5, 1, 7, RV.OP_IMM)); // SLLI with imm[11:5] = 0100000
        _assertIllegal(RV.rType(0x01, 3, 5, 1, 7, RV.OP_IMM)); // SLLI with imm[10] clear, [5] set
        _assertIllegal(RV.rType(0x01, 3, 5, 5, 7, RV.OP_IMM)); // SRLI with imm[5] set (RV64 shamt)
        _assertIllegal(RV.rType(0x21, 3, 5, 5, 7, RV.OP_IMM));
        _assertIllegal(RV.iType(0, 5, 3, 7, RV.LOAD)); // LD
        _assertIllegal(RV.iType(0, 5, 6, 7, RV.LOAD)); // LWU
        _assertIllegal(RV.iType(0, 5, 7, 7, RV.LOAD));
        _assertIllegal(RV.sType(0, 6, 5, 3)); // SD
        _assertIllegal(RV.sType(0, 6, 5, 4));
        _assertIllegal(RV.bType(8, 6, 5, 2));
        _assertIllegal(RV.bType(8, 6, 5, 3));
        _assertIllegal(RV.iType(0, 5, 1, 7, RV.JALR));
        _assertIllegal(RV.iType(0, 0, 1, 0, RV.MISC_MEM)); // FENCE.I
        _assertIllegal(RV.iType(0, 0, 2, 0, RV.MISC_MEM));
        _assertIllegal(0x30200073); // MRET
        _assertIllegal(0x10500073); // WFI
        _assertIllegal(0x00000473); // ECALL with rd != 0
        _assertIllegal(0x00008073); // ECALL with rs1 != 0
        _assertIllegal(0x00200073); // URET-like
        _assertIllegal(0x34011173); // CSRRW
        _assertIllegal(0x100022AF); // LR.W (A extension)
        _assertIllegal(0x0002A007); // FLW
        _assertIllegal(0x00003003); // LD x0
        _assertIllegal(0x0000001B); // ADDIW (RV64)
        _assertIllegal(0x0000003B); // ADDW (RV64)
    }

    /// @notice Strict decoding: a word faults with IllegalInstruction iff the reference decoder
    ///         rejects it. Words are drawn with a valid major opcode half the time.
    function testFuzz_step_decode_matchesReference_succeeds(
        uint32 _w,
        bool _forceOpcode
    )
        external
        view
    {
        if (_forceOpcode) {
            uint32[10] memory ops =
                [uint32(0x33), 0x13, 0x63, 0x67, 0x0F, 0x73, 0x6F, 0x37, 0x17, 0x73];
            _w = (_w & ~uint32(0x7F)) | ops[_w % 10];
        }
        uint32 opc = _w & 0x7F;
        // Loads, stores and ECALL need data proofs or registers of their own; skip them here.
        vm.assume(opc != 0x03 && opc != 0x23 && _w != 0x73);
        SparseMemory.Mem memory m = _program(_w);
        LibState.State memory pre = _state(m);
        bytes32 illegal = LibState.hash(_faulted(pre, AxonABI.FAULT_ILLEGAL_INSTRUCTION));
        bytes32 got = _step(pre, m);
        if (RefRV.legal(_w)) assertNotEq(got, illegal, "legal word faulted");
        else assertEq(got, illegal, "illegal word accepted");
    }

    /// @notice A misaligned pc faults (the fetch proof is still required and checked).
    function test_step_misalignedPc_succeeds() external view {
        for (uint32 off = 1; off < 4; off++) {
            SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
            LibState.State memory pre = _state(m);
            pre.pc = PC + off;
            _assertStep(pre, m, _faulted(pre, AxonABI.FAULT_MISALIGNED_FETCH));
        }
    }

    function test_step_misalignedPcBadProof_reverts() external {
        SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
        LibState.State memory pre = _state(m);
        pre.pc = PC + 2;
        bytes memory proof = m.proof(pre.pc, 0); // every sibling sent
        proof[40] ^= 0x01; // sibling 0
        vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, 0));
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
    }

    /// @notice pc wraps from the top of memory to 0.
    function test_step_pcWraps_succeeds() external view {
        SparseMemory.Mem memory m = _program(0xFFFFFFFC, RV.addi(0, 0, 0));
        LibState.State memory pre = _state(m);
        pre.pc = 0xFFFFFFFC;
        LibState.State memory post = _next(pre);
        assertEq(post.pc, 0);
        _assertStep(pre, m, post);
    }

    /// @notice The step counter wraps at 2^64.
    function test_step_stepCounterWraps_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.addi(0, 0, 0));
        LibState.State memory pre = _state(m);
        pre.step = type(uint64).max;
        LibState.State memory post = _next(pre);
        assertEq(post.step, 0);
        _assertStep(pre, m, post);
    }
}

/// @notice Halted pre-states and malformed witnesses.
contract RISCV_StepWitness_Test is StepTestBase {
    using SparseMemory for SparseMemory.Mem;

    /// @notice A halted state steps to itself and takes no proof.
    function test_step_halted_succeeds() external view {
        SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
        LibState.State memory pre = _state(m);
        pre.haltKind = AxonABI.HALT_EXITED;
        pre.haltCode = 3;
        bytes memory enc = LibState.encode(pre);
        bytes32 h = LibState.hash(pre);
        assertEq(riscv.step(enc, "", LOCAL_CONTEXT), h, "exited, no proof");
        assertEq(uint256(h) >> 248, AxonABI.STATUS_INVALID);
        pre.haltKind = AxonABI.HALT_FAULTED;
        pre.haltCode = AxonABI.FAULT_BREAKPOINT;
        assertEq(riscv.step(LibState.encode(pre), "", LOCAL_CONTEXT), LibState.hash(pre), "fault");
        pre.haltKind = AxonABI.HALT_EXITED;
        pre.haltCode = 0;
        assertEq(uint256(riscv.step(LibState.encode(pre), "", 0)) >> 248, AxonABI.STATUS_VALID);
    }

    /// @notice A proof on a halted state is smuggled calldata: the Rust verifier rejects it too.
    function test_step_haltedWithProof_reverts() external {
        SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
        LibState.State memory pre = _state(m);
        pre.haltKind = AxonABI.HALT_EXITED;
        bytes memory enc = LibState.encode(pre);
        bytes memory proof = _proof(pre, m);
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 0, proof.length));
        riscv.step(enc, proof, LOCAL_CONTEXT);
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 0, 1));
        riscv.step(enc, hex"01", LOCAL_CONTEXT);
    }

    function testFuzz_step_haltedAnyState_succeeds(uint256 _seed, bool _faulted) external view {
        LibState.State memory pre;
        pre.memRoot = keccak256(abi.encode(_seed));
        pre.pc = uint32(_seed);
        pre.step = uint64(_seed >> 32);
        pre.haltKind = _faulted ? AxonABI.HALT_FAULTED : AxonABI.HALT_EXITED;
        pre.haltCode = _faulted ? uint32(1 + _seed % 7) : uint32(_seed >> 100);
        pre.registers[10] = uint32(_seed >> 200);
        assertEq(riscv.step(LibState.encode(pre), "", 0), LibState.hash(pre));
    }

    function test_step_wrongStateLength_reverts() external {
        SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
        LibState.State memory pre = _state(m);
        bytes memory proof = _proof(pre, m);
        bytes memory enc = bytes.concat(LibState.encode(pre), hex"00");
        vm.expectRevert(abi.encodeWithSelector(InvalidStateLength.selector, 211));
        riscv.step(enc, proof, LOCAL_CONTEXT);
        vm.expectRevert(abi.encodeWithSelector(InvalidStateLength.selector, 0));
        riscv.step("", proof, LOCAL_CONTEXT);
    }

    function test_step_invalidState_reverts() external {
        SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
        LibState.State memory pre = _state(m);
        bytes memory proof = _proof(pre, m);
        bytes memory enc = LibState.encode(pre);
        enc[0] = 0x02;
        vm.expectRevert(abi.encodeWithSelector(InvalidStateVersion.selector, 2));
        riscv.step(enc, proof, LOCAL_CONTEXT);
        enc[0] = 0x01;
        enc[81] = 0x03;
        vm.expectRevert(abi.encodeWithSelector(InvalidHaltKind.selector, 3));
        riscv.step(enc, proof, LOCAL_CONTEXT);
    }

    /// @notice A step that touches no data leaf takes exactly one proof.
    function test_step_aluWithTwoProofs_reverts() external {
        SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
        LibState.State memory pre = _state(m);
        bytes memory proof = _proof(pre, m, 0x20000);
        uint256 fetch = _proof(pre, m).length;
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, fetch, proof.length));
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
    }

    /// @notice A fault that touches no data leaf also takes exactly one proof.
    function test_step_faultWithTwoProofs_reverts() external {
        SparseMemory.Mem memory m = _program(RV.load(2, 7, 5, 1)); // misaligned LW
        LibState.State memory pre = _state(m);
        bytes memory proof = _proof(pre, m, 0x1);
        uint256 fetch = _proof(pre, m).length;
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, fetch, proof.length));
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
    }

    /// @notice A load without its data proof reverts rather than reading past the blob.
    function test_step_loadWithOneProof_reverts() external {
        SparseMemory.Mem memory m = _program(RV.load(2, 7, 5, 0));
        LibState.State memory pre = _state(m);
        bytes memory proof = _proof(pre, m);
        vm.expectRevert(
            abi.encodeWithSelector(InvalidProofLength.selector, proof.length + 36, proof.length)
        );
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
    }

    /// @notice A blob of zero bytes: a mask of 0 announces all 27 siblings (900 bytes), and
    ///         900 zero bytes are a proof that leads to another root.
    function testFuzz_step_zeroBlob_reverts(uint256 _len) external {
        _len = bound(_len, 0, 2000);
        SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
        LibState.State memory pre = _state(m);
        if (_len < 36) {
            vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 36, _len));
        } else if (_len < 900) {
            vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 900, _len));
        } else {
            vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, 0));
        }
        riscv.step(LibState.encode(pre), new bytes(_len), LOCAL_CONTEXT);
    }

    function test_step_wrongFetchProof_reverts() external {
        SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
        LibState.State memory pre = _state(m);
        bytes memory proof = _proof(pre, m);
        proof[0] ^= 0x01; // another instruction than the one committed
        vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, 0));
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
    }

    function test_step_wrongDataProof_reverts() external {
        SparseMemory.Mem memory m = _program(RV.load(2, 7, 5, 0));
        m.setLeaf(0x20000, bytes32(uint256(7)));
        LibState.State memory pre = _state(m);
        pre.registers[5] = 0x20000;
        bytes memory proof = _proof(pre, m, 0x20000);
        proof[_proof(pre, m).length + 31] ^= 0x01; // the data proof's leaf
        vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, 1));
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
        // A valid proof of another leaf is wrong too.
        proof = _proof(pre, m, 0x20020);
        vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, 1));
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
    }

    /// @notice A store with a bad data proof reverts instead of writing a wrong root.
    function test_step_storeWrongDataProof_reverts() external {
        SparseMemory.Mem memory m = _program(RV.store(2, 6, 5, 0));
        LibState.State memory pre = _state(m);
        pre.registers[5] = 0x20000;
        bytes memory proof = _proof(pre, m, 0x20000);
        // The data proof's one sent sibling (the subtree holding the program).
        assertEq(proof.length, _proof(pre, m).length + 36 + 32, "one sibling sent");
        proof[_proof(pre, m).length + 36 + 5] ^= 0x80;
        vm.expectRevert(abi.encodeWithSelector(InvalidMemoryProof.selector, 1));
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
    }

    /// @notice Calldata must be the canonical encoding.
    function test_step_nonCanonicalCalldata_reverts() external view {
        SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
        LibState.State memory pre = _state(m);
        bytes memory state = LibState.encode(pre);
        bytes memory proof = _proof(pre, m);
        bytes memory good = abi.encodeCall(riscv.step, (state, proof, LOCAL_CONTEXT));
        (bool ok, bytes memory ret) = address(riscv).staticcall(good);
        assertTrue(ok, "canonical");
        LibState.State memory post = _next(pre);
        post.registers[5] = 1;
        assertEq(abi.decode(ret, (bytes32)), LibState.hash(post));

        // Trailing bytes.
        _assertLayoutReverts(bytes.concat(good, bytes32(0)));

        // The proof placed after an extra padding word (offsets still consistent).
        bytes memory shifted = abi.encodePacked(
            riscv.step.selector,
            uint256(0x60),
            uint256(0x60 + 32 + 224 + 32),
            LOCAL_CONTEXT,
            uint256(210),
            state,
            new bytes(14 + 32),
            uint256(proof.length),
            proof
        );
        _assertLayoutReverts(shifted);

        // The proof before the state.
        bytes memory swapped = abi.encodePacked(
            riscv.step.selector,
            uint256(0x60 + 32 + (proof.length + 31) / 32 * 32),
            uint256(0x60),
            LOCAL_CONTEXT,
            uint256(proof.length),
            proof,
            new bytes((32 - proof.length % 32) % 32),
            uint256(210),
            state,
            new bytes(14)
        );
        _assertLayoutReverts(swapped);
    }

    /// @notice The ABI padding after the state (14 bytes) and after the proof must be zero:
    ///         no calldata byte may carry anything but the witness.
    function test_step_dirtyPadding_reverts() external view {
        SparseMemory.Mem memory m = _program(RV.addi(5, 5, 1));
        LibState.State memory pre = _state(m);
        bytes memory proof = _proof(pre, m);
        bytes memory good = abi.encodeCall(riscv.step, (LibState.encode(pre), proof, LOCAL_CONTEXT));
        uint256 stateEnd = 4 + 3 * 32 + 32 + 210;
        for (uint256 i = stateEnd; i < stateEnd + 14; i += 13) {
            bytes memory dirty = bytes.concat(good);
            dirty[i] = 0x01;
            _assertLayoutReverts(dirty);
        }
        assertTrue(proof.length % 32 != 0, "the proof is padded");
        bytes memory dirtyProofPad = bytes.concat(good);
        dirtyProofPad[dirtyProofPad.length - 1] = 0x80;
        _assertLayoutReverts(dirtyProofPad);
    }

    function _assertLayoutReverts(bytes memory _calldata) internal view {
        (bool ok, bytes memory ret) = address(riscv).staticcall(_calldata);
        assertFalse(ok, "non-canonical calldata accepted");
        assertEq(ret, abi.encodeWithSelector(InvalidCalldataLayout.selector));
    }
}

/// @notice The compact memory proof format in `step`: zero-sibling elision, explicit `Z[k]`
///         siblings, masks, and the exact parsing of the blob.
contract RISCV_StepCompactProof_Test is StepTestBase {
    using SparseMemory for SparseMemory.Mem;

    /// @notice Where the store writes (near the stack top).
    uint32 internal constant ADDR = 0x7FFF_FF04;

    /// @notice A memory with a store `sw x6, 0(x5)` at PC, the data leaf and a few other leaves,
    ///         so that proofs mix sent and omitted siblings.
    function _mem() internal pure returns (SparseMemory.Mem memory m_) {
        m_ = _memLow();
        m_.setLeaf(0xC000_0000, keccak256("high"));
    }

    /// @notice `_mem()` without its leaf in the upper half of memory.
    function _memLow() internal pure returns (SparseMemory.Mem memory m_) {
        m_ = _program(RV.store(2, 6, 5, 0));
        m_.setLeaf(ADDR, keccak256("data"));
        m_.setLeaf(ADDR - 0x20, keccak256("neighbour"));
        m_.setLeaf(0x0080_0000, keccak256("heap"));
    }

    /// @notice The pre-state of the store over `_m`.
    function _pre(SparseMemory.Mem memory _m) internal pure returns (LibState.State memory pre_) {
        pre_ = _state(_m);
        pre_.registers[5] = ADDR;
        pre_.registers[6] = 0xDEADBEEF;
    }

    /// @notice The post-state hash of the store over `_m`.
    function _post(SparseMemory.Mem memory _m) internal pure returns (bytes32) {
        LibState.State memory post = _next(_pre(_m));
        SparseMemory.Mem memory after_ = _m.copy();
        after_.storeWord(ADDR, 0xDEADBEEF);
        post.memRoot = after_.root();
        return LibState.hash(post);
    }

    /// @notice Steps the store with `_blob`, expecting a revert with `_err`.
    function _stepReverts(bytes memory _blob, bytes memory _err) internal {
        SparseMemory.Mem memory m = _mem();
        vm.expectRevert(_err);
        riscv.step(LibState.encode(_pre(m)), _blob, LOCAL_CONTEXT);
    }

    /// @notice Requires that `_blob` is rejected with one of the proof errors, for the store
    ///         over `_m`.
    function _assertProofRejected(
        SparseMemory.Mem memory _m,
        bytes memory _blob,
        string memory _what
    )
        internal
        view
    {
        (bool ok, bytes memory ret) = address(riscv)
            .staticcall(
                abi.encodeCall(riscv.step, (LibState.encode(_pre(_m)), _blob, LOCAL_CONTEXT))
            );
        assertFalse(ok, _what);
        bytes4 sel = bytes4(ret);
        assertTrue(
            sel == InvalidProofLength.selector || sel == InvalidProofMask.selector
                || sel == InvalidMemoryProof.selector,
            _what
        );
    }

    /// @notice The builders omit exactly the empty-subtree siblings, and the step accepts it.
    function test_step_compactProof_succeeds() external view {
        SparseMemory.Mem memory m = _mem();
        bytes memory fetch = m.proof(PC);
        bytes memory data = m.proof(ADDR);
        // pc's path: the subtrees holding 0x0080_0000 (level 18), the stack (level 25) and
        // 0xC000_0000 (level 26) are sent; the other 24 siblings are omitted.
        assertEq(_mask(fetch), 0x7FFFFFF & ~uint32(1 << 18 | 1 << 25 | 1 << 26), "fetch mask");
        assertEq(fetch.length, 36 + 3 * 32, "fetch length");
        // The data path: the neighbour (level 3), the low half (level 25), the upper half.
        assertEq(_mask(data), 0x7FFFFFF & ~uint32(1 << 3 | 1 << 25 | 1 << 26), "data mask");
        assertEq(data.length, 36 + 3 * 32, "data length");
        assertEq(
            riscv.step(LibState.encode(_pre(m)), bytes.concat(fetch, data), LOCAL_CONTEXT), _post(m)
        );
    }

    /// @notice `Z[k]` siblings may be sent explicitly with their bit clear, in any mix, in
    ///         both proofs; the result is the same post-state (and the same written root).
    function testFuzz_step_explicitZeroSiblings_succeeds(
        uint32 _omitFetch,
        uint32 _omitData
    )
        external
        view
    {
        SparseMemory.Mem memory m = _mem();
        bytes memory blob = bytes.concat(m.proof(PC, _omitFetch), m.proof(ADDR, _omitData));
        assertEq(riscv.step(LibState.encode(_pre(m)), blob, LOCAL_CONTEXT), _post(m));
    }

    /// @notice A mask bit above 26 reverts, in the fetch or the data proof, even when the rest
    ///         of the proof is valid.
    function testFuzz_step_highMaskBits_reverts(uint8 _bit, bool _inData, uint32 _omit) external {
        SparseMemory.Mem memory m = _mem();
        bytes memory fetch = m.proof(PC, _omit);
        bytes memory data = m.proof(ADDR, _omit);
        bytes memory target = _inData ? data : fetch;
        uint32 mask = _mask(target);
        mask |= uint32(1) << (27 + _bit % 5);
        for (uint256 i = 0; i < 4; i++) {
            target[32 + i] = bytes1(uint8(mask >> (24 - 8 * i)));
        }
        _stepReverts(
            bytes.concat(fetch, data), abi.encodeWithSelector(InvalidProofMask.selector, mask)
        );
    }

    /// @notice A blob cut anywhere short of its end reverts with the length it needs.
    function testFuzz_step_truncatedProof_reverts(uint256 _cut, uint32 _omit) external {
        SparseMemory.Mem memory m = _mem();
        bytes memory fetch = m.proof(PC, _omit);
        bytes memory full = bytes.concat(fetch, m.proof(ADDR, _omit));
        _cut = bound(_cut, 0, full.length - 1);
        bytes memory blob = new bytes(_cut);
        for (uint256 i = 0; i < _cut; i++) {
            blob[i] = full[i];
        }
        uint256 needed = _cut < 36
            ? 36
            : _cut < fetch.length
                ? fetch.length
                : _cut < fetch.length + 36 ? fetch.length + 36 : full.length;
        _stepReverts(blob, abi.encodeWithSelector(InvalidProofLength.selector, needed, _cut));
    }

    /// @notice Any bytes after the proofs the step uses revert, whether it uses one or two.
    function testFuzz_step_trailingBytes_reverts(bytes memory _extra, bool _alu) external {
        vm.assume(_extra.length > 0);
        SparseMemory.Mem memory m = _mem();
        LibState.State memory pre = _pre(m);
        bytes memory proof;
        if (_alu) {
            m.storeWord(PC, RV.addi(5, 5, 1));
            pre.memRoot = m.root();
            proof = m.proof(PC);
        } else {
            proof = bytes.concat(m.proof(PC), m.proof(ADDR));
        }
        bytes memory blob = bytes.concat(proof, _extra);
        vm.expectRevert(
            abi.encodeWithSelector(InvalidProofLength.selector, proof.length, blob.length)
        );
        riscv.step(LibState.encode(pre), blob, LOCAL_CONTEXT);
    }

    /// @notice The mask of a compact proof.
    function _mask(bytes memory _proofData) internal pure returns (uint32) {
        return uint32(
            bytes4(bytes.concat(_proofData[32], _proofData[33], _proofData[34], _proofData[35]))
        );
    }

    /// @notice The data proof is read right after the fetch proof and nowhere else.
    function test_step_dataProofWrongOffset_reverts() external view {
        SparseMemory.Mem memory m = _mem();
        bytes memory fetch = m.proof(PC);
        bytes memory data = m.proof(ADDR);

        // A word of padding between the proofs.
        _assertProofRejected(m, bytes.concat(fetch, bytes32(0), data), "gap word");
        // Less than a word.
        _assertProofRejected(m, bytes.concat(fetch, bytes4(0), data), "gap bytes");
        // The proofs swapped.
        _assertProofRejected(m, bytes.concat(data, fetch), "swapped");
        // The data proof twice, no fetch proof.
        _assertProofRejected(m, bytes.concat(data, data), "no fetch proof");
    }

    /// @notice A fetch proof that sends `Z[26]` (its last sibling) explicitly but whose mask
    ///         says it is omitted still verifies — the sibling is `Z[26]` either way — and ends
    ///         32 bytes early: the data proof is then read 32 bytes before it starts, and the
    ///         step reverts instead of using it.
    function test_step_dataProofShiftedByFetchMask_reverts() external {
        SparseMemory.Mem memory m = _memLow(); // pc's top sibling (the upper half) is empty
        bytes memory fetch = m.proof(PC, ~uint32(1 << 26)); // Z[26] sent
        bytes memory data = m.proof(ADDR);
        assertEq(fetch.length, m.proof(PC).length + 32, "Z[26] sent");
        uint32 mask = _mask(fetch) | uint32(1 << 26);
        for (uint256 i = 0; i < 4; i++) {
            fetch[32 + i] = bytes1(uint8(mask >> (24 - 8 * i)));
        }
        // Proof 1 is parsed from the explicit Z[26]: leaf Z[26], the mask from the data
        // proof's first bytes.
        _assertProofRejected(m, bytes.concat(fetch, data), "shifted");
        // The fetch proof so changed is itself valid: as the whole blob of an ALU step it
        // only has one trailing word.
        m.storeWord(PC, RV.addi(5, 5, 1));
        fetch = m.proof(PC, ~uint32(1 << 26));
        mask = _mask(fetch) | uint32(1 << 26);
        for (uint256 i = 0; i < 4; i++) {
            fetch[32 + i] = bytes1(uint8(mask >> (24 - 8 * i)));
        }
        LibState.State memory pre = _pre(m);
        vm.expectRevert(
            abi.encodeWithSelector(InvalidProofLength.selector, fetch.length - 32, fetch.length)
        );
        riscv.step(LibState.encode(pre), fetch, LOCAL_CONTEXT);
    }

    /// @notice A compact proof does not turn a wrong witness into a post-state: flipping any
    ///         bit of any proof byte (leaf, mask or sibling) reverts.
    function testFuzz_step_tamperedCompactProof_reverts(uint256 _byte, uint8 _bit) external view {
        SparseMemory.Mem memory m = _mem();
        bytes memory blob = bytes.concat(m.proof(PC), m.proof(ADDR));
        _byte = bound(_byte, 0, blob.length - 1);
        blob[_byte] = bytes1(uint8(blob[_byte]) ^ uint8(1 << (_bit % 8)));
        _assertProofRejected(m, blob, "tampered");
    }
}
