//! Where the tests find fixtures and the shared test data.
#![allow(dead_code)]

use std::path::PathBuf;

/// The repository root: the first ancestor of this crate with a `fixtures/` directory (the
/// crate is reached both as `program/ml` and through the `ml` symlink).
pub(crate) fn repo_root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|dir| dir.join("fixtures").is_dir() && dir.join("Makefile").is_file())
        .map(PathBuf::from)
        .expect("the crate lives inside the repository")
}

/// A committed model fixture.
pub(crate) fn fixture(name: &str) -> Vec<u8> {
    let path = repo_root().join("fixtures/models").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A model from the shared test data (`../shared/models/`, or `$AXON_SHARED_MODELS`), which the
/// repository must not commit; `None` (and a note on stderr) where it is absent.
pub(crate) fn shared_model(name: &str) -> Option<Vec<u8>> {
    let dir = std::env::var_os("AXON_SHARED_MODELS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("../shared/models"));
    let path = dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(_) => {
            eprintln!(
                "skipped: {} is absent (shared test data, not in the repository)",
                path.display()
            );
            None
        }
    }
}
