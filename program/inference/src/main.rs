//! The inference guest: one model run, disputable step by step.
//!
//! Reads the request `model_address ‖ uint256 output_size ‖ input` (the AI EVM's precompile
//! calldata, see `axon_ml::model`) from the program input — or, when the input is 32 bytes
//! (a request is at least 64), its keccak-256, the request then read by that keccak key: how a
//! game on chain, whose local data are single words, passes it — and serves it with
//! `axon_ml::serve`, the model fetched by its Merkle-chunked blob key. The result is committed
//! (`keccak256(payload)` at `axon_abi::memory::OUTPUT_COMMITMENT`, so the final state commits
//! to it) whatever it is: the output, written to stdout, and exit 0; or the reason the request
//! was refused, written to stderr, and exit 1 — a provable result, which the AI EVM's block
//! proof reads as `status ‖ payload` once an `InferenceOracle` claim of it is final. Operator
//! boundaries go to the hint channel as `op+ <name>` and `op- <name> <keccak of the
//! operator's output>` lines (hints are not part of the state).
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

use axon_ml::{serve, InferenceResult, Output, Probe};
use axon_runtime::abi::local::INPUT;
use axon_runtime::oracle::{hint, read_preimage, PreimageKey};
use axon_runtime::{entry, eprintln, exit, io};
use tiny_keccak::{Hasher, Keccak};

entry!(main);

fn main() {
    let mut request = read_preimage(&PreimageKey::local(INPUT)).read_to_end();
    if let Ok(hash) = <[u8; 32]>::try_from(request.as_slice()) {
        request = read_preimage(&PreimageKey::keccak256(hash)).read_to_end();
    }
    // The oracle always has the model (a missing preimage stops the VM on the host's side).
    let model = |address: &[u8; 32]| Some(read_preimage(&PreimageKey(*address)).read_to_end());
    let Some(result) = serve(&request, model, &mut HintProbe) else {
        unreachable!("the oracle answers every model read")
    };
    axon_runtime::commitment::commit(&keccak(|h| h.update(result.payload())));
    match result {
        InferenceResult::Output(output) => {
            let _ = io::write_all(axon_runtime::abi::fd::STDOUT, &output);
        }
        InferenceResult::Refused(reason) => {
            eprintln!("inference: {reason}");
            exit(1);
        }
    }
}

fn keccak(feed: impl FnOnce(&mut Keccak)) -> [u8; 32] {
    let mut hasher = Keccak::v256();
    feed(&mut hasher);
    let mut out = [0; 32];
    hasher.finalize(&mut out);
    out
}

/// Reports operator boundaries and output commitments on the hint channel.
struct HintProbe;

impl Probe for HintProbe {
    fn begin(&mut self, op: &'static str) {
        let mut line = Vec::with_capacity(op.len() + 4);
        line.extend_from_slice(b"op+ ");
        line.extend_from_slice(op.as_bytes());
        line.push(b'\n');
        hint(&line);
    }

    fn end(&mut self, op: &'static str, output: Output<'_>) {
        let digest = keccak(|h| output.for_each_chunk(|bytes| h.update(bytes)));
        let mut line = Vec::with_capacity(op.len() + 70);
        line.extend_from_slice(b"op- ");
        line.extend_from_slice(op.as_bytes());
        line.push(b' ');
        for b in digest {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            line.extend_from_slice(&[HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
        }
        line.push(b'\n');
        hint(&line);
    }
}
