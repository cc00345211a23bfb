// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title RV
/// @notice An RV32IM assembler for tests: the six instruction formats and one function per
///         mnemonic, written from the unprivileged spec's encoding tables.
library RV {
    // Opcodes.
    uint32 internal constant LOAD = 0x03;
    uint32 internal constant MISC_MEM = 0x0F;
    uint32 internal constant OP_IMM = 0x13;
    uint32 internal constant AUIPC = 0x17;
    uint32 internal constant STORE = 0x23;
    uint32 internal constant OP = 0x33;
    uint32 internal constant LUI = 0x37;
    uint32 internal constant BRANCH = 0x63;
    uint32 internal constant JALR = 0x67;
    uint32 internal constant JAL = 0x6F;
    uint32 internal constant SYSTEM = 0x73;

    // Registers by ABI name.
    uint256 internal constant ZERO = 0;
    uint256 internal constant RA = 1;
    uint256 internal constant SP = 2;
    uint256 internal constant T0 = 5;
    uint256 internal constant T1 = 6;
    uint256 internal constant A0 = 10;
    uint256 internal constant A1 = 11;
    uint256 internal constant A2 = 12;
    uint256 internal constant A7 = 17;

    ////////////////////////////////////////////////////////////////
    //                           Formats                          //
    ////////////////////////////////////////////////////////////////

    function rType(
        uint32 _f7,
        uint256 _rs2,
        uint256 _rs1,
        uint32 _f3,
        uint256 _rd,
        uint32 _op
    )
        internal
        pure
        returns (uint32)
    {
        return (_f7 << 25) | (uint32(_rs2) << 20) | (uint32(_rs1) << 15) | (_f3 << 12)
            | (uint32(_rd) << 7) | _op;
    }

    function iType(
        int256 _imm,
        uint256 _rs1,
        uint32 _f3,
        uint256 _rd,
        uint32 _op
    )
        internal
        pure
        returns (uint32)
    {
        require(_imm >= -2048 && _imm < 2048, "RV: I immediate out of range");
        uint32 imm = uint32(uint256(_imm)) & 0xFFF;
        return (imm << 20) | (uint32(_rs1) << 15) | (_f3 << 12) | (uint32(_rd) << 7) | _op;
    }

    function sType(
        int256 _imm,
        uint256 _rs2,
        uint256 _rs1,
        uint32 _f3
    )
        internal
        pure
        returns (uint32)
    {
        require(_imm >= -2048 && _imm < 2048, "RV: S immediate out of range");
        uint32 imm = uint32(uint256(_imm)) & 0xFFF;
        return ((imm >> 5) << 25) | (uint32(_rs2) << 20) | (uint32(_rs1) << 15) | (_f3 << 12)
            | ((imm & 0x1F) << 7) | STORE;
    }

    function bType(
        int256 _imm,
        uint256 _rs2,
        uint256 _rs1,
        uint32 _f3
    )
        internal
        pure
        returns (uint32)
    {
        require(_imm >= -4096 && _imm < 4096 && _imm % 2 == 0, "RV: B immediate out of range");
        uint32 imm = uint32(uint256(_imm)) & 0x1FFF;
        return (((imm >> 12) & 1) << 31) | (((imm >> 5) & 0x3F) << 25) | (uint32(_rs2) << 20)
            | (uint32(_rs1) << 15) | (_f3 << 12) | (((imm >> 1) & 0xF) << 8)
            | (((imm >> 11) & 1) << 7) | BRANCH;
    }

    function uType(uint32 _imm20, uint256 _rd, uint32 _op) internal pure returns (uint32) {
        require(_imm20 < (1 << 20), "RV: U immediate out of range");
        return (_imm20 << 12) | (uint32(_rd) << 7) | _op;
    }

    function jType(int256 _imm, uint256 _rd) internal pure returns (uint32) {
        require(
            _imm >= -(1 << 20) && _imm < (1 << 20) && _imm % 2 == 0, "RV: J immediate out of range"
        );
        uint32 imm = uint32(uint256(_imm)) & 0x1FFFFF;
        return (((imm >> 20) & 1) << 31) | (((imm >> 1) & 0x3FF) << 21) | (((imm >> 11) & 1) << 20)
            | (((imm >> 12) & 0xFF) << 12) | (uint32(_rd) << 7) | JAL;
    }

    ////////////////////////////////////////////////////////////////
    //                          Mnemonics                         //
    ////////////////////////////////////////////////////////////////

    function add(uint256 _rd, uint256 _rs1, uint256 _rs2) internal pure returns (uint32) {
        return rType(0, _rs2, _rs1, 0, _rd, OP);
    }

    function sub(uint256 _rd, uint256 _rs1, uint256 _rs2) internal pure returns (uint32) {
        return rType(0x20, _rs2, _rs1, 0, _rd, OP);
    }

    function sll(uint256 _rd, uint256 _rs1, uint256 _rs2) internal pure returns (uint32) {
        return rType(0, _rs2, _rs1, 1, _rd, OP);
    }

    function slt(uint256 _rd, uint256 _rs1, uint256 _rs2) internal pure returns (uint32) {
        return rType(0, _rs2, _rs1, 2, _rd, OP);
    }

    function sltu(uint256 _rd, uint256 _rs1, uint256 _rs2) internal pure returns (uint32) {
        return rType(0, _rs2, _rs1, 3, _rd, OP);
    }

    function xor_(uint256 _rd, uint256 _rs1, uint256 _rs2) internal pure returns (uint32) {
        return rType(0, _rs2, _rs1, 4, _rd, OP);
    }

    function srl(uint256 _rd, uint256 _rs1, uint256 _rs2) internal pure returns (uint32) {
        return rType(0, _rs2, _rs1, 5, _rd, OP);
    }

    function sra(uint256 _rd, uint256 _rs1, uint256 _rs2) internal pure returns (uint32) {
        return rType(0x20, _rs2, _rs1, 5, _rd, OP);
    }

    function or_(uint256 _rd, uint256 _rs1, uint256 _rs2) internal pure returns (uint32) {
        return rType(0, _rs2, _rs1, 6, _rd, OP);
    }

    function and_(uint256 _rd, uint256 _rs1, uint256 _rs2) internal pure returns (uint32) {
        return rType(0, _rs2, _rs1, 7, _rd, OP);
    }

    /// @notice An M-extension op: funct3 0 MUL, 1 MULH, 2 MULHSU, 3 MULHU, 4 DIV, 5 DIVU,
    ///         6 REM, 7 REMU.
    function mulDiv(
        uint32 _f3,
        uint256 _rd,
        uint256 _rs1,
        uint256 _rs2
    )
        internal
        pure
        returns (uint32)
    {
        return rType(1, _rs2, _rs1, _f3, _rd, OP);
    }

    /// @notice An OP-IMM op that is not a shift: funct3 0 ADDI, 2 SLTI, 3 SLTIU, 4 XORI, 6 ORI,
    ///         7 ANDI.
    function opImm(
        uint32 _f3,
        uint256 _rd,
        uint256 _rs1,
        int256 _imm
    )
        internal
        pure
        returns (uint32)
    {
        return iType(_imm, _rs1, _f3, _rd, OP_IMM);
    }

    function addi(uint256 _rd, uint256 _rs1, int256 _imm) internal pure returns (uint32) {
        return iType(_imm, _rs1, 0, _rd, OP_IMM);
    }

    function slli(uint256 _rd, uint256 _rs1, uint256 _shamt) internal pure returns (uint32) {
        return rType(0, _shamt, _rs1, 1, _rd, OP_IMM);
    }

    function srli(uint256 _rd, uint256 _rs1, uint256 _shamt) internal pure returns (uint32) {
        return rType(0, _shamt, _rs1, 5, _rd, OP_IMM);
    }

    function srai(uint256 _rd, uint256 _rs1, uint256 _shamt) internal pure returns (uint32) {
        return rType(0x20, _shamt, _rs1, 5, _rd, OP_IMM);
    }

    /// @notice A load: funct3 0 LB, 1 LH, 2 LW, 4 LBU, 5 LHU.
    function load(
        uint32 _f3,
        uint256 _rd,
        uint256 _rs1,
        int256 _imm
    )
        internal
        pure
        returns (uint32)
    {
        return iType(_imm, _rs1, _f3, _rd, LOAD);
    }

    /// @notice A store: funct3 0 SB, 1 SH, 2 SW.
    function store(
        uint32 _f3,
        uint256 _rs2,
        uint256 _rs1,
        int256 _imm
    )
        internal
        pure
        returns (uint32)
    {
        return sType(_imm, _rs2, _rs1, _f3);
    }

    /// @notice A branch: funct3 0 BEQ, 1 BNE, 4 BLT, 5 BGE, 6 BLTU, 7 BGEU.
    function branch(
        uint32 _f3,
        uint256 _rs1,
        uint256 _rs2,
        int256 _imm
    )
        internal
        pure
        returns (uint32)
    {
        return bType(_imm, _rs2, _rs1, _f3);
    }

    function jal(uint256 _rd, int256 _imm) internal pure returns (uint32) {
        return jType(_imm, _rd);
    }

    function jalr(uint256 _rd, uint256 _rs1, int256 _imm) internal pure returns (uint32) {
        return iType(_imm, _rs1, 0, _rd, JALR);
    }

    function lui(uint256 _rd, uint32 _imm20) internal pure returns (uint32) {
        return uType(_imm20, _rd, LUI);
    }

    function auipc(uint256 _rd, uint32 _imm20) internal pure returns (uint32) {
        return uType(_imm20, _rd, AUIPC);
    }

    function fence() internal pure returns (uint32) {
        return 0x0FF0000F; // fence iorw, iorw
    }

    function ecall() internal pure returns (uint32) {
        return 0x00000073;
    }

    function ebreak() internal pure returns (uint32) {
        return 0x00100073;
    }
}
