//! Writes `fixtures/dispute/hello.json`: a real trace for the Solidity game's integration test
//! (`contracts/test/dispute/DisputeGameRISCV.t.sol`), which plays games over it against the
//! real RISC-V verifier.
//!
//! `cargo run --release -p axon-dispute --example game-fixture` (or `make fixtures`).
//!
//! The trace is `hello.elf` reading the input `axon`, cut at the smallest game depth (at least
//! 4) whose `2^depth` steps include the program's first preimage read. The file holds every
//! state hash of the trace and the step witnesses of three steps a test steps on: the first,
//! the first preimage read (which needs the input loaded as local data through the game) and
//! the last.

mod generate;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc = generate::hello(&repo)?;
    let out = repo.join("fixtures/dispute");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("hello.json"), serde_json::to_string_pretty(&doc)? + "\n")?;
    println!(
        "wrote a {}-step trace (depth {}, first read at step {})",
        doc["hashes"].as_array().map_or(0, |h| h.len() - 1),
        doc["max_depth"],
        doc["read_step"]
    );
    Ok(())
}
