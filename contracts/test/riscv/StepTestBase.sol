// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { IInferenceResults } from "src/interfaces/IInferenceResults.sol";
import { Test } from "test/lib/Test.sol";
import { SparseMemory } from "test/lib/SparseMemory.sol";
import { MockPreimageOracle } from "test/mocks/MockPreimageOracle.sol";
import { RISCV } from "src/riscv/RISCV.sol";
import { PreimageOracle } from "src/PreimageOracle.sol";
import { IPreimageOracle } from "src/interfaces/IPreimageOracle.sol";
import { LibState } from "src/riscv/lib/LibState.sol";
import { LibPreimageKey } from "src/lib/LibPreimageKey.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";

/// @title StepTestBase
/// @notice Shared set-up for stepping the verifier: a real oracle and stepper, hand-built
///         states over a sparse memory, and proofs built from the slow reference tree.
///
///         A typical test: build a `Mem` holding the instruction (`_program`), derive the
///         pre-state (`_state`), set registers, derive the expected post-state (`_next` or
///         `_faulted`), and compare `_step(pre, mem[, dataAddr])` with `LibState.hash(post)`.
///         Replaying a fixture from the Rust VM is `_replayStep(stateData, proof, ctx, hash)`.
abstract contract StepTestBase is Test {
    using SparseMemory for SparseMemory.Mem;

    /// @notice Where test programs live.
    uint32 internal constant PC = 0x0001_0000;
    /// @notice The local context tests step with.
    bytes32 internal constant LOCAL_CONTEXT = keccak256("axon test local context");

    PreimageOracle internal oracle;
    RISCV internal riscv;
    MockPreimageOracle internal mockOracle;
    RISCV internal mockRiscv;

    function setUp() public virtual {
        oracle = new PreimageOracle(IInferenceResults(address(0)));
        riscv = new RISCV(IPreimageOracle(address(oracle)));
        mockOracle = new MockPreimageOracle();
        mockRiscv = new RISCV(IPreimageOracle(address(mockOracle)));
    }

    ////////////////////////////////////////////////////////////////
    //                       State builders                       //
    ////////////////////////////////////////////////////////////////

    /// @notice A memory holding `_insn` at `_pc`.
    function _program(uint32 _pc, uint32 _insn) internal pure returns (SparseMemory.Mem memory m_) {
        m_.storeWord(_pc & ~uint32(3), _insn);
    }

    /// @notice A memory holding `_insn` at `PC`.
    function _program(uint32 _insn) internal pure returns (SparseMemory.Mem memory) {
        return _program(PC, _insn);
    }

    /// @notice A running state at `PC` over `_m`, step 1000, all registers zero.
    function _state(SparseMemory.Mem memory _m) internal pure returns (LibState.State memory s_) {
        s_.memRoot = _m.root();
        s_.pc = PC;
        s_.step = 1000;
    }

    /// @notice A deep copy of `_s`.
    function _copy(LibState.State memory _s) internal pure returns (LibState.State memory c_) {
        c_.memRoot = _s.memRoot;
        c_.preimageKey = _s.preimageKey;
        c_.preimageOffset = _s.preimageOffset;
        c_.pc = _s.pc;
        c_.step = _s.step;
        c_.haltKind = _s.haltKind;
        c_.haltCode = _s.haltCode;
        for (uint256 i = 0; i < 32; i++) {
            c_.registers[i] = _s.registers[i];
        }
    }

    /// @notice `_pre` after a step that completes: step + 1, pc + 4, the rest unchanged.
    function _next(LibState.State memory _pre) internal pure returns (LibState.State memory p_) {
        p_ = _copy(_pre);
        unchecked {
            p_.step += 1;
            p_.pc += 4;
        }
    }

    /// @notice `_pre` after a step that faults with `_code`: step + 1, halted, the rest unchanged.
    function _faulted(
        LibState.State memory _pre,
        uint32 _code
    )
        internal
        pure
        returns (LibState.State memory p_)
    {
        p_ = _copy(_pre);
        unchecked {
            p_.step += 1;
        }
        p_.haltKind = AxonABI.HALT_FAULTED;
        p_.haltCode = _code;
    }

    ////////////////////////////////////////////////////////////////
    //                          Stepping                          //
    ////////////////////////////////////////////////////////////////

    /// @notice The witness of a step that touches no data leaf: the compact fetch proof.
    function _proof(
        LibState.State memory _pre,
        SparseMemory.Mem memory _m
    )
        internal
        pure
        returns (bytes memory)
    {
        return _m.proof(_pre.pc);
    }

    /// @notice The witness of a step that touches the data leaf holding `_dataAddr`: the
    ///         compact fetch proof, then the compact data proof.
    function _proof(
        LibState.State memory _pre,
        SparseMemory.Mem memory _m,
        uint32 _dataAddr
    )
        internal
        pure
        returns (bytes memory)
    {
        return bytes.concat(_m.proof(_pre.pc), _m.proof(_dataAddr));
    }

    /// @notice Steps `_pre` over `_m` with a fetch proof only.
    function _step(
        LibState.State memory _pre,
        SparseMemory.Mem memory _m
    )
        internal
        view
        returns (bytes32)
    {
        return riscv.step(LibState.encode(_pre), _proof(_pre, _m), LOCAL_CONTEXT);
    }

    /// @notice Steps `_pre` over `_m` with a fetch proof and the proof for `_dataAddr`.
    function _step(
        LibState.State memory _pre,
        SparseMemory.Mem memory _m,
        uint32 _dataAddr
    )
        internal
        view
        returns (bytes32)
    {
        return riscv.step(LibState.encode(_pre), _proof(_pre, _m, _dataAddr), LOCAL_CONTEXT);
    }

    /// @notice Asserts that stepping `_pre` (fetch proof only) gives `_post`.
    function _assertStep(
        LibState.State memory _pre,
        SparseMemory.Mem memory _m,
        LibState.State memory _post
    )
        internal
        view
    {
        assertEq(_step(_pre, _m), LibState.hash(_post), "post-state hash");
    }

    /// @notice Asserts that stepping `_pre` with the proof for `_dataAddr` gives `_post`.
    function _assertStep(
        LibState.State memory _pre,
        SparseMemory.Mem memory _m,
        uint32 _dataAddr,
        LibState.State memory _post
    )
        internal
        view
    {
        assertEq(_step(_pre, _m, _dataAddr), LibState.hash(_post), "post-state hash");
    }

    /// @notice Replays one step witness (e.g. a fixture from the Rust VM) against the stepper
    ///         wired to the mock oracle, and asserts the post-state hash.
    function _replayStep(
        bytes memory _stateData,
        bytes memory _proofData,
        bytes32 _localContext,
        bytes32 _expected
    )
        internal
        view
    {
        assertEq(mockRiscv.step(_stateData, _proofData, _localContext), _expected, "replay");
    }

    /// @notice Makes the mock oracle answer `(_part, _partLen)` for the VM key `_key` at
    ///         `_offset`, localizing local keys the way the stepper will (caller: this test).
    function _setMockPart(
        bytes32 _key,
        uint256 _offset,
        bytes32 _part,
        uint256 _partLen,
        bytes32 _localContext
    )
        internal
    {
        if (LibPreimageKey.keyType(_key) == AxonABI.KEY_TYPE_LOCAL) {
            _key = LibPreimageKey.localize(_key, address(this), _localContext);
        }
        mockOracle.setPart(_key, _offset, _part, _partLen);
    }

    ////////////////////////////////////////////////////////////////
    //                   Realistic witnesses                      //
    ////////////////////////////////////////////////////////////////

    /// @notice The data address realistic witnesses use (near the stack top).
    uint32 internal constant STACK_DATA = 0x7FFF_FF00;

    /// @notice A tree holding two leaves with random siblings: the result of `_tree`.
    struct Tree {
        bytes32 root;
        bytes proofA;
        bytes proofB;
    }

    /// @notice The leaves (32-byte) a typical program's memory occupies, as `_tree` models it:
    ///         code, data and heap in the first 16 MiB, and the runtime's stack
    ///         (`AxonABI.STACK_SIZE` below `AxonABI.STACK_TOP`).
    uint256 internal constant LOW_END = (16 << 20) >> 5;
    uint256 internal constant STACK_BEGIN = (AxonABI.STACK_TOP - AxonABI.STACK_SIZE) >> 5;
    uint256 internal constant STACK_END = AxonABI.STACK_TOP >> 5;

    /// @notice Whether the subtree `_idx` at `_level` holds a leaf of the typical layout.
    function _occupied(uint256 _level, uint256 _idx) internal pure returns (bool) {
        uint256 first = _idx << _level;
        uint256 end = (_idx + 1) << _level;
        return first < LOW_END || (first < STACK_END && end > STACK_BEGIN);
    }

    /// @notice Builds a tree with `_leafA` at `_a` and `_leafB` at `_b` (different leaves) over
    ///         a typical program's memory layout (`_occupied`): a sibling is a random hash where
    ///         the layout holds data and the empty-subtree root `Z[k]` (omitted from the
    ///         compact proof) elsewhere. Returns the root and both proofs.
    function _tree(
        uint32 _a,
        bytes32 _leafA,
        uint32 _b,
        bytes32 _leafB
    )
        internal
        pure
        returns (Tree memory t_)
    {
        return _tree(_a, _leafA, _b, _leafB, false);
    }

    /// @notice As `_tree`, or with `_dense`, random siblings everywhere (no zero-subtree
    ///         sibling, every proof 900 bytes: the most expensive witness).
    function _tree(
        uint32 _a,
        bytes32 _leafA,
        uint32 _b,
        bytes32 _leafB,
        bool _dense
    )
        internal
        pure
        returns (Tree memory t_)
    {
        uint256 ia = _a >> 5;
        uint256 ib = _b >> 5;
        require(ia != ib, "same leaf");
        bytes32[28] memory z = SparseMemory.zeroHashes();
        bytes32[27] memory sa;
        bytes32[27] memory sb;
        bytes32 na = _leafA;
        bytes32 nb = _leafB;
        bool joined;
        for (uint256 k = 0; k < 27; k++) {
            if (!joined && (ia >> (k + 1)) == (ib >> (k + 1))) {
                // The two paths meet here: each node is the other's sibling.
                (sa[k], sb[k]) = (nb, na);
                na = (ia >> k) & 1 == 0
                    ? keccak256(abi.encodePacked(na, nb))
                    : keccak256(abi.encodePacked(nb, na));
                nb = na;
                joined = true;
                continue;
            }
            bytes32 r1 = _dense || _occupied(k, (ia >> k) ^ 1)
                ? keccak256(abi.encode("sibling a", k))
                : z[k];
            sa[k] = r1;
            na = (ia >> k) & 1 == 0
                ? keccak256(abi.encodePacked(na, r1))
                : keccak256(abi.encodePacked(r1, na));
            if (joined) {
                sb[k] = r1;
                nb = na;
            } else {
                bytes32 r2 = _dense || _occupied(k, (ib >> k) ^ 1)
                    ? keccak256(abi.encode("sibling b", k))
                    : z[k];
                sb[k] = r2;
                nb = (ib >> k) & 1 == 0
                    ? keccak256(abi.encodePacked(nb, r2))
                    : keccak256(abi.encodePacked(r2, nb));
            }
        }
        t_.root = na;
        t_.proofA = SparseMemory.encodeProof(_leafA, sa);
        t_.proofB = SparseMemory.encodeProof(_leafB, sb);
    }

    /// @notice A state with random registers at `PC` over `_root`.
    function _randomState(bytes32 _root) internal pure returns (LibState.State memory s_) {
        s_.memRoot = _root;
        s_.pc = PC;
        s_.step = 123_456_789;
        for (uint256 i = 1; i < 32; i++) {
            s_.registers[i] = uint32(uint256(keccak256(abi.encode("register", i))));
        }
    }

    /// @notice The leaf holding `_insn` at `PC` among other code.
    function _codeLeaf(uint32 _insn) internal pure returns (bytes32) {
        SparseMemory.Mem memory m;
        for (uint32 i = 0; i < 8; i++) {
            m.storeWord(PC + 4 * i, uint32(uint256(keccak256(abi.encode("code", i)))));
        }
        m.storeWord(PC, _insn);
        return m.leafOf(PC);
    }
}
