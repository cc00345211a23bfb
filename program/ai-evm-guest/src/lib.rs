//! The AI EVM's oracle inside a guest (`docs/ai-evm.md`): the block guests' one way to read
//! what a stateless block needs from the VM's preimage oracle.
//!
//! - trie nodes and contract code by their keccak key ([`Preimages`]);
//! - each inference's result by its request (key type 7: on chain, only a result an opML game
//!   finalized can be loaded there);
//! - each costly precompile's answer, signature recoveries included, by its call (key type 6:
//!   answers L1 computes).
//!
//! The guest never runs a model or a curve operation.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::{Bytes, B256};
use axon_ai_evm::block::Preimages;
use axon_ai_evm::oracle::{decode_answer, inference_key, PrecompileCall};
use axon_ml::InferenceResult;
use axon_runtime::oracle::{read_preimage, PreimageKey};

/// The preimage oracle, as the AI EVM's [`Preimages`] and [`axon_ai_evm::Oracle`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Oracle;

impl Preimages for Oracle {
    fn preimage(&self, hash: B256) -> Option<Bytes> {
        Some(read_preimage(&PreimageKey::keccak256(hash.0)).read_to_end().into())
    }
}

impl axon_ai_evm::Oracle for Oracle {
    fn precompile(&mut self, call: &PrecompileCall<'_>) -> Option<Vec<u8>> {
        let data = read_preimage(&PreimageKey(call.key())).read_to_end();
        decode_answer(&data).map(<[u8]>::to_vec)
    }

    fn inference(&mut self, request: &[u8]) -> Option<InferenceResult> {
        // On chain only a finalized result can be loaded under this key; data that is not a
        // result would be the host's error, as a missing preimage is.
        InferenceResult::decode(&read_preimage(&PreimageKey(inference_key(request))).read_to_end())
    }
}
