//! The inference guest: one model run, disputable step by step.
//!
//! Reads the request `model_address ‖ uint256 output_size ‖ input` (the AI EVM's precompile
//! calldata, see `axon_ml::model`) from the program input — or, when the input is 32 bytes
//! (a request is at least 64), its keccak-256, the request then read by that keccak key: how a
//! game on chain, whose local data are single words, passes it — fetches the model by its
//! Merkle-chunked blob key, runs it with `axon-ml`, writes the output to stdout and stores
//! `keccak256(output)` at `axon_abi::memory::OUTPUT_COMMITMENT`, so the final state commits to
//! it. Operator boundaries go to the hint channel as `op+ <name>` and `op- <name> <keccak of
//! the operator's output>` lines (hints are not part of the state). A bad request or model
//! exits with code 1 and the reason on stderr: a provable result, not a host error.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

use axon_ml::model::Request;
use axon_ml::{Model, Output, Probe};
use axon_runtime::abi::{local::INPUT, PreimageKeyType};
use axon_runtime::oracle::{hint, read_preimage, PreimageKey};
use axon_runtime::{entry, eprintln, exit, io};
use tiny_keccak::{Hasher, Keccak};

entry!(main);

fn main() {
    let mut request = read_preimage(&PreimageKey::local(INPUT)).read_to_end();
    if let Ok(hash) = <[u8; 32]>::try_from(request.as_slice()) {
        request = read_preimage(&PreimageKey::keccak256(hash)).read_to_end();
    }
    match infer(&request) {
        Ok(output) => {
            commit(&output);
            let _ = io::write_all(axon_runtime::abi::fd::STDOUT, &output);
        }
        Err(reason) => {
            eprintln!("inference: {reason}");
            exit(1);
        }
    }
}

/// Parses the request, loads the model and runs it.
fn infer(request: &[u8]) -> Result<Vec<u8>, Error> {
    let request = Request::parse(request)?;
    let key = PreimageKey(request.model);
    if key.key_type() != Some(PreimageKeyType::Blob) {
        return Err(Error::NotABlobKey);
    }
    let model = Model::parse(&read_preimage(&key).read_to_end())?;
    Ok(model.infer(request.input, request.output_size, &mut HintProbe)?)
}

/// Why an inference failed.
enum Error {
    /// The model address's type byte is not the blob type.
    NotABlobKey,
    /// The engine rejected the request or the model.
    Engine(axon_ml::Error),
}

impl From<axon_ml::Error> for Error {
    fn from(err: axon_ml::Error) -> Self {
        Self::Engine(err)
    }
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::NotABlobKey => {
                f.write_str("the model address is not a blob key (type byte 0x81)")
            }
            Error::Engine(err) => write!(f, "{err}"),
        }
    }
}

/// Stores `keccak256(output)` in the output-commitment leaf.
fn commit(output: &[u8]) {
    axon_runtime::commitment::commit(&keccak(|h| h.update(output)));
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
