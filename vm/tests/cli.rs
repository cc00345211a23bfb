//! The `axon-vm` binary: exit statuses, JSON output, and clear errors for bad input.

mod common;

use std::process::{Command, Output};

fn axon_vm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_axon-vm"))
        .current_dir(common::repo())
        .args(args)
        .output()
        .expect("axon-vm runs")
}

fn conformance(name: &str) -> String {
    format!("fixtures/conformance/elf/{name}.elf")
}

#[test]
fn run_exits_with_the_guests_status() {
    assert_eq!(axon_vm(&["run", "fixtures/programs/hello.elf"]).status.code(), Some(0));
    assert_eq!(axon_vm(&["run", &conformance("exit_code_42")]).status.code(), Some(42));
    assert_eq!(axon_vm(&["run", &conformance("fault_ebreak")]).status.code(), Some(1));
    let limited = axon_vm(&["run", "fixtures/programs/hello.elf", "--max-steps", "10"]);
    assert_eq!(limited.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&limited.stderr).contains("step limit"));
}

#[test]
fn run_json_has_the_documented_fields() {
    let out = axon_vm(&["run", "fixtures/programs/hello.elf", "--input", "README.md", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["status"], "exited");
    assert_eq!(json["exit_code"], 0);
    assert_eq!(json["registers"].as_array().map(Vec::len), Some(32));
    assert!(json["steps"].as_u64().unwrap_or(0) > 1000);
    assert!(json["pc"].is_u64());
    assert_eq!(json["state_hash"].as_str().map(str::len), Some(66));
    assert!(json["state_hash"].as_str().unwrap_or("").starts_with("0x00"), "status byte 0");
    assert!(json["stdout"].as_str().unwrap_or("").starts_with("hello from axon"));

    let fault = axon_vm(&["run", &conformance("fault_misaligned_lw"), "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&fault.stdout).expect("JSON");
    assert_eq!(json["status"], "faulted");
    assert_eq!(json["fault"], "MisalignedLoad");
    assert!(json["state_hash"].as_str().unwrap_or("").starts_with("0x02"), "status byte 2");
}

#[test]
fn hash_and_witness_agree() {
    let at_10 = axon_vm(&["hash", "fixtures/programs/hello.elf", "--step", "10"]);
    let at_11 = axon_vm(&["hash", "fixtures/programs/hello.elf", "--step", "11"]);
    let witness = axon_vm(&["witness", "fixtures/programs/hello.elf", "--step", "10"]);
    assert!(witness.status.success(), "{}", String::from_utf8_lossy(&witness.stderr));
    let json: serde_json::Value = serde_json::from_slice(&witness.stdout).expect("JSON");
    let trimmed = |o: &Output| String::from_utf8_lossy(&o.stdout).trim().to_string();
    assert_eq!(json["pre_state_hash"], trimmed(&at_10));
    assert_eq!(json["post_state_hash"], trimmed(&at_11));
    assert_eq!(json["state"].as_str().map(str::len), Some(2 + 2 * 210));
}

#[test]
fn bad_input_files_are_clear_errors_not_panics() {
    let dir = std::env::temp_dir().join(format!("axon-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let garbage = dir.join("garbage.elf");
    std::fs::write(&garbage, b"\x7fELF but not really").expect("write");
    let out = axon_vm(&["run", garbage.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(125));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("invalid ELF"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    let missing = axon_vm(&["run", "does/not/exist.elf"]);
    assert_eq!(missing.status.code(), Some(125));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does/not/exist.elf"));

    let snapshot = dir.join("s.snap");
    std::fs::write(&snapshot, b"AXONSNAP\x01\0\0\0").expect("write");
    let out = axon_vm(&["snapshot", "info", snapshot.to_str().expect("utf-8 path")]);
    assert_eq!(out.status.code(), Some(125));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid snapshot"));
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn snapshot_create_and_resume_finish_the_run() {
    let dir = std::env::temp_dir().join(format!("axon-snap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("hello.snap");
    let path = file.to_str().expect("utf-8 path");
    let created = axon_vm(&[
        "snapshot",
        "create",
        "fixtures/programs/hello.elf",
        "--step",
        "500",
        "-o",
        path,
    ]);
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    let info = axon_vm(&["snapshot", "info", path]);
    assert!(String::from_utf8_lossy(&info.stdout).contains("step       500"));
    let resumed = axon_vm(&["snapshot", "resume", path, "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&resumed.stdout).expect("JSON");
    let direct = axon_vm(&["run", "fixtures/programs/hello.elf", "--json"]);
    let direct: serde_json::Value = serde_json::from_slice(&direct.stdout).expect("JSON");
    assert_eq!(json["state_hash"], direct["state_hash"]);
    assert_eq!(json["steps"], direct["steps"]);
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn check_flags_unsupported_instructions_and_passes_real_programs() {
    let good = axon_vm(&["check", "fixtures/programs/bench-keccak.elf"]);
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stdout));
    let bad = axon_vm(&["check", &conformance("fault_illegal_csrrw")]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stdout).contains("illegal instruction"));
    let syscall = axon_vm(&["check", &conformance("fault_unknown_syscall")]);
    assert!(String::from_utf8_lossy(&syscall.stdout).contains("unknown syscall 1234"));
}

#[test]
fn disasm_lists_symbols_and_instructions() {
    let out = axon_vm(&["disasm", "fixtures/programs/hello.elf"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("<_start>:"), "symbols are shown");
    assert!(text.contains("ecall"));
}
