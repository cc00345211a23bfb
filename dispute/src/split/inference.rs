//! Multi-phase opML: an inference as a split game's units (`docs/ml.md`, "Multi-phase
//! disputes"). Phase 1 runs the model natively unit by unit (`axon_ml::units`: an AXML layer,
//! a transformer operator at one position) and keeps the commitment after each; phase 2 is
//! the `inference-unit` guest re-executing the one disputed unit in the VM from the agreed
//! state, whose header and buffers this module serves as keccak preimages (recomputed
//! natively on demand: a commitment is 32 bytes, a state up to hundreds of kilobytes).

use axon_ml::model::Request;
use axon_ml::units::UnitState;
use axon_ml::Model;
use axon_vm::merkle::keccak256;
use axon_vm::{Hash, PreimageStore};

use super::{Subgame, Units};
use crate::Result;

/// The request for `output_size` bytes of the model `model_bytes` (by its blob key) on
/// `input`: the `inference` precompile's calldata, whose keccak-256 a game's input is.
pub fn request(model_bytes: &[u8], input: &[u8], output_size: usize) -> Vec<u8> {
    let model = axon_vm::preimage::blob_key(model_bytes);
    Request { model, output_size, input }.encode()
}

/// One inference request's units.
#[derive(Debug)]
pub struct InferenceUnits {
    model_bytes: Vec<u8>,
    model: Result<Model, axon_ml::Error>,
    request: Vec<u8>,
    request_hash: Hash,
    /// `commitments[n]`: the commitment after `n + 1` units, up to the end of the run.
    commitments: Vec<Hash>,
}

impl InferenceUnits {
    /// Runs the request for `output_size` bytes of `model_bytes` (addressed by its blob key)
    /// on `input`, unit by unit, keeping every commitment: phase 1 of a dispute.
    pub fn new(model_bytes: Vec<u8>, input: &[u8], output_size: usize) -> Self {
        let request = request(&model_bytes, input, output_size);
        let model = Model::parse(&model_bytes);
        let request_hash = keccak256(&request);
        let mut state = UnitState::begin(
            request_hash,
            Request::parse(&request),
            model.as_ref().map_err(Clone::clone),
        );
        // The first unit is applied even to a run with none: the commitment after one unit is
        // the (unchanged) state's.
        let mut commitments = Vec::with_capacity(state.total() as usize + 1);
        loop {
            state.apply();
            commitments.push(state.commitment(keccak256));
            if state.is_done() {
                break;
            }
        }
        Self { model_bytes, model, request, request_hash, commitments }
    }

    /// The program input: the keccak-256 of the request (local datum 1; the guest reads the
    /// request by that keccak key).
    pub fn request_hash(&self) -> Hash {
        self.request_hash
    }

    /// The units of the run (the padding after them changes nothing).
    pub fn units(&self) -> u64 {
        self.commitments.len() as u64
    }

    /// The run's result: the output bytes, or the reason the request was refused.
    pub fn result(&self) -> std::result::Result<Vec<u8>, String> {
        match self.state_after(self.units()).result() {
            Some(Ok(output)) => Ok(output),
            Some(Err(reason)) => Err(String::from_utf8_lossy(reason).into_owned()),
            None => Err("the run is not over".into()),
        }
    }

    /// The state after `units` units, recomputed natively.
    fn state_after(&self, units: u64) -> UnitState<'_> {
        let mut state = UnitState::begin(
            self.request_hash,
            Request::parse(&self.request),
            self.model.as_ref().map_err(Clone::clone),
        );
        for _ in 0..units.min(self.units()) {
            state.apply();
        }
        state
    }
}

impl Units for InferenceUnits {
    fn count(&self) -> u64 {
        self.units()
    }

    fn commitment_after(&mut self, units: u64) -> Result<Hash> {
        Ok(match units {
            0 => [0; 32],
            n => {
                self.commitments
                    [(usize::try_from(n).unwrap_or(usize::MAX) - 1).min(self.commitments.len() - 1)]
            }
        })
    }

    fn locals(&self) -> Vec<Vec<u8>> {
        vec![self.request_hash.to_vec()]
    }

    fn preimages(&mut self, subgame: &Subgame) -> Result<PreimageStore> {
        let mut store = PreimageStore::new();
        store.insert_keccak(self.request.clone());
        store.insert_blob(self.model_bytes.clone());
        if subgame.unit > 0 {
            // The agreed state is the honest one after `unit` units, or one nobody can show.
            subgame.check_agreed(&self.commitment_after(subgame.unit)?)?;
            let mut state = self.state_after(subgame.unit);
            store.insert_keccak(state.header(keccak256));
            for buffer in state.buffers() {
                store.insert_keccak(buffer);
            }
        }
        Ok(store)
    }
}
