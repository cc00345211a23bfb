//! The `dispute` binary on bad input: clear errors and a failing exit status, never a panic.

use std::process::Command;

fn dispute(args: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dispute")).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "dispute {args:?} panicked: {stderr}");
    (out.status.success(), stderr)
}

#[test]
fn bad_programs_and_inputs_are_clear_errors() {
    let (ok, err) = dispute(&["demo", "--program", "/nonexistent.elf"]);
    assert!(!ok && err.contains("/nonexistent.elf"), "{err}");
    let (ok, err) = dispute(&["demo", "--program", env!("CARGO_MANIFEST_DIR")]);
    assert!(!ok && err.starts_with("dispute: "), "{err}");
    let long = "x".repeat(33);
    let (ok, err) = dispute(&["demo", "--input-text", &long]);
    assert!(!ok && err.contains("at most 32"), "{err}");
    let (ok, err) = dispute(&["demo", "--max-depth", "0"]);
    assert!(!ok && err.contains("depth 0"), "{err}");
}

#[test]
fn an_unreachable_node_is_a_clear_error_after_retries() {
    let game = "0x0000000000000000000000000000000000000001";
    let (ok, err) = dispute(&["status", "--rpc-url", "http://127.0.0.1:1", "--game", game]);
    assert!(!ok && err.contains("eth_chainId at http://127.0.0.1:1"), "{err}");
    let (ok, err) = dispute(&["status", "--rpc-url", "not a url", "--game", game]);
    assert!(!ok && err.contains("RPC URL"), "{err}");
    let (ok, err) = dispute(&["bisect", "--rpc-url", "http://127.0.0.1:1", "--game", "0x12"]);
    assert!(!ok && err.contains("--game"), "{err}");
}

/// `dispute axiom` with its data from files; its stdout as JSON.
fn axiom(args: &[&str]) -> (bool, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dispute")).arg("axiom").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "dispute axiom {args:?} panicked: {stderr}");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out.status.success(), json, stderr)
}

#[test]
fn axiom_claims_from_files() {
    let dir = std::env::temp_dir().join(format!("axon-axiom-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let headers = axon_axiom::synthetic::chain(2048, 5, alloy::primitives::B256::repeat_byte(1));
    let hex: Vec<String> = headers.iter().map(|h| format!("0x{}", hex::encode(h))).collect();
    let file = dir.join("headers.json");
    std::fs::write(&file, serde_json::to_vec(&hex).unwrap()).unwrap();
    let (ok, report, err) = axiom(&["group", "--headers", file.to_str().unwrap()]);
    assert!(ok, "{err}");
    assert_eq!(report["status"], "valid");
    assert!(report["decoded"].as_str().unwrap_or("").contains("start: 2048"), "{report}");
    assert!(report["decoded"].as_str().unwrap_or("").contains("numFinal: 5"), "{report}");

    let (ok, _, err) =
        axiom(&["group", "--headers", file.to_str().unwrap(), "--program", "/nonexistent.elf"]);
    assert!(!ok && err.contains("/nonexistent.elf"), "{err}");
    // Headers that do not reach back to a group's first block: the guest asks for one the
    // host does not have.
    std::fs::write(&file, serde_json::to_vec(&hex[1..]).unwrap()).unwrap();
    let (ok, _, err) = axiom(&["group", "--headers", file.to_str().unwrap()]);
    assert!(!ok && err.contains("preimage"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();

    let shared = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/ethereum");
    let block = shared.join("mainnet-block-21925176.json");
    let proof = shared.join("mainnet-proof-21925176-deposit-contract.json");
    if !proof.exists() {
        eprintln!("skipped the mainnet attestation: {} is absent", proof.display());
        return;
    }
    let args = [
        "attest",
        "--block-file",
        block.to_str().unwrap(),
        "--proof-file",
        proof.to_str().unwrap(),
    ];
    let (ok, report, err) = axiom(&args);
    assert!(ok, "{err}");
    assert_eq!(report["status"], "valid");
    assert!(report["decoded"].as_str().unwrap_or("").contains("blockNumber: 21925176"), "{report}");
    let (ok, _, err) = axiom(&["attest", "--block-file", block.to_str().unwrap()]);
    assert!(!ok && err.contains("--proof-file"), "{err}");
}
