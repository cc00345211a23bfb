// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { SparseMemory } from "test/lib/SparseMemory.sol";
import { PreimageRef } from "test/lib/PreimageRef.sol";
import { PreimageOracle } from "src/PreimageOracle.sol";
import { LibPreimageKey } from "src/lib/LibPreimageKey.sol";
import {
    PartNotFound,
    PartOffsetOOB,
    InvalidKeyType,
    InvalidLocalDataSize,
    InvalidBlobProof,
    BlobLengthUnknown,
    InvalidBlobLength,
    InvalidProofLength,
    InvalidProofMask
} from "src/riscv/Errors.sol";

abstract contract PreimageOracle_TestInit is Test {
    using SparseMemory for SparseMemory.Mem;

    PreimageOracle internal oracle;
    bytes32 internal constant CONTEXT = keccak256("context");

    function setUp() public virtual {
        oracle = new PreimageOracle();
    }

    /// @notice Asserts that every offset of `_s` (and a few past its end) reads as the
    ///         reference says, given that all of its chunks are loaded under `_key`.
    function _assertReads(bytes32 _key, bytes memory _s) internal view {
        for (uint256 off = 0; off < _s.length + 40; off++) {
            (bytes32 wantDat, uint256 wantLen) = PreimageRef.part(_s, off);
            (bytes32 dat, uint256 len) = oracle.readPreimage(_key, off);
            assertEq(len, wantLen, "datLen");
            assertEq(dat, wantDat, "dat");
        }
    }

    /// @notice Loads every chunk of blob `_data` and returns its key.
    function _loadBlob(bytes memory _data) internal returns (bytes32 key_) {
        bytes memory s = PreimageRef.stream(_data);
        SparseMemory.Mem memory m = PreimageRef.blobMemory(s);
        key_ = PreimageRef.blobKey(_data);
        for (uint256 off = 0; off < s.length; off += 32) {
            oracle.loadBlobPart(key_, off, PreimageRef.chunk(s, off), m.proof(uint32(off)));
        }
    }
}

contract PreimageOracle_ReadPreimage_Test is PreimageOracle_TestInit {
    function test_readPreimage_notLoaded_reverts() external {
        vm.expectRevert(PartNotFound.selector);
        oracle.readPreimage(bytes32(uint256(2) << 248), 0);
    }

    /// @notice A loaded chunk answers only its own offsets.
    function test_readPreimage_otherChunk_reverts() external {
        bytes memory data = PreimageRef.randomBytes(1, 100);
        oracle.loadKeccak256PreimagePart(0, data);
        bytes32 key = PreimageRef.keccakKey(data);
        oracle.readPreimage(key, 31);
        vm.expectRevert(PartNotFound.selector);
        oracle.readPreimage(key, 32);
    }

    /// @notice Past the end of S the answer is (0, 0) once the length is known.
    function test_readPreimage_pastEnd_succeeds() external {
        bytes memory data = PreimageRef.randomBytes(2, 10);
        oracle.loadKeccak256PreimagePart(0, data);
        bytes32 key = PreimageRef.keccakKey(data);
        (bytes32 dat, uint256 len) = oracle.readPreimage(key, 18);
        assertEq(len, 0);
        assertEq(dat, bytes32(0));
        (, len) = oracle.readPreimage(key, 1 << 40);
        assertEq(len, 0);
        (, len) = oracle.readPreimage(key, 17);
        assertEq(len, 1);
    }

    function test_readPreimage_emptyPreimage_succeeds() external {
        oracle.loadKeccak256PreimagePart(0, "");
        bytes32 key = PreimageRef.keccakKey("");
        assertEq(key, bytes32((uint256(keccak256("")) << 8 >> 8) | (2 << 248)));
        _assertReads(key, PreimageRef.stream(""));
    }
}

contract PreimageOracle_LoadKeccak256PreimagePart_Test is PreimageOracle_TestInit {
    /// @notice Every chunk loaded, every offset reads as the reference part.
    function testFuzz_loadKeccak256PreimagePart_allOffsets_succeeds(
        uint256 _seed,
        uint256 _len
    )
        external
    {
        _len = bound(_len, 0, 100);
        bytes memory data = PreimageRef.randomBytes(_seed, _len);
        bytes memory s = PreimageRef.stream(data);
        for (uint256 off = 0; off < s.length; off += 32) {
            // Any offset within a chunk loads that chunk.
            oracle.loadKeccak256PreimagePart(off + (_seed % 32) % (s.length - off), data);
        }
        bytes32 key = PreimageRef.keccakKey(data);
        assertEq(oracle.preimageLengths(key), _len);
        assertTrue(oracle.preimageLengthOk(key));
        _assertReads(key, s);
    }

    /// @notice The stored chunk is zero past the end of S even when calldata continues.
    function test_loadKeccak256PreimagePart_tailIsZero_succeeds() external {
        bytes memory data = hex"0102030405";
        oracle.loadKeccak256PreimagePart(0, data);
        bytes32 key = PreimageRef.keccakKey(data);
        assertEq(oracle.preimageParts(key, 0), bytes32(hex"00000000000000050102030405"));
    }

    function testFuzz_loadKeccak256PreimagePart_offsetOOB_reverts(
        uint256 _len,
        uint256 _off
    )
        external
    {
        _len = bound(_len, 0, 100);
        _off = bound(_off, _len + 8, type(uint256).max);
        vm.expectRevert(PartOffsetOOB.selector);
        oracle.loadKeccak256PreimagePart(_off, new bytes(_len));
    }
}

contract PreimageOracle_LoadLocalData_Test is PreimageOracle_TestInit {
    /// @notice The key is 0x01 ‖ keccak256(0x01-typed ident ‖ caller ‖ context)[1..32].
    function test_loadLocalData_key_succeeds() external {
        bytes32 key = oracle.loadLocalData(1, CONTEXT, bytes32(uint256(7)), 32, 0);
        bytes32 raw = bytes32((uint256(1) << 248) | 1);
        bytes32 h = keccak256(abi.encode(raw, address(this), CONTEXT));
        assertEq(key, bytes32((uint256(h) << 8 >> 8) | (1 << 248)));
        assertEq(key, LibPreimageKey.localize(raw, address(this), CONTEXT));
        // The full 0x01-typed key is accepted as ident too.
        assertEq(oracle.loadLocalData(uint256(raw), CONTEXT, bytes32(0), 0, 0), key);
    }

    /// @notice Another caller or context gives another key.
    function test_loadLocalData_isolated_succeeds() external {
        bytes32 a = oracle.loadLocalData(1, CONTEXT, bytes32(0), 0, 0);
        bytes32 b = oracle.loadLocalData(1, bytes32(0), bytes32(0), 0, 0);
        vm.prank(address(0xBEEF));
        bytes32 c = oracle.loadLocalData(1, CONTEXT, bytes32(0), 0, 0);
        assertTrue(a != b && a != c && b != c, "keys collide");
    }

    function testFuzz_loadLocalData_allOffsets_succeeds(bytes32 _word, uint256 _size) external {
        _size = bound(_size, 0, 32);
        bytes memory data = new bytes(_size);
        for (uint256 i = 0; i < _size; i++) {
            data[i] = _word[i];
        }
        bytes memory s = PreimageRef.stream(data);
        bytes32 key;
        for (uint256 off = 0; off < s.length; off += 32) {
            key = oracle.loadLocalData(5, CONTEXT, _word, _size, off);
        }
        _assertReads(key, s);
    }

    function test_loadLocalData_sizeAbove32_reverts() external {
        vm.expectRevert(InvalidLocalDataSize.selector);
        oracle.loadLocalData(1, CONTEXT, bytes32(0), 33, 0);
    }

    function test_loadLocalData_offsetOOB_reverts() external {
        vm.expectRevert(PartOffsetOOB.selector);
        oracle.loadLocalData(1, CONTEXT, bytes32(0), 4, 12);
        vm.expectRevert(PartOffsetOOB.selector);
        oracle.loadLocalData(1, CONTEXT, bytes32(0), 32, 40);
    }

    function test_loadLocalData_wrongType_reverts() external {
        vm.expectRevert(abi.encodeWithSelector(InvalidKeyType.selector, 2));
        oracle.loadLocalData((uint256(2) << 248) | 1, CONTEXT, bytes32(0), 0, 0);
        vm.expectRevert(abi.encodeWithSelector(InvalidKeyType.selector, 0x81));
        oracle.loadLocalData((uint256(0x81) << 248) | 1, CONTEXT, bytes32(0), 0, 0);
    }
}

contract PreimageOracle_LoadBlobPart_Test is PreimageOracle_TestInit {
    using SparseMemory for SparseMemory.Mem;

    function testFuzz_loadBlobPart_allOffsets_succeeds(uint256 _seed, uint256 _len) external {
        _len = bound(_len, 0, 200);
        bytes memory data = PreimageRef.randomBytes(_seed, _len);
        bytes32 key = _loadBlob(data);
        assertEq(oracle.preimageLengths(key), _len);
        _assertReads(key, PreimageRef.stream(data));
    }

    function test_loadBlobPart_wrongType_reverts() external {
        bytes memory data = PreimageRef.randomBytes(1, 40);
        bytes memory s = PreimageRef.stream(data);
        SparseMemory.Mem memory m = PreimageRef.blobMemory(s);
        bytes32 key = PreimageRef.blobKey(data);
        bytes32 wrong = bytes32((uint256(key) << 8 >> 8) | (2 << 248));
        bytes memory proof = m.proof(0);
        vm.expectRevert(abi.encodeWithSelector(InvalidKeyType.selector, 2));
        oracle.loadBlobPart(wrong, 0, PreimageRef.chunk(s, 0), proof);
    }

    function test_loadBlobPart_badProof_reverts() external {
        bytes memory data = PreimageRef.randomBytes(1, 40);
        bytes memory s = PreimageRef.stream(data);
        SparseMemory.Mem memory m = PreimageRef.blobMemory(s);
        bytes32 key = PreimageRef.blobKey(data);
        bytes32 c0 = PreimageRef.chunk(s, 0);
        bytes memory proof = m.proof(0);

        // A wrong chunk (the proof's leaf must be the chunk).
        vm.expectRevert(InvalidBlobProof.selector);
        oracle.loadBlobPart(key, 0, bytes32(uint256(c0) ^ 1), proof);

        // A wrong sibling (chunk 1, the one sibling sent).
        assertEq(proof.length, 36 + 32, "one sibling sent");
        bytes memory bad = bytes.concat(proof);
        bad[36 + 5] ^= 0x01;
        vm.expectRevert(InvalidBlobProof.selector);
        oracle.loadBlobPart(key, 0, c0, bad);

        // A valid proof for another offset.
        vm.expectRevert(InvalidBlobProof.selector);
        oracle.loadBlobPart(key, 0, PreimageRef.chunk(s, 32), m.proof(32));

        // A proof that is all zero: its mask announces 27 siblings.
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 900, 864));
        oracle.loadBlobPart(key, 0, c0, new bytes(864));

        // Another blob's key: only root[1..32] is compared, and it differs.
        vm.expectRevert(InvalidBlobProof.selector);
        oracle.loadBlobPart(PreimageRef.blobKey(hex"00"), 0, c0, proof);
    }

    function test_loadBlobPart_misaligned_reverts() external {
        vm.expectRevert(PartOffsetOOB.selector);
        oracle.loadBlobPart(bytes32(uint256(0x81) << 248), 4, bytes32(0), new bytes(900));
        vm.expectRevert(PartOffsetOOB.selector);
        oracle.loadBlobPart(bytes32(uint256(0x81) << 248), 1 << 32, bytes32(0), new bytes(900));
    }

    /// @notice Chunks after the first need the length from the first.
    function test_loadBlobPart_lengthUnknown_reverts() external {
        bytes memory data = PreimageRef.randomBytes(1, 40);
        bytes memory s = PreimageRef.stream(data);
        SparseMemory.Mem memory m = PreimageRef.blobMemory(s);
        bytes32 key = PreimageRef.blobKey(data);
        bytes memory proof = m.proof(32);
        vm.expectRevert(BlobLengthUnknown.selector);
        oracle.loadBlobPart(key, 32, PreimageRef.chunk(s, 32), proof);
        oracle.loadBlobPart(key, 0, PreimageRef.chunk(s, 0), m.proof(0));
        oracle.loadBlobPart(key, 32, PreimageRef.chunk(s, 32), proof);
        assertTrue(oracle.preimagePartOk(key, 32));
    }

    /// @notice A zero chunk past the end of S (provable: it is empty memory) is rejected.
    function test_loadBlobPart_pastEnd_reverts() external {
        bytes memory data = PreimageRef.randomBytes(1, 40);
        bytes memory s = PreimageRef.stream(data);
        SparseMemory.Mem memory m = PreimageRef.blobMemory(s);
        bytes32 key = PreimageRef.blobKey(data);
        oracle.loadBlobPart(key, 0, PreimageRef.chunk(s, 0), m.proof(0));
        bytes memory proof = m.proof(64);
        vm.expectRevert(PartOffsetOOB.selector);
        oracle.loadBlobPart(key, 64, bytes32(0), proof);
    }

    function test_loadBlobPart_tooLong_reverts() external {
        SparseMemory.Mem memory m;
        bytes32 c0 = bytes32(uint256((1 << 32) - 7) << 192);
        m.setLeaf(0, c0);
        bytes32 key = bytes32((uint256(m.root()) << 8 >> 8) | (0x81 << 248));
        bytes memory proof = m.proof(0);
        vm.expectRevert(InvalidBlobLength.selector);
        oracle.loadBlobPart(key, 0, c0, proof);
    }

    /// @notice The blob proof is the same compact format as the step's: `Z[k]` siblings may
    ///         be omitted or sent, in any mix.
    function testFuzz_loadBlobPart_explicitZeroSiblings_succeeds(uint32 _omit) external {
        bytes memory data = PreimageRef.randomBytes(3, 200);
        bytes memory s = PreimageRef.stream(data);
        SparseMemory.Mem memory m = PreimageRef.blobMemory(s);
        bytes32 key = PreimageRef.blobKey(data);
        oracle.loadBlobPart(key, 0, PreimageRef.chunk(s, 0), m.proof(0, _omit));
        oracle.loadBlobPart(key, 96, PreimageRef.chunk(s, 96), m.proof(96, _omit));
        (bytes32 dat, uint256 len) = oracle.readPreimage(key, 96);
        assertEq(dat, PreimageRef.chunk(s, 96));
        assertEq(len, 32);
    }

    /// @notice Exactly one compact proof: cut short, trailing bytes or a mask bit above 26
    ///         revert.
    function test_loadBlobPart_compactProofLength_reverts() external {
        bytes memory data = PreimageRef.randomBytes(1, 40);
        bytes memory s = PreimageRef.stream(data);
        SparseMemory.Mem memory m = PreimageRef.blobMemory(s);
        bytes32 key = PreimageRef.blobKey(data);
        bytes32 c0 = PreimageRef.chunk(s, 0);
        bytes memory proof = m.proof(0); // 68 bytes

        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 68, 69));
        oracle.loadBlobPart(key, 0, c0, bytes.concat(proof, hex"00"));
        bytes memory two = bytes.concat(proof, m.proof(32));
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 68, two.length));
        oracle.loadBlobPart(key, 0, c0, two);

        bytes memory cut = new bytes(67);
        for (uint256 i = 0; i < 67; i++) {
            cut[i] = proof[i];
        }
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 68, 67));
        oracle.loadBlobPart(key, 0, c0, cut);
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 36, 35));
        oracle.loadBlobPart(key, 0, c0, new bytes(35));
        vm.expectRevert(abi.encodeWithSelector(InvalidProofLength.selector, 36, 0));
        oracle.loadBlobPart(key, 0, c0, "");

        bytes memory high = bytes.concat(proof);
        high[32] |= 0x08; // bit 27
        uint256 mask = uint32(bytes4(bytes.concat(high[32], high[33], high[34], high[35])));
        vm.expectRevert(abi.encodeWithSelector(InvalidProofMask.selector, mask));
        oracle.loadBlobPart(key, 0, c0, high);

        oracle.loadBlobPart(key, 0, c0, proof);
        assertTrue(oracle.preimagePartOk(key, 0));
    }
}
