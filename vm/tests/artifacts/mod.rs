//! Forge's build output (`contracts/out/`), which the EVM tests deploy.

use std::path::PathBuf;

use revm::primitives::Bytes;

/// The creation bytecode of `contract` from `contracts/out/<file>/<contract>.json`.
pub(crate) fn creation_code(file: &str, contract: &str) -> Bytes {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../contracts/out")
        .join(file)
        .join(format!("{contract}.json"));
    let text = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}\nThe EVM tests need the compiled contracts: run `make -C contracts build` \
             first (`make test` does).",
            path.display()
        )
    });
    let json: serde_json::Value = serde_json::from_slice(&text)
        .unwrap_or_else(|e| panic!("{}: not forge output: {e}", path.display()));
    let object = json["bytecode"]["object"]
        .as_str()
        .unwrap_or_else(|| panic!("{}: no bytecode.object", path.display()));
    let code = hex::decode(object.trim_start_matches("0x"))
        .unwrap_or_else(|e| panic!("{}: bytecode.object: {e}", path.display()));
    assert!(!code.is_empty(), "{}: empty bytecode (an interface?)", path.display());
    code.into()
}
