//! Why a claim does not check out. Every variant names what was wrong, so a failing guest can
//! say it on stderr and a host can reject bad input before posting it.

use alloc::boxed::Box;

use alloy_primitives::{Address, B256};

/// A failed check.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// A header is not valid RLP for any fork's header.
    #[error("header {index}: invalid RLP: {source}")]
    HeaderRlp {
        /// Its position in the input.
        index: usize,
        /// What alloy-rlp found.
        source: alloy_rlp::Error,
    },
    /// A header has bytes after its RLP list.
    #[error("header {index}: {extra} bytes after the RLP list")]
    TrailingBytes {
        /// Its position in the input.
        index: usize,
        /// How many.
        extra: usize,
    },
    /// There is no header to check.
    #[error("the header chain is empty")]
    EmptyChain,
    /// The last header's hash is not the anchor.
    #[error("the last header hashes to {actual}, not the anchor {anchor}")]
    AnchorMismatch {
        /// The trusted hash.
        anchor: B256,
        /// The last header's hash.
        actual: B256,
    },
    /// A header's `parentHash` is not its predecessor's hash.
    #[error("block {number}: parentHash {parent_hash} is not the hash {expected} of block {}", number - 1)]
    BrokenLink {
        /// The child's number.
        number: u64,
        /// The child's `parentHash`.
        parent_hash: B256,
        /// The predecessor's hash.
        expected: B256,
    },
    /// Block numbers do not count up by one.
    #[error("block {found} follows block {previous}")]
    NotConsecutive {
        /// The predecessor's number.
        previous: u64,
        /// The child's number.
        found: u64,
    },
    /// A guest's input is malformed.
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
    /// A chain does not fit V0's group rules.
    #[error("not a V0 block-hash group: {0}")]
    Group(&'static str),
    /// An account proof does not prove the claimed account (or its absence).
    #[error("account {address}: {source}")]
    AccountProof {
        /// The account.
        address: Address,
        /// Why (boxed: it carries the mismatched values).
        source: Box<alloy_trie::proof::ProofVerificationError>,
    },
    /// A storage proof does not prove the claimed value.
    #[error("account {address}, slot {slot}: {source}")]
    StorageProof {
        /// The account.
        address: Address,
        /// The slot.
        slot: B256,
        /// Why (boxed: it carries the mismatched values).
        source: Box<alloy_trie::proof::ProofVerificationError>,
    },
    /// A non-zero slot was claimed for an account that does not exist.
    #[error("account {address} does not exist, yet slot {slot} is claimed non-zero")]
    SlotOfAbsentAccount {
        /// The account.
        address: Address,
        /// The slot.
        slot: B256,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = core::result::Result<T, E>;
