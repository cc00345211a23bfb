//! The unit chain: the reference application of a split game, the host's twin of the
//! `unit-chain` guest (`program/unit-chain`, which documents the units). Small enough to play
//! every strategy of the tests across a split at any depth; `dispute/tests/split.rs` checks
//! that this twin and the guest agree on every unit.

use axon_vm::merkle::keccak256;
use axon_vm::{Hash, PreimageStore};

use super::{Subgame, Units};
use crate::{Error, Result};

/// The unit chain of one input: `u32_be(units) ‖ seed`.
#[derive(Debug, Clone)]
pub struct UnitChain {
    input: Vec<u8>,
    /// `commitments[k]`: the commitment after `k` units, for `k` up to the unit count.
    commitments: Vec<Hash>,
}

impl UnitChain {
    /// The chain of `units` units over `seed` (at most 28 bytes: the input is one local word).
    pub fn new(units: u32, seed: &[u8]) -> Result<Self> {
        if seed.len() > 28 {
            return Err(Error::BadInput {
                what: "a unit chain's seed".into(),
                reason: format!("{} bytes, at most 28 fit the input word", seed.len()),
            });
        }
        let mut input = units.to_be_bytes().to_vec();
        input.extend_from_slice(seed);
        let mut commitments = Vec::with_capacity(units as usize + 1);
        commitments.push([0; 32]);
        for k in 0..u64::from(units) {
            let mut preimage = commitments[k as usize].to_vec();
            preimage.extend_from_slice(seed);
            preimage.extend_from_slice(&k.to_be_bytes());
            commitments.push(keccak256(&preimage));
        }
        Ok(Self { input, commitments })
    }

    /// The program input (local datum 1).
    pub fn input(&self) -> &[u8] {
        &self.input
    }
}

impl Units for UnitChain {
    fn count(&self) -> u64 {
        self.commitments.len() as u64 - 1
    }

    fn commitment_after(&mut self, units: u64) -> Result<Hash> {
        let last = self.commitments.len() - 1;
        Ok(self.commitments[usize::try_from(units).unwrap_or(usize::MAX).min(last)])
    }

    fn locals(&self) -> Vec<Vec<u8>> {
        vec![self.input.clone()]
    }

    fn preimages(&mut self, _subgame: &Subgame) -> Result<PreimageStore> {
        Ok(PreimageStore::new())
    }
}
