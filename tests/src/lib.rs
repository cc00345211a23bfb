//! What Axon's cross-crate tests and benchmarks share: the repository's paths, its test data,
//! [`verifier::Verifier`], the compiled one-step verifier and preimage oracle deployed on the
//! dispute toolkit's embedded chain, and [`game::play_embedded`], a whole game and its cost.
//!
//! The tests themselves (`tests/`) check the VM against the contracts step by step, and each
//! guest run in the VM against its crate run natively (the ML engine, Axiom, the AI EVM);
//! the benchmarks (`benches/`) time the same pairs side by side.

pub mod bench;
pub mod game;
pub mod rng;
pub mod verifier;

use std::path::PathBuf;

use axon_vm::{OutputMode, PreimageStore, Program, StdHost};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Forge's build output, `contracts/out/` (`make -C contracts build`; `make test` builds it).
pub fn artifacts() -> PathBuf {
    repo().join("contracts/out")
}

/// Reads and parses an ELF under the repository root.
///
/// # Panics
/// If the file is missing or not an ELF the VM loads.
pub fn program(relative: &str) -> Program {
    let bytes = std::fs::read(repo().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    Program::parse(&bytes).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// A host with `input` as the program input and output captured.
pub fn capturing_host(input: Vec<u8>) -> StdHost {
    let mut preimages = PreimageStore::new();
    preimages.insert_local(axon_vm::abi::local::INPUT, input);
    StdHost::new(preimages, OutputMode::Capture)
}

/// The digits model's test samples (`fixtures/models/digits-test.json`): each one's int8
/// input and the 10 int8 logits of the reference implementation, as bytes.
///
/// # Panics
/// If the file is missing or not of that form.
pub fn digits_samples() -> Vec<(Vec<u8>, Vec<u8>)> {
    let path = repo().join("fixtures/models/digits-test.json");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let tests: serde_json::Value = serde_json::from_slice(&bytes).expect("digits-test.json");
    let int8_bytes = |values: &serde_json::Value| -> Vec<u8> {
        values
            .as_array()
            .expect("an array")
            .iter()
            .map(|v| v.as_i64().expect("int") as u8)
            .collect()
    };
    tests["samples"]
        .as_array()
        .expect("samples")
        .iter()
        .map(|s| (int8_bytes(&s["input"]), int8_bytes(&s["logits"])))
        .collect()
}

/// The shared mainnet data file `name` (`../shared/ethereum/` beside the repository: real
/// headers and proofs that are not committed), or `None` with a note on stderr when absent.
pub fn shared_ethereum(name: &str) -> Option<serde_json::Value> {
    let path = repo().join("../shared/ethereum").join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).expect("shared data is JSON")),
        Err(_) => {
            eprintln!(
                "skipped: {} is absent (shared test data, not in the repository)",
                path.display()
            );
            None
        }
    }
}

/// A year of daily values of one storage slot, as attested slots: the `slot-stats` workload
/// of the Axiom test and benchmark.
pub fn daily_slot_values() -> Vec<axon_axiom::compute::AttestedSlot> {
    use alloy_primitives::{Address, B256, U256};
    (0..365u32)
        .map(|day| axon_axiom::compute::AttestedSlot {
            blockNumber: 19_000_000 + day * 7200,
            account: Address::repeat_byte(0xd0),
            slot: B256::ZERO,
            value: U256::from(1_000_000 + u64::from(day * 7919 % 10_007)),
        })
        .collect()
}

/// The model-DA address of each committed model (`fixtures/models/addresses.json`), by file
/// name.
///
/// # Panics
/// If the file is missing or not of that form.
pub fn model_address(file: &str) -> [u8; 32] {
    let path = repo().join("fixtures/models/addresses.json");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let listed: serde_json::Value = serde_json::from_slice(&bytes).expect("addresses.json");
    let hex = listed[file].as_str().unwrap_or_else(|| panic!("no address for {file}"));
    hex::decode(hex.trim_start_matches("0x"))
        .ok()
        .and_then(|b| b.try_into().ok())
        .unwrap_or_else(|| panic!("{file}: not a 32-byte address"))
}
