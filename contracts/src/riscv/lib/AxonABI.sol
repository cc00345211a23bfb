// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title AxonABI
/// @notice The host/guest ABI of the Axon VM as Solidity constants. These mirror the `axon-abi`
///         crate (`vm/abi/src/lib.rs`) one to one, and `docs/spec.md` defines them; a test
///         compares the two files.
library AxonABI {
    ////////////////////////////////////////////////////////////////
    //                          Syscalls                          //
    ////////////////////////////////////////////////////////////////

    /// @notice `read(fd, buf, count) -> n`.
    uint32 internal constant SYS_READ = 63;
    /// @notice `write(fd, buf, count) -> n`.
    uint32 internal constant SYS_WRITE = 64;
    /// @notice `exit(code) -> !`.
    uint32 internal constant SYS_EXIT = 93;
    /// @notice `keccak_permute(state) -> 0`: keccak-f[1600] on the 256-aligned block at `state`.
    uint32 internal constant SYS_KECCAK_PERMUTE = 0x0001_0000;

    ////////////////////////////////////////////////////////////////
    //                      File descriptors                      //
    ////////////////////////////////////////////////////////////////

    /// @notice Standard output.
    uint32 internal constant FD_STDOUT = 1;
    /// @notice Standard error.
    uint32 internal constant FD_STDERR = 2;
    /// @notice Hint channel (host-only, no state effect).
    uint32 internal constant FD_HINT_WRITE = 4;
    /// @notice Preimage data channel.
    uint32 internal constant FD_PREIMAGE_READ = 5;
    /// @notice Preimage key channel.
    uint32 internal constant FD_PREIMAGE_WRITE = 6;

    /// @notice `EBADF`, returned negated in `a0`.
    uint32 internal constant EBADF = 9;
    /// @notice `-EBADF` as a register value (`0xFFFFFFF7`).
    uint32 internal constant NEG_EBADF = 0xFFFFFFF7;
    /// @notice `EINVAL`, returned negated in `a0` (a misaligned `keccak_permute` state).
    uint32 internal constant EINVAL = 22;
    /// @notice `-EINVAL` as a register value (`0xFFFFFFEA`).
    uint32 internal constant NEG_EINVAL = 0xFFFFFFEA;

    ////////////////////////////////////////////////////////////////
    //                     Preimage key types                     //
    ////////////////////////////////////////////////////////////////

    /// @notice Local (per-game) data: `0x01 ‖ 31-byte index`.
    uint8 internal constant KEY_TYPE_LOCAL = 1;
    /// @notice keccak-256 preimage: `0x02 ‖ keccak256(data)[1..32]`.
    uint8 internal constant KEY_TYPE_KECCAK256 = 2;
    /// @notice EIP-4844 blob field element: `0x05 ‖ keccak256(versionedHash ‖ u64_be(index))[1..32]`.
    uint8 internal constant KEY_TYPE_BLOB_ELEMENT = 5;
    /// @notice Precompile result: `0x06 ‖ keccak256(address ‖ u64_be(gas) ‖ input)[1..32]`.
    uint8 internal constant KEY_TYPE_PRECOMPILE = 6;
    /// @notice Finalized inference result: `0x07 ‖ keccak256(request)[1..32]`.
    uint8 internal constant KEY_TYPE_INFERENCE = 7;
    /// @notice Merkle-chunked blob: `0x81 ‖ root[1..32]`.
    uint8 internal constant KEY_TYPE_BLOB = 129;

    /// @notice Local index of the program input.
    uint256 internal constant LOCAL_INPUT = 1;

    ////////////////////////////////////////////////////////////////
    //                     VM status and halts                    //
    ////////////////////////////////////////////////////////////////

    /// @notice Status byte: exited with code 0.
    uint8 internal constant STATUS_VALID = 0;
    /// @notice Status byte: exited with a non-zero code.
    uint8 internal constant STATUS_INVALID = 1;
    /// @notice Status byte: faulted.
    uint8 internal constant STATUS_PANIC = 2;
    /// @notice Status byte: still running.
    uint8 internal constant STATUS_UNFINISHED = 3;

    /// @notice Halt kind: running.
    uint8 internal constant HALT_RUNNING = 0;
    /// @notice Halt kind: exited through the `exit` syscall.
    uint8 internal constant HALT_EXITED = 1;
    /// @notice Halt kind: faulted.
    uint8 internal constant HALT_FAULTED = 2;

    ////////////////////////////////////////////////////////////////
    //                           Faults                           //
    ////////////////////////////////////////////////////////////////

    /// @notice The fetched word is not a valid RV32IM instruction.
    uint32 internal constant FAULT_ILLEGAL_INSTRUCTION = 1;
    /// @notice `pc`, or the target of a taken branch or jump, is not 4-byte aligned.
    uint32 internal constant FAULT_MISALIGNED_FETCH = 2;
    /// @notice A halfword or word load from an address not aligned to its size.
    uint32 internal constant FAULT_MISALIGNED_LOAD = 3;
    /// @notice A halfword or word store to an address not aligned to its size.
    uint32 internal constant FAULT_MISALIGNED_STORE = 4;
    /// @notice An `ebreak` instruction.
    uint32 internal constant FAULT_BREAKPOINT = 5;
    /// @notice An `ecall` with an unknown syscall number in `a7`.
    uint32 internal constant FAULT_UNKNOWN_SYSCALL = 6;
    /// @notice A preimage read while the key's type byte is not a known key type.
    uint32 internal constant FAULT_INVALID_PREIMAGE_KEY = 7;
    /// @notice The highest fault code.
    uint32 internal constant FAULT_MAX = 7;

    ////////////////////////////////////////////////////////////////
    //                        Guest memory map                    //
    ////////////////////////////////////////////////////////////////

    /// @notice Where guest programs are linked (the guest runtime's convention).
    uint32 internal constant PROGRAM_BASE = 0x0001_0000;
    /// @notice The runtime's initial stack pointer.
    uint32 internal constant STACK_TOP = 0x8000_0000;
    /// @notice Bytes reserved for the stack below `STACK_TOP`.
    uint32 internal constant STACK_SIZE = 0x0010_0000;
    /// @notice The memory leaf, just below `PROGRAM_BASE`, where a program that produces an
    ///         output stores `keccak256(output)` before it exits.
    uint32 internal constant OUTPUT_COMMITMENT = PROGRAM_BASE - 32;

    ////////////////////////////////////////////////////////////////
    //                           Layout                           //
    ////////////////////////////////////////////////////////////////

    /// @notice Bytes in one memory leaf.
    uint256 internal constant LEAF_BYTES = 32;
    /// @notice Levels between a leaf and the root.
    uint256 internal constant MEMORY_TREE_DEPTH = 27;
    /// @notice Bytes in one memory proof: the leaf and its 27 siblings.
    uint256 internal constant MEMORY_PROOF_BYTES = 896;
    /// @notice Bytes in the block `keccak_permute` reads and writes: eight leaves under one
    ///         node of height 3.
    uint32 internal constant KECCAK_BLOCK_BYTES = 256;
    /// @notice Bytes of the keccak-f[1600] state at the start of the block.
    uint32 internal constant KECCAK_STATE_BYTES = 200;
    /// @notice The state encoding's layout version.
    uint8 internal constant STATE_VERSION = 1;
    /// @notice Bytes in one encoded state.
    uint256 internal constant STATE_BYTES = 210;
}
