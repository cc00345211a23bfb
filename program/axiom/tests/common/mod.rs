//! The shared mainnet test data (`../shared/ethereum/` next to the repository, or
//! `$AXON_SHARED_ETHEREUM`), which the repository must not commit.
#![allow(dead_code)]

use std::path::PathBuf;

use alloy_primitives::Bytes;

/// The JSON file `name` of the shared data; `None` (and a note on stderr) where it is absent.
pub(crate) fn shared(name: &str) -> Option<serde_json::Value> {
    let dir = std::env::var_os("AXON_SHARED_ETHEREUM").map(PathBuf::from).unwrap_or_else(|| {
        // The crate is `program/axiom`, also reached through the `axiom` symlink.
        let crate_dir = std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).expect("crate dir");
        crate_dir.join("../../../shared/ethereum")
    });
    let path = dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).expect("valid JSON")),
        Err(_) => {
            eprintln!(
                "skipped: {} is absent (shared test data, not in the repository)",
                path.display()
            );
            None
        }
    }
}

/// A `0x…` hex string's bytes.
pub(crate) fn bytes(value: &serde_json::Value) -> Bytes {
    value.as_str().expect("a hex string").parse().expect("hex")
}
