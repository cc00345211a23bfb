//! Writes `fixtures/axiom/claims.json`: real header-chain, storage-proof and slot-stats runs on a
//! synthetic chain, for the Solidity tests of the Optimistic Axiom contracts
//! (`contracts/test/axiom/`), which claim, resolve and apply them against the real verifier
//! and factory. See `generate.rs` for what the file holds.
//!
//! `cargo run --release -p axon-dispute --example axiom-fixture` (or `make fixtures`).

mod generate;

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let doc = generate::fixture(&repo)?;
    let out = repo.join("fixtures/axiom");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("claims.json"), serde_json::to_string_pretty(&doc)? + "\n")?;
    println!(
        "wrote the runs: recent group {} steps, old group {} steps, storage proof {} steps, slot stats {} steps",
        doc["recent"]["run"]["steps"],
        doc["old"]["run"]["steps"],
        doc["storage"]["steps"],
        doc["stats"]["steps"]
    );
    Ok(())
}
