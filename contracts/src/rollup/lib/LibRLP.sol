// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @notice One RLP item in memory, as a slice: the memory address of the item's first byte in the
///         high 128 bits, the length of its whole encoding (header and payload) in the low 128.
///         Only `LibRLP` makes items, and only for encodings it has checked, so every item's
///         header is canonical and its payload lies within the slice.
type RLPItem is uint256;

/// @title LibRLP
/// @notice A minimal, strict reader of Recursive Length Prefix encoding (Ethereum Yellow Paper,
///         appendix B) over `bytes memory`, for verifying Merkle-Patricia-trie proofs
///         (`LibMerkleTrie`). It reads without copying: an item is a slice of the input, and only
///         `readBytes` copies a payload out.
///
///         The input comes from whoever submits a proof, so the reader accepts exactly the
///         canonical encodings — those an encoder produces — and reverts on anything else: a
///         length or payload running past the end of its input or its enclosing list, bytes left
///         after the top item, a single byte below 0x80 wrapped as a 1-byte string (`0x81 0x05`
///         for `0x05`), a long-form length of 55 or less, or a long-form length with leading zero
///         bytes. One value then has one encoding, which is what hash commitments to encodings
///         need: a proof cannot restate a hashed node in another form.
///
///         Item kinds, by the first byte `p`:
///
///             p < 0x80          a 1-byte string: the byte itself, no header
///             0x80 + n          a string of n <= 55 bytes, after the 1-byte header
///             0xb7 + l          a string of more than 55 bytes, its length in the next l bytes
///             0xc0 + n          a list of n <= 55 payload bytes, after the 1-byte header
///             0xf7 + l          a list of more than 55 payload bytes, its length in the next l
///
///         Lengths are bounded by the input's, so neither an 8-byte length nor a pointer overflows.
library LibRLP {
    /// @notice Thrown by `toItem` for an empty input.
    error EmptyItem();

    /// @notice Thrown when an item's long-form length bytes or its payload run past the end of
    ///         its input or of the list that holds it.
    error ItemOutOfBounds();

    /// @notice Thrown by `toItem` when the input has bytes after its (one) top-level item.
    error TrailingBytes();

    /// @notice Thrown for a single byte below 0x80 encoded as a 1-byte string (`0x81 b`): it is
    ///         its own encoding.
    error NonCanonicalSingleByte();

    /// @notice Thrown for a long-form header (`0xb8..0xbf`, `0xf8..0xff`) of a length that fits
    ///         the short form (55 or less).
    error NonCanonicalLength();

    /// @notice Thrown for a long-form length with a leading zero byte.
    error LeadingZeroLength();

    /// @notice Thrown when a list is expected and the item is a string.
    error NotAList();

    /// @notice Thrown when a string is expected and the item is a list.
    error NotAString();

    /// @notice Thrown by `readUint256` for a string of more than 32 bytes or with a leading zero
    ///         byte (integers are big-endian without leading zeros; zero is the empty string).
    error NonCanonicalUint();

    ////////////////////////////////////////////////////////////////
    //                           Items                            //
    ////////////////////////////////////////////////////////////////

    /// @notice The item encoded by `_in`, which must be exactly one canonical item's header and
    ///         payload. Nested items are checked when they are read (`readList`).
    /// @param _in The encoding. The item points into it: `_in` must not be modified while the
    ///        item is in use.
    /// @return item_ The item spanning all of `_in`.
    function toItem(bytes memory _in) internal pure returns (RLPItem item_) {
        if (_in.length == 0) revert EmptyItem();
        uint256 ptr;
        assembly ("memory-safe") {
            ptr := add(_in, 0x20)
        }
        item_ = _scan(ptr, ptr + _in.length, 1)[0];
        if (encodedLength(item_) != _in.length) revert TrailingBytes();
    }

    /// @notice The memory address of the first byte of `_item`'s encoding.
    function memPtr(RLPItem _item) internal pure returns (uint256) {
        return RLPItem.unwrap(_item) >> 128;
    }

    /// @notice The length of `_item`'s whole encoding, header included.
    function encodedLength(RLPItem _item) internal pure returns (uint256) {
        return uint128(RLPItem.unwrap(_item));
    }

    /// @notice The header of `_item` (checked when the item was made).
    /// @return isList_ Whether the item is a list (else a string).
    /// @return offset_ The length of the header: where the payload starts in the encoding.
    /// @return length_ The length of the payload.
    function header(RLPItem _item)
        internal
        pure
        returns (bool isList_, uint256 offset_, uint256 length_)
    {
        assembly ("memory-safe") {
            let word := mload(shr(128, _item))
            let prefix := byte(0, word)
            switch lt(prefix, 0x80)
            case 1 { length_ := 1 }
            default {
                isList_ := gt(prefix, 0xbf)
                // 0..55: the short form's payload length; 56..63: 55 + the long form's
                // length of length.
                let short := sub(prefix, add(0x80, shl(6, isList_)))
                switch lt(short, 56)
                case 1 {
                    offset_ := 1
                    length_ := short
                }
                default {
                    let lengthOfLength := sub(short, 55)
                    offset_ := add(1, lengthOfLength)
                    length_ := shr(sub(256, shl(3, lengthOfLength)), shl(8, word))
                }
            }
        }
    }

    /// @notice Whether `_item` is a list (else a string).
    function isList(RLPItem _item) internal pure returns (bool isList_) {
        assembly ("memory-safe") {
            isList_ := gt(byte(0, mload(shr(128, _item))), 0xbf)
        }
    }

    /// @notice The items of list `_item`, in order, each checked to be a canonical item lying
    ///         within the list's payload, the last one ending exactly at the payload's end.
    function readList(RLPItem _item) internal pure returns (RLPItem[] memory) {
        (bool list, uint256 offset, uint256 length) = header(_item);
        if (!list) revert NotAList();
        uint256 start = memPtr(_item) + offset;
        return _scan(start, start + length, type(uint256).max);
    }

    /// @notice The items of the list encoded by `_in` (see `toItem` and `readList`).
    function readList(bytes memory _in) internal pure returns (RLPItem[] memory) {
        return readList(toItem(_in));
    }

    /// @notice A copy of the payload of string `_item`.
    function readBytes(RLPItem _item) internal pure returns (bytes memory out_) {
        (bool list, uint256 offset, uint256 length) = header(_item);
        if (list) revert NotAString();
        uint256 src = memPtr(_item) + offset;
        out_ = new bytes(length);
        assembly ("memory-safe") {
            mcopy(add(out_, 0x20), src, length)
        }
    }

    /// @notice A copy of the payload of the string encoded by `_in` (see `toItem`).
    function readBytes(bytes memory _in) internal pure returns (bytes memory) {
        return readBytes(toItem(_in));
    }

    /// @notice String `_item` read as a canonical big-endian integer: at most 32 bytes, no
    ///         leading zero byte, zero being the empty string (`0x80`).
    function readUint256(RLPItem _item) internal pure returns (uint256 value_) {
        (bool list, uint256 offset, uint256 length) = header(_item);
        if (list) revert NotAString();
        if (length == 0) return 0;
        if (length > 32) revert NonCanonicalUint();
        uint256 src = memPtr(_item) + offset;
        assembly ("memory-safe") {
            value_ := shr(shl(3, sub(32, length)), mload(src))
        }
        // The top byte is zero exactly when the value needs fewer than `length` bytes.
        if (value_ >> ((length - 1) * 8) == 0) revert NonCanonicalUint();
    }

    ////////////////////////////////////////////////////////////////
    //                          Internal                          //
    ////////////////////////////////////////////////////////////////

    /// @notice The items encoded one after another from `_ptr` up to `_end`, at most `_max` of
    ///         them: each item's header is checked to be canonical, and the item to end at or
    ///         before `_end`. The only place where untrusted headers are decoded.
    /// @dev In assembly: this runs for every item of every list read, and a Solidity version
    ///      (legacy codegen, a function call per item) cost about 900 gas an item, this one about
    ///      360 with the memory it writes. The array is built at the free memory pointer as the
    ///      items are found, then allocated, within one assembly block.
    function _scan(
        uint256 _ptr,
        uint256 _end,
        uint256 _max
    )
        private
        pure
        returns (RLPItem[] memory items_)
    {
        // The error found, as `_revert`'s code; 0 for none.
        uint256 err;
        assembly ("memory-safe") {
            items_ := mload(0x40)
            let out := add(items_, 0x20)
            let count := 0
            for { let ptr := _ptr } and(lt(ptr, _end), lt(count, _max)) { } {
                let available := sub(_end, ptr)
                let word := mload(ptr)
                let prefix := byte(0, word)
                // Below 0x80: a 1-byte string, its own encoding.
                let size := 1
                if gt(prefix, 0x7f) {
                    // 0..55: the short form's payload length; 56..63: 55 + the long form's
                    // length of length (1..8 bytes, after the prefix).
                    let short := sub(prefix, add(0x80, shl(6, gt(prefix, 0xbf))))
                    switch lt(short, 56)
                    case 1 { size := add(1, short) }
                    default {
                        let lengthOfLength := sub(short, 55)
                        let length := shr(sub(256, shl(3, lengthOfLength)), shl(8, word))
                        // Below 2^64 + 9: no overflow here or below.
                        size := add(add(1, lengthOfLength), length)
                        switch lt(available, add(1, lengthOfLength))
                        case 1 { err := 2 }
                        default {
                            switch iszero(byte(1, word))
                            case 1 { err := 5 }
                            default { if lt(length, 56) { err := 4 } }
                        }
                    }
                    if iszero(err) {
                        switch gt(size, available)
                        case 1 { err := 2 }
                        default {
                            // 0x81 then a byte below 0x80: that byte's encoding is itself.
                            if eq(prefix, 0x81) { if lt(byte(1, word), 0x80) { err := 3 } }
                        }
                    }
                }
                if err { break }
                mstore(out, or(shl(128, ptr), size))
                out := add(out, 0x20)
                count := add(count, 1)
                ptr := add(ptr, size)
            }
            mstore(items_, count)
            mstore(0x40, out)
        }
        if (err != 0) _revert(err);
    }

    /// @notice Reverts with the error `_scan` found.
    function _revert(uint256 _err) private pure {
        if (_err == 2) revert ItemOutOfBounds();
        if (_err == 3) revert NonCanonicalSingleByte();
        if (_err == 4) revert NonCanonicalLength();
        revert LeadingZeroLength();
    }
}
