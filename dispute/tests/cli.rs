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

/// `demo` says what it does with its flags instead of quietly doing something else.
#[test]
fn demo_flags_mean_what_they_say() {
    let (ok, err) = dispute(&["demo", "--lie-from-step", "0"]);
    assert!(!ok && err.contains("--lie-from-step 0: the state after 0 steps"), "{err}");
    let (ok, err) = dispute(&["demo", "--max-depth", "12", "--lie-from-step", "4097"]);
    assert!(!ok && err.contains("past the game's 2^12 steps"), "{err}");
    // hello runs 3,032 steps: a 2-step game is over a run cut off, and says so.
    let out = Command::new(env!("CARGO_BIN_EXE_dispute"))
        .args(["demo", "--max-depth", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        stdout.contains("does not halt within them: the game is over its first 2 steps"),
        "{stdout}"
    );
    assert!(stdout.contains("challenger wins"), "{stdout}");
}

#[test]
fn an_unreachable_node_is_a_clear_error_after_retries() {
    let game = "0x0000000000000000000000000000000000000001";
    let (ok, err) = dispute(&["status", "--rpc-url", "http://127.0.0.1:1", "--game", game]);
    assert!(!ok && err.contains("eth_chainId at http://127.0.0.1:1"), "{err}");
    assert!(err.contains("Connection refused"), "the cause is named: {err}");
    // https is a transport like http (TLS through rustls): the same refused connection.
    let (ok, err) = dispute(&["status", "--rpc-url", "https://127.0.0.1:1", "--game", game]);
    assert!(!ok && err.contains("Connection refused"), "{err}");
    let (ok, err) = dispute(&["status", "--rpc-url", "ws://127.0.0.1:1", "--game", game]);
    assert!(!ok && err.contains("the scheme must be http or https"), "{err}");
    let (ok, err) = dispute(&["status", "--rpc-url", "not a url", "--game", game]);
    assert!(!ok && err.contains("RPC URL"), "{err}");
    // A mixed-case address must carry its EIP-55 checksum.
    let mistyped = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
    let (ok, err) = dispute(&["status", "--rpc-url", "http://127.0.0.1:1", "--game", mistyped]);
    assert!(!ok && err.contains("EIP-55"), "{err}");
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
