// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { LibState } from "src/riscv/lib/LibState.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import {
    InvalidStateLength,
    InvalidStateVersion,
    InvalidHaltKind,
    NonZeroRunningHaltCode,
    UnknownFaultCode
} from "src/riscv/Errors.sol";

/// @notice Exposes `LibState` with calldata arguments.
contract LibStateHarness {
    function decode(bytes calldata _data) external pure returns (LibState.State memory) {
        return LibState.decode(_data);
    }

    function encode(LibState.State memory _s) external pure returns (bytes memory) {
        return LibState.encode(_s);
    }

    function hash(LibState.State memory _s) external pure returns (bytes32) {
        return LibState.hash(_s);
    }
}

/// @notice Shared helpers: a reference encoder written field by field from the spec's table.
abstract contract LibState_TestInit is Test {
    LibStateHarness internal harness;

    function setUp() public virtual {
        harness = new LibStateHarness();
    }

    /// @notice The spec's table, field by field, with `abi.encodePacked`.
    function _refEncode(LibState.State memory _s) internal pure returns (bytes memory out_) {
        out_ = abi.encodePacked(
            uint8(1),
            _s.memRoot,
            _s.preimageKey,
            _s.preimageOffset,
            _s.pc,
            _s.step,
            _s.haltKind,
            _s.haltCode
        );
        for (uint256 i = 1; i < 32; i++) {
            out_ = abi.encodePacked(out_, _s.registers[i]);
        }
    }

    /// @notice A state whose every field is derived from `_seed`, with valid halt fields.
    function _fuzzState(
        uint256 _seed,
        uint8 _kind,
        uint32 _code
    )
        internal
        pure
        returns (LibState.State memory s_)
    {
        s_.memRoot = keccak256(abi.encode(_seed, "root"));
        s_.preimageKey = keccak256(abi.encode(_seed, "key"));
        s_.preimageOffset = uint32(uint256(keccak256(abi.encode(_seed, "off"))));
        s_.pc = uint32(uint256(keccak256(abi.encode(_seed, "pc"))));
        s_.step = uint64(uint256(keccak256(abi.encode(_seed, "step"))));
        s_.haltKind = _kind;
        s_.haltCode = _code;
        for (uint256 i = 1; i < 32; i++) {
            s_.registers[i] = uint32(uint256(keccak256(abi.encode(_seed, i))));
        }
    }

    function _assertStateEq(LibState.State memory _a, LibState.State memory _b) internal pure {
        assertEq(_a.memRoot, _b.memRoot, "memRoot");
        assertEq(_a.preimageKey, _b.preimageKey, "preimageKey");
        assertEq(_a.preimageOffset, _b.preimageOffset, "preimageOffset");
        assertEq(_a.pc, _b.pc, "pc");
        assertEq(_a.step, _b.step, "step");
        assertEq(_a.haltKind, _b.haltKind, "haltKind");
        assertEq(_a.haltCode, _b.haltCode, "haltCode");
        for (uint256 i = 0; i < 32; i++) {
            assertEq(_a.registers[i], _b.registers[i], "register");
        }
    }

    function _validHalt(
        uint256 _kindSeed,
        uint32 _codeSeed
    )
        internal
        pure
        returns (uint8 kind_, uint32 code_)
    {
        kind_ = uint8(_kindSeed % 3);
        if (kind_ == AxonABI.HALT_RUNNING) code_ = 0;
        else if (kind_ == AxonABI.HALT_EXITED) code_ = _codeSeed;
        else code_ = 1 + _codeSeed % AxonABI.FAULT_MAX;
    }
}

contract LibState_Layout_Test is LibState_TestInit {
    /// @notice The offsets are the running sum of the field sizes, as in the spec's table.
    function test_layout_offsets_succeeds() external pure {
        assertEq(LibState.OFF_VERSION, 0);
        assertEq(LibState.OFF_MEM_ROOT, LibState.OFF_VERSION + 1);
        assertEq(LibState.OFF_PREIMAGE_KEY, LibState.OFF_MEM_ROOT + 32);
        assertEq(LibState.OFF_PREIMAGE_OFFSET, LibState.OFF_PREIMAGE_KEY + 32);
        assertEq(LibState.OFF_PC, LibState.OFF_PREIMAGE_OFFSET + 4);
        assertEq(LibState.OFF_STEP, LibState.OFF_PC + 4);
        assertEq(LibState.OFF_HALT_KIND, LibState.OFF_STEP + 8);
        assertEq(LibState.OFF_HALT_CODE, LibState.OFF_HALT_KIND + 1);
        assertEq(LibState.OFF_REGISTERS, LibState.OFF_HALT_CODE + 4);
        assertEq(LibState.STATE_BYTES, LibState.OFF_REGISTERS + 31 * 4);
        assertEq(LibState.STATE_BYTES, AxonABI.STATE_BYTES);
    }
}

contract LibState_Encode_Test is LibState_TestInit {
    /// @notice A hand-written encoding of a known state.
    function test_encode_knownState_succeeds() external view {
        LibState.State memory s;
        s.memRoot = bytes32(uint256(0x11));
        s.preimageKey = bytes32(uint256(0x22));
        s.preimageOffset = 0x33445566;
        s.pc = 0x00010004;
        s.step = 0x0102030405060708;
        s.haltKind = 1;
        s.haltCode = 0xDEADBEEF;
        s.registers[1] = 0xAABBCCDD;
        s.registers[31] = 0x01020304;
        bytes memory enc = harness.encode(s);
        assertEq(enc.length, 210, "length");
        assertEq(uint8(enc[0]), 1, "version");
        assertEq(uint8(enc[32]), 0x11, "memRoot low byte");
        assertEq(uint8(enc[64]), 0x22, "key low byte");
        assertEq(uint8(enc[65]), 0x33, "offset hi");
        assertEq(uint8(enc[68]), 0x66, "offset lo");
        assertEq(uint8(enc[71]), 0x00, "pc byte 2");
        assertEq(uint8(enc[72]), 0x04, "pc lo");
        assertEq(uint8(enc[73]), 0x01, "step hi");
        assertEq(uint8(enc[80]), 0x08, "step lo");
        assertEq(uint8(enc[81]), 1, "halt kind");
        assertEq(uint8(enc[82]), 0xDE, "halt code hi");
        assertEq(uint8(enc[85]), 0xEF, "halt code lo");
        assertEq(uint8(enc[86]), 0xAA, "x1 hi");
        assertEq(uint8(enc[89]), 0xDD, "x1 lo");
        assertEq(uint8(enc[206]), 0x01, "x31 hi");
        assertEq(uint8(enc[209]), 0x04, "x31 lo");
        assertEq(enc, _refEncode(s));
    }

    /// @notice `encode` matches the reference encoder field by field.
    function testFuzz_encode_matchesReference_succeeds(
        uint256 _seed,
        uint256 _kind,
        uint32 _code
    )
        external
        view
    {
        (uint8 kind, uint32 code) = _validHalt(_kind, _code);
        LibState.State memory s = _fuzzState(_seed, kind, code);
        assertEq(harness.encode(s), _refEncode(s));
    }

    /// @notice x0 is never encoded, whatever the struct holds.
    function test_encode_ignoresX0_succeeds() external view {
        LibState.State memory s = _fuzzState(1, 0, 0);
        bytes memory a = harness.encode(s);
        s.registers[0] = 0xFFFFFFFF;
        assertEq(harness.encode(s), a);
    }
}

contract LibState_Decode_Test is LibState_TestInit {
    /// @notice decode(encode(s)) == s and encode(decode(b)) == b.
    function testFuzz_decode_roundTrip_succeeds(
        uint256 _seed,
        uint256 _kind,
        uint32 _code
    )
        external
        view
    {
        (uint8 kind, uint32 code) = _validHalt(_kind, _code);
        LibState.State memory s = _fuzzState(_seed, kind, code);
        bytes memory enc = _refEncode(s);
        LibState.State memory d = harness.decode(enc);
        _assertStateEq(d, s);
        assertEq(harness.encode(d), enc);
    }

    /// @notice Every length but 210 reverts.
    function testFuzz_decode_wrongLength_reverts(uint256 _len) external {
        _len = bound(_len, 0, 600);
        vm.assume(_len != 210);
        bytes memory data = new bytes(_len);
        if (_len > 0) data[0] = 0x01;
        vm.expectRevert(abi.encodeWithSelector(InvalidStateLength.selector, _len));
        harness.decode(data);
    }

    function test_decode_length209_reverts() external {
        bytes memory enc = _refEncode(_fuzzState(3, 0, 0));
        assembly {
            mstore(enc, 209)
        }
        vm.expectRevert(abi.encodeWithSelector(InvalidStateLength.selector, 209));
        harness.decode(enc);
    }

    function test_decode_length211_reverts() external {
        bytes memory enc = bytes.concat(_refEncode(_fuzzState(3, 0, 0)), hex"00");
        vm.expectRevert(abi.encodeWithSelector(InvalidStateLength.selector, 211));
        harness.decode(enc);
    }

    /// @notice Any version byte but 1 reverts.
    function testFuzz_decode_wrongVersion_reverts(uint8 _version) external {
        vm.assume(_version != 1);
        bytes memory enc = _refEncode(_fuzzState(4, 0, 0));
        enc[0] = bytes1(_version);
        vm.expectRevert(abi.encodeWithSelector(InvalidStateVersion.selector, _version));
        harness.decode(enc);
    }

    /// @notice Halt kinds 3..255 revert.
    function testFuzz_decode_haltKindAbove2_reverts(uint8 _kind) external {
        _kind = uint8(bound(_kind, 3, 255));
        bytes memory enc = _refEncode(_fuzzState(5, _kind, 0));
        vm.expectRevert(abi.encodeWithSelector(InvalidHaltKind.selector, _kind));
        harness.decode(enc);
    }

    /// @notice A running state with a non-zero halt code reverts.
    function testFuzz_decode_runningNonZeroCode_reverts(uint32 _code) external {
        _code = uint32(bound(_code, 1, type(uint32).max));
        bytes memory enc = _refEncode(_fuzzState(6, 0, _code));
        vm.expectRevert(abi.encodeWithSelector(NonZeroRunningHaltCode.selector, _code));
        harness.decode(enc);
    }

    /// @notice A faulted state with fault code 0 reverts.
    function test_decode_faultCodeZero_reverts() external {
        bytes memory enc = _refEncode(_fuzzState(7, 2, 0));
        vm.expectRevert(abi.encodeWithSelector(UnknownFaultCode.selector, 0));
        harness.decode(enc);
    }

    /// @notice A faulted state with a fault code above 7 reverts.
    function testFuzz_decode_faultCodeAbove7_reverts(uint32 _code) external {
        _code = uint32(bound(_code, 8, type(uint32).max));
        bytes memory enc = _refEncode(_fuzzState(8, 2, _code));
        vm.expectRevert(abi.encodeWithSelector(UnknownFaultCode.selector, _code));
        harness.decode(enc);
    }

    /// @notice Every fault code 1..7 decodes; an exited state takes any code.
    function test_decode_allHaltCodes_succeeds() external view {
        for (uint32 code = 1; code <= 7; code++) {
            assertEq(harness.decode(_refEncode(_fuzzState(9, 2, code))).haltCode, code);
        }
        assertEq(harness.decode(_refEncode(_fuzzState(9, 1, 0xFFFFFFFF))).haltCode, 0xFFFFFFFF);
        assertEq(harness.decode(_refEncode(_fuzzState(9, 1, 0))).haltKind, 1);
    }
}

contract LibState_Hash_Test is LibState_TestInit {
    /// @notice The hash is keccak256(encoding) with the status in the top byte.
    function testFuzz_hash_statusByte_succeeds(
        uint256 _seed,
        uint256 _kind,
        uint32 _code
    )
        external
        view
    {
        (uint8 kind, uint32 code) = _validHalt(_kind, _code);
        LibState.State memory s = _fuzzState(_seed, kind, code);
        bytes32 h = harness.hash(s);
        bytes32 raw = keccak256(_refEncode(s));
        assertEq(uint256(h) << 8, uint256(raw) << 8, "low 31 bytes");
        uint8 status = uint8(uint256(h) >> 248);
        if (kind == 0) assertEq(status, 3, "unfinished");
        else if (kind == 2) assertEq(status, 2, "panic");
        else if (code == 0) assertEq(status, 0, "valid");
        else assertEq(status, 1, "invalid");
    }

    function test_hash_statuses_succeeds() external view {
        assertEq(uint256(harness.hash(_fuzzState(1, 0, 0))) >> 248, AxonABI.STATUS_UNFINISHED);
        assertEq(uint256(harness.hash(_fuzzState(1, 1, 0))) >> 248, AxonABI.STATUS_VALID);
        assertEq(uint256(harness.hash(_fuzzState(1, 1, 7))) >> 248, AxonABI.STATUS_INVALID);
        assertEq(uint256(harness.hash(_fuzzState(1, 2, 3))) >> 248, AxonABI.STATUS_PANIC);
    }
}
