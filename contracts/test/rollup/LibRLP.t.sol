// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { LibRLP, RLPItem } from "src/rollup/lib/LibRLP.sol";

/// @title RLPWriter
/// @notice A plain RLP encoder for building test inputs (Yellow Paper, appendix B): canonical
///         encodings only.
library RLPWriter {
    /// @notice The encoding of string `_b`.
    function encodeBytes(bytes memory _b) internal pure returns (bytes memory) {
        if (_b.length == 1 && uint8(_b[0]) < 0x80) return _b;
        return bytes.concat(_header(_b.length, 0x80), _b);
    }

    /// @notice The encoding of the list of the already-encoded items `_items`.
    function encodeList(bytes[] memory _items) internal pure returns (bytes memory) {
        bytes memory payload;
        for (uint256 i = 0; i < _items.length; i++) {
            payload = bytes.concat(payload, _items[i]);
        }
        return bytes.concat(_header(payload.length, 0xc0), payload);
    }

    /// @notice The encoding of the list of two already-encoded items.
    function encodeList(bytes memory _a, bytes memory _b) internal pure returns (bytes memory) {
        bytes[] memory items = new bytes[](2);
        items[0] = _a;
        items[1] = _b;
        return encodeList(items);
    }

    /// @notice The encoding of integer `_x`: big-endian, no leading zeros, zero as "".
    function encodeUint(uint256 _x) internal pure returns (bytes memory) {
        return encodeBytes(_bigEndian(_x));
    }

    function _header(uint256 _length, uint256 _base) private pure returns (bytes memory) {
        if (_length <= 55) return abi.encodePacked(uint8(_base + _length));
        bytes memory be = _bigEndian(_length);
        return bytes.concat(abi.encodePacked(uint8(_base + 55 + be.length)), be);
    }

    function _bigEndian(uint256 _x) private pure returns (bytes memory out_) {
        uint256 n;
        for (uint256 x = _x; x != 0; x >>= 8) {
            n++;
        }
        out_ = new bytes(n);
        for (uint256 i = 0; i < n; i++) {
            out_[n - 1 - i] = bytes1(uint8(_x >> (8 * i)));
        }
    }
}

/// @notice Exposes `LibRLP` to external calls (reverts can then be expected).
contract LibRLPHarness {
    /// @notice The header of the item encoded by `_in`.
    function header(bytes memory _in)
        external
        pure
        returns (bool isList_, uint256 offset_, uint256 length_)
    {
        return LibRLP.header(LibRLP.toItem(_in));
    }

    /// @notice The encodings of the items of the list encoded by `_in`.
    function readList(bytes memory _in) external pure returns (bytes[] memory out_) {
        RLPItem[] memory items = LibRLP.readList(_in);
        out_ = new bytes[](items.length);
        for (uint256 i = 0; i < items.length; i++) {
            out_[i] = copy(items[i]);
        }
    }

    /// @notice The items of the list encoded by `_in`, each read as a string or as a list of
    ///         strings (one level of nesting), to check that nested items are checked too.
    function readNested(bytes memory _in) external pure returns (uint256 strings_) {
        RLPItem[] memory items = LibRLP.readList(_in);
        for (uint256 i = 0; i < items.length; i++) {
            if (LibRLP.isList(items[i])) {
                RLPItem[] memory inner = LibRLP.readList(items[i]);
                for (uint256 j = 0; j < inner.length; j++) {
                    if (!LibRLP.isList(inner[j])) {
                        LibRLP.readBytes(inner[j]);
                        strings_++;
                    }
                }
            } else {
                LibRLP.readBytes(items[i]);
                strings_++;
            }
        }
    }

    /// @notice The payload of the string encoded by `_in`.
    function readBytes(bytes memory _in) external pure returns (bytes memory) {
        return LibRLP.readBytes(_in);
    }

    /// @notice The integer encoded by `_in`.
    function readUint256(bytes memory _in) external pure returns (uint256) {
        return LibRLP.readUint256(LibRLP.toItem(_in));
    }

    /// @notice A copy of `_item`'s whole encoding.
    function copy(RLPItem _item) internal pure returns (bytes memory out_) {
        uint256 ptr = LibRLP.memPtr(_item);
        uint256 length = LibRLP.encodedLength(_item);
        out_ = new bytes(length);
        assembly ("memory-safe") {
            mcopy(add(out_, 0x20), ptr, length)
        }
    }
}

abstract contract LibRLP_TestInit is Test {
    LibRLPHarness internal harness;

    function setUp() public virtual {
        harness = new LibRLPHarness();
    }

    /// @notice Whether `_err` is the revert data of one of `LibRLP`'s errors.
    function _isRLPError(bytes memory _err) internal pure returns (bool) {
        if (_err.length != 4) return false;
        bytes4 s = bytes4(_err);
        return s == LibRLP.EmptyItem.selector || s == LibRLP.ItemOutOfBounds.selector
            || s == LibRLP.TrailingBytes.selector || s == LibRLP.NonCanonicalSingleByte.selector
            || s == LibRLP.NonCanonicalLength.selector || s == LibRLP.LeadingZeroLength.selector
            || s == LibRLP.NotAList.selector || s == LibRLP.NotAString.selector
            || s == LibRLP.NonCanonicalUint.selector;
    }
}

/// @notice Known encodings (the Yellow Paper's and ethereum.org's examples) decode as expected.
contract LibRLP_Vectors_Test is LibRLP_TestInit {
    function test_header_strings_succeeds() external view {
        _assertHeader(hex"00", false, 0, 1);
        _assertHeader(hex"7f", false, 0, 1);
        _assertHeader(hex"80", false, 1, 0);
        _assertHeader(hex"8180", false, 1, 1);
        _assertHeader(hex"83646f67", false, 1, 3);
        bytes memory s55 = new bytes(55);
        _assertHeader(bytes.concat(hex"b7", s55), false, 1, 55);
        bytes memory s56 = new bytes(56);
        _assertHeader(bytes.concat(hex"b838", s56), false, 2, 56);
        bytes memory s1024 = new bytes(1024);
        _assertHeader(bytes.concat(hex"b90400", s1024), false, 3, 1024);
    }

    function test_header_lists_succeeds() external view {
        _assertHeader(hex"c0", true, 1, 0);
        _assertHeader(hex"c88363617483646f67", true, 1, 8);
        bytes memory p56 = new bytes(56);
        _assertHeader(bytes.concat(hex"f838", p56), true, 2, 56);
    }

    function test_readBytes_vectors_succeeds() external view {
        assertEq(harness.readBytes(hex"83646f67"), bytes("dog"));
        assertEq(harness.readBytes(hex"80"), bytes(""));
        assertEq(harness.readBytes(hex"0f"), hex"0f");
        assertEq(harness.readBytes(hex"820400"), hex"0400");
        bytes memory lorem = "Lorem ipsum dolor sit amet, consectetur adipisicing elit";
        assertEq(harness.readBytes(bytes.concat(hex"b838", lorem)), lorem);
    }

    function test_readList_vectors_succeeds() external view {
        bytes[] memory items = harness.readList(hex"c88363617483646f67");
        assertEq(items.length, 2);
        assertEq(items[0], hex"83636174");
        assertEq(items[1], hex"83646f67");
        assertEq(harness.readList(hex"c0").length, 0);
        // The set-theoretic representation of three: [ [], [[]], [ [], [[]] ] ].
        items = harness.readList(hex"c7c0c1c0c3c0c1c0");
        assertEq(items.length, 3);
        assertEq(items[0], hex"c0");
        assertEq(items[1], hex"c1c0");
        assertEq(items[2], hex"c3c0c1c0");
        assertEq(harness.readList(items[2]).length, 2);
    }

    function test_readUint256_vectors_succeeds() external view {
        assertEq(harness.readUint256(hex"80"), 0);
        assertEq(harness.readUint256(hex"01"), 1);
        assertEq(harness.readUint256(hex"7f"), 0x7f);
        assertEq(harness.readUint256(hex"8180"), 0x80);
        assertEq(harness.readUint256(hex"820400"), 1024);
        assertEq(
            harness.readUint256(
                hex"a0ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
            ),
            type(uint256).max
        );
    }

    function _assertHeader(
        bytes memory _in,
        bool _isList,
        uint256 _offset,
        uint256 _length
    )
        internal
        view
    {
        (bool isList, uint256 offset, uint256 length) = harness.header(_in);
        assertEq(isList, _isList, "isList");
        assertEq(offset, _offset, "offset");
        assertEq(length, _length, "length");
    }
}

/// @notice Every non-canonical or truncated encoding reverts with its error.
contract LibRLP_Malformed_Test is LibRLP_TestInit {
    function test_toItem_empty_reverts() external {
        vm.expectRevert(LibRLP.EmptyItem.selector);
        harness.header(hex"");
    }

    function test_toItem_trailingBytes_reverts() external {
        vm.expectRevert(LibRLP.TrailingBytes.selector);
        harness.header(hex"0102");
        vm.expectRevert(LibRLP.TrailingBytes.selector);
        harness.header(hex"83646f6700");
        vm.expectRevert(LibRLP.TrailingBytes.selector);
        harness.header(hex"c0c0");
    }

    function test_toItem_shortPayload_reverts() external {
        vm.expectRevert(LibRLP.ItemOutOfBounds.selector);
        harness.header(hex"83646f");
        vm.expectRevert(LibRLP.ItemOutOfBounds.selector);
        harness.header(hex"c3c0c0");
        vm.expectRevert(LibRLP.ItemOutOfBounds.selector);
        harness.header(hex"81");
    }

    function test_toItem_shortLongLength_reverts() external {
        // The long-form length bytes themselves are cut.
        vm.expectRevert(LibRLP.ItemOutOfBounds.selector);
        harness.header(hex"b9");
        vm.expectRevert(LibRLP.ItemOutOfBounds.selector);
        harness.header(hex"b904");
        vm.expectRevert(LibRLP.ItemOutOfBounds.selector);
        harness.header(hex"ff01020304050607");
        // A length of 2^64 - 1 over a few bytes.
        vm.expectRevert(LibRLP.ItemOutOfBounds.selector);
        harness.header(hex"bfffffffffffffffff0000");
    }

    function test_toItem_singleByteAsString_reverts() external {
        vm.expectRevert(LibRLP.NonCanonicalSingleByte.selector);
        harness.header(hex"8100");
        vm.expectRevert(LibRLP.NonCanonicalSingleByte.selector);
        harness.header(hex"817f");
    }

    function test_toItem_longFormForShortLength_reverts() external {
        bytes memory s55 = new bytes(55);
        vm.expectRevert(LibRLP.NonCanonicalLength.selector);
        harness.header(bytes.concat(hex"b837", s55));
        vm.expectRevert(LibRLP.NonCanonicalLength.selector);
        harness.header(hex"b80180");
        vm.expectRevert(LibRLP.NonCanonicalLength.selector);
        harness.header(bytes.concat(hex"f837", s55));
    }

    function test_toItem_leadingZeroLength_reverts() external {
        bytes memory s56 = new bytes(56);
        vm.expectRevert(LibRLP.LeadingZeroLength.selector);
        harness.header(bytes.concat(hex"b90038", s56));
        vm.expectRevert(LibRLP.LeadingZeroLength.selector);
        harness.header(bytes.concat(hex"f90038", s56));
    }

    function test_readList_childPastListEnd_reverts() external {
        // The list's payload is 2 bytes; its item claims 4.
        vm.expectRevert(LibRLP.ItemOutOfBounds.selector);
        harness.readList(hex"c28301");
        // The same list with the bytes its item claims after it: they are not the list's.
        vm.expectRevert(LibRLP.TrailingBytes.selector);
        harness.readList(hex"c283010203");
        // Nested: the inner list [0x83 0x01] is followed by 0x02 in the outer list, which its
        // item must not reach into.
        vm.expectRevert(LibRLP.ItemOutOfBounds.selector);
        harness.readNested(hex"c4c2830102");
    }

    function test_readList_nonCanonicalChild_reverts() external {
        vm.expectRevert(LibRLP.NonCanonicalSingleByte.selector);
        harness.readList(hex"c3018105");
        vm.expectRevert(LibRLP.LeadingZeroLength.selector);
        harness.readList(hex"c3b90000");
    }

    function test_readNested_nonCanonicalGrandchild_reverts() external {
        vm.expectRevert(LibRLP.NonCanonicalSingleByte.selector);
        harness.readNested(hex"c4c3018100");
    }

    function test_readList_string_reverts() external {
        vm.expectRevert(LibRLP.NotAList.selector);
        harness.readList(hex"83646f67");
        vm.expectRevert(LibRLP.NotAList.selector);
        harness.readList(hex"05");
    }

    function test_readBytes_list_reverts() external {
        vm.expectRevert(LibRLP.NotAString.selector);
        harness.readBytes(hex"c0");
    }

    function test_readUint256_nonCanonical_reverts() external {
        vm.expectRevert(LibRLP.NonCanonicalUint.selector);
        harness.readUint256(hex"00");
        vm.expectRevert(LibRLP.NonCanonicalUint.selector);
        harness.readUint256(hex"820001");
        vm.expectRevert(LibRLP.NonCanonicalUint.selector);
        harness.readUint256(bytes.concat(hex"a1", new bytes(32), hex"01"));
        vm.expectRevert(LibRLP.NotAString.selector);
        harness.readUint256(hex"c0");
    }
}

/// @notice Round trips through `RLPWriter`, and arbitrary input never fails but with an error of
///         `LibRLP`'s.
contract LibRLP_Fuzz_Test is LibRLP_TestInit {
    function testFuzz_readBytes_roundTrip_succeeds(bytes memory _b) external view {
        assertEq(harness.readBytes(RLPWriter.encodeBytes(_b)), _b);
    }

    function testFuzz_readUint256_roundTrip_succeeds(uint256 _x) external view {
        assertEq(harness.readUint256(RLPWriter.encodeUint(_x)), _x);
    }

    function testFuzz_readList_roundTrip_succeeds(
        bytes memory _a,
        bytes memory _b,
        uint256 _x,
        uint256 _repeat
    )
        external
        view
    {
        // A list long enough for the long form whenever _repeat says so.
        uint256 n = 3 + bound(_repeat, 0, 20);
        bytes[] memory items = new bytes[](n);
        items[0] = RLPWriter.encodeBytes(_a);
        items[1] = RLPWriter.encodeUint(_x);
        items[2] = RLPWriter.encodeList(RLPWriter.encodeBytes(_b), hex"c0");
        for (uint256 i = 3; i < n; i++) {
            items[i] = RLPWriter.encodeBytes(_a);
        }
        bytes[] memory got = harness.readList(RLPWriter.encodeList(items));
        assertEq(got.length, n, "count");
        for (uint256 i = 0; i < n; i++) {
            assertEq(got[i], items[i]);
        }
        assertEq(harness.readNested(RLPWriter.encodeList(items)), n);
    }

    /// @notice Arbitrary bytes decode or revert with a named error: no panic, no out-of-bounds.
    function testFuzz_readNested_arbitrary_noPanic(bytes memory _in) external view {
        try harness.readNested(_in) { }
        catch (bytes memory err) {
            assertTrue(_isRLPError(err), "not an LibRLP error");
        }
    }

    /// @notice One byte of a valid nested encoding changed: it decodes or reverts with a named
    ///         error.
    function testFuzz_readNested_flippedByte_noPanic(
        bytes memory _a,
        uint256 _x,
        uint256 _at,
        uint8 _to
    )
        external
        view
    {
        bytes[] memory items = new bytes[](3);
        items[0] = RLPWriter.encodeBytes(_a);
        items[1] = RLPWriter.encodeUint(_x);
        items[2] = RLPWriter.encodeList(RLPWriter.encodeBytes(_a), RLPWriter.encodeUint(_x));
        bytes memory enc = RLPWriter.encodeList(items);
        enc[bound(_at, 0, enc.length - 1)] = bytes1(_to);
        try harness.readNested(enc) { }
        catch (bytes memory err) {
            assertTrue(_isRLPError(err), "not an LibRLP error");
        }
    }
}
