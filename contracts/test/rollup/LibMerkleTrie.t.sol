// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { LibRLPHarness, RLPWriter } from "test/rollup/LibRLP.t.sol";
import { LibRLP } from "src/rollup/lib/LibRLP.sol";
import { LibMerkleTrie } from "src/rollup/lib/LibMerkleTrie.sol";

/// @notice The one cheatcode these tests use that `test/lib/Test.sol`'s `Vm` does not list.
interface VmJsonArrays {
    function parseJsonBytesArray(
        string calldata json,
        string calldata key
    )
        external
        pure
        returns (bytes[] memory);
}

/// @notice Exposes `LibMerkleTrie` to external calls (reverts can then be expected).
contract LibMerkleTrieHarness {
    function get(
        bytes memory _key,
        bytes[] memory _proof,
        bytes32 _root
    )
        external
        pure
        returns (bool, bytes memory)
    {
        return LibMerkleTrie.get(_key, _proof, _root);
    }

    function getSecure(
        bytes memory _key,
        bytes[] memory _proof,
        bytes32 _root
    )
        external
        pure
        returns (bool, bytes memory)
    {
        return LibMerkleTrie.getSecure(_key, _proof, _root);
    }

    function getStorageSlot(
        bytes32 _slot,
        bytes[] memory _proof,
        bytes32 _root
    )
        external
        pure
        returns (bytes32)
    {
        return LibMerkleTrie.getStorageSlot(_slot, _proof, _root);
    }

    /// @notice `getStorageSlot` and the gas it took, the proof already in memory.
    function getStorageSlotMetered(
        bytes32 _slot,
        bytes[] memory _proof,
        bytes32 _root
    )
        external
        view
        returns (bytes32 value_, uint256 gas_)
    {
        gas_ = gasleft();
        value_ = LibMerkleTrie.getStorageSlot(_slot, _proof, _root);
        gas_ -= gasleft();
    }
}

/// @notice Loads `fixtures/rollup/trie-proofs.json` (written by
///         `fixtures/rollup/make_trie_proofs.py`, which documents its tries) and runs lookups.
abstract contract LibMerkleTrie_TestInit is Test {
    string internal constant FIXTURE = "../fixtures/rollup/trie-proofs.json";

    /// @notice One fixture case: a key of a trie, its proof and the expected answer.
    struct Case {
        string where;
        bool secure;
        bytes32 root;
        bytes key;
        bytes[] proof;
        bool exists;
        bytes value;
        string kind;
        uint256 inlineNodes;
    }

    LibMerkleTrieHarness internal harness;
    LibRLPHarness internal rlp;

    function setUp() public virtual {
        harness = new LibMerkleTrieHarness();
        rlp = new LibRLPHarness();
    }

    ////////////////////////////////////////////////////////////////
    //                          Fixture                           //
    ////////////////////////////////////////////////////////////////

    function _json() internal view returns (string memory) {
        return vm.readFile(FIXTURE);
    }

    function _trieCount(string memory _j) internal pure returns (uint256) {
        return vm.parseJsonUint(_j, ".numTries");
    }

    function _caseCount(string memory _j, uint256 _t) internal pure returns (uint256) {
        return vm.parseJsonUint(_j, string.concat(".tries[", vm.toString(_t), "].numCases"));
    }

    /// @notice The index of the trie named `_name`.
    function _trieIndex(string memory _j, string memory _name) internal pure returns (uint256 t_) {
        for (;; t_++) {
            string memory name =
                vm.parseJsonString(_j, string.concat(".tries[", vm.toString(t_), "].name"));
            if (keccak256(bytes(name)) == keccak256(bytes(_name))) return t_;
        }
    }

    function _case(string memory _j, uint256 _t, uint256 _c)
        internal
        pure
        returns (Case memory c_)
    {
        string memory trie = string.concat(".tries[", vm.toString(_t), "]");
        c_.where = string.concat(trie, ".cases[", vm.toString(_c), "]");
        c_.secure = vm.parseJsonBool(_j, string.concat(trie, ".secure"));
        c_.root = vm.parseJsonBytes32(_j, string.concat(trie, ".root"));
        c_.key = vm.parseJsonBytes(_j, string.concat(c_.where, ".key"));
        c_.proof =
            VmJsonArrays(address(vm)).parseJsonBytesArray(_j, string.concat(c_.where, ".proof"));
        c_.exists = vm.parseJsonBool(_j, string.concat(c_.where, ".exists"));
        c_.value = vm.parseJsonBytes(_j, string.concat(c_.where, ".value"));
        c_.kind = vm.parseJsonString(_j, string.concat(c_.where, ".kind"));
        c_.inlineNodes = vm.parseJsonUint(_j, string.concat(c_.where, ".inline"));
    }

    ////////////////////////////////////////////////////////////////
    //                          Lookups                           //
    ////////////////////////////////////////////////////////////////

    /// @notice `get`, or `getSecure` for a secure trie.
    function _lookup(
        bool _secure,
        bytes memory _key,
        bytes[] memory _proof,
        bytes32 _root
    )
        internal
        view
        returns (bool, bytes memory)
    {
        return _secure ? harness.getSecure(_key, _proof, _root) : harness.get(_key, _proof, _root);
    }

    /// @notice `_lookup`, its revert data caught.
    function _tryLookup(
        bool _secure,
        bytes memory _key,
        bytes[] memory _proof,
        bytes32 _root
    )
        internal
        view
        returns (bool ok_, bool exists_, bytes memory value_, bytes memory err_)
    {
        try this.lookupExternal(_secure, _key, _proof, _root) returns (bool e, bytes memory v) {
            return (true, e, v, err_);
        } catch (bytes memory err) {
            return (false, false, value_, err);
        }
    }

    /// @notice `_lookup` as an external call, for `try`.
    function lookupExternal(
        bool _secure,
        bytes memory _key,
        bytes[] memory _proof,
        bytes32 _root
    )
        external
        view
        returns (bool, bytes memory)
    {
        return _lookup(_secure, _key, _proof, _root);
    }

    /// @notice Expects the next lookup to revert with `_err`, then makes it.
    function _expectLookupRevert(
        Case memory _c,
        bytes[] memory _proof,
        bytes32 _root,
        bytes memory _err
    )
        internal
    {
        vm.expectRevert(_err);
        if (_c.secure) harness.getSecure(_c.key, _proof, _root);
        else harness.get(_c.key, _proof, _root);
    }

    ////////////////////////////////////////////////////////////////
    //                          Helpers                           //
    ////////////////////////////////////////////////////////////////

    /// @notice A deep copy of `_proof`.
    function _copy(bytes[] memory _proof) internal pure returns (bytes[] memory out_) {
        out_ = new bytes[](_proof.length);
        for (uint256 i = 0; i < _proof.length; i++) {
            out_[i] = bytes.concat(_proof[i]);
        }
    }

    /// @notice Whether `_err` is the revert data of one of `LibRLP`'s or `LibMerkleTrie`'s
    ///         errors.
    function _isLibraryError(bytes memory _err) internal pure returns (bool) {
        if (_err.length < 4) return false;
        bytes4 s = bytes4(_err);
        return s == LibRLP.EmptyItem.selector || s == LibRLP.ItemOutOfBounds.selector
            || s == LibRLP.TrailingBytes.selector || s == LibRLP.NonCanonicalSingleByte.selector
            || s == LibRLP.NonCanonicalLength.selector || s == LibRLP.LeadingZeroLength.selector
            || s == LibRLP.NotAList.selector || s == LibRLP.NotAString.selector
            || s == LibRLP.NonCanonicalUint.selector || s == LibMerkleTrie.EmptyProof.selector
            || s == LibMerkleTrie.InvalidProofNodeHash.selector
            || s == LibMerkleTrie.MissingProofNode.selector
            || s == LibMerkleTrie.UnusedProofNodes.selector
            || s == LibMerkleTrie.InvalidNode.selector
            || s == LibMerkleTrie.InvalidHexPrefix.selector
            || s == LibMerkleTrie.InvalidNodeReference.selector;
    }

    function _eq(string memory _a, string memory _b) internal pure returns (bool) {
        return keccak256(bytes(_a)) == keccak256(bytes(_b));
    }
}

/// @notice Every fixture proof verifies to the expected answer: inclusion in leaves and in branch
///         values, exclusion at an empty branch slot, an empty branch value, a diverging
///         extension and a diverging leaf, through hashed and embedded (< 32-byte) nodes.
contract LibMerkleTrie_Fixture_Test is LibMerkleTrie_TestInit {
    function test_get_fixtureCases_succeeds() external view {
        string memory j = _json();
        uint256 tries = _trieCount(j);
        assertEq(tries, 6, "tries");
        // Coverage: [leaf, branch-value, absent-branch, absent-branch-value, absent-extension,
        // absent-leaf], inclusions through an embedded node, a root node under 32 bytes.
        uint256[6] memory kinds;
        uint256 inlineInclusions;
        uint256 smallRoots;
        uint256 total;
        for (uint256 t = 0; t < tries; t++) {
            uint256 n = _caseCount(j, t);
            for (uint256 i = 0; i < n; i++) {
                Case memory c = _case(j, t, i);
                (bool exists, bytes memory value) = _lookup(c.secure, c.key, c.proof, c.root);
                assertEq(exists, c.exists, c.where);
                assertEq(value, c.value, c.where);
                kinds[_kindIndex(c.kind)]++;
                if (c.exists && c.inlineNodes > 0) inlineInclusions++;
                if (c.proof[0].length < 32) smallRoots++;
                total++;
            }
        }
        for (uint256 k = 0; k < 6; k++) {
            assertTrue(kinds[k] > 0, string.concat("no case of kind ", vm.toString(k)));
        }
        assertTrue(inlineInclusions > 0, "no inclusion through an embedded node");
        assertTrue(smallRoots > 0, "no root node under 32 bytes");
        assertTrue(total > 100, "cases");
    }

    /// @notice The storage trie's slots through `getStorageSlot`: the value as a word, zero when
    ///         absent.
    function test_getStorageSlot_fixture_succeeds() external view {
        string memory j = _json();
        uint256 t = _trieIndex(j, "storage");
        assertEq(vm.parseJsonUint(j, string.concat(".tries[", vm.toString(t), "].keys")), 1000);
        uint256 n = _caseCount(j, t);
        uint256 nonZero;
        for (uint256 i = 0; i < n; i++) {
            Case memory c = _case(j, t, i);
            assertEq(c.key.length, 32, "slot");
            bytes32 expected = vm.parseJsonBytes32(j, string.concat(c.where, ".slotValue"));
            assertEq(harness.getStorageSlot(bytes32(c.key), c.proof, c.root), expected, c.where);
            if (expected != 0) nonZero++;
            // The raw value is the RLP integer of the word.
            if (c.exists) assertEq(c.value, RLPWriter.encodeUint(uint256(expected)), c.where);
        }
        assertEq(nonZero, 40, "present slots");
    }

    /// @notice The fixture's tries are Ethereum's: the puppy trie has the root geth's trie tests
    ///         check, and the empty root is keccak256(rlp("")).
    function test_get_knownRoots_succeeds() external view {
        string memory j = _json();
        uint256 t = _trieIndex(j, "puppy");
        assertEq(
            vm.parseJsonBytes32(j, string.concat(".tries[", vm.toString(t), "].root")),
            0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84
        );
        assertEq(LibMerkleTrie.EMPTY_ROOT, keccak256(hex"80"));
        assertEq(vm.parseJsonBytes32(j, ".emptyRoot"), LibMerkleTrie.EMPTY_ROOT);
        // "dog" is in a branch value, "doge" in a leaf, "dogs" absent.
        (bool exists, bytes memory value) =
            harness.get("dog", _proofFor(j, t, "dog"), _trieRoot(j, t));
        assertTrue(exists);
        assertEq(value, bytes("puppy"));
        (exists, value) = harness.get("doge", _proofFor(j, t, "doge"), _trieRoot(j, t));
        assertTrue(exists);
        assertEq(value, bytes("coin"));
    }

    /// @notice The empty proof proves absence from the empty trie, for any key.
    function testFuzz_get_emptyTrie_succeeds(bytes memory _key) external view {
        (bool exists, bytes memory value) =
            harness.get(_key, new bytes[](0), LibMerkleTrie.EMPTY_ROOT);
        assertFalse(exists);
        assertEq(value.length, 0);
        (exists, value) = harness.getSecure(_key, new bytes[](0), LibMerkleTrie.EMPTY_ROOT);
        assertFalse(exists);
        assertEq(
            harness.getStorageSlot(keccak256(_key), new bytes[](0), LibMerkleTrie.EMPTY_ROOT), 0
        );
    }

    /// @notice The empty proof proves nothing against another root.
    function testFuzz_get_emptyProof_reverts(bytes32 _root) external {
        vm.assume(_root != LibMerkleTrie.EMPTY_ROOT);
        vm.expectRevert(LibMerkleTrie.EmptyProof.selector);
        harness.get(hex"01", new bytes[](0), _root);
    }

    /// @notice The empty trie's proof is empty: its root node `0x80` (a string, not a node) is
    ///         not accepted as a proof element.
    function test_get_emptyTrieRootNode_reverts() external {
        bytes[] memory proof = new bytes[](1);
        proof[0] = hex"80";
        vm.expectRevert(LibMerkleTrie.InvalidNode.selector);
        harness.get(hex"01", proof, LibMerkleTrie.EMPTY_ROOT);
    }

    function _kindIndex(string memory _kind) internal pure returns (uint256) {
        if (_eq(_kind, "leaf")) return 0;
        if (_eq(_kind, "branch-value")) return 1;
        if (_eq(_kind, "absent-branch")) return 2;
        if (_eq(_kind, "absent-branch-value")) return 3;
        if (_eq(_kind, "absent-extension")) return 4;
        if (_eq(_kind, "absent-leaf")) return 5;
        revert(string.concat("unknown kind ", _kind));
    }

    function _trieRoot(string memory _j, uint256 _t) internal pure returns (bytes32) {
        return vm.parseJsonBytes32(_j, string.concat(".tries[", vm.toString(_t), "].root"));
    }

    function _proofFor(
        string memory _j,
        uint256 _t,
        bytes memory _key
    )
        internal
        pure
        returns (bytes[] memory)
    {
        uint256 n = _caseCount(_j, _t);
        for (uint256 i = 0; i < n; i++) {
            Case memory c = _case(_j, _t, i);
            if (keccak256(c.key) == keccak256(_key)) return c.proof;
        }
        revert("no such case");
    }
}

/// @notice Fixture proofs altered: a changed byte in any node, the wrong root, a node left out,
///         a node added, nodes swapped, another key's proof. Each is caught.
contract LibMerkleTrie_Mutation_Test is LibMerkleTrie_TestInit {
    /// @notice The whole-proof changes of `_forEachCase`.
    enum Mutation {
        WrongRoot,
        Truncated,
        ExtraNode,
        Swapped
    }

    /// @notice A byte changed at the start, the middle or the end of any node of any proof: the
    ///         walk reaches the changed node, whose hash is no longer the reference.
    function test_get_flippedByte_reverts() external {
        string memory j = _json();
        uint256 tries = _trieCount(j);
        for (uint256 t = 0; t < tries; t++) {
            uint256 n = _caseCount(j, t);
            for (uint256 i = 0; i < n; i++) {
                Case memory c = _case(j, t, i);
                for (uint256 k = 0; k < c.proof.length; k++) {
                    uint256 len = c.proof[k].length;
                    uint256[3] memory where = [uint256(0), len / 2, len - 1];
                    for (uint256 a = 0; a < 3; a++) {
                        bytes[] memory proof = _copy(c.proof);
                        proof[k][where[a]] ^= 0x01;
                        _expectLookupRevert(
                            c,
                            proof,
                            c.root,
                            abi.encodeWithSelector(LibMerkleTrie.InvalidProofNodeHash.selector, k)
                        );
                    }
                }
            }
        }
    }

    /// @notice Every proof against a root one bit off.
    function test_get_wrongRoot_reverts() external {
        _forEachCase(Mutation.WrongRoot);
    }

    /// @notice Every proof without its last node: the walk needs it (or the proof is empty).
    function test_get_truncatedProof_reverts() external {
        _forEachCase(Mutation.Truncated);
    }

    /// @notice Every proof with a node added at the end (a copy of its root, or of an unrelated
    ///         node): the walk ends before it.
    function test_get_extraNode_reverts() external {
        _forEachCase(Mutation.ExtraNode);
    }

    /// @notice Every proof of two nodes or more with its first two swapped.
    function test_get_swappedNodes_reverts() external {
        _forEachCase(Mutation.Swapped);
    }

    /// @notice Embedded nodes must not be repeated as proof elements: the small trie's proofs
    ///         are its root alone, and one of its embedded nodes added is an unused element.
    function test_get_embeddedNodeAsElement_reverts() external {
        string memory j = _json();
        uint256 t = _trieIndex(j, "small");
        Case memory c = _case(j, t, 0);
        assertEq(c.proof.length, 1);
        assertTrue(c.inlineNodes > 0);
        bytes[] memory proof = new bytes[](2);
        proof[0] = c.proof[0];
        // The root branch's child for nibble 1: the embedded extension [hp([2, 0]), branch].
        proof[1] = _embeddedChild(c.proof[0], 1);
        assertTrue(proof[1].length < 32);
        _expectLookupRevert(
            c, proof, c.root, abi.encodeWithSelector(LibMerkleTrie.UnusedProofNodes.selector, 1, 2)
        );
    }

    /// @notice Any key's proof used for another key of the same trie either reverts or gives
    ///         that key's true answer (a proof of absence, when the key leaves the path early
    ///         enough): a proof never verifies a wrong answer.
    function test_get_otherKeysProof_neverWrong() external view {
        string memory j = _json();
        uint256 tries = _trieCount(j);
        uint256 answered;
        for (uint256 t = 0; t < tries; t++) {
            uint256 n = _caseCount(j, t);
            // The storage trie: its first 24 cases with one another.
            if (n > 24) n = 24;
            Case[] memory cases = new Case[](n);
            for (uint256 i = 0; i < n; i++) {
                cases[i] = _case(j, t, i);
            }
            for (uint256 a = 0; a < n; a++) {
                for (uint256 b = 0; b < n; b++) {
                    if (a == b) continue;
                    (bool ok, bool exists, bytes memory value, bytes memory err) =
                        _tryLookup(cases[b].secure, cases[b].key, cases[a].proof, cases[b].root);
                    if (ok) {
                        string memory where = string.concat(cases[b].where, " by ", cases[a].where);
                        assertEq(exists, cases[b].exists, where);
                        assertEq(value, cases[b].value, where);
                        answered++;
                    } else {
                        assertTrue(_isLibraryError(err), "not a library error");
                    }
                }
            }
        }
        // Some proofs do serve other keys (absence beside a shared path).
        assertTrue(answered > 0, "no proof served another key");
    }

    /// @notice Runs mutation `_what` on every fixture case and expects its error.
    function _forEachCase(Mutation _what) internal {
        string memory j = _json();
        uint256 tries = _trieCount(j);
        bytes memory unrelated = _case(j, _trieIndex(j, "storage"), 0).proof[1];
        for (uint256 t = 0; t < tries; t++) {
            uint256 n = _caseCount(j, t);
            for (uint256 i = 0; i < n; i++) {
                Case memory c = _case(j, t, i);
                uint256 len = c.proof.length;
                if (_what == Mutation.WrongRoot) {
                    bytes32 root = c.root ^ bytes32(uint256(1));
                    _expectLookupRevert(
                        c,
                        c.proof,
                        root,
                        abi.encodeWithSelector(LibMerkleTrie.InvalidProofNodeHash.selector, 0)
                    );
                } else if (_what == Mutation.Truncated) {
                    bytes[] memory proof = new bytes[](len - 1);
                    for (uint256 k = 0; k + 1 < len; k++) {
                        proof[k] = c.proof[k];
                    }
                    _expectLookupRevert(
                        c,
                        proof,
                        c.root,
                        len == 1
                            ? abi.encodeWithSelector(LibMerkleTrie.EmptyProof.selector)
                            : abi.encodeWithSelector(
                                LibMerkleTrie.MissingProofNode.selector, len - 1
                            )
                    );
                } else if (_what == Mutation.ExtraNode) {
                    bytes[] memory proof = new bytes[](len + 1);
                    for (uint256 k = 0; k < len; k++) {
                        proof[k] = c.proof[k];
                    }
                    bytes memory err = abi.encodeWithSelector(
                        LibMerkleTrie.UnusedProofNodes.selector, len, len + 1
                    );
                    proof[len] = c.proof[0];
                    _expectLookupRevert(c, proof, c.root, err);
                    proof[len] = unrelated;
                    _expectLookupRevert(c, proof, c.root, err);
                } else if (len >= 2) {
                    bytes[] memory proof = _copy(c.proof);
                    (proof[0], proof[1]) = (proof[1], proof[0]);
                    _expectLookupRevert(
                        c,
                        proof,
                        c.root,
                        abi.encodeWithSelector(LibMerkleTrie.InvalidProofNodeHash.selector, 0)
                    );
                }
            }
        }
    }

    /// @notice The encoding of branch `_node`'s child `_i` (embedded, so a list).
    function _embeddedChild(bytes memory _node, uint256 _i) internal view returns (bytes memory) {
        return rlp.readList(_node)[_i];
    }
}

/// @notice Hand-built nodes, each valid but for one rule: every rule has its error.
contract LibMerkleTrie_Malformed_Test is LibMerkleTrie_TestInit {
    /// @notice Hand-built nodes that follow the rules verify: an embedded leaf under a branch, a
    ///         hashed one, a branch value.
    function test_get_handBuilt_succeeds() external view {
        // Leaf [hp([0], leaf) = 0x30, 0x05], embedded in a branch's slot 1.
        bytes memory leaf = RLPWriter.encodeList(hex"30", hex"05");
        bytes memory branch = _branch(1, leaf, RLPWriter.encodeBytes("root value"));
        _assertGet(hex"10", branch, true, hex"05");
        _assertGet(hex"11", branch, false, "");
        _assertGet(hex"20", branch, false, "");
        _assertGet(hex"", branch, true, "root value");
        _assertGet(hex"1000", branch, false, "");
        // The same leaf with a 40-byte value is hashed, and is the second proof element.
        bytes memory big = RLPWriter.encodeList(hex"30", RLPWriter.encodeBytes(new bytes(40)));
        branch = _branch(1, RLPWriter.encodeBytes(abi.encodePacked(keccak256(big))), hex"80");
        bytes[] memory proof = new bytes[](2);
        proof[0] = branch;
        proof[1] = big;
        (bool exists, bytes memory value) = harness.get(hex"10", proof, keccak256(branch));
        assertTrue(exists);
        assertEq(value, new bytes(40));
    }

    function test_get_hashedChildNotNext_reverts() external {
        bytes memory big = RLPWriter.encodeList(hex"30", RLPWriter.encodeBytes(new bytes(40)));
        bytes memory branch =
            _branch(1, RLPWriter.encodeBytes(abi.encodePacked(keccak256(big))), hex"80");
        bytes[] memory proof = new bytes[](2);
        proof[0] = branch;
        proof[1] = RLPWriter.encodeList(hex"30", RLPWriter.encodeBytes(new bytes(41)));
        vm.expectRevert(abi.encodeWithSelector(LibMerkleTrie.InvalidProofNodeHash.selector, 1));
        harness.get(hex"10", proof, keccak256(branch));
    }

    /// @notice Lists of other lengths than 2 and 17, and a string, are no nodes.
    function test_get_notANode_reverts() external {
        uint256[5] memory counts = [uint256(0), 1, 3, 16, 18];
        for (uint256 i = 0; i < counts.length; i++) {
            bytes[] memory items = new bytes[](counts[i]);
            for (uint256 k = 0; k < counts[i]; k++) {
                items[k] = hex"80";
            }
            _expectGetRevert(
                hex"10", RLPWriter.encodeList(items), LibMerkleTrie.InvalidNode.selector
            );
        }
        _expectGetRevert(hex"10", hex"83646f67", LibMerkleTrie.InvalidNode.selector);
        _expectGetRevert(hex"10", hex"05", LibMerkleTrie.InvalidNode.selector);
    }

    /// @notice A proof element with bytes after its node.
    function test_get_trailingBytes_reverts() external {
        bytes memory node = bytes.concat(RLPWriter.encodeList(hex"30", hex"05"), hex"00");
        _expectGetRevert(hex"10", node, LibRLP.TrailingBytes.selector);
    }

    /// @notice Hex-prefix paths with a flag above 3, a non-zero padding nibble, no byte at all.
    function test_get_invalidHexPrefix_reverts() external {
        bytes[4] memory paths = [bytes(hex"40"), hex"f0", hex"21", hex"0112"];
        for (uint256 i = 0; i < paths.length; i++) {
            bytes memory node = RLPWriter.encodeList(RLPWriter.encodeBytes(paths[i]), hex"05");
            _expectGetRevert(hex"10", node, LibMerkleTrie.InvalidHexPrefix.selector);
        }
        _expectGetRevert(
            hex"10", RLPWriter.encodeList(hex"80", hex"05"), LibMerkleTrie.InvalidHexPrefix.selector
        );
        // The path a list.
        _expectGetRevert(
            hex"10", RLPWriter.encodeList(hex"c130", hex"05"), LibMerkleTrie.InvalidNode.selector
        );
    }

    /// @notice A leaf's value must be a non-empty string, a branch's a string.
    function test_get_invalidValue_reverts() external {
        // Leaves [hp([1, 0]) = 0x2010, value] at the root, the key 0x10 theirs.
        bytes memory path = RLPWriter.encodeBytes(hex"2010");
        _assertGet(hex"10", RLPWriter.encodeList(path, hex"05"), true, hex"05");
        _expectGetRevert(
            hex"10", RLPWriter.encodeList(path, hex"80"), LibMerkleTrie.InvalidNode.selector
        );
        _expectGetRevert(
            hex"10", RLPWriter.encodeList(path, hex"c105"), LibMerkleTrie.InvalidNode.selector
        );
        _expectGetRevert(hex"", _branch(1, hex"c0", hex"c0"), LibMerkleTrie.InvalidNode.selector);
    }

    /// @notice A child reference must be empty, a 32-byte string or an embedded node under 32
    ///         bytes.
    function test_get_invalidReference_reverts() external {
        bytes[4] memory refs = [
            RLPWriter.encodeBytes(new bytes(31)),
            RLPWriter.encodeBytes(new bytes(33)),
            bytes(hex"05"),
            RLPWriter.encodeBytes(hex"80")
        ];
        for (uint256 i = 0; i < refs.length; i++) {
            _expectGetRevert(
                hex"10", _branch(1, refs[i], hex"80"), LibMerkleTrie.InvalidNodeReference.selector
            );
        }
        // A 32-byte leaf embedded rather than hashed.
        bytes memory leaf = RLPWriter.encodeList(hex"30", RLPWriter.encodeBytes(new bytes(29)));
        assertEq(leaf.length, 32);
        _expectGetRevert(
            hex"10", _branch(1, leaf, hex"80"), LibMerkleTrie.InvalidNodeReference.selector
        );
        // One byte shorter, it is fine.
        leaf = RLPWriter.encodeList(hex"30", RLPWriter.encodeBytes(new bytes(28)));
        _assertGet(hex"10", _branch(1, leaf, hex"80"), true, new bytes(28));
    }

    /// @notice A node under 32 bytes referenced by its hash rather than embedded.
    function test_get_smallNodeByHash_reverts() external {
        bytes memory leaf = RLPWriter.encodeList(hex"30", hex"05");
        bytes memory branch =
            _branch(1, RLPWriter.encodeBytes(abi.encodePacked(keccak256(leaf))), hex"80");
        bytes[] memory proof = new bytes[](2);
        proof[0] = branch;
        proof[1] = leaf;
        vm.expectRevert(LibMerkleTrie.InvalidNodeReference.selector);
        harness.get(hex"10", proof, keccak256(branch));
    }

    /// @notice An extension has a non-empty path and a child, which is a branch.
    function test_get_invalidExtension_reverts() external {
        bytes memory branch = _branch(3, RLPWriter.encodeList(hex"30", hex"07"), hex"80");
        // Sanity: [hp([1, 2]) = 0x0012, branch [.., 3: leaf [hp([0]), 0x07], ..]] holds 0x1230.
        bytes memory ext = RLPWriter.encodeList(RLPWriter.encodeBytes(hex"0012"), branch);
        _assertGet(hex"1230", ext, true, hex"07");
        _assertGet(hex"1231", ext, false, "");
        _assertGet(hex"12", ext, false, "");
        _assertGet(hex"13", ext, false, "");
        _assertGet(hex"1330", ext, false, "");
        // Now the invalid ones.
        _expectGetRevert(
            hex"1230", RLPWriter.encodeList(hex"00", branch), LibMerkleTrie.InvalidNode.selector
        );
        _expectGetRevert(
            hex"1230",
            RLPWriter.encodeList(RLPWriter.encodeBytes(hex"0012"), hex"80"),
            LibMerkleTrie.InvalidNode.selector
        );
        // [hp([1]) = 0x11, leaf [hp([2, 3]) = 0x2023, 0x07]]: an extension over a leaf.
        bytes memory leaf = RLPWriter.encodeList(RLPWriter.encodeBytes(hex"2023"), hex"07");
        _expectGetRevert(
            hex"1230", RLPWriter.encodeList(hex"11", leaf), LibMerkleTrie.InvalidNode.selector
        );
        // An extension over an extension.
        bytes memory inner = RLPWriter.encodeList(hex"12", branch);
        _expectGetRevert(
            hex"1230", RLPWriter.encodeList(hex"11", inner), LibMerkleTrie.InvalidNode.selector
        );
    }

    /// @notice The 17-item branch with `_child` (an encoded item) in slot `_slot` and `_value`
    ///         (an encoded item) as its value.
    function _branch(
        uint256 _slot,
        bytes memory _child,
        bytes memory _value
    )
        internal
        pure
        returns (bytes memory)
    {
        bytes[] memory items = new bytes[](17);
        for (uint256 i = 0; i < 16; i++) {
            items[i] = i == _slot ? _child : bytes(hex"80");
        }
        items[16] = _value;
        return RLPWriter.encodeList(items);
    }

    function _single(bytes memory _node) internal pure returns (bytes[] memory proof_) {
        proof_ = new bytes[](1);
        proof_[0] = _node;
    }

    function _assertGet(
        bytes memory _key,
        bytes memory _node,
        bool _exists,
        bytes memory _value
    )
        internal
        view
    {
        (bool exists, bytes memory value) = harness.get(_key, _single(_node), keccak256(_node));
        assertEq(exists, _exists, "exists");
        assertEq(value, _value, "value");
    }

    function _expectGetRevert(bytes memory _key, bytes memory _node, bytes4 _err) internal {
        vm.expectRevert(_err);
        harness.get(_key, _single(_node), keccak256(_node));
    }
}

/// @notice Random single-byte changes to fixture proofs.
contract LibMerkleTrie_Fuzz_Test is LibMerkleTrie_TestInit {
    /// @notice A random byte of a random node of a random proof changed: the proof no longer
    ///         verifies the same answer. (It always reverts, at the changed node's hash.)
    function testFuzz_get_flippedByte_fails(
        uint256 _pick,
        uint256 _node,
        uint256 _at,
        uint8 _xor
    )
        external
        view
    {
        Case memory c = _pickCase(_pick);
        uint256 k = bound(_node, 0, c.proof.length - 1);
        uint256 where = bound(_at, 0, c.proof[k].length - 1);
        bytes[] memory proof = _copy(c.proof);
        proof[k][where] ^= bytes1(_xor == 0 ? 1 : _xor);
        (bool ok, bool exists, bytes memory value, bytes memory err) =
            _tryLookup(c.secure, c.key, proof, c.root);
        if (ok) {
            assertTrue(
                exists != c.exists || keccak256(value) != keccak256(c.value),
                "a changed proof verifies the same answer"
            );
        } else {
            assertEq(err, abi.encodeWithSelector(LibMerkleTrie.InvalidProofNodeHash.selector, k));
        }
    }

    /// @notice A random byte of a random node changed and the hashes above it recomputed, up to
    ///         a new root: the decoder meets arbitrary node contents. It either answers or
    ///         reverts with one of the libraries' errors, never a panic or a bare revert.
    function testFuzz_get_rehashedMutation_noPanic(
        uint256 _pick,
        uint256 _node,
        uint256 _at,
        uint8 _to
    )
        external
        view
    {
        Case memory c = _pickCase(_pick);
        uint256 k = bound(_node, 0, c.proof.length - 1);
        uint256 where = bound(_at, 0, c.proof[k].length - 1);
        bytes[] memory proof = _copy(c.proof);
        vm.assume(proof[k][where] != bytes1(_to));
        proof[k][where] = bytes1(_to);
        bytes32 root = _rehash(c.proof, proof, k);
        (bool ok,,, bytes memory err) = _tryLookup(c.secure, c.key, proof, root);
        if (!ok) assertTrue(_isLibraryError(err), "not a library error");
    }

    /// @notice A random case of a random trie.
    function _pickCase(uint256 _pick) internal view returns (Case memory) {
        string memory j = _json();
        uint256 t = _pick % _trieCount(j);
        return _case(j, t, bound(_pick >> 8, 0, _caseCount(j, t) - 1));
    }

    /// @notice Recomputes the references from `_mutated[_k]` up: each parent's 32-byte
    ///         reference to the original child replaced with the changed child's hash.
    /// @return The new root.
    function _rehash(
        bytes[] memory _original,
        bytes[] memory _mutated,
        uint256 _k
    )
        internal
        pure
        returns (bytes32)
    {
        for (uint256 i = _k; i > 0; i--) {
            _replace(_mutated[i - 1], keccak256(_original[i]), keccak256(_mutated[i]));
        }
        return keccak256(_mutated[0]);
    }

    function _replace(bytes memory _b, bytes32 _old, bytes32 _new) internal pure {
        for (uint256 i = 0; i + 32 <= _b.length; i++) {
            bytes32 w;
            assembly {
                w := mload(add(add(_b, 0x20), i))
            }
            if (w == _old) {
                assembly {
                    mstore(add(add(_b, 0x20), i), _new)
                }
                return;
            }
        }
        revert("reference not found");
    }
}

/// @notice The gas of a storage-slot proof against the fixture's 1000-slot storage trie.
contract LibMerkleTrie_Gas_Test is LibMerkleTrie_TestInit {
    /// @notice Logs the gas of `getStorageSlot` over every present slot of the storage trie:
    ///         the library's own (the proof already in memory) and the whole external call's
    ///         (calldata decoding included), with the calldata size.
    function test_getStorageSlot_gas_succeeds() external {
        string memory j = _json();
        uint256 t = _trieIndex(j, "storage");
        uint256 n = _caseCount(j, t);
        uint256 count;
        uint256 sum;
        uint256 max;
        uint256 min = type(uint256).max;
        uint256 callSum;
        uint256 calldataSum;
        uint256 nodes;
        for (uint256 i = 0; i < n; i++) {
            Case memory c = _case(j, t, i);
            if (!c.exists) continue;
            (bytes32 value, uint256 g) =
                harness.getStorageSlotMetered(bytes32(c.key), c.proof, c.root);
            uint256 callGas = vm.lastCallGas().gasTotalUsed;
            assertTrue(value != 0, c.where);
            count++;
            sum += g;
            callSum += callGas;
            calldataSum += abi.encodeCall(
                LibMerkleTrieHarness.getStorageSlot, (bytes32(c.key), c.proof, c.root)
            )
            .length;
            nodes += c.proof.length;
            if (g > max) max = g;
            if (g < min) min = g;
        }
        emit log_named_uint("proofs", count);
        emit log_named_uint("nodes per proof x100", nodes * 100 / count);
        emit log_named_uint("getStorageSlot gas, min", min);
        emit log_named_uint("getStorageSlot gas, mean", sum / count);
        emit log_named_uint("getStorageSlot gas, max", max);
        emit log_named_uint("external call gas (abi decoding), mean", callSum / count);
        emit log_named_uint("calldata bytes, mean", calldataSum / count);
        assertLe(max, 50_000, "getStorageSlot gas");
    }
}
