//! The output root: what a proposal claims about an L2 block, Optimism's version 0,
//!
//! ```text
//! output_root = keccak256(version ‖ state_root ‖ withdrawal_storage_root ‖ block_hash)
//! ```
//!
//! with `version` 32 zero bytes and the withdrawal storage root the storage root of the
//! [`MESSAGE_PASSER`] predeploy, whose storage records every withdrawal the block's state
//! has initiated: what the L1 bridge proves a withdrawal against.

use alloy_primitives::{address, keccak256, Address, B256};

/// The L2-to-L1 message passer predeploy (`contracts/src/rollup/L2ToL1MessagePasser.sol`),
/// at the OP Stack's address.
pub const MESSAGE_PASSER: Address = address!("0x4200000000000000000000000000000000000016");

/// The output root's version this module computes.
pub const OUTPUT_VERSION: B256 = B256::ZERO;

/// An output: what a proposal commits to about one L2 block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Output {
    /// The block's post-state root.
    pub state_root: B256,
    /// The storage root of [`MESSAGE_PASSER`] in that state.
    pub withdrawal_storage_root: B256,
    /// The block's hash.
    pub block_hash: B256,
}

impl Output {
    /// The 128 bytes the output root hashes.
    pub fn encode(&self) -> [u8; 128] {
        let mut bytes = [0u8; 128];
        bytes[..32].copy_from_slice(OUTPUT_VERSION.as_slice());
        bytes[32..64].copy_from_slice(self.state_root.as_slice());
        bytes[64..96].copy_from_slice(self.withdrawal_storage_root.as_slice());
        bytes[96..].copy_from_slice(self.block_hash.as_slice());
        bytes
    }

    /// The output of `bytes` (a preimage of an output root), if it is version 0.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; 128] = bytes.try_into().ok()?;
        if bytes[..32] != OUTPUT_VERSION[..] {
            return None;
        }
        let word = |at: usize| B256::from_slice(&bytes[at..at + 32]);
        Some(Self { state_root: word(32), withdrawal_storage_root: word(64), block_hash: word(96) })
    }

    /// The output root.
    pub fn root(&self) -> B256 {
        keccak256(self.encode())
    }
}
