// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { StepTestBase } from "test/riscv/StepTestBase.sol";
import { SparseMemory } from "test/lib/SparseMemory.sol";
import { PreimageRef } from "test/lib/PreimageRef.sol";
import { RV } from "test/lib/RV.sol";
import { LibState } from "src/riscv/lib/LibState.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";
import { LibPreimageKey } from "src/lib/LibPreimageKey.sol";
import { InvalidProofLength, PartNotFound } from "src/riscv/Errors.sol";

abstract contract Syscall_TestInit is StepTestBase {
    using SparseMemory for SparseMemory.Mem;

    uint32 internal constant BUF = 0x0003_0000;

    /// @notice A memory with ECALL at PC and a recognizable leaf at BUF.
    function _ecallMemory() internal pure returns (SparseMemory.Mem memory m_) {
        m_ = _program(RV.ecall());
        m_.setLeaf(BUF, hex"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    }

    /// @notice A pre-state for `a7 = _num, a0 = _a0, a1 = _a1, a2 = _a2` over `_m`.
    function _syscall(
        SparseMemory.Mem memory _m,
        uint32 _num,
        uint32 _a0,
        uint32 _a1,
        uint32 _a2
    )
        internal
        pure
        returns (LibState.State memory s_)
    {
        s_ = _state(_m);
        s_.registers[RV.A7] = _num;
        s_.registers[RV.A0] = _a0;
        s_.registers[RV.A1] = _a1;
        s_.registers[RV.A2] = _a2;
    }
}

contract RISCV_StepExit_Test is Syscall_TestInit {
    function testFuzz_step_exit_succeeds(uint32 _code) external view {
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre = _syscall(m, AxonABI.SYS_EXIT, _code, 0, 0);
        LibState.State memory post = _copy(pre);
        post.step += 1; // pc unchanged
        post.haltKind = AxonABI.HALT_EXITED;
        post.haltCode = _code;
        bytes32 h = _step(pre, m);
        assertEq(h, LibState.hash(post));
        assertEq(uint256(h) >> 248, _code == 0 ? AxonABI.STATUS_VALID : AxonABI.STATUS_INVALID);
    }

    function testFuzz_step_unknownSyscall_succeeds(uint32 _num) external view {
        vm.assume(_num != 63 && _num != 64 && _num != 93 && _num != AxonABI.SYS_KECCAK_PERMUTE);
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre = _syscall(m, _num, 1, BUF, 4);
        _assertStep(pre, m, _faulted(pre, AxonABI.FAULT_UNKNOWN_SYSCALL));
    }
}

contract RISCV_StepWrite_Test is Syscall_TestInit {
    /// @notice stdout, stderr and the hint channel return count and touch nothing else.
    function testFuzz_step_writeHostFd_succeeds(
        uint8 _fd,
        uint32 _buf,
        uint32 _count
    )
        external
        view
    {
        uint32 fd = [uint32(1), 2, 4][_fd % 3];
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre = _syscall(m, AxonABI.SYS_WRITE, fd, _buf, _count);
        LibState.State memory post = _next(pre);
        post.registers[RV.A0] = _count;
        _assertStep(pre, m, post);
    }

    function testFuzz_step_writeBadFd_succeeds(uint32 _fd) external view {
        vm.assume(_fd != 1 && _fd != 2 && _fd != 4 && _fd != 6);
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre = _syscall(m, AxonABI.SYS_WRITE, _fd, BUF, 4);
        LibState.State memory post = _next(pre);
        post.registers[RV.A0] = 0xFFFFFFF7;
        _assertStep(pre, m, post);
    }

    function testFuzz_step_readBadFd_succeeds(uint32 _fd) external view {
        vm.assume(_fd != 5);
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre = _syscall(m, AxonABI.SYS_READ, _fd, BUF, 4);
        LibState.State memory post = _next(pre);
        post.registers[RV.A0] = AxonABI.NEG_EBADF;
        _assertStep(pre, m, post);
    }
}

contract RISCV_StepPreimageKeyWrite_Test is Syscall_TestInit {
    using SparseMemory for SparseMemory.Mem;

    /// @notice `n = min(count, 32 - buf % 32)` bytes shift into the key; offset resets.
    function testFuzz_step_keyWrite_succeeds(
        uint32 _off,
        uint32 _count,
        bytes32 _key
    )
        external
        view
    {
        _off = _off % 32;
        _count = uint32(bound(_count, 1, 100));
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre =
            _syscall(m, AxonABI.SYS_WRITE, AxonABI.FD_PREIMAGE_WRITE, BUF + _off, _count);
        pre.preimageKey = _key;
        pre.preimageOffset = 77;
        uint256 n = _count < 32 - _off ? _count : 32 - _off;
        LibState.State memory post = _next(pre);
        // Reference: shift in one byte at a time.
        uint256 key = uint256(_key);
        for (uint256 i = 0; i < n; i++) {
            key = (key << 8) | m.loadByte(BUF + _off + uint32(i));
        }
        post.preimageKey = bytes32(key);
        post.preimageOffset = 0;
        post.registers[RV.A0] = uint32(n);
        _assertStep(pre, m, BUF + _off, post);
    }

    /// @notice Writing a whole aligned leaf replaces the key.
    function test_step_keyWriteWhole_succeeds() external view {
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre =
            _syscall(m, AxonABI.SYS_WRITE, AxonABI.FD_PREIMAGE_WRITE, BUF, 32);
        pre.preimageKey = bytes32(type(uint256).max);
        LibState.State memory post = _next(pre);
        post.preimageKey = m.leafOf(BUF);
        post.registers[RV.A0] = 32;
        _assertStep(pre, m, BUF, post);
    }

    /// @notice count = 0 moves nothing, takes no data proof, and still resets the offset.
    function test_step_keyWriteZero_succeeds() external view {
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre =
            _syscall(m, AxonABI.SYS_WRITE, AxonABI.FD_PREIMAGE_WRITE, BUF, 0);
        pre.preimageKey = bytes32(uint256(0xABC));
        pre.preimageOffset = 5;
        LibState.State memory post = _next(pre);
        post.preimageOffset = 0;
        post.registers[RV.A0] = 0;
        _assertStep(pre, m, post);
    }

    function test_step_keyWriteWithoutDataProof_reverts() external {
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre =
            _syscall(m, AxonABI.SYS_WRITE, AxonABI.FD_PREIMAGE_WRITE, BUF, 4);
        bytes memory proof = _proof(pre, m);
        vm.expectRevert(
            abi.encodeWithSelector(InvalidProofLength.selector, proof.length + 36, proof.length)
        );
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
    }
}

contract RISCV_StepPreimageRead_Test is Syscall_TestInit {
    using SparseMemory for SparseMemory.Mem;

    /// @notice Steps a preimage read of `_count` bytes to `BUF + _bufOff` at stream offset
    ///         `_offset` of `_s` under VM key `_key`, and checks it against the reference.
    function _assertRead(
        bytes32 _key,
        bytes memory _s,
        uint32 _offset,
        uint32 _bufOff,
        uint32 _count
    )
        internal
        view
    {
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre =
            _syscall(m, AxonABI.SYS_READ, AxonABI.FD_PREIMAGE_READ, BUF + _bufOff, _count);
        pre.preimageKey = _key;
        pre.preimageOffset = _offset;
        (bytes32 part, uint256 partLen) = PreimageRef.part(_s, _offset);
        uint256 n = _count;
        if (32 - _bufOff < n) n = 32 - _bufOff;
        if (partLen < n) n = partLen;
        bytes memory proof = n > 0 ? _proof(pre, m, BUF + _bufOff) : _proof(pre, m);
        for (uint256 i = 0; i < n; i++) {
            m.storeByte(BUF + _bufOff + uint32(i), uint8(part[i]));
        }
        LibState.State memory post = _next(pre);
        post.memRoot = m.root();
        post.preimageOffset = _offset + uint32(n);
        post.registers[RV.A0] = uint32(n);
        assertEq(riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT), LibState.hash(post));
    }

    function testFuzz_step_readKeccak_succeeds(
        uint256 _seed,
        uint256 _len,
        uint32 _offset,
        uint32 _bufOff,
        uint32 _count
    )
        external
    {
        _len = bound(_len, 0, 100);
        bytes memory data = PreimageRef.randomBytes(_seed, _len);
        bytes memory s = PreimageRef.stream(data);
        _offset = uint32(bound(_offset, 0, s.length + 40));
        _bufOff = _bufOff % 32;
        _count = uint32(bound(_count, 1, 64));
        if (_offset < s.length) oracle.loadKeccak256PreimagePart(_offset, data);
        else oracle.loadKeccak256PreimagePart(0, data);
        _assertRead(PreimageRef.keccakKey(data), s, _offset, _bufOff, _count);
    }

    /// @notice A blob element (key type 5) reads as any loaded preimage: here an element of
    ///         the zero blob, whose commitment and openings are the point at infinity.
    function test_step_readBlobElement_succeeds() external {
        bytes memory infinity = abi.encodePacked(bytes1(0xc0), new bytes(47));
        bytes32 blob = bytes32((uint256(sha256(infinity)) & (type(uint256).max >> 8)) | (1 << 248));
        oracle.loadBlobElementPart(0, blob, 9, 0, infinity, infinity);
        oracle.loadBlobElementPart(32, blob, 9, 0, infinity, infinity);
        bytes32 key = bytes32(
            (uint256(keccak256(abi.encodePacked(blob, uint64(9)))) & (type(uint256).max >> 8))
                | (uint256(AxonABI.KEY_TYPE_BLOB_ELEMENT) << 248)
        );
        bytes memory s = PreimageRef.stream(new bytes(32));
        _assertRead(key, s, 0, 0, 100);
        _assertRead(key, s, 32, 0, 100);
    }

    function test_step_readKeccakWhole_succeeds() external {
        bytes memory data = "the quick brown fox jumps over the lazy dog";
        bytes memory s = PreimageRef.stream(data);
        bytes32 key = PreimageRef.keccakKey(data);
        for (uint32 off = 0; off < s.length; off += 32) {
            oracle.loadKeccak256PreimagePart(off, data);
        }
        _assertRead(key, s, 0, 0, 100); // length prefix and 24 bytes
        _assertRead(key, s, 8, 0, 100); // 24 bytes up to the chunk end
        _assertRead(key, s, 32, 0, 100); // the last 19 bytes
        _assertRead(key, s, 40, 4, 2); // limited by count
        _assertRead(key, s, 40, 30, 100); // limited by the leaf end
        _assertRead(key, s, uint32(s.length), 0, 100); // end of stream: n = 0
    }

    function testFuzz_step_readLocal_succeeds(
        bytes32 _word,
        uint256 _size,
        uint32 _offset
    )
        external
    {
        _size = bound(_size, 0, 32);
        bytes memory data = new bytes(_size);
        for (uint256 i = 0; i < _size; i++) {
            data[i] = _word[i];
        }
        bytes memory s = PreimageRef.stream(data);
        _offset = uint32(bound(_offset, 0, s.length - 1));
        // The game (this test) loads its input; the stepper localizes with the same caller.
        oracle.loadLocalData(AxonABI.LOCAL_INPUT, LOCAL_CONTEXT, _word, _size, _offset);
        _assertRead(LibPreimageKey.localKey(AxonABI.LOCAL_INPUT), s, _offset, 0, 32);
    }

    /// @notice Local data loaded for another context is not found.
    function test_step_readLocalOtherContext_reverts() external {
        oracle.loadLocalData(AxonABI.LOCAL_INPUT, bytes32(uint256(1)), bytes32(0), 4, 0);
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre = _syscall(m, AxonABI.SYS_READ, AxonABI.FD_PREIMAGE_READ, BUF, 4);
        pre.preimageKey = LibPreimageKey.localKey(AxonABI.LOCAL_INPUT);
        bytes memory proof = _proof(pre, m, BUF);
        vm.expectRevert(PartNotFound.selector);
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
    }

    function testFuzz_step_readBlob_succeeds(
        uint256 _seed,
        uint256 _len,
        uint32 _offset,
        uint32 _bufOff,
        uint32 _count
    )
        external
    {
        _len = bound(_len, 0, 200);
        bytes memory data = PreimageRef.randomBytes(_seed, _len);
        bytes memory s = PreimageRef.stream(data);
        SparseMemory.Mem memory blob = PreimageRef.blobMemory(s);
        bytes32 key = PreimageRef.blobKey(data);
        _offset = uint32(bound(_offset, 0, s.length + 40));
        _bufOff = _bufOff % 32;
        _count = uint32(bound(_count, 1, 64));
        oracle.loadBlobPart(key, 0, PreimageRef.chunk(s, 0), blob.proof(0));
        uint32 chunkOff = _offset & ~uint32(31);
        if (chunkOff != 0 && _offset < s.length) {
            oracle.loadBlobPart(key, chunkOff, PreimageRef.chunk(s, chunkOff), blob.proof(chunkOff));
        }
        _assertRead(key, s, _offset, _bufOff, _count);
    }

    /// @notice A read with count 0 moves nothing and does not ask the oracle.
    function test_step_readZeroCount_succeeds() external view {
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre = _syscall(m, AxonABI.SYS_READ, AxonABI.FD_PREIMAGE_READ, BUF, 0);
        pre.preimageKey = bytes32(uint256(2) << 248); // nothing loaded
        pre.preimageOffset = 9;
        LibState.State memory post = _next(pre);
        post.registers[RV.A0] = 0;
        _assertStep(pre, m, post);
    }

    /// @notice A read whose part was not loaded reverts (never a wrong post-state).
    function test_step_readNotLoaded_reverts() external {
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre = _syscall(m, AxonABI.SYS_READ, AxonABI.FD_PREIMAGE_READ, BUF, 4);
        pre.preimageKey = bytes32(uint256(2) << 248);
        bytes memory proof = _proof(pre, m, BUF);
        vm.expectRevert(PartNotFound.selector);
        riscv.step(LibState.encode(pre), proof, LOCAL_CONTEXT);
    }

    /// @notice Unknown key types fault with InvalidPreimageKey, whatever the count.
    function testFuzz_step_readUnknownKeyType_succeeds(uint8 _type, uint32 _count) external view {
        vm.assume(
            _type != 1 && _type != 2 && _type != 5 && _type != 6 && _type != 7 && _type != 0x81
        );
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre =
            _syscall(m, AxonABI.SYS_READ, AxonABI.FD_PREIMAGE_READ, BUF, _count);
        pre.preimageKey = bytes32((uint256(_type) << 248) | 0x1234);
        _assertStep(pre, m, _faulted(pre, AxonABI.FAULT_INVALID_PREIMAGE_KEY));
    }

    /// @notice The zero key (the boot state) is of unknown type 0.
    function test_step_readZeroKey_succeeds() external view {
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre = _syscall(m, AxonABI.SYS_READ, AxonABI.FD_PREIMAGE_READ, BUF, 4);
        _assertStep(pre, m, _faulted(pre, AxonABI.FAULT_INVALID_PREIMAGE_KEY));
    }

    /// @notice A read with a fixture-style part through the mock oracle: the replay helper.
    function test_step_replayWithMockPart_succeeds() external {
        SparseMemory.Mem memory m = _ecallMemory();
        LibState.State memory pre =
            _syscall(m, AxonABI.SYS_READ, AxonABI.FD_PREIMAGE_READ, BUF + 4, 8);
        pre.preimageKey = LibPreimageKey.localKey(1);
        pre.preimageOffset = 3;
        bytes32 part = bytes32(hex"a1a2a3a4a5a6a7a8a9");
        _setMockPart(pre.preimageKey, 3, part, 9, LOCAL_CONTEXT);
        bytes memory proof = _proof(pre, m, BUF + 4);
        for (uint32 i = 0; i < 8; i++) {
            m.storeByte(BUF + 4 + i, uint8(part[i]));
        }
        LibState.State memory post = _next(pre);
        post.memRoot = m.root();
        post.preimageOffset = 11;
        post.registers[RV.A0] = 8;
        _replayStep(LibState.encode(pre), proof, LOCAL_CONTEXT, LibState.hash(post));
    }
}
