// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { LibRLP, RLPItem } from "src/rollup/lib/LibRLP.sol";

/// @title LibMerkleTrie
/// @notice Verifies Ethereum Merkle-Patricia-trie proofs (Yellow Paper, appendix D): that a key
///         has a given value in the trie with a given root, or that it has none. The L1 bridge
///         uses it to prove an L2 withdrawal — a storage slot of an L2 contract — against that
///         contract's storage root; any trie proof of the `eth_getProof` kind works the same.
///
///         A proof is the list of RLP-encoded nodes on the key's path, root first. Nodes:
///
///             branch     [c0, ..., c15, value]  child ci for next nibble i, value for a key
///                                               that ends here (empty when none)
///             extension  [hp(path, 0), child]   a shared run of nibbles, then a branch
///             leaf       [hp(path, 1), value]   the rest of one key, and its value
///
///         `hp` is the hex-prefix encoding: a first nibble 0 (extension) or 2 (leaf), plus 1 when
///         the path has an odd number of nibbles, whose first nibble then fills the first byte's
///         low half (else a zero nibble pads it). A child is referenced by the keccak-256 of its
///         encoding — then its encoding is the next proof element — or, when the encoding is
///         shorter than 32 bytes, embedded as is in its parent; an embedded node is not repeated
///         as a proof element (as `eth_getProof` returns proofs). The root is always referenced
///         by hash, whatever its size: the first proof element must hash to the root.
///
///         The walk follows the key's nibbles from the root. It ends with the key present (a leaf
///         with the rest of the key, or a branch where the key ends, holding a value) or absent
///         (an empty branch child, an empty branch value where the key ends, or an extension or
///         leaf whose path the key leaves), and every proof element must have been used by then.
///         Anything else reverts: a node that does not hash to its reference, a proof element
///         that is not one canonical RLP item (with `LibRLP`'s errors), a node that is not a
///         canonical branch, extension or leaf, a proof that ends before the walk or goes on
///         after it. So a proof that does not revert is sound against the root, and an honest
///         prover can always build one, including for absence. The empty trie's root is
///         `EMPTY_ROOT`, the hash of the empty string; the empty proof shows absence against it
///         (and only against it).
///
///         Ethereum's state and storage tries are "secure": their keys are the keccak-256 of the
///         address or slot (`getSecure`, `getStorageSlot`).
library LibMerkleTrie {
    /// @notice The root of the empty trie: keccak256(rlp("")) = keccak256(0x80).
    bytes32 internal constant EMPTY_ROOT =
        0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421;

    /// @notice Thrown when the proof is empty and the root is not `EMPTY_ROOT`.
    error EmptyProof();

    /// @notice Thrown when proof element `index` is not the node its parent references (for
    ///         index 0: its keccak-256 is not the root).
    error InvalidProofNodeHash(uint256 index);

    /// @notice Thrown when the walk needs proof element `index` and the proof has only `index`
    ///         elements.
    error MissingProofNode(uint256 index);

    /// @notice Thrown when the walk ends after `used` proof elements and the proof has more.
    error UnusedProofNodes(uint256 used, uint256 length);

    /// @notice Thrown for a node that is no branch, extension or leaf: not a list of 17 or 2
    ///         items, a branch value or leaf path or value that is a list, an empty leaf value, an
    ///         extension with an empty path or child or whose child is not a branch.
    error InvalidNode();

    /// @notice Thrown for a leaf or extension path of no bytes at all (not even the flag), whose
    ///         hex-prefix flag nibble is above 3, or whose padding nibble (for an even path) is not
    ///         zero.
    error InvalidHexPrefix();

    /// @notice Thrown for a child reference that is neither empty, a 32-byte hash, nor an
    ///         embedded node shorter than 32 bytes, and for a hash reference to a node shorter
    ///         than 32 bytes (which should have been embedded).
    error InvalidNodeReference();

    /// @notice How a branch or extension references a child.
    enum Ref {
        Empty,
        Hash,
        Embedded
    }

    ////////////////////////////////////////////////////////////////
    //                           Lookups                          //
    ////////////////////////////////////////////////////////////////

    /// @notice The value of `_key` in the trie with root `_root`, as shown by `_proof`.
    /// @param _key The key, as stored in the trie (`getSecure` hashes it first).
    /// @param _proof The RLP-encoded nodes on the key's path, root first, embedded nodes left
    ///        out; empty for the empty trie. Not modified.
    /// @param _root The trie's root hash.
    /// @return exists_ Whether the key has a value.
    /// @return value_ The value (the leaf's or branch's payload bytes), empty when absent.
    function get(
        bytes memory _key,
        bytes[] memory _proof,
        bytes32 _root
    )
        internal
        pure
        returns (bool exists_, bytes memory value_)
    {
        if (_proof.length == 0) {
            if (_root == EMPTY_ROOT) return (false, value_);
            revert EmptyProof();
        }
        // Key nibbles consumed, proof elements used.
        uint256 cursor;
        uint256 used;
        // The next node: proof element `used` if it must hash to `_root` (from here on the
        // expected hash of the next node), else `node` (embedded).
        RLPItem node;
        Ref ref = Ref.Hash;
        bool afterExtension;
        while (true) {
            if (ref == Ref.Hash) {
                if (used == _proof.length) revert MissingProofNode(used);
                bytes memory element = _proof[used];
                if (keccak256(element) != _root) revert InvalidProofNodeHash(used);
                // Below the root, a node under 32 bytes is embedded, never referenced by hash.
                if (used != 0 && element.length < 32) revert InvalidNodeReference();
                node = LibRLP.toItem(element);
                used++;
            }
            if (!LibRLP.isList(node)) revert InvalidNode();
            RLPItem[] memory items = LibRLP.readList(node);

            if (items.length == 17) {
                if (cursor == _key.length * 2) {
                    // The key ends at this branch: its value slot holds the key's value.
                    value_ = _value(items[16]);
                    exists_ = value_.length != 0;
                    break;
                }
                (ref, _root, node) = _child(items[_nibble(_key, cursor)]);
                cursor++;
                if (ref == Ref.Empty) break;
                afterExtension = false;
            } else if (items.length == 2) {
                // A canonical trie merges an extension into a following extension or leaf.
                if (afterExtension) revert InvalidNode();
                (bool leaf, bool matches, uint256 pathNibbles) = _path(items[0], _key, cursor);
                if (leaf) {
                    if (matches) {
                        value_ = _value(items[1]);
                        if (value_.length == 0) revert InvalidNode();
                        exists_ = true;
                    }
                    break;
                }
                if (pathNibbles == 0) revert InvalidNode();
                if (!matches) break;
                cursor += pathNibbles;
                (ref, _root, node) = _child(items[1]);
                if (ref == Ref.Empty) revert InvalidNode();
                afterExtension = true;
            } else {
                revert InvalidNode();
            }
        }
        if (used != _proof.length) revert UnusedProofNodes(used, _proof.length);
    }

    /// @notice `get` in a secure trie, whose keys are the keccak-256 of the caller's keys (the
    ///         state trie: of addresses; storage tries: of 32-byte slots).
    /// @param _key The unhashed key.
    function getSecure(
        bytes memory _key,
        bytes[] memory _proof,
        bytes32 _root
    )
        internal
        pure
        returns (bool exists_, bytes memory value_)
    {
        return get(abi.encodePacked(keccak256(_key)), _proof, _root);
    }

    /// @notice The value of storage slot `_slot` in the storage trie with root `_storageRoot`:
    ///         the trie maps keccak256(slot) to the RLP encoding of the value as an integer.
    ///         Reverts when the stored value is not one canonical RLP integer.
    /// @param _proof The slot's storage proof (`eth_getProof`'s `storageProof[i].proof`).
    /// @return value_ The slot's value; zero when the slot is absent (Ethereum deletes zeros).
    function getStorageSlot(
        bytes32 _slot,
        bytes[] memory _proof,
        bytes32 _storageRoot
    )
        internal
        pure
        returns (bytes32 value_)
    {
        bytes memory key = abi.encodePacked(_slot);
        (bool exists, bytes memory value) = getSecure(key, _proof, _storageRoot);
        if (exists) value_ = bytes32(LibRLP.readUint256(LibRLP.toItem(value)));
    }

    ////////////////////////////////////////////////////////////////
    //                          Internal                          //
    ////////////////////////////////////////////////////////////////

    /// @notice Nibble `_index` of `_key` (the high half of byte `_index / 2` first).
    function _nibble(bytes memory _key, uint256 _index) private pure returns (uint256 nibble_) {
        assembly ("memory-safe") {
            let b := byte(0, mload(add(add(_key, 0x20), shr(1, _index))))
            nibble_ := and(shr(shl(2, iszero(and(_index, 1))), b), 0xf)
        }
    }

    /// @notice A copy of the value in branch or leaf slot `_item`, which must be a string.
    function _value(RLPItem _item) private pure returns (bytes memory) {
        if (LibRLP.isList(_item)) revert InvalidNode();
        return LibRLP.readBytes(_item);
    }

    /// @notice What branch child or extension child `_item` references.
    /// @return ref_ Nothing, a node by hash, or a node embedded as is.
    /// @return hash_ The hash, for `Ref.Hash`.
    /// @return node_ The embedded node, for `Ref.Embedded`.
    function _child(RLPItem _item) private pure returns (Ref ref_, bytes32 hash_, RLPItem node_) {
        (bool list, uint256 offset, uint256 length) = LibRLP.header(_item);
        if (list) {
            // A node of 32 bytes or more is referenced by hash, never embedded.
            if (offset + length >= 32) revert InvalidNodeReference();
            return (Ref.Embedded, hash_, _item);
        }
        if (length == 0) return (Ref.Empty, hash_, node_);
        if (length != 32) revert InvalidNodeReference();
        uint256 ptr = LibRLP.memPtr(_item) + offset;
        assembly ("memory-safe") {
            hash_ := mload(ptr)
        }
        return (Ref.Hash, hash_, node_);
    }

    /// @notice Decodes the hex-prefix path `_item` of a leaf or extension (without copying it)
    ///         and compares it with the key's nibbles from `_cursor`.
    /// @return leaf_ Whether the node is a leaf (flag nibble 2 or 3).
    /// @return matches_ For a leaf, whether the path is the rest of the key; for an extension,
    ///         whether it is a prefix of the rest of the key.
    /// @return nibbles_ The number of nibbles in the path.
    function _path(
        RLPItem _item,
        bytes memory _key,
        uint256 _cursor
    )
        private
        pure
        returns (bool leaf_, bool matches_, uint256 nibbles_)
    {
        (bool list, uint256 offset, uint256 length) = LibRLP.header(_item);
        if (list) revert InvalidNode();
        if (length == 0) revert InvalidHexPrefix();
        uint256 ptr = LibRLP.memPtr(_item) + offset;
        uint256 first;
        assembly ("memory-safe") {
            first := byte(0, mload(ptr))
        }
        uint256 flag = first >> 4;
        if (flag > 3) revert InvalidHexPrefix();
        leaf_ = flag >= 2;
        // The path's first nibble within its bytes: 1 (odd length) or 2 (even, after padding).
        uint256 start;
        if (flag & 1 == 1) {
            start = 1;
            nibbles_ = 2 * length - 1;
        } else {
            if (first & 0xf != 0) revert InvalidHexPrefix();
            start = 2;
            nibbles_ = 2 * length - 2;
        }
        uint256 remaining = _key.length * 2 - _cursor;
        if (leaf_ ? nibbles_ == remaining : nibbles_ <= remaining) {
            matches_ = _matches(_key, _cursor, ptr, start, nibbles_);
        }
    }

    /// @notice Whether the `_count` nibbles of `_key` from nibble `_cursor` are the `_count`
    ///         path nibbles from nibble `_start` of the bytes at `_ptr`. The caller ensures
    ///         `_cursor + _count` is within the key.
    function _matches(
        bytes memory _key,
        uint256 _cursor,
        uint256 _ptr,
        uint256 _start,
        uint256 _count
    )
        private
        pure
        returns (bool matches_)
    {
        assembly ("memory-safe") {
            let keyPtr := add(_key, 0x20)
            matches_ := 1
            switch eq(and(_cursor, 1), and(_start, 1))
            case 1 {
                // Aligned: both runs start in the same half of a byte. Compare a leading low
                // nibble alone, then whole bytes, 32 at a time, the last word masked.
                let k := add(keyPtr, shr(1, _cursor))
                let p := add(_ptr, shr(1, _start))
                let n := _count
                // (An odd cursor here means an odd-length path: at least one nibble.)
                if and(_cursor, 1) {
                    if xor(and(byte(0, mload(k)), 0xf), and(byte(0, mload(p)), 0xf)) {
                        matches_ := 0
                    }
                    k := add(k, 1)
                    p := add(p, 1)
                    n := sub(n, 1)
                }
                // Whole bytes, then possibly one high nibble.
                let bits := shl(2, n)
                for { } and(matches_, gt(bits, 0)) { } {
                    let take := bits
                    if gt(take, 256) { take := 256 }
                    let mask := not(sub(shl(sub(256, take), 1), 1))
                    if and(xor(mload(k), mload(p)), mask) { matches_ := 0 }
                    k := add(k, 32)
                    p := add(p, 32)
                    bits := sub(bits, take)
                }
            }
            default {
                // Misaligned (only extensions and mismatching leaves): nibble by nibble.
                for { let j := 0 } and(matches_, lt(j, _count)) { j := add(j, 1) } {
                    let ki := add(_cursor, j)
                    let kb := byte(0, mload(add(keyPtr, shr(1, ki))))
                    let kn := and(shr(shl(2, iszero(and(ki, 1))), kb), 0xf)
                    let pi := add(_start, j)
                    let pb := byte(0, mload(add(_ptr, shr(1, pi))))
                    let pn := and(shr(shl(2, iszero(and(pi, 1))), pb), 0xf)
                    if xor(kn, pn) { matches_ := 0 }
                }
            }
        }
    }
}
