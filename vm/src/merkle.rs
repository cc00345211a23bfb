//! The binary keccak-256 Merkle tree that commits to memory (and to blobs).
//!
//! Leaves are 32 raw bytes, inner nodes are `keccak256(left ‖ right)`, the tree has
//! [`DEPTH`] levels, so a proof is one leaf and [`DEPTH`] siblings (see `docs/spec.md`).
//! This module holds the pure functions; [`crate::memory::Memory`] keeps the cached tree.

use std::sync::OnceLock;

use axon_abi::layout::{KECCAK_BLOCK_BYTES, MEMORY_PROOF_BYTES, MEMORY_TREE_DEPTH};

/// The shortest wire-form proof: the leaf and the mask, every sibling an empty subtree.
pub const MEMORY_PROOF_MIN_BYTES: usize = 36;
/// The longest wire-form proof: the leaf, the mask and all 27 siblings.
pub const MEMORY_PROOF_MAX_BYTES: usize = MEMORY_PROOF_MIN_BYTES + 32 * DEPTH;
use keccak_asm::{Digest, Keccak256};

/// A 32-byte keccak-256 digest or memory leaf.
pub type Hash = [u8; 32];

/// Levels between a leaf and the root.
pub const DEPTH: usize = MEMORY_TREE_DEPTH;

/// `log2` of the number of bytes in a leaf.
pub const LEAF_SHIFT: u32 = 5;

/// keccak-256 of arbitrary bytes.
pub fn keccak256(data: &[u8]) -> Hash {
    Keccak256::digest(data).into()
}

/// An inner node: `keccak256(left ‖ right)`.
///
/// The Merkle tree spends its time here: keccak-asm runs OpenSSL's keccak1600 assembly, one
/// permutation per node (the 64-byte message fits one block), ~17% faster than the `keccak`
/// crate's portable permutation on this project's machines (`docs/benchmarks.md`).
#[inline]
pub fn hash_pair(left: &Hash, right: &Hash) -> Hash {
    let mut hasher = Keccak256::new();
    hasher.update(left);
    hasher.update(right);
    hasher.finalize().into()
}

/// `zero_hashes()[k]` is the root of an all-zero subtree of height `k`
/// (`[0]` is the zero leaf, `[DEPTH]` the root of empty memory).
pub fn zero_hashes() -> &'static [Hash; DEPTH + 1] {
    static ZERO: OnceLock<[Hash; DEPTH + 1]> = OnceLock::new();
    ZERO.get_or_init(|| {
        let mut zero = [[0u8; 32]; DEPTH + 1];
        for level in 1..=DEPTH {
            zero[level] = hash_pair(&zero[level - 1], &zero[level - 1]);
        }
        zero
    })
}

/// A memory proof: the leaf holding an address and its siblings from the bottom up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proof {
    /// The 32 bytes of the leaf.
    pub leaf: Hash,
    /// `siblings[k]` is the sibling at height `k` on the path to the root.
    pub siblings: [Hash; DEPTH],
}

impl Proof {
    /// The root this proof implies for `leaf` placed at the leaf holding `addr`.
    pub fn root_with_leaf(&self, addr: u32, leaf: &Hash) -> Hash {
        climb(*leaf, addr >> LEAF_SHIFT, &self.siblings)
    }

    /// The root this proof implies for the leaf holding `addr`.
    pub fn root(&self, addr: u32) -> Hash {
        self.root_with_leaf(addr, &self.leaf)
    }

    /// The full form: the leaf, then all 27 siblings bottom-up ([`MEMORY_PROOF_BYTES`]).
    pub fn to_full_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MEMORY_PROOF_BYTES);
        out.extend_from_slice(&self.leaf);
        for sibling in &self.siblings {
            out.extend_from_slice(sibling);
        }
        out
    }

    /// The wire form (`docs/spec.md`): the leaf, a big-endian 32-bit mask whose bit `k` says
    /// sibling `k` is the empty-subtree hash `Z[k]` and omitted, then the other siblings
    /// bottom-up. 36 to 900 bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(MEMORY_PROOF_MAX_BYTES);
        self.write_to(&mut out);
        out
    }

    /// Appends the wire form to `out`.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.leaf);
        write_siblings(&self.siblings, 0, out);
    }

    /// Parses one wire-form proof at the start of `bytes`; returns it and the bytes it took,
    /// or `None` if `bytes` is too short or the mask has bits above the tree's depth.
    pub fn read_from(bytes: &[u8]) -> Option<(Self, usize)> {
        let leaf: Hash = bytes.get(..32)?.try_into().ok()?;
        let (siblings, used) = read_siblings(&bytes[32..], 0)?;
        Some((Self { leaf, siblings }, 32 + used))
    }

    /// Parses a blob of consecutive wire-form leaf proofs (a witness's proof blob, except a
    /// `keccak_permute` step's, whose second proof is a [`BlockProof`]).
    pub fn read_all(mut bytes: &[u8]) -> Option<Vec<Self>> {
        let mut proofs = Vec::new();
        while !bytes.is_empty() {
            let (proof, used) = Self::read_from(bytes)?;
            proofs.push(proof);
            bytes = &bytes[used..];
        }
        Some(proofs)
    }
}

/// Bytes in a memory block: the eight leaves under one node of height [`BLOCK_HEIGHT`], which
/// `keccak_permute` reads and writes whole (`docs/spec.md`, "Syscalls").
pub const BLOCK_BYTES: usize = KECCAK_BLOCK_BYTES as usize;
/// The height of a memory block's node above its leaves.
pub const BLOCK_HEIGHT: usize = 3;
/// The shortest wire-form block proof: the block and the mask.
pub const BLOCK_PROOF_MIN_BYTES: usize = BLOCK_BYTES + 4;
/// The longest wire-form block proof: the block, the mask and all 24 siblings.
pub const BLOCK_PROOF_MAX_BYTES: usize = BLOCK_PROOF_MIN_BYTES + 32 * (DEPTH - BLOCK_HEIGHT);

/// The bytes of one memory block.
pub type MemoryBlock = [u8; BLOCK_BYTES];

/// A block proof: the eight leaves of a [`BLOCK_BYTES`]-aligned block and the siblings of
/// their common node from height [`BLOCK_HEIGHT`] up, so one path proves (and rewrites) all
/// eight leaves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockProof {
    /// The block's bytes.
    pub block: MemoryBlock,
    /// `siblings[k]` is the sibling at height `BLOCK_HEIGHT + k` on the path to the root.
    pub siblings: [Hash; DEPTH - BLOCK_HEIGHT],
}

impl BlockProof {
    /// The root this proof implies for `block` placed at the block holding `addr`.
    pub fn root_with_block(&self, addr: u32, block: &MemoryBlock) -> Hash {
        let mut level: Vec<Hash> =
            block.chunks_exact(32).map(|leaf| leaf.try_into().expect("32-byte chunk")).collect();
        while level.len() > 1 {
            level = level.chunks_exact(2).map(|pair| hash_pair(&pair[0], &pair[1])).collect();
        }
        climb(level[0], addr >> (LEAF_SHIFT as usize + BLOCK_HEIGHT), &self.siblings)
    }

    /// The root this proof implies for the block holding `addr`.
    pub fn root(&self, addr: u32) -> Hash {
        self.root_with_block(addr, &self.block)
    }

    /// Appends the wire form (`docs/spec.md`): the block, a big-endian 32-bit mask whose bit
    /// `k` says the sibling at height `3 + k` is `Z[3 + k]` and omitted, then the other
    /// siblings bottom-up. 260 to 1028 bytes.
    pub fn write_to(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.block);
        write_siblings(&self.siblings, BLOCK_HEIGHT, out);
    }

    /// Parses one wire-form block proof at the start of `bytes`; returns it and the bytes it
    /// took, or `None` if `bytes` is too short or the mask has bits above the 24 siblings.
    pub fn read_from(bytes: &[u8]) -> Option<(Self, usize)> {
        let block: MemoryBlock = bytes.get(..BLOCK_BYTES)?.try_into().ok()?;
        let (siblings, used) = read_siblings(&bytes[BLOCK_BYTES..], BLOCK_HEIGHT)?;
        Some((Self { block, siblings }, BLOCK_BYTES + used))
    }
}

/// Hashes `node`, the node `index` at height `DEPTH - siblings.len()`, up to the root.
fn climb(mut node: Hash, index: u32, siblings: &[Hash]) -> Hash {
    for (level, sibling) in siblings.iter().enumerate() {
        node = if (index >> level) & 1 == 1 {
            hash_pair(sibling, &node)
        } else {
            hash_pair(&node, sibling)
        };
    }
    node
}

/// Appends the mask and the non-empty ones of `siblings`, the first of which is at `height`.
fn write_siblings(siblings: &[Hash], height: usize, out: &mut Vec<u8>) {
    let zero = &zero_hashes()[height..];
    let mask =
        (0..siblings.len()).filter(|&k| siblings[k] == zero[k]).fold(0u32, |mask, k| mask | 1 << k);
    out.extend_from_slice(&mask.to_be_bytes());
    for (k, sibling) in siblings.iter().enumerate() {
        if mask & (1 << k) == 0 {
            out.extend_from_slice(sibling);
        }
    }
}

/// Parses a mask and the siblings from `height` to the root that `write_siblings` wrote;
/// returns them and the bytes taken, or `None` when `bytes` is short or the mask has a bit
/// above the siblings.
fn read_siblings<const N: usize>(bytes: &[u8], height: usize) -> Option<([Hash; N], usize)> {
    debug_assert_eq!(height + N, DEPTH);
    let mask = u32::from_be_bytes(bytes.get(..4)?.try_into().ok()?);
    if mask >> N != 0 {
        return None;
    }
    let zero = &zero_hashes()[height..];
    let mut at = 4;
    let mut siblings = [[0u8; 32]; N];
    for (k, sibling) in siblings.iter_mut().enumerate() {
        *sibling = if mask & (1 << k) != 0 {
            zero[k]
        } else {
            let word = bytes.get(at..at + 32)?.try_into().ok()?;
            at += 32;
            word
        };
    }
    Some((siblings, at))
}

/// The root of the tree whose leaves are `bytes` laid out from address 0, zero-padded.
///
/// This is the memory root of a machine whose memory holds `bytes` at address 0; it is also
/// the commitment of a Merkle-chunked blob. Cost: one hash per non-empty inner node.
///
/// # Panics
/// If `bytes` is longer than the 4 GiB address space.
pub fn root_of_bytes(bytes: &[u8]) -> Hash {
    assert!((bytes.len() as u64) <= 1u64 << 32, "more bytes than the address space");
    let zero = zero_hashes();
    let mut level: Vec<Hash> = bytes
        .chunks(32)
        .map(|chunk| {
            let mut leaf = [0u8; 32];
            leaf[..chunk.len()].copy_from_slice(chunk);
            leaf
        })
        .collect();
    for height in 0..DEPTH {
        if level.is_empty() {
            return zero[DEPTH];
        }
        level = level
            .chunks(2)
            .map(|pair| hash_pair(&pair[0], pair.get(1).unwrap_or(&zero[height])))
            .collect();
    }
    level.first().copied().unwrap_or(zero[DEPTH])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_root_matches_zero_chain() {
        assert_eq!(root_of_bytes(&[]), zero_hashes()[DEPTH]);
        assert_eq!(root_of_bytes(&[0u8; 100]), zero_hashes()[DEPTH]);
    }

    #[test]
    fn hash_pair_is_keccak_of_the_concatenation() {
        let left: Hash = std::array::from_fn(|i| i as u8);
        let right: Hash = std::array::from_fn(|i| 0xff - i as u8);
        let mut both = left.to_vec();
        both.extend_from_slice(&right);
        assert_eq!(hash_pair(&left, &right), keccak256(&both));
        // keccak256("") is well known; a sanity check of the primitive itself.
        assert_eq!(
            hex::encode(keccak256(b"")),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }

    #[test]
    fn zero_hash_of_height_one_is_keccak_of_64_zero_bytes() {
        assert_eq!(zero_hashes()[1], keccak256(&[0u8; 64]));
        // A known answer, so the tree's own primitive is checked against more than itself.
        assert_eq!(
            hex::encode(zero_hashes()[1]),
            "ad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5"
        );
    }

    #[test]
    fn block_proof_proves_and_rewrites_its_eight_leaves() {
        // Memory holding bytes up to 0x500: the block at 0x400 has data before it (so some
        // siblings are not empty), and its last 56 bytes matter to the root too.
        let bytes: Vec<u8> = (0..0x500u32).map(|i| (i * 7 + 3) as u8).collect();
        let root = root_of_bytes(&bytes);
        let mut memory = crate::memory::Memory::new(16);
        memory.store_bytes(0, &bytes).expect("16 pages are enough");
        assert_eq!(memory.root(), root);
        let proof = memory.block_proof(0x4a0);
        assert_eq!(&proof.block[..], &bytes[0x400..0x500]);
        assert_eq!(proof.root(0x400), root);
        assert_eq!(proof.root(0x4ff), root, "any address in the block");

        let mut changed = bytes.clone();
        changed[0x4c7] ^= 0xff;
        let block: MemoryBlock = changed[0x400..0x500].try_into().expect("256 bytes");
        assert_eq!(proof.root_with_block(0x400, &block), root_of_bytes(&changed));

        let mut wire = Vec::new();
        proof.write_to(&mut wire);
        assert_eq!(BlockProof::read_from(&wire), Some((proof.clone(), wire.len())));
        assert_eq!(BlockProof::read_from(&wire[..wire.len() - 1]), None, "truncated");
        let mut high = wire.clone();
        high[BLOCK_BYTES] |= 0x01; // mask bit 24: above the 24 siblings
        assert_eq!(BlockProof::read_from(&high), None);
        assert!(wire.len() >= BLOCK_PROOF_MIN_BYTES && wire.len() <= BLOCK_PROOF_MAX_BYTES);
    }

    #[test]
    fn proof_wire_form_round_trips_and_omits_empty_siblings() {
        let zero = zero_hashes();
        let mut proof = Proof { leaf: [7; 32], siblings: *zero.first_chunk().expect("27 of 28") };
        proof.siblings[3] = [3; 32];
        proof.siblings[26] = [26; 32];
        let bytes = proof.to_bytes();
        assert_eq!(bytes.len(), MEMORY_PROOF_MIN_BYTES + 2 * 32);
        assert_eq!(&bytes[32..36], &(!((1u32 << 3) | (1 << 26)) & ((1 << 27) - 1)).to_be_bytes());
        assert_eq!(Proof::read_from(&bytes), Some((proof.clone(), bytes.len())));
        assert_eq!(Proof::read_from(&bytes[..bytes.len() - 1]), None, "truncated");
        let mut high = bytes.clone();
        high[32] |= 0x80;
        assert_eq!(Proof::read_from(&high), None, "mask bits above the depth");
        let mut two = bytes.clone();
        two.extend_from_slice(&bytes);
        assert_eq!(Proof::read_all(&two), Some(vec![proof.clone(), proof.clone()]));
        assert_eq!(proof.to_full_bytes().len(), MEMORY_PROOF_BYTES);
        assert_eq!(Proof::read_all(&two[..two.len() - 3]), None);
    }
}
