//! Axiom V0's block-hash groups.
//!
//! Blocks `[start, start + 1023]` with `start` a multiple of 1024 form a group. Its Merkle
//! root is a binary keccak tree of depth [`TREE_DEPTH`] over the raw block hashes as leaves,
//! where the hashes from index `numFinal` on are replaced by zero (so the empty subtrees hash
//! to V0's zero-subtree constants: `keccak(0 ‖ 0)`, and so on up). The cache stores
//! `historicalRoots[start] = keccak(prevHash ‖ root ‖ uint32 numFinal)`, `prevHash` being the
//! hash of block `start − 1`.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, B256};

use crate::header::BlockHeader;
use crate::{Error, Result};

/// The depth of a group's tree.
pub const TREE_DEPTH: usize = 10;

/// Blocks per group.
pub const GROUP_SIZE: u64 = 1 << TREE_DEPTH;

/// A Merkle path: the sibling at each level, leaf level first.
pub type MerkleProof = [B256; TREE_DEPTH];

pub use crate::abi::GroupClaimAbi;

/// What an update claims about one group: the inputs of `historicalRoots[start]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupClaim {
    /// The group's first block number (a multiple of 1024).
    pub start: u32,
    /// The hash of block `start − 1`.
    pub prev_hash: B256,
    /// The Merkle root of the group's block hashes.
    pub root: B256,
    /// How many of the group's blocks, from `start`, the root covers (1 to 1024).
    pub num_final: u32,
}

impl GroupClaim {
    /// The claim a verified chain (oldest first) supports: it must start at a group boundary
    /// and lie within one group.
    pub fn from_chain(chain: &[BlockHeader]) -> Result<Self> {
        let first = chain.first().ok_or(Error::EmptyChain)?;
        if first.number() % GROUP_SIZE != 0 {
            return Err(Error::Group("the first block is not a multiple of 1024"));
        }
        if chain.len() as u64 > GROUP_SIZE {
            return Err(Error::Group("more than 1024 headers"));
        }
        let start = u32::try_from(first.number())
            .map_err(|_| Error::Group("the block number does not fit V0's uint32"))?;
        let hashes: Vec<B256> = chain.iter().map(|h| h.hash).collect();
        Ok(Self {
            start,
            prev_hash: first.header.parent_hash,
            root: root(&hashes),
            num_final: chain.len() as u32,
        })
    }

    /// `abi.encode(start, prevHash, root, numFinal)`: 128 bytes.
    pub fn abi_encode(&self) -> Vec<u8> {
        use alloy_sol_types::SolValue;
        GroupClaimAbi {
            start: self.start,
            prevHash: self.prev_hash,
            root: self.root,
            numFinal: self.num_final,
        }
        .abi_encode()
    }

    /// The value V0 stores in `historicalRoots[start]`.
    pub fn historical_root(&self) -> B256 {
        let mut packed = [0u8; 68];
        packed[..32].copy_from_slice(self.prev_hash.as_slice());
        packed[32..64].copy_from_slice(self.root.as_slice());
        packed[64..].copy_from_slice(&self.num_final.to_be_bytes());
        keccak256(packed)
    }
}

/// The Merkle root of a group whose first `hashes.len()` (≤ 1024) block hashes are `hashes`.
///
/// Only the filled part is hashed: past it, each level's nodes are the zero-subtree hash of
/// that level, so a recent group with few final blocks costs a few hashes, not 1023.
pub fn root(hashes: &[B256]) -> B256 {
    let mut level: Vec<B256> = hashes.iter().take(GROUP_SIZE as usize).copied().collect();
    // The hash of an empty subtree whose root is at the current level.
    let mut zero = B256::ZERO;
    for _ in 0..TREE_DEPTH {
        level =
            level.chunks(2).map(|pair| hash_pair(&pair[0], pair.get(1).unwrap_or(&zero))).collect();
        zero = hash_pair(&zero, &zero);
    }
    level.first().copied().unwrap_or(zero)
}

/// The Merkle path of leaf `index` in the group of `hashes` (as in [`root`]).
pub fn proof(hashes: &[B256], index: usize) -> MerkleProof {
    let mut path = [B256::ZERO; TREE_DEPTH];
    let mut level = leaves(hashes);
    let mut at = index % GROUP_SIZE as usize;
    for sibling in &mut path {
        *sibling = level[at ^ 1];
        level = level.chunks_exact(2).map(|pair| hash_pair(&pair[0], &pair[1])).collect();
        at /= 2;
    }
    path
}

/// The root that `leaf` at `index` and its Merkle path `proof` hash up to.
pub fn root_from_proof(leaf: B256, index: usize, proof: &MerkleProof) -> B256 {
    proof.iter().enumerate().fold(leaf, |node, (level, sibling)| {
        if (index >> level) & 1 == 0 {
            hash_pair(&node, sibling)
        } else {
            hash_pair(sibling, &node)
        }
    })
}

/// `keccak(left ‖ right)`.
pub fn hash_pair(left: &B256, right: &B256) -> B256 {
    let mut both = [0u8; 64];
    both[..32].copy_from_slice(left.as_slice());
    both[32..].copy_from_slice(right.as_slice());
    keccak256(both)
}

/// The 1024 leaves: `hashes`, then zeros.
fn leaves(hashes: &[B256]) -> Vec<B256> {
    let mut leaves: Vec<B256> = hashes.iter().take(GROUP_SIZE as usize).copied().collect();
    leaves.resize(GROUP_SIZE as usize, B256::ZERO);
    leaves
}
