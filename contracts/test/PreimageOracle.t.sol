// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IInferenceResults } from "src/interfaces/IInferenceResults.sol";
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
    InvalidProofMask,
    InvalidBlobElementIndex,
    InvalidBlobElementProof,
    InvalidPrecompile,
    NotEnoughGas,
    NoInferenceResults
} from "src/riscv/Errors.sol";

abstract contract PreimageOracle_TestInit is Test {
    using SparseMemory for SparseMemory.Mem;

    PreimageOracle internal oracle;
    bytes32 internal constant CONTEXT = keccak256("context");

    function setUp() public virtual {
        oracle = new PreimageOracle(IInferenceResults(address(0)));
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

contract PreimageOracle_LoadBlobElementPart_Test is PreimageOracle_TestInit {
    /// @notice The KZG commitment of the zero blob, and every opening of it: the point at
    ///         infinity (compressed). Its elements are all zero. Openings of other blobs are
    ///         checked against c-kzg by the Rust tests (`tests/tests/blob_elements.rs`).
    bytes internal constant INFINITY =
        hex"c00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000";

    /// @notice The zero blob's versioned hash: `0x01 ‖ sha256(commitment)[1..32]`.
    function _zeroBlob() internal pure returns (bytes32) {
        return bytes32((uint256(sha256(INFINITY)) & (type(uint256).max >> 8)) | (1 << 248));
    }

    /// @notice Loads an element of the zero blob `_blob` (computed before any `expectRevert`:
    ///         its sha256 is a call).
    function _load(bytes32 _blob, uint64 _index, bytes32 _element, uint256 _partOffset) internal {
        oracle.loadBlobElementPart(_partOffset, _blob, _index, _element, INFINITY, INFINITY);
    }

    function testFuzz_loadBlobElementPart_zeroBlob_succeeds(uint64 _index) external {
        _index = uint64(bound(_index, 0, 4095));
        bytes32 blob = _zeroBlob();
        _load(blob, _index, bytes32(0), 0);
        _load(blob, _index, bytes32(0), 32);
        bytes32 key = LibPreimageKey.typed(keccak256(abi.encodePacked(blob, _index)), 5);
        _assertReads(key, abi.encodePacked(uint64(32), bytes32(0)));
    }

    function test_loadBlobElementPart_wrongElement_reverts() external {
        bytes32 blob = _zeroBlob();
        vm.expectRevert(InvalidBlobElementProof.selector);
        _load(blob, 3, bytes32(uint256(1)), 0);
    }

    function test_loadBlobElementPart_otherBlob_reverts() external {
        vm.expectRevert(InvalidBlobElementProof.selector);
        oracle.loadBlobElementPart(0, keccak256("another blob"), 3, 0, INFINITY, INFINITY);
    }

    function test_loadBlobElementPart_shortProof_reverts() external {
        bytes32 blob = _zeroBlob();
        vm.expectRevert(InvalidBlobElementProof.selector);
        oracle.loadBlobElementPart(0, blob, 3, 0, INFINITY, hex"c0");
    }

    function test_loadBlobElementPart_indexPastBlob_reverts() external {
        bytes32 blob = _zeroBlob();
        vm.expectRevert(abi.encodeWithSelector(InvalidBlobElementIndex.selector, 4096));
        _load(blob, 4096, bytes32(0), 0);
    }

    function test_loadBlobElementPart_offsetOOB_reverts() external {
        bytes32 blob = _zeroBlob();
        vm.expectRevert(PartOffsetOOB.selector);
        _load(blob, 3, bytes32(0), 40);
    }
}

contract PreimageOracle_LoadPrecompilePreimagePart_Test is PreimageOracle_TestInit {
    /// @notice One call of each kind of Prague precompile, with the gas its schedule charges.
    function _vectors()
        internal
        pure
        returns (address[13] memory p_, uint64[13] memory gas_, bytes[13] memory in_)
    {
        // ecrecover: the Ethereum tests' vector (valid signature).
        p_[0] = address(0x01);
        gas_[0] = 3000;
        in_[0] = abi.encode(
            0x456e9aea5e197a1f1af7a3e85a3212fa4049a3ba34c2289b4c860fc0b0c64ef3,
            uint256(28),
            0x9242685bf161793cc25603c231bc2f568eb630ea16aa137d2664ac8038825608,
            0x4f8ae3bd7535248d0bd448298cc2e2071e56992d0774dc340c368ae950852ada
        );
        (p_[1], gas_[1], in_[1]) = (address(0x02), 72, bytes("abc"));
        (p_[2], gas_[2], in_[2]) = (address(0x03), 720, bytes("abc"));
        (p_[3], gas_[3], in_[3]) = (address(0x04), 18, bytes("identity"));
        // modexp: 3^5 mod 7, Berlin's minimum price.
        (p_[4], gas_[4], in_[4]) =
        (address(0x05), 200, abi.encodePacked(uint256(1), uint256(1), uint256(1), hex"030507"));
        // bn254: G + G, 2·G, and the empty pairing (true).
        (p_[5], gas_[5], in_[5]) = (address(0x06), 150, abi.encode(1, 2, 1, 2));
        (p_[6], gas_[6], in_[6]) = (address(0x07), 6000, abi.encode(1, 2, 2));
        (p_[7], gas_[7], in_[7]) = (address(0x08), 45_000, "");
        // blake2f: one round over a zero state.
        (p_[8], gas_[8], in_[8]) =
        (address(0x09), 1, bytes.concat(bytes4(uint32(1)), new bytes(209)));
        // BLS12-381: the sum of two points at infinity, and 0 mapped to G1.
        (p_[9], gas_[9], in_[9]) = (address(0x0b), 375, new bytes(256));
        (p_[10], gas_[10], in_[10]) = (address(0x10), 5500, new bytes(64));
        // Failures: a bn254 point off the curve, and a KZG proof that is not one.
        (p_[11], gas_[11], in_[11]) = (address(0x06), 150, abi.encode(1, 3, 1, 2));
        (p_[12], gas_[12], in_[12]) = (address(0x0a), 50_000, new bytes(192));
    }

    function _key(address _p, uint64 _gas, bytes memory _in) internal pure returns (bytes32) {
        return LibPreimageKey.typed(keccak256(abi.encodePacked(_p, _gas, _in)), 6);
    }

    /// @notice Every chunk of each vector's result is `ok ‖ output` of the precompile itself.
    function test_loadPrecompilePreimagePart_matchesTheCall_succeeds() external {
        (address[13] memory p, uint64[13] memory gas, bytes[13] memory input) = _vectors();
        for (uint256 i = 0; i < p.length; i++) {
            (bool ok, bytes memory output) = p[i].staticcall{ gas: gas[i] }(input[i]);
            assertEq(ok, i < 11, "the vectors' outcome");
            bytes memory value = abi.encodePacked(ok, output);
            bytes memory s = PreimageRef.stream(value);
            for (uint256 off = 0; off < s.length; off += 32) {
                oracle.loadPrecompilePreimagePart(off, p[i], gas[i], input[i]);
            }
            _assertReads(_key(p[i], gas[i], input[i]), s);
        }
    }

    /// @notice The key binds the gas: too little required gas is another key, whose answer is
    ///         the failure the precompile gives with that gas.
    function test_loadPrecompilePreimagePart_lowRequiredGas_storesItsFailure() external {
        oracle.loadPrecompilePreimagePart(0, address(0x01), 2999, new bytes(128));
        bytes32 key = _key(address(0x01), 2999, new bytes(128));
        (bytes32 dat, uint256 len) = oracle.readPreimage(key, 0);
        assertEq(len, 9);
        assertEq(dat, bytes32(uint256(1) << 192)); // length 1, then status 0
    }

    function test_loadPrecompilePreimagePart_notAPrecompile_reverts() external {
        vm.expectRevert(abi.encodeWithSelector(InvalidPrecompile.selector, address(0)));
        oracle.loadPrecompilePreimagePart(0, address(0), 0, "");
        vm.expectRevert(abi.encodeWithSelector(InvalidPrecompile.selector, address(0x12)));
        oracle.loadPrecompilePreimagePart(0, address(0x12), 0, "");
        vm.expectRevert(abi.encodeWithSelector(InvalidPrecompile.selector, address(oracle)));
        oracle.loadPrecompilePreimagePart(0, address(oracle), 0, "");
    }

    function test_loadPrecompilePreimagePart_offsetPastEnd_reverts() external {
        vm.expectRevert(PartOffsetOOB.selector);
        oracle.loadPrecompilePreimagePart(9, address(0x01), 3000, new bytes(128));
    }

    /// @notice A call that cannot give the precompile its required gas reverts by name.
    function test_loadPrecompilePreimagePart_tooLittleGas_reverts() external {
        bytes memory call = abi.encodeCall(
            oracle.loadPrecompilePreimagePart, (0, address(0x08), 113_000, new bytes(384))
        );
        (bool ok, bytes memory ret) = address(oracle).call{ gas: 100_000 }(call);
        assertFalse(ok);
        assertEq(bytes4(ret), NotEnoughGas.selector);
    }

    /// @notice Whatever gas the caller gives, a pairing that holds is never stored as a
    ///         failure: the call reverts (not enough gas, or out of gas after the precompile)
    ///         or stores status 1 — the property Optimism's audit found broken.
    function testFuzz_loadPrecompilePreimagePart_anyCallerGas_neverStoresAStarvedFailure(uint256 _gas)
        external
    {
        _gas = 50_000 + _gas % 400_000;
        bytes memory input = new bytes(384); // two pairs of points at infinity: it holds
        bytes memory call =
            abi.encodeCall(oracle.loadPrecompilePreimagePart, (0, address(0x08), 113_000, input));
        (bool ok,) = address(oracle).call{ gas: _gas }(call);
        bytes32 key = _key(address(0x08), 113_000, input);
        assertEq(oracle.preimagePartOk(key, 0), ok);
        if (ok) {
            (bytes32 dat,) = oracle.readPreimage(key, 8);
            assertEq(uint8(dat[0]), 1, "status 1");
        }
    }
}

contract PreimageOracle_LoadInferenceResultPart_Test is PreimageOracle_TestInit {
    function test_loadInferenceResultPart_noResults_reverts() external {
        vm.expectRevert(NoInferenceResults.selector);
        oracle.loadInferenceResultPart(0, keccak256("request"), hex"00");
        assertEq(address(oracle.inferenceResults()), address(0));
        assertEq(oracle.challengePeriod(), 0);
    }
}
