//! The AI-EVM block guest: the state transition an AI rollup's proposals are disputed over.
//!
//! The program input (local key 1) is the keccak-256 of an ABI-encoded `BlockInput`
//! (`axon_ai_evm::block`: the pre-state root, the header fields, the registered models and
//! the signed transactions), read by that keccak key. The guest runs the block with revm and
//! the `inference` precompile, fetching every trie node and contract code by its keccak hash,
//! every inference result by its request (key type 7: results an opML game settled) and every
//! costly precompile's answer, signature recoveries included, by its call (key type 6:
//! answers L1 computes) — it never runs a model or a curve operation. It writes the
//! ABI-encoded `BlockOutput` (post-state root, receipts root, gas used) to stdout and its
//! keccak-256 to the output commitment. An invalid block — a malformed or badly signed
//! transaction, one revm refuses, too much gas — exits 1 with the reason on stderr.
//!
//! Built with the `fused` feature (the `ai-evm-block-fused` package, `make bench`'s
//! baseline), the same source computes every precompile and inference in the VM — revm's
//! precompiles, the engine on the model read by its blob key — as the block proof did before
//! the two fraud proofs were separated.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::{String, ToString};
#[cfg(feature = "fused")]
use alloc::vec::Vec;

use axon_ai_evm::block::{execute, BlockInput, BlockOutput};
use axon_runtime::oracle::read_hashed_input;
use axon_runtime::{commitment, entry, eprintln, exit, io};
#[cfg(feature = "fused")]
use {
    alloy_primitives::{Bytes, B256},
    axon_ai_evm::block::Preimages,
    axon_ai_evm::oracle::PrecompileCall,
    axon_ml::InferenceResult,
    axon_runtime::oracle::{read_preimage, PreimageKey},
};

entry!(main);

fn main() {
    match run() {
        Ok(output) => {
            commitment::commit(&output.commitment());
            let _ = io::write_all(axon_runtime::abi::fd::STDOUT, &output.encode());
        }
        Err(reason) => {
            eprintln!("ai-evm-block: {reason}");
            exit(1);
        }
    }
}

/// Reads the block and runs it over the oracle.
fn run() -> Result<BlockOutput, String> {
    let input = read_hashed_input()
        .and_then(|bytes| BlockInput::decode(&bytes))
        .ok_or("the program input must be the keccak-256 of a canonical ABI BlockInput")?;
    Ok(execute(&input, Oracle, Oracle).map_err(|err| err.to_string())?.output)
}

#[cfg(not(feature = "fused"))]
use axon_ai_evm_guest::Oracle;

/// The preimage oracle for trie nodes and code; precompiles and inferences computed here.
#[cfg(feature = "fused")]
struct Oracle;

#[cfg(feature = "fused")]
impl Preimages for Oracle {
    fn preimage(&self, hash: B256) -> Option<Bytes> {
        Some(read_preimage(&PreimageKey::keccak256(hash.0)).read_to_end().into())
    }
}

#[cfg(feature = "fused")]
impl axon_ai_evm::Oracle for Oracle {
    fn precompile(&mut self, call: &PrecompileCall<'_>) -> Option<Vec<u8>> {
        axon_ai_evm::precompiles::compute(call)
    }

    fn inference(&mut self, request: &[u8]) -> Option<InferenceResult> {
        let model = |address: &[u8; 32]| Some(read_preimage(&PreimageKey(*address)).read_to_end());
        axon_ml::serve(request, model, &mut axon_ml::NoProbe)
    }
}
