//! The host's side of the work a block offloads to the oracle ([`crate::oracle`]):
//! [`Native`] computes it — revm's own precompiles, the ML engine's `serve` — and
//! [`Recording`] keeps what a run asked for, the block's [`Offloaded`] entries. The guest's
//! preimage store gets each entry's data under its key; the L1 loader gets its call (or
//! request), the preimage of the key's hash, which the oracle needs to compute (or to find)
//! the data on chain.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;

use axon_ml::{serve, InferenceResult, NoProbe};

use super::witness::ModelFiles;
use crate::oracle::{encode_answer, inference_key, Oracle, PrecompileCall};

/// The oracle computed on the host: Prague's precompiles as revm runs them, and inferences
/// as the `inference` guest serves them, on the models in `models`.
#[derive(Debug, Clone, Copy)]
pub struct Native<'a> {
    models: &'a ModelFiles,
}

impl<'a> Native<'a> {
    /// Computes with the model files of `models`.
    pub fn new(models: &'a ModelFiles) -> Self {
        Self { models }
    }
}

impl Oracle for Native<'_> {
    fn precompile(&mut self, call: &PrecompileCall<'_>) -> Option<Vec<u8>> {
        crate::precompiles::compute(call)
    }

    fn inference(&mut self, request: &[u8]) -> Option<InferenceResult> {
        serve(request, |address| self.models.get(address).cloned(), &mut NoProbe)
    }
}

/// One offloaded answer: what the oracle stores under the key, and the preimage of the key's
/// hash (the precompile call, or the inference request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// `PrecompileCall::encode`, or the request.
    pub source: Vec<u8>,
    /// `status ‖ output` of the call, or `status ‖ payload` of the result.
    pub data: Vec<u8>,
}

/// The answers a block's run read from the oracle, by key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Offloaded {
    entries: BTreeMap<[u8; 32], Entry>,
}

impl Offloaded {
    /// Every entry, by key.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8; 32], &Entry)> {
        self.entries.iter()
    }

    /// How many answers the run read.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the run read none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The precompile calls (their encodings), in key order.
    pub fn calls(&self) -> impl Iterator<Item = &[u8]> {
        self.of_type(crate::oracle::PRECOMPILE_KEY_TYPE)
    }

    /// The inference requests, in key order.
    pub fn requests(&self) -> impl Iterator<Item = &[u8]> {
        self.of_type(crate::oracle::INFERENCE_KEY_TYPE)
    }

    fn of_type(&self, key_type: u8) -> impl Iterator<Item = &[u8]> {
        self.entries.iter().filter(move |(k, _)| k[0] == key_type).map(|(_, e)| &e.source[..])
    }

    /// The entries of `calls` (encoded) and `requests`, computed again by `oracle`: a saved
    /// block's answers from its saved calls. `None` when a call is not an encoded call or a
    /// request cannot be served (its model file is missing).
    pub fn recompute<'a>(
        calls: impl IntoIterator<Item = &'a [u8]>,
        requests: impl IntoIterator<Item = &'a [u8]>,
        oracle: impl Oracle,
    ) -> Option<Self> {
        let mut recording = Recording::new(oracle);
        for call in calls {
            recording.precompile(&PrecompileCall::decode(call)?);
        }
        for request in requests {
            recording.inference(request)?;
        }
        Some(recording.into_offloaded())
    }
}

/// Answers from `O`, keeping each as an [`Entry`].
#[derive(Debug)]
pub struct Recording<O> {
    inner: O,
    offloaded: Offloaded,
}

impl<O: Oracle> Recording<O> {
    /// Records the answers of `inner`.
    pub fn new(inner: O) -> Self {
        Self { inner, offloaded: Offloaded::default() }
    }

    /// What was asked so far.
    pub fn into_offloaded(self) -> Offloaded {
        self.offloaded
    }
}

impl<O: Oracle> Oracle for Recording<O> {
    fn precompile(&mut self, call: &PrecompileCall<'_>) -> Option<Vec<u8>> {
        let answer = self.inner.precompile(call);
        let entry = Entry { source: call.encode(), data: encode_answer(answer.as_deref()) };
        self.offloaded.entries.insert(call.key(), entry);
        answer
    }

    fn inference(&mut self, request: &[u8]) -> Option<InferenceResult> {
        let result = self.inner.inference(request)?;
        let entry = Entry { source: request.to_vec(), data: result.encode() };
        self.offloaded.entries.insert(inference_key(request), entry);
        Some(result)
    }
}
