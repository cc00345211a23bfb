//! The preimage oracle: the only way data enters the VM.
//!
//! Data is addressed by a typed 32-byte key ([`PreimageKeyType`]); the guest reads the stream
//! `u64_be(len) ‖ data` behind a key in parts that never cross a 32-byte chunk of the stream,
//! so one on-chain step needs one 32-byte part — which, for a Merkle-chunked blob, is proven
//! with a log-depth path against the key (see `docs/spec.md`).

use std::collections::HashMap;

use axon_abi::PreimageKeyType;

use crate::merkle::{keccak256, root_of_bytes, Hash};

/// Bytes of the big-endian length prefix of every preimage stream.
pub const LENGTH_PREFIX_BYTES: usize = 8;

/// One part of a preimage stream: what a single read step may consume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PreimagePart {
    /// The key read.
    #[serde(with = "hex::serde")]
    pub key: Hash,
    /// The stream offset the part starts at.
    pub offset: u32,
    /// The part's bytes, left-aligned; bytes past `len` are zero.
    #[serde(with = "hex::serde")]
    pub bytes: [u8; 32],
    /// How many bytes of `bytes` are data (0 past the end of the stream).
    pub len: u32,
}

impl PreimagePart {
    /// The part of `data`'s stream at `offset` (the oracle rule in `docs/spec.md`).
    pub fn of(key: Hash, data: &[u8], offset: u32) -> Self {
        let stream_len = (LENGTH_PREFIX_BYTES + data.len()) as u64;
        let offset64 = u64::from(offset);
        let in_chunk = 32 - u64::from(offset % 32);
        let len = in_chunk.min(stream_len.saturating_sub(offset64)) as usize;
        let mut bytes = [0u8; 32];
        let prefix = (data.len() as u64).to_be_bytes();
        for (i, byte) in bytes.iter_mut().enumerate().take(len) {
            let at = offset as usize + i;
            *byte =
                if at < LENGTH_PREFIX_BYTES { prefix[at] } else { data[at - LENGTH_PREFIX_BYTES] };
        }
        Self { key, offset, bytes, len: len as u32 }
    }
}

/// Where the host finds preimages.
pub trait PreimageSource {
    /// The data behind `key`, or `None` if the host does not have it.
    fn preimage(&self, key: &Hash) -> Option<&[u8]>;
}

/// The key of local datum `index` (index [`axon_abi::local::INPUT`] is the program input).
pub fn local_key(index: u32) -> Hash {
    let mut key = [0u8; 32];
    key[0] = PreimageKeyType::Local as u8;
    key[28..].copy_from_slice(&index.to_be_bytes());
    key
}

/// The keccak-256 key of `data`.
pub fn keccak_key(data: &[u8]) -> Hash {
    let mut key = keccak256(data);
    key[0] = PreimageKeyType::Keccak256 as u8;
    key
}

/// The Merkle-chunked blob key of `data`: the memory root of its stream laid out at 0.
///
/// # Panics
/// If `data` does not fit the 4 GiB address space with its length prefix.
pub fn blob_key(data: &[u8]) -> Hash {
    let mut stream = Vec::with_capacity(LENGTH_PREFIX_BYTES + data.len());
    stream.extend_from_slice(&(data.len() as u64).to_be_bytes());
    stream.extend_from_slice(data);
    let mut key = root_of_bytes(&stream);
    key[0] = PreimageKeyType::Blob as u8;
    key
}

/// The key of field element `index` of the EIP-4844 blob `versioned_hash`:
/// `0x05 ‖ keccak256(versioned_hash ‖ u64_be(index))[1..32]`. Its source, the 40 bytes the
/// key hashes, is the keccak-256 preimage of the same hash.
pub fn blob_element_key(versioned_hash: &Hash, index: u64) -> Hash {
    let mut key = keccak_key(&blob_element_source(versioned_hash, index));
    key[0] = PreimageKeyType::BlobElement as u8;
    key
}

/// What a blob element's key hashes: `versioned_hash ‖ u64_be(index)`.
fn blob_element_source(versioned_hash: &Hash, index: u64) -> Vec<u8> {
    let mut source = versioned_hash.to_vec();
    source.extend_from_slice(&index.to_be_bytes());
    source
}

/// Field elements in an EIP-4844 blob.
pub const BLOB_FIELD_ELEMENTS: u64 = 4096;

/// Bytes in an EIP-4844 blob: its field elements, 32 bytes each.
pub const BLOB_BYTES: usize = BLOB_FIELD_ELEMENTS as usize * 32;

/// An in-memory preimage store keyed by typed keys.
#[derive(Debug, Clone, Default)]
pub struct PreimageStore {
    entries: HashMap<Hash, Vec<u8>>,
    /// EIP-4844 blobs by versioned hash: what an on-chain loader opens their elements from.
    l1_blobs: HashMap<Hash, Vec<u8>>,
}

impl PreimageStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores `data` as local datum `index`, returning its key.
    pub fn insert_local(&mut self, index: u32, data: Vec<u8>) -> Hash {
        self.insert(local_key(index), data)
    }

    /// Stores `data` under its keccak-256 key, returning the key.
    pub fn insert_keccak(&mut self, data: Vec<u8>) -> Hash {
        self.insert(keccak_key(&data), data)
    }

    /// Stores `data` under its blob key, returning the key.
    pub fn insert_blob(&mut self, data: Vec<u8>) -> Hash {
        self.insert(blob_key(&data), data)
    }

    /// Stores the EIP-4844 blob `versioned_hash` names (the caller checked the name): each
    /// field element under its key (type 5) with the key's source, and the blob itself for
    /// [`Self::l1_blob`]. A blob of other than [`BLOB_BYTES`] bytes is refused.
    pub fn insert_l1_blob(&mut self, versioned_hash: Hash, blob: Vec<u8>) -> bool {
        if blob.len() != BLOB_BYTES {
            return false;
        }
        for (index, element) in (0u64..).zip(blob.chunks_exact(32)) {
            self.insert(blob_element_key(&versioned_hash, index), element.to_vec());
            self.insert_keccak(blob_element_source(&versioned_hash, index));
        }
        self.l1_blobs.insert(versioned_hash, blob);
        true
    }

    /// The EIP-4844 blob `versioned_hash` names, if stored.
    pub fn l1_blob(&self, versioned_hash: &Hash) -> Option<&[u8]> {
        self.l1_blobs.get(versioned_hash).map(Vec::as_slice)
    }

    /// Stores `data` under `key` as given, without checking that `key` commits to `data`:
    /// how a dishonest party's store (a demo's or a test's liar) holds a forged preimage,
    /// which the on-chain oracle will refuse.
    pub fn insert(&mut self, key: Hash, data: Vec<u8>) -> Hash {
        self.entries.insert(key, data);
        key
    }
}

impl PreimageSource for PreimageStore {
    fn preimage(&self, key: &Hash) -> Option<&[u8]> {
        self.entries.get(key).map(Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_follow_the_stream_and_stop_at_chunk_ends() {
        let data: Vec<u8> = (1..=40).collect();
        let part = PreimagePart::of([0; 32], &data, 0);
        assert_eq!(part.len, 32);
        assert_eq!(&part.bytes[..8], &40u64.to_be_bytes());
        assert_eq!(&part.bytes[8..], &data[..24]);
        let part = PreimagePart::of([0; 32], &data, 30);
        assert_eq!(part.len, 2);
        assert_eq!(&part.bytes[..2], &data[22..24]);
        let part = PreimagePart::of([0; 32], &data, 32);
        assert_eq!(part.len, 16);
        assert_eq!(&part.bytes[..16], &data[24..]);
        assert_eq!(part.bytes[16..], [0; 16]);
        assert_eq!(PreimagePart::of([0; 32], &data, 48).len, 0);
        assert_eq!(PreimagePart::of([0; 32], &data, u32::MAX).len, 0);
    }

    #[test]
    fn keys_carry_their_type_byte() {
        assert_eq!(local_key(1)[0], 1);
        assert_eq!(local_key(1)[31], 1);
        assert_eq!(keccak_key(b"abc")[0], 2);
        assert_eq!(keccak_key(b"abc")[1..], keccak256(b"abc")[1..]);
        assert_eq!(blob_key(b"abc")[0], 129);
        assert_eq!(blob_element_key(&[1; 32], 7)[0], 5);
    }

    #[test]
    fn an_l1_blob_is_stored_element_by_element() {
        let mut store = PreimageStore::new();
        assert!(!store.insert_l1_blob([1; 32], vec![0; 31]));
        let blob: Vec<u8> = (0..BLOB_BYTES).map(|i| (i / 32) as u8).collect();
        assert!(store.insert_l1_blob([1; 32], blob.clone()));
        let key = blob_element_key(&[1; 32], 3);
        assert_eq!(store.preimage(&key), Some(&[3u8; 32][..]));
        let mut source = keccak_key(&blob_element_source(&[1; 32], 3));
        assert_eq!(source[1..], key[1..]);
        source[0] = PreimageKeyType::Keccak256 as u8;
        assert!(store.preimage(&source).is_some());
        assert_eq!(store.l1_blob(&[1; 32]), Some(&blob[..]));
    }

    #[test]
    fn blob_key_commits_to_the_length_prefixed_stream() {
        let mut stream = 3u64.to_be_bytes().to_vec();
        stream.extend_from_slice(b"abc");
        assert_eq!(blob_key(b"abc")[1..], root_of_bytes(&stream)[1..]);
        assert_ne!(blob_key(b"abc"), blob_key(b"abc\0"));
    }
}
