//! Axiom V0's `updateHistorical` as a split-game claim (`docs/axiom.md`, "updateHistorical"):
//! 128 complete groups (131,072 headers) at once, backwards from a cached group. The claim's
//! units are the groups, newest first; the commitment after unit `u` is
//! `keccak256(c_(u-1) ‖ abi.encode(start, prevHash, root, 1024))` of its group, zero before
//! the first. Phase 1 walks every group natively (the host's twin of the
//! `header-chain-unit` guest); a dispute runs one group's header chain in the VM.

use std::collections::HashMap;

use alloy::primitives::{keccak256, B256};
use axon_axiom::chain::walk_back_to_group_start;
use axon_axiom::group::{proof, GroupClaim, GROUP_SIZE};
use axon_vm::{Hash, PreimageStore};

use crate::deploy::GameParams;
use crate::split::{Subgame, Units};
use crate::{Error, Result};

/// Groups in one update (V0's `HISTORICAL_NUM_ROOTS`).
pub const GROUPS: usize = 128;
/// The split depth of the claims' game type: exactly the 128 groups above it.
pub const SPLIT_DEPTH: u8 = 7;
/// The depth of the claims' game type: executions of 2^26 steps below the split (a whole
/// group's header chain takes ≈33.4M).
pub const MAX_DEPTH: u8 = 34;

/// The game type of `updateHistorical` claims over the `header-chain-unit` guest whose
/// initial state hash is `prestate` (the defaults of [`GameParams::new`] otherwise).
pub fn game_params(game_type: u32, prestate: Hash) -> GameParams {
    let mut params = GameParams::new(game_type, prestate, MAX_DEPTH);
    params.split_depth = SPLIT_DEPTH;
    params
}

/// What `updateHistorical` takes besides the next group's entry and the game.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoricalUpdate {
    /// The first group's first block.
    pub start: u32,
    /// The hash of the block before it.
    pub start_hash: B256,
    /// The groups' roots, oldest first.
    pub roots: [B256; GROUPS],
    /// For each group but the newest: its last block hash's Merkle path (10 siblings, leaf
    /// level first) and then the hash itself.
    pub end_hash_proofs: [[B256; 11]; GROUPS - 1],
}

/// The units of one update: the 128 groups before the block whose hash is the end hash.
#[derive(Debug)]
pub struct HistoricalUnits {
    end_hash: B256,
    /// The groups newest first, each with its headers (oldest first).
    groups: Vec<(GroupClaim, Vec<Vec<u8>>)>,
    /// `commitments[u]`: the commitment after `u + 1` units, and its preimage.
    commitments: Vec<(Hash, Vec<u8>)>,
}

impl HistoricalUnits {
    /// Walks the 128 groups back from `end_hash` through `headers` (raw headers, any order),
    /// each of which must be complete: phase 1.
    pub fn new(headers: &[Vec<u8>], end_hash: B256) -> Result<Self> {
        let by_hash: HashMap<B256, &Vec<u8>> =
            headers.iter().map(|raw| (keccak256(raw), raw)).collect();
        let mut groups = Vec::with_capacity(GROUPS);
        let mut commitments: Vec<(Hash, Vec<u8>)> = Vec::with_capacity(GROUPS);
        let mut anchor = end_hash;
        for unit in 0..GROUPS {
            let mut missing = None;
            let fetch = |hash: &B256| match by_hash.get(hash) {
                Some(raw) => raw.to_vec(),
                None => {
                    missing = Some(*hash);
                    Vec::new()
                }
            };
            let chain = walk_back_to_group_start(anchor, fetch);
            let bad = |reason: String| Error::BadInput {
                what: format!("the historical update's group {unit} (newest first)"),
                reason,
            };
            if let Some(hash) = missing {
                return Err(bad(format!("no header hashes to {hash}")));
            }
            let chain = chain.map_err(|e| bad(e.to_string()))?;
            let claim = GroupClaim::from_chain(&chain).map_err(|e| bad(e.to_string()))?;
            if u64::from(claim.num_final) != GROUP_SIZE {
                return Err(bad(format!("{} headers, not a whole group", claim.num_final)));
            }
            let previous = commitments.last().map_or([0; 32], |(c, _)| *c);
            let mut preimage = previous.to_vec();
            preimage.extend_from_slice(&claim.abi_encode());
            commitments.push((keccak256(&preimage).0, preimage));
            anchor = claim.prev_hash;
            groups.push((claim, chain.iter().map(|h| by_hash[&h.hash].to_vec()).collect()));
        }
        Ok(Self { end_hash, groups, commitments })
    }

    /// The end hash: the claim's input.
    pub fn end_hash(&self) -> B256 {
        self.end_hash
    }

    /// The commitment after all 128 units: the root claim.
    pub fn commitment(&self) -> Hash {
        self.commitments[GROUPS - 1].0
    }

    /// The arguments `updateHistorical` needs once the claim is won.
    pub fn update(&self) -> HistoricalUpdate {
        let oldest_first: Vec<&(GroupClaim, Vec<Vec<u8>>)> = self.groups.iter().rev().collect();
        let mut roots = [B256::ZERO; GROUPS];
        let mut end_hash_proofs = [[B256::ZERO; 11]; GROUPS - 1];
        for (i, (claim, headers)) in oldest_first.iter().enumerate() {
            roots[i] = claim.root;
            if i + 1 < GROUPS {
                let hashes: Vec<B256> = headers.iter().map(keccak256).collect();
                let last = GROUP_SIZE as usize - 1;
                end_hash_proofs[i][..10].copy_from_slice(&proof(&hashes, last));
                end_hash_proofs[i][10] = hashes[last];
            }
        }
        let (oldest, _) = oldest_first[0];
        HistoricalUpdate {
            start: oldest.start,
            start_hash: oldest.prev_hash,
            roots,
            end_hash_proofs,
        }
    }
}

impl Units for HistoricalUnits {
    fn count(&self) -> u64 {
        GROUPS as u64
    }

    fn commitment_after(&mut self, units: u64) -> Result<Hash> {
        Ok(match usize::try_from(units).unwrap_or(usize::MAX) {
            0 => [0; 32],
            n => self.commitments[n.min(GROUPS) - 1].0,
        })
    }

    fn locals(&self) -> Vec<Vec<u8>> {
        vec![self.end_hash.to_vec()]
    }

    fn preimages(&mut self, subgame: &Subgame) -> Result<PreimageStore> {
        let mut store = PreimageStore::new();
        let unit = usize::try_from(subgame.unit).unwrap_or(usize::MAX);
        if unit >= GROUPS {
            return Ok(store);
        }
        if unit > 0 {
            let (honest, preimage) = &self.commitments[unit - 1];
            subgame.check_agreed(honest)?;
            store.insert_keccak(preimage.clone());
        }
        for header in &self.groups[unit].1 {
            store.insert_keccak(header.clone());
        }
        Ok(store)
    }
}
