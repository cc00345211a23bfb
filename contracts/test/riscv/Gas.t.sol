// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { StepTestBase } from "test/riscv/StepTestBase.sol";
import { SparseMemory } from "test/lib/SparseMemory.sol";
import { PreimageRef } from "test/lib/PreimageRef.sol";
import { RV } from "test/lib/RV.sol";
import { Vm } from "test/lib/Test.sol";
import { LibState } from "src/riscv/lib/LibState.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import { LibPreimageKey } from "src/lib/LibPreimageKey.sol";

/// @title RISCV_StepGas_Test
/// @notice Gas of one step per instruction class, on witnesses shaped like real ones: the
///         memory root and all 31 registers are random 32-bit values, and the compact memory
///         proofs are those of a typical program's memory (`StepTestBase._tree`: code, data and
///         heap in the first 16 MiB, the 1 MiB stack below `STACK_TOP`): every sibling whose
///         subtree holds data is a random hash, the others are empty-subtree roots and omitted
///         (7 of 27 for the fetch proof at `PC`, 11 for the data proof near the stack top).
///         `test_step_gasAddDense_succeeds` is the worst case: no sibling omitted.
///
///         Only the `step` call is metered (witness building runs with metering paused), so
///         `.gas-snapshot` tracks the verifier. Each test also logs (`forge test -vv`) the
///         execution gas and the whole-transaction gas of calling `step` directly:
///         `21000 + max(4 * tokens + execution, 10 * tokens)` with
///         `tokens = zero bytes + 4 * non-zero bytes` of calldata (Prague, EIP-7623).
contract RISCV_StepGas_Test is StepTestBase {
    using SparseMemory for SparseMemory.Mem;

    /// @notice Loads the preimage parts the read tests use. Loading them here, not in the test,
    ///         leaves the oracle's account and slots cold during `step`, as in a real
    ///         transaction.
    function setUp() public override {
        super.setUp();
        oracle.loadKeccak256PreimagePart(40, PreimageRef.randomBytes(1, 100));
        oracle.loadLocalData(1, LOCAL_CONTEXT, keccak256("input"), 32, 8);
    }

    /// @notice Meters one `step` call, logs its gas, and returns the post-state hash.
    function _measure(
        string memory _name,
        LibState.State memory _pre,
        bytes memory _proofData
    )
        internal
        returns (bytes32 post_)
    {
        bytes memory stateData = LibState.encode(_pre);
        bytes memory cd = abi.encodeCall(riscv.step, (stateData, _proofData, LOCAL_CONTEXT));
        vm.resumeGasMetering();
        post_ = riscv.step(stateData, _proofData, LOCAL_CONTEXT);
        vm.pauseGasMetering();
        Vm.Gas memory g = vm.lastCallGas();
        uint256 exec = g.gasTotalUsed;
        uint256 tokens;
        for (uint256 i = 0; i < cd.length; i++) {
            tokens += cd[i] == 0 ? 1 : 4;
        }
        uint256 standard = 21_000 + 4 * tokens + exec;
        uint256 floor = 21_000 + 10 * tokens;
        emit log(_name);
        emit log_named_uint("  calldata bytes", cd.length);
        emit log_named_uint("  execution gas", exec);
        emit log_named_uint("  tx gas (standard)", standard);
        emit log_named_uint("  tx gas (EIP-7623 floor)", floor);
        emit log_named_uint("  tx gas", standard > floor ? standard : floor);
    }

    /// @notice Steps an instruction that touches no data leaf.
    function _measureSimple(string memory _name, uint32 _insn) internal returns (bytes32) {
        vm.pauseGasMetering();
        Tree memory t = _tree(PC, _codeLeaf(_insn), STACK_DATA, bytes32(0));
        return _measure(_name, _randomState(t.root), t.proofA);
    }

    function test_step_gasAdd_succeeds() external {
        _measureSimple("add", RV.add(7, 5, 6));
    }

    /// @notice ADD with every proof sibling a random hash (a 900-byte proof): the most
    ///         expensive witness a step can have.
    function test_step_gasAddDense_succeeds() external {
        vm.pauseGasMetering();
        Tree memory t = _tree(PC, _codeLeaf(RV.add(7, 5, 6)), STACK_DATA, bytes32(0), true);
        _measure("add (no sibling omitted)", _randomState(t.root), t.proofA);
    }

    /// @notice ADD on a state shaped like a running program's: small or zero registers, an
    ///         address-like ra/sp/gp/s0, no preimage key.
    function test_step_gasAddTypicalState_succeeds() external {
        vm.pauseGasMetering();
        Tree memory t = _tree(PC, _codeLeaf(RV.add(7, 5, 6)), STACK_DATA, bytes32(0));
        LibState.State memory pre;
        pre.memRoot = t.root;
        pre.pc = PC;
        pre.step = 1_234_567_890;
        uint32[18] memory regs = [
            uint32(0),
            0x0001_0A3C, // ra
            0x7FFF_FE80, // sp
            0x0001_2800, // gp
            0,
            0x0000_0040, // t0
            0x0000_0007,
            0x0001_2F00,
            0x7FFF_FEB0, // s0
            0x0000_0001,
            0x0001_3004, // a0
            0x0000_0020,
            0x0000_0003,
            0,
            0x0000_00FF,
            0,
            0,
            0x0000_0040 // a7
        ];
        for (uint256 i = 1; i < regs.length; i++) {
            pre.registers[i] = regs[i];
        }
        _measure("add (typical state)", pre, t.proofA);
    }

    function test_step_gasAddi_succeeds() external {
        _measureSimple("addi", RV.addi(7, 5, -5));
    }

    function test_step_gasDiv_succeeds() external {
        _measureSimple("div", RV.mulDiv(4, 7, 5, 6));
    }

    function test_step_gasMulh_succeeds() external {
        _measureSimple("mulh", RV.mulDiv(1, 7, 5, 6));
    }

    function test_step_gasLui_succeeds() external {
        _measureSimple("lui", RV.lui(7, 0x12345));
    }

    function test_step_gasBranch_succeeds() external {
        _measureSimple("bne (taken)", RV.branch(1, 5, 6, -64));
    }

    function test_step_gasJal_succeeds() external {
        _measureSimple("jal", RV.jal(1, 2048));
    }

    function test_step_gasIllegal_succeeds() external {
        _measureSimple("illegal (fault)", 0xFFFFFFFF);
    }

    function test_step_gasWriteStdout_succeeds() external {
        vm.pauseGasMetering();
        Tree memory t = _tree(PC, _codeLeaf(RV.ecall()), STACK_DATA, bytes32(0));
        LibState.State memory pre = _randomState(t.root);
        pre.registers[RV.A7] = AxonABI.SYS_WRITE;
        pre.registers[RV.A0] = AxonABI.FD_STDOUT;
        _measure("ecall write(stdout)", pre, t.proofA);
    }

    function test_step_gasExit_succeeds() external {
        vm.pauseGasMetering();
        Tree memory t = _tree(PC, _codeLeaf(RV.ecall()), STACK_DATA, bytes32(0));
        LibState.State memory pre = _randomState(t.root);
        pre.registers[RV.A7] = AxonABI.SYS_EXIT;
        _measure("ecall exit", pre, t.proofA);
    }

    function test_step_gasLoad_succeeds() external {
        vm.pauseGasMetering();
        bytes32 data = keccak256("data leaf");
        Tree memory t = _tree(PC, _codeLeaf(RV.load(2, 7, 5, 8)), STACK_DATA, data);
        LibState.State memory pre = _randomState(t.root);
        pre.registers[5] = STACK_DATA;
        bytes32 post = _measure("lw", pre, bytes.concat(t.proofA, t.proofB));
        LibState.State memory want = _next(pre);
        SparseMemory.Mem memory m;
        m.setLeaf(STACK_DATA, data);
        want.registers[7] = uint32(m.loadLE(STACK_DATA + 8, 4));
        assertEq(post, LibState.hash(want));
    }

    function test_step_gasLoadByte_succeeds() external {
        vm.pauseGasMetering();
        Tree memory t = _tree(PC, _codeLeaf(RV.load(0, 7, 5, 3)), STACK_DATA, keccak256("d"));
        LibState.State memory pre = _randomState(t.root);
        pre.registers[5] = STACK_DATA;
        _measure("lb", pre, bytes.concat(t.proofA, t.proofB));
    }

    function test_step_gasStore_succeeds() external {
        vm.pauseGasMetering();
        Tree memory t =
            _tree(PC, _codeLeaf(RV.store(2, 6, 5, 4)), STACK_DATA, keccak256("data leaf"));
        LibState.State memory pre = _randomState(t.root);
        pre.registers[5] = STACK_DATA;
        _measure("sw", pre, bytes.concat(t.proofA, t.proofB));
    }

    function test_step_gasStoreByte_succeeds() external {
        vm.pauseGasMetering();
        Tree memory t =
            _tree(PC, _codeLeaf(RV.store(0, 6, 5, 1)), STACK_DATA, keccak256("data leaf"));
        LibState.State memory pre = _randomState(t.root);
        pre.registers[5] = STACK_DATA;
        _measure("sb", pre, bytes.concat(t.proofA, t.proofB));
    }

    function test_step_gasKeyWrite_succeeds() external {
        vm.pauseGasMetering();
        Tree memory t = _tree(PC, _codeLeaf(RV.ecall()), STACK_DATA, keccak256("key bytes"));
        LibState.State memory pre = _randomState(t.root);
        pre.registers[RV.A7] = AxonABI.SYS_WRITE;
        pre.registers[RV.A0] = AxonABI.FD_PREIMAGE_WRITE;
        pre.registers[RV.A1] = STACK_DATA;
        pre.registers[RV.A2] = 32;
        _measure("ecall write(preimage key)", pre, bytes.concat(t.proofA, t.proofB));
    }

    function test_step_gasReadKeccak_succeeds() external {
        vm.pauseGasMetering();
        bytes memory data = PreimageRef.randomBytes(1, 100); // loaded in setUp
        Tree memory t = _tree(PC, _codeLeaf(RV.ecall()), STACK_DATA, keccak256("buffer"));
        LibState.State memory pre = _randomState(t.root);
        pre.registers[RV.A7] = AxonABI.SYS_READ;
        pre.registers[RV.A0] = AxonABI.FD_PREIMAGE_READ;
        pre.registers[RV.A1] = STACK_DATA;
        pre.registers[RV.A2] = 32;
        pre.preimageKey = PreimageRef.keccakKey(data);
        pre.preimageOffset = 40;
        _measure("ecall read(preimage, keccak)", pre, bytes.concat(t.proofA, t.proofB));
    }

    function test_step_gasReadLocal_succeeds() external {
        vm.pauseGasMetering();
        Tree memory t = _tree(PC, _codeLeaf(RV.ecall()), STACK_DATA, keccak256("buffer"));
        LibState.State memory pre = _randomState(t.root);
        pre.registers[RV.A7] = AxonABI.SYS_READ;
        pre.registers[RV.A0] = AxonABI.FD_PREIMAGE_READ;
        pre.registers[RV.A1] = STACK_DATA;
        pre.registers[RV.A2] = 32;
        pre.preimageKey = LibPreimageKey.localKey(1);
        pre.preimageOffset = 8;
        _measure("ecall read(preimage, local)", pre, bytes.concat(t.proofA, t.proofB));
    }

    function test_step_gasHalted_succeeds() external {
        vm.pauseGasMetering();
        LibState.State memory pre = _randomState(keccak256("root"));
        pre.haltKind = AxonABI.HALT_EXITED;
        _measure("halted (no-op)", pre, "");
    }
}

