//! The AI-EVM block guest: the state transition an AI rollup's proposals are disputed over.
//!
//! The program input (local key 1) is the keccak-256 of an ABI-encoded `BlockInput`
//! (`axon_ai_evm::block`: the pre-state root, the header fields, the registered models and
//! the signed transactions), read by that keccak key. The guest runs the block with revm and
//! the `inference` precompile, fetching every trie node and contract code by its keccak hash
//! and every model by its model-DA blob key, writes the ABI-encoded `BlockOutput` (post-state
//! root, receipts root, gas used) to stdout and its keccak-256 to the output commitment. An
//! invalid block — a malformed or badly signed transaction, one revm refuses, too much gas —
//! exits 1 with the reason on stderr.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use alloy_primitives::{Bytes, B256};
use axon_ai_evm::block::{execute, BlockInput, BlockOutput, ModelBlobs, Preimages};
use axon_runtime::abi::PreimageKeyType;
use axon_runtime::oracle::{read_hashed_input, read_preimage, PreimageKey};
use axon_runtime::{commitment, entry, eprintln, exit, io};

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

/// The preimage oracle: trie nodes and code by keccak key, models by blob key.
struct Oracle;

impl Preimages for Oracle {
    fn preimage(&self, hash: B256) -> Option<Bytes> {
        Some(read_preimage(&PreimageKey::keccak256(hash.0)).read_to_end().into())
    }
}

impl ModelBlobs for Oracle {
    fn blob(&mut self, address: &[u8; 32]) -> Option<Vec<u8>> {
        let key = PreimageKey(*address);
        (key.key_type() == Some(PreimageKeyType::Blob)).then(|| read_preimage(&key).read_to_end())
    }
}
