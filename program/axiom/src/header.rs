//! Block headers as they appear on the wire: RLP lists whose keccak-256 is the block hash.
//!
//! Header fields grew fork by fork (London's `baseFeePerGas`, Shanghai's `withdrawalsRoot`,
//! Cancun's blob gas fields and `parentBeaconBlockRoot`, Prague's `requestsHash`); alloy's
//! [`Header`] decodes every form. The hash is taken over the bytes as given, so a header
//! is identified exactly as its child's `parentHash` identifies it.

use alloy_consensus::Header;
use alloy_primitives::{keccak256, B256};
use alloy_rlp::Decodable;

use crate::{Error, Result};

/// A decoded header and its block hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockHeader {
    /// keccak-256 of the raw RLP.
    pub hash: B256,
    /// The fields.
    pub header: Header,
}

impl BlockHeader {
    /// Decodes the raw RLP header `raw`, the `index`-th of its input (for error messages).
    pub fn decode(raw: &[u8], index: usize) -> Result<Self> {
        Self::from_preimage(raw, keccak256(raw), index)
    }

    /// Decodes `raw`, taking `hash` as its keccak-256 without hashing: only for bytes the
    /// preimage oracle returned for that hash's key, which binds them to it.
    pub fn from_preimage(raw: &[u8], hash: B256, index: usize) -> Result<Self> {
        let mut rest = raw;
        let header =
            Header::decode(&mut rest).map_err(|source| Error::HeaderRlp { index, source })?;
        if !rest.is_empty() {
            return Err(Error::TrailingBytes { index, extra: rest.len() });
        }
        Ok(Self { hash, header })
    }

    /// The block number.
    pub fn number(&self) -> u64 {
        self.header.number
    }
}
