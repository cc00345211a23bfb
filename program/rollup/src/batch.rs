//! The batch format: what `BatchInbox.postBatch` carries for the blocks `first..=last`, in
//! a blob ([`crate::blob`]).
//!
//! ```text
//! data  = 0x00 ‖ zlib(rlp([block, …]))        version 0
//! block = [timestamp, deposits, [transaction, …]]
//!         deposits: how many L1 deposits the L2 has credited by this block
//!         transactions as EIP-2718 bytes
//! ```
//!
//! The entries are the batch's blocks in order. Decoding is total: any bytes either decode
//! to entries or are a [`BatchError`], and derivation gives both a meaning
//! ([`crate::chain`]): a batch that does not decode derives empty blocks. Decompression is
//! bounded by [`MAX_DECOMPRESSED`], so a small batch cannot ask for unbounded memory.

use alloc::vec::Vec;

use alloy_primitives::Bytes;
use alloy_rlp::{Decodable, Encodable, RlpDecodable, RlpEncodable};

/// The format version this module reads and writes.
pub const VERSION: u8 = 0;

/// The most bytes a batch may decompress to (a batch beyond it does not decode).
pub const MAX_DECOMPRESSED: usize = 16 << 20;

/// One block of a batch.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct BatchBlock {
    /// Its timestamp.
    pub timestamp: u64,
    /// How many of L1's deposits the chain has credited by this block (its parent's count
    /// plus this block's credits).
    pub deposits: u64,
    /// Its signed transactions, EIP-2718 encoded.
    pub transactions: Vec<Bytes>,
}

/// Why a batch's data does not decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BatchError {
    /// Empty data.
    #[error("empty batch data")]
    Empty,
    /// A version this node does not know.
    #[error("unknown batch version {0}")]
    Version(u8),
    /// The zlib stream is invalid or decompresses past the bound.
    #[error("batch does not decompress")]
    Compression,
    /// The decompressed bytes are not one RLP list of blocks.
    #[error("batch is not RLP of blocks: {0}")]
    Rlp(alloy_rlp::Error),
    /// The blob does not carry data.
    #[error("batch blob: {0}")]
    Blob(crate::blob::BlobError),
}

/// The data of a batch of `blocks`.
pub fn encode(blocks: &[BatchBlock]) -> Vec<u8> {
    let mut rlp = Vec::with_capacity(blocks.iter().map(Encodable::length).sum::<usize>() + 8);
    alloy_rlp::encode_list(blocks, &mut rlp);
    let mut data = Vec::with_capacity(rlp.len() / 2 + 8);
    data.push(VERSION);
    data.extend(miniz_oxide::deflate::compress_to_vec_zlib(&rlp, 9));
    data
}

/// The blocks in a batch's blob (the node's view: the whole blob's bytes, empty for a forced
/// batch, which has none).
pub fn decode_blob(blob: &[u8]) -> Result<Vec<BatchBlock>, BatchError> {
    decode(&crate::blob::decode_blob(blob).map_err(BatchError::Blob)?)
}

/// The blocks in a batch's `data`.
pub fn decode(data: &[u8]) -> Result<Vec<BatchBlock>, BatchError> {
    let (&version, compressed) = data.split_first().ok_or(BatchError::Empty)?;
    if version != VERSION {
        return Err(BatchError::Version(version));
    }
    let rlp = miniz_oxide::inflate::decompress_to_vec_zlib_with_limit(compressed, MAX_DECOMPRESSED)
        .map_err(|_| BatchError::Compression)?;
    let mut rest = rlp.as_slice();
    let blocks = Vec::<BatchBlock>::decode(&mut rest).map_err(BatchError::Rlp)?;
    if !rest.is_empty() {
        return Err(BatchError::Rlp(alloy_rlp::Error::UnexpectedLength));
    }
    Ok(blocks)
}
