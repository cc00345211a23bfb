//! Batches in EIP-4844 blobs: how a batch's data is laid out in the one blob its `postBatch`
//! transaction carries, and how any blob reads back (docs/rollup.md, "Batches in blobs").
//!
//! ```text
//! blob      = element 0 ‖ … ‖ element 4095          32 bytes each
//! element i = 0x00 ‖ payload[31i .. 31i + 31]       the top byte zero: always a field element
//! payload   = u32_be(len(data)) ‖ data ‖ zeros      at most CAPACITY bytes of data
//! ```
//!
//! L1 keeps only the blob's versioned hash (`blobhash(0)`, in the `BatchInbox` accumulator);
//! the node reads the blob from an L1 beacon node, and the fraud proof reads it one field
//! element at a time through the preimage oracle (key type 5, [`element_key`]), which loads
//! an element on chain with its KZG opening proof. Reading is total: a blob whose length or
//! top bytes are out of range reads as a [`BlobError`], which derivation treats as a batch
//! that does not decode. Only the elements the length covers are read, so a small batch
//! costs the fraud proof a few preimages, not 4096.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, B256};
use axon_abi::PreimageKeyType;

/// Field elements in a blob.
pub const FIELD_ELEMENTS: usize = 4096;

/// Bytes in a field element.
pub const ELEMENT_BYTES: usize = 32;

/// Bytes in a blob.
pub const BLOB_BYTES: usize = FIELD_ELEMENTS * ELEMENT_BYTES;

/// Payload bytes a field element carries: all but its top byte.
pub const ELEMENT_PAYLOAD: usize = ELEMENT_BYTES - 1;

/// Bytes of the payload's length prefix.
const LENGTH_BYTES: usize = 4;

/// The most data bytes one blob carries.
pub const CAPACITY: usize = FIELD_ELEMENTS * ELEMENT_PAYLOAD - LENGTH_BYTES;

/// Why a blob does not read as batch data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobError {
    /// A field element the data covers has a nonzero top byte.
    #[error("blob field element {0} has a nonzero top byte")]
    TopByte(usize),
    /// The length prefix is past the blob's capacity.
    #[error("blob data length {0} is past the capacity of {CAPACITY} bytes")]
    Length(usize),
    /// The oracle answered an element with other than 32 bytes (the host's error).
    #[error("blob field element {0} is not 32 bytes")]
    Element(usize),
}

/// The preimage key of field element `index` of the blob `versioned_hash` (key type 5):
/// `0x05 ‖ keccak256(versioned_hash ‖ u64_be(index))[1..32]`.
pub fn element_key(versioned_hash: B256, index: u64) -> [u8; 32] {
    let mut preimage = [0u8; 40];
    preimage[..32].copy_from_slice(versioned_hash.as_slice());
    preimage[32..].copy_from_slice(&index.to_be_bytes());
    let mut key = keccak256(preimage).0;
    key[0] = PreimageKeyType::BlobElement as u8;
    key
}

/// The blob carrying `data`, or `None` if `data` is past [`CAPACITY`].
pub fn encode(data: &[u8]) -> Option<Vec<u8>> {
    if data.len() > CAPACITY {
        return None;
    }
    let length = u32::try_from(data.len()).ok()?.to_be_bytes();
    let mut blob = alloc::vec![0u8; BLOB_BYTES];
    let payload = length.iter().chain(data);
    for (at, byte) in payload.enumerate() {
        blob[(at / ELEMENT_PAYLOAD) * ELEMENT_BYTES + 1 + at % ELEMENT_PAYLOAD] = *byte;
    }
    Some(blob)
}

/// The data a blob carries, reading field element `i` with `element(i)`: only the elements
/// its length covers.
pub fn decode(mut element: impl FnMut(usize) -> Vec<u8>) -> Result<Vec<u8>, BlobError> {
    let mut payload_of = |index: usize| {
        let bytes = element(index);
        match bytes.split_first() {
            Some((0, payload)) if payload.len() == ELEMENT_PAYLOAD => Ok(payload.to_vec()),
            Some((_, payload)) if payload.len() == ELEMENT_PAYLOAD => {
                Err(BlobError::TopByte(index))
            }
            _ => Err(BlobError::Element(index)),
        }
    };
    let first = payload_of(0)?;
    let mut length = [0u8; LENGTH_BYTES];
    length.copy_from_slice(&first[..LENGTH_BYTES]);
    let length = u32::from_be_bytes(length) as usize;
    if length > CAPACITY {
        return Err(BlobError::Length(length));
    }
    let end = LENGTH_BYTES + length;
    let mut payload = first;
    for index in 1..end.div_ceil(ELEMENT_PAYLOAD) {
        payload.extend(payload_of(index)?);
    }
    payload.truncate(end);
    Ok(payload.split_off(LENGTH_BYTES))
}

/// [`decode`] over a whole blob's bytes (the node's view).
pub fn decode_blob(blob: &[u8]) -> Result<Vec<u8>, BlobError> {
    decode(|index| {
        blob.get(index * ELEMENT_BYTES..(index + 1) * ELEMENT_BYTES)
            .map_or_else(Vec::new, <[u8]>::to_vec)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_round_trips_through_a_blob() {
        for len in [0, 1, 26, 27, 28, 31, 62, 1000, CAPACITY - 1, CAPACITY] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let blob = encode(&data).expect("fits");
            assert_eq!(blob.len(), BLOB_BYTES);
            assert!(blob.chunks(ELEMENT_BYTES).all(|e| e[0] == 0));
            assert_eq!(decode_blob(&blob), Ok(data), "length {len}");
        }
        assert_eq!(encode(&alloc::vec![0; CAPACITY + 1]), None);
    }

    #[test]
    fn decoding_reads_only_the_elements_the_length_covers() {
        let blob = encode(&[9; 100]).expect("fits");
        let mut read = Vec::new();
        let data = decode(|i| {
            read.push(i);
            blob[i * 32..i * 32 + 32].to_vec()
        });
        assert_eq!(data, Ok(alloc::vec![9; 100]));
        assert_eq!(read, [0, 1, 2, 3]); // 104 payload bytes
    }

    #[test]
    fn malformed_blobs_are_errors() {
        let mut blob = encode(&[1; 40]).expect("fits");
        blob[32] = 1;
        assert_eq!(decode_blob(&blob), Err(BlobError::TopByte(1)));
        // A nonzero top byte past the data is not read.
        let mut blob = encode(&[1; 40]).expect("fits");
        blob[64] = 1;
        assert_eq!(decode_blob(&blob), Ok(alloc::vec![1; 40]));
        let mut blob = encode(&[]).expect("fits");
        blob[1..5].copy_from_slice(&(CAPACITY as u32 + 1).to_be_bytes());
        assert_eq!(decode_blob(&blob), Err(BlobError::Length(CAPACITY + 1)));
        assert_eq!(decode(|_| alloc::vec![0; 31]), Err(BlobError::Element(0)));
    }

    #[test]
    fn element_keys_are_typed_and_distinct() {
        let hash = B256::repeat_byte(1);
        let key = element_key(hash, 7);
        assert_eq!(key[0], 5);
        assert_ne!(key, element_key(hash, 8));
        assert_ne!(key, element_key(B256::repeat_byte(2), 7));
    }
}
