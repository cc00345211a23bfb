//! Writes the step fixtures replayed by the Solidity tests to `fixtures/steps/`.
//!
//! `cargo run --release -p axon-vm --example step-fixtures` (or `make fixtures`).

mod generate;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let out = repo.join("fixtures/steps");
    std::fs::create_dir_all(&out)?;
    let mut steps = 0;
    for (name, doc) in generate::all(&repo) {
        steps += doc["steps"].as_array().map_or(0, Vec::len);
        let text = serde_json::to_string_pretty(&doc).expect("JSON") + "\n";
        std::fs::write(out.join(format!("{name}.json")), text)?;
    }
    println!("wrote {steps} step fixtures to {}", out.display());
    Ok(())
}
