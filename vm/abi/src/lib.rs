//! The host/guest ABI of the Axon VM, in one tiny `no_std` place.
//!
//! The VM (`axon-vm`), the guest runtime (`program/`), the dispute toolkit and the Solidity
//! verifier all speak this ABI; it is specified in `docs/spec.md`. Keeping the numbers here,
//! and nowhere else, is what lets a test compare them with the Solidity constants.
//!
//! Register convention for `ecall`:
//!
//! | register | role |
//! |---|---|
//! | `a7` (`x17`) | syscall number ([`syscall`]) |
//! | `a0..a5` (`x10..x15`) | arguments |
//! | `a0` (`x10`) | result |
#![no_std]

/// Syscall numbers, placed in `a7` (the RISC-V Linux numbers where Linux has one).
pub mod syscall {
    /// `read(fd, buf, count) -> n`: reads from a readable file descriptor.
    pub const READ: u32 = 63;
    /// `write(fd, buf, count) -> n`: writes to a writable file descriptor.
    pub const WRITE: u32 = 64;
    /// `exit(code) -> !`: halts the VM with the given exit code.
    pub const EXIT: u32 = 93;
    /// `keccak_permute(state) -> 0`: applies keccak-f\[1600\] to the 25 little-endian 64-bit
    /// lanes at `state`, which must be aligned to [`crate::layout::KECCAK_BLOCK_BYTES`]
    /// (`-EINVAL` otherwise). An accelerator, as SP1 and RISC Zero have one: a keccak-256
    /// in RV32IM software costs about 16,000 steps per permutation, here it is one step.
    /// Numbered above Linux's syscalls.
    pub const KECCAK_PERMUTE: u32 = 0x0001_0000;
}

/// File descriptors understood by `read` and `write` (Cannon's numbering).
pub mod fd {
    /// Standard output: written bytes are streamed to the host.
    pub const STDOUT: u32 = 1;
    /// Standard error: written bytes are streamed to the host.
    pub const STDERR: u32 = 2;
    /// Hint channel: written bytes go to the host's hint handler; the state is not affected.
    pub const HINT_WRITE: u32 = 4;
    /// Preimage data channel: reads the preimage of the current key.
    pub const PREIMAGE_READ: u32 = 5;
    /// Preimage key channel: written bytes are shifted into the current key.
    pub const PREIMAGE_WRITE: u32 = 6;
}

/// Linux error numbers returned (negated) in `a0`.
pub mod errno {
    /// Bad file descriptor: returned for any fd a syscall does not accept.
    pub const EBADF: u32 = 9;
    /// Invalid argument: returned by `keccak_permute` for a misaligned state.
    pub const EINVAL: u32 = 22;
}

/// The type of a preimage key: its first byte.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PreimageKeyType {
    /// Per-game local data (program inputs), addressed by a 31-byte big-endian index.
    Local = 1,
    /// Data whose keccak-256 hash (first byte replaced by the type) is the key.
    Keccak256 = 2,
    /// One field element of an EIP-4844 blob on L1 (Optimism's key type 5): the key is the
    /// keccak-256 of `versioned_hash ‖ u64_be(index)` and the data the element's 32 bytes,
    /// loaded on chain with a KZG proof checked by the point-evaluation precompile.
    BlobElement = 5,
    /// The result of an EVM precompile (Optimism's key type 6): the key is the keccak-256 of
    /// `address ‖ u64_be(required gas) ‖ input` and the data `status ‖ output`, computed on
    /// chain by calling the precompile.
    Precompile = 6,
    /// The finalized result of an inference request: the key is the request's keccak-256
    /// and the data `status ‖ payload`, loadable on chain only once an opML game settled it.
    Inference = 7,
    /// Large data (model weights) committed as the memory Merkle root of its byte stream;
    /// one 32-byte chunk is provable with a log-depth path.
    Blob = 129,
}

impl PreimageKeyType {
    /// Every key type, in type-byte order.
    pub const ALL: [Self; 6] = [
        Self::Local,
        Self::Keccak256,
        Self::BlobElement,
        Self::Precompile,
        Self::Inference,
        Self::Blob,
    ];

    /// The key type whose type byte is `byte`, if any.
    pub const fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(Self::Local),
            2 => Some(Self::Keccak256),
            5 => Some(Self::BlobElement),
            6 => Some(Self::Precompile),
            7 => Some(Self::Inference),
            129 => Some(Self::Blob),
            _ => None,
        }
    }
}

/// Local preimage indices (the low 31 bytes of a [`PreimageKeyType::Local`] key).
pub mod local {
    /// The program's input (`axon-vm run --input FILE`).
    pub const INPUT: u32 = 1;
    /// In an execution of a split game whose extra data is the input alone (docs/dispute.md,
    /// "Split games"): the agreed commitment before the disputed unit (zero before the first).
    pub const AGREED: u32 = INPUT + 1;
    /// The disputed commitment after the unit.
    pub const DISPUTED: u32 = INPUT + 2;
    /// The disputed unit's number, 8 bytes big-endian.
    pub const UNIT: u32 = INPUT + 3;
}

/// The VM status, stored in the top byte of the state hash (Optimism's convention).
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VmStatus {
    /// The program exited with code 0.
    Valid = 0,
    /// The program exited with a non-zero code.
    Invalid = 1,
    /// The program faulted (see [`Fault`]).
    Panic = 2,
    /// The program is still running.
    Unfinished = 3,
}

/// Deterministic guest faults: each halts the VM in a provable state.
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fault {
    /// The fetched word is not a valid RV32IM instruction.
    IllegalInstruction = 1,
    /// `pc`, or the target of a taken branch or jump, is not 4-byte aligned.
    MisalignedFetch = 2,
    /// A halfword or word load from an address not aligned to its size.
    MisalignedLoad = 3,
    /// A halfword or word store to an address not aligned to its size.
    MisalignedStore = 4,
    /// An `ebreak` instruction.
    Breakpoint = 5,
    /// An `ecall` whose number in `a7` is not a known syscall.
    UnknownSyscall = 6,
    /// A preimage read while the current key's type byte is not a known key type.
    InvalidPreimageKey = 7,
}

impl Fault {
    /// Every fault, in code order.
    pub const ALL: [Self; 7] = [
        Self::IllegalInstruction,
        Self::MisalignedFetch,
        Self::MisalignedLoad,
        Self::MisalignedStore,
        Self::Breakpoint,
        Self::UnknownSyscall,
        Self::InvalidPreimageKey,
    ];

    /// The fault whose code is `code`, if any.
    pub const fn from_code(code: u32) -> Option<Self> {
        match code {
            1 => Some(Self::IllegalInstruction),
            2 => Some(Self::MisalignedFetch),
            3 => Some(Self::MisalignedLoad),
            4 => Some(Self::MisalignedStore),
            5 => Some(Self::Breakpoint),
            6 => Some(Self::UnknownSyscall),
            7 => Some(Self::InvalidPreimageKey),
            _ => None,
        }
    }
}

/// The guest memory map. The VM itself imposes none (the whole 32-bit space is memory); these
/// are the guest runtime's conventions, kept here so host tools agree with them.
pub mod memory {
    /// Where guest programs are linked (the first PT_LOAD segment).
    pub const PROGRAM_BASE: u32 = 0x0001_0000;
    /// The initial stack pointer set by the runtime's `_start`; the stack grows down.
    pub const STACK_TOP: u32 = 0x8000_0000;
    /// Bytes reserved for the stack below [`STACK_TOP`].
    pub const STACK_SIZE: u32 = 0x0010_0000;
    /// The highest address the heap may reach (exclusive): the bottom of the stack.
    pub const HEAP_END: u32 = STACK_TOP - STACK_SIZE;
    /// One 32-byte memory leaf, just below [`PROGRAM_BASE`], where a program that produces an
    /// output (the `inference` guest) stores `keccak256(output)` before it exits: the final
    /// state hash then commits to the output through the memory root, provable on-chain with
    /// one memory proof.
    pub const OUTPUT_COMMITMENT: u32 = PROGRAM_BASE - 32;
}

/// Sizes of the memory Merkle tree and of the state encoding.
pub mod layout {
    /// Bytes in one memory leaf.
    pub const LEAF_BYTES: u32 = 32;
    /// Levels between a leaf and the root: 2^27 leaves of 32 bytes cover 2^32 bytes.
    pub const MEMORY_TREE_DEPTH: usize = 27;
    /// Bytes in one memory proof: the leaf and its 27 siblings.
    pub const MEMORY_PROOF_BYTES: usize = 32 * (1 + MEMORY_TREE_DEPTH);
    /// Bytes in the memory block `keccak_permute` works on: the 200-byte keccak state and 56
    /// bytes it leaves alone, eight leaves under one node of height 3 of the tree, so one
    /// proof of that node covers the whole state.
    pub const KECCAK_BLOCK_BYTES: u32 = 256;
    /// Bytes of the keccak-f\[1600\] state at the start of the block.
    pub const KECCAK_STATE_BYTES: u32 = 200;
    /// The state encoding's layout version.
    pub const STATE_VERSION: u8 = 1;
    /// Bytes in one encoded state.
    pub const STATE_BYTES: usize = 210;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_codes_round_trip() {
        for fault in Fault::ALL {
            assert_eq!(Fault::from_code(fault as u32), Some(fault));
        }
        assert_eq!(Fault::from_code(0), None);
        assert_eq!(Fault::from_code(Fault::ALL.len() as u32 + 1), None);
    }

    #[test]
    fn key_types_round_trip() {
        for ty in PreimageKeyType::ALL {
            assert_eq!(PreimageKeyType::from_byte(ty as u8), Some(ty));
        }
        assert_eq!(PreimageKeyType::from_byte(0), None);
        assert_eq!(PreimageKeyType::from_byte(3), None);
    }

    #[test]
    fn proof_covers_the_address_space() {
        assert_eq!(1u64 << (layout::MEMORY_TREE_DEPTH + 5), 1u64 << 32);
        assert_eq!(layout::MEMORY_PROOF_BYTES, 896);
    }
}
