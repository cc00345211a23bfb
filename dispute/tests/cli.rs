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
