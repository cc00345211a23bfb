// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import { Test } from "test/lib/Test.sol";
import { AxonABI } from "src/riscv/lib/AxonABI.sol";

/// @notice The Solidity ABI constants match the `axon-abi` crate, the one place they are
///         defined for the Rust side (`vm/abi/src/lib.rs`): each constant's Rust declaration
///         must appear there verbatim.
contract AxonABI_Constants_Test is Test {
    string internal constant RUST_ABI = "../vm/abi/src/lib.rs";

    string internal src;

    function setUp() public {
        if (vm.exists(RUST_ABI)) src = vm.readFile(RUST_ABI);
    }

    function _has(string memory _needle) internal view {
        bytes memory h = bytes(src);
        bytes memory n = bytes(_needle);
        for (uint256 i = 0; i + n.length <= h.length; i++) {
            bool ok = true;
            for (uint256 j = 0; j < n.length; j++) {
                if (h[i + j] != n[j]) {
                    ok = false;
                    break;
                }
            }
            if (ok) return;
        }
        fail(string.concat("not in ", RUST_ABI, ": ", _needle));
    }

    function _u32(string memory _name, uint256 _value) internal view {
        _has(string.concat("pub const ", _name, ": u32 = ", vm.toString(_value), ";"));
    }

    function _variant(string memory _name, uint256 _value) internal view {
        _has(string.concat("    ", _name, " = ", vm.toString(_value), ","));
    }

    function test_constants_matchRust_succeeds() external {
        if (bytes(src).length == 0) {
            emit log("vm/abi/src/lib.rs not found: skipped");
            return;
        }
        _u32("READ", AxonABI.SYS_READ);
        _u32("WRITE", AxonABI.SYS_WRITE);
        _u32("EXIT", AxonABI.SYS_EXIT);
        _has("pub const KECCAK_PERMUTE: u32 = 0x0001_0000;");
        assertEq(AxonABI.SYS_KECCAK_PERMUTE, 0x0001_0000);
        _u32("STDOUT", AxonABI.FD_STDOUT);
        _u32("STDERR", AxonABI.FD_STDERR);
        _u32("HINT_WRITE", AxonABI.FD_HINT_WRITE);
        _u32("PREIMAGE_READ", AxonABI.FD_PREIMAGE_READ);
        _u32("PREIMAGE_WRITE", AxonABI.FD_PREIMAGE_WRITE);
        _u32("EBADF", AxonABI.EBADF);
        assertEq(uint256(AxonABI.NEG_EBADF) + AxonABI.EBADF, 1 << 32);
        _u32("EINVAL", AxonABI.EINVAL);
        assertEq(uint256(AxonABI.NEG_EINVAL) + AxonABI.EINVAL, 1 << 32);
        _u32("KECCAK_BLOCK_BYTES", AxonABI.KECCAK_BLOCK_BYTES);
        _u32("KECCAK_STATE_BYTES", AxonABI.KECCAK_STATE_BYTES);
        _u32("INPUT", AxonABI.LOCAL_INPUT);
        _has("pub const PROGRAM_BASE: u32 = 0x0001_0000;");
        assertEq(AxonABI.PROGRAM_BASE, 0x0001_0000);
        _has("pub const STACK_TOP: u32 = 0x8000_0000;");
        assertEq(AxonABI.STACK_TOP, 0x8000_0000);
        _has("pub const STACK_SIZE: u32 = 0x0010_0000;");
        assertEq(AxonABI.STACK_SIZE, 0x0010_0000);
        _has("pub const OUTPUT_COMMITMENT: u32 = PROGRAM_BASE - 32;");
        assertEq(AxonABI.OUTPUT_COMMITMENT, AxonABI.PROGRAM_BASE - 32);

        _variant("Local", AxonABI.KEY_TYPE_LOCAL);
        _variant("Keccak256", AxonABI.KEY_TYPE_KECCAK256);
        _variant("BlobElement", AxonABI.KEY_TYPE_BLOB_ELEMENT);
        _variant("Precompile", AxonABI.KEY_TYPE_PRECOMPILE);
        _variant("Inference", AxonABI.KEY_TYPE_INFERENCE);
        _variant("Blob", AxonABI.KEY_TYPE_BLOB);

        _variant("Valid", AxonABI.STATUS_VALID);
        _variant("Invalid", AxonABI.STATUS_INVALID);
        _variant("Panic", AxonABI.STATUS_PANIC);
        _variant("Unfinished", AxonABI.STATUS_UNFINISHED);

        _variant("IllegalInstruction", AxonABI.FAULT_ILLEGAL_INSTRUCTION);
        _variant("MisalignedFetch", AxonABI.FAULT_MISALIGNED_FETCH);
        _variant("MisalignedLoad", AxonABI.FAULT_MISALIGNED_LOAD);
        _variant("MisalignedStore", AxonABI.FAULT_MISALIGNED_STORE);
        _variant("Breakpoint", AxonABI.FAULT_BREAKPOINT);
        _variant("UnknownSyscall", AxonABI.FAULT_UNKNOWN_SYSCALL);
        _variant("InvalidPreimageKey", AxonABI.FAULT_INVALID_PREIMAGE_KEY);
        _has("pub const ALL: [Self; 7] = [");
        assertEq(AxonABI.FAULT_MAX, 7);

        _has(string.concat("pub const LEAF_BYTES: u32 = ", vm.toString(AxonABI.LEAF_BYTES), ";"));
        _has(
            string.concat(
                "pub const MEMORY_TREE_DEPTH: usize = ", vm.toString(AxonABI.MEMORY_TREE_DEPTH), ";"
            )
        );
        _has(
            string.concat("pub const STATE_VERSION: u8 = ", vm.toString(AxonABI.STATE_VERSION), ";")
        );
        _has(
            string.concat("pub const STATE_BYTES: usize = ", vm.toString(AxonABI.STATE_BYTES), ";")
        );
        assertEq(AxonABI.MEMORY_PROOF_BYTES, 32 * (1 + AxonABI.MEMORY_TREE_DEPTH));
    }
}
