//! What the fraud proof of an output proposal starts from: the proposal's game passes the
//! keccak-256 of a [`RollupBoot`] as the program input, built on L1 from L1's state alone
//! (the `Outputs` contract), never from what a proposer says.
//!
//! - `chainConfig`: the keccak-256 of the chain's ABI-encoded [`ChainConfig`](crate::chain::ChainConfig),
//!   fixed when the rollup is deployed;
//! - `startingOutputRoot`, `startingBlock`: the anchor the proposal builds on — the last
//!   finalized valid output and its L2 block;
//! - `inboxAccumulator`: the `BatchInbox` accumulator of a batch covering the proposal's
//!   block: every batch up to it is derivable from this one word;
//! - `proposalBlock`: the proposal's L2 block. Units after it leave the output unchanged
//!   (the padding of the game's `2^SPLIT_DEPTH` units).

use alloy_primitives::{keccak256, B256};
use alloy_sol_types::SolValue;

alloy_sol_types::sol! {
    /// The boot information of one output proposal's fraud proof.
    #[derive(Debug, PartialEq, Eq)]
    struct RollupBoot {
        bytes32 chainConfig;
        bytes32 startingOutputRoot;
        uint64 startingBlock;
        bytes32 inboxAccumulator;
        uint64 proposalBlock;
    }
}

impl RollupBoot {
    /// The ABI encoding (what `Outputs` hashes).
    pub fn encode(&self) -> alloc::vec::Vec<u8> {
        self.abi_encode()
    }

    /// Decodes canonical ABI `bytes`: one boot has one encoding.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let boot = Self::abi_decode(bytes).ok()?;
        (boot.abi_encode() == bytes).then_some(boot)
    }

    /// The program input: the keccak-256 of the encoding.
    pub fn hash(&self) -> B256 {
        keccak256(self.encode())
    }
}

/// One `BatchInbox` accumulator's preimage: `previous ‖ blobHash ‖ firstBlock ‖ lastBlock ‖
/// timestamp ‖ depositCount ‖ depositAccumulator` (32 + 32 + 8 + 8 + 8 + 8 + 32 bytes, as
/// `abi.encodePacked` lays them out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccumulatorEntry {
    /// The accumulator before this batch (zero before the first).
    pub previous: B256,
    /// The versioned hash of the batch's blob ([`crate::blob`]); zero for a forced batch,
    /// which has no data.
    pub blob_hash: B256,
    /// Its first L2 block.
    pub first_block: u64,
    /// Its last.
    pub last_block: u64,
    /// The L1 time it was posted at.
    pub timestamp: u64,
    /// How many of the portal's deposits the L2 has credited by its last block.
    pub deposit_count: u64,
    /// The portal's deposit accumulator after that many ([`crate::deposit`]).
    pub deposit_accumulator: B256,
}

/// The size of an [`AccumulatorEntry`]'s encoding.
pub const ACCUMULATOR_ENTRY_BYTES: usize = 128;

impl AccumulatorEntry {
    /// The bytes the accumulator hashes.
    pub fn encode(&self) -> [u8; ACCUMULATOR_ENTRY_BYTES] {
        let mut bytes = [0u8; ACCUMULATOR_ENTRY_BYTES];
        bytes[..32].copy_from_slice(self.previous.as_slice());
        bytes[32..64].copy_from_slice(self.blob_hash.as_slice());
        bytes[64..72].copy_from_slice(&self.first_block.to_be_bytes());
        bytes[72..80].copy_from_slice(&self.last_block.to_be_bytes());
        bytes[80..88].copy_from_slice(&self.timestamp.to_be_bytes());
        bytes[88..96].copy_from_slice(&self.deposit_count.to_be_bytes());
        bytes[96..].copy_from_slice(self.deposit_accumulator.as_slice());
        bytes
    }

    /// The entry `bytes` encode, if they are 128 bytes.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; ACCUMULATOR_ENTRY_BYTES] = bytes.try_into().ok()?;
        let u64_at = |at: usize| {
            let mut word = [0u8; 8];
            word.copy_from_slice(&bytes[at..at + 8]);
            u64::from_be_bytes(word)
        };
        Some(Self {
            previous: B256::from_slice(&bytes[..32]),
            blob_hash: B256::from_slice(&bytes[32..64]),
            first_block: u64_at(64),
            last_block: u64_at(72),
            timestamp: u64_at(80),
            deposit_count: u64_at(88),
            deposit_accumulator: B256::from_slice(&bytes[96..]),
        })
    }

    /// The accumulator: the keccak-256 of [`Self::encode`].
    pub fn accumulator(&self) -> B256 {
        keccak256(self.encode())
    }
}
