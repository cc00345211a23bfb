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

/// `profile --format json` on the digits classifier, with the folded stacks and the flamegraph
/// written to `dir`.
fn profile_digits(dir: &std::path::Path) -> serde_json::Value {
    let request = dir.join("request.bin").display().to_string();
    let input = dir.join("digit.bin");
    std::fs::write(&input, [0x80u8; 64]).expect("write the input");
    let made = axon_vm(&[
        "request",
        "--model",
        "fixtures/models/digits.axml",
        "--output-size",
        "10",
        "--input",
        &input.display().to_string(),
        "--out",
        &request,
    ]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let (folded, svg) = (dir.join("digits.folded"), dir.join("digits.svg"));
    let out = axon_vm(&[
        "profile",
        "fixtures/programs/inference.elf",
        "--input",
        &request,
        "--blob",
        "fixtures/models/digits.axml",
        "--format",
        "json",
        "--folded",
        &folded.display().to_string(),
        "--flamegraph",
        &svg.display().to_string(),
    ]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn sum(rows: &serde_json::Value, field: &str) -> u64 {
    rows.as_array().expect("rows").iter().map(|r| r[field].as_u64().expect("a count")).sum()
}

#[test]
fn profile_accounts_for_every_step_by_function_operator_and_stack() {
    let dir = std::env::temp_dir().join(format!("axon-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let json = profile_digits(&dir);
    let steps = json["run"]["steps"].as_u64().expect("steps");
    assert_eq!(json["run"]["exit_code"], 0);
    assert_eq!(sum(&json["functions"], "exclusive"), steps);
    let operators = &json["operators"];
    let outside = json["outside_operators"].as_u64().expect("outside");
    assert_eq!(sum(operators, "exclusive") + outside, steps);
    let names: Vec<&str> =
        operators.as_array().expect("rows").iter().filter_map(|r| r["name"].as_str()).collect();
    for op in ["conv2d", "maxpool2d", "dense"] {
        assert!(names.contains(&op), "{op} in {names:?}");
    }
    let conv = operators.as_array().expect("rows").iter().find(|r| r["name"] == "conv2d");
    assert_eq!(conv.map(|r| r["calls"].clone()), Some(1.into()));
    let main =
        json["functions"].as_array().expect("rows").iter().find(|r| r["name"] == "__axon_main");
    let main_inclusive = main.and_then(|r| r["inclusive"].as_u64()).expect("__axon_main");
    assert!(main_inclusive > steps * 99 / 100, "main holds the run: {main_inclusive} of {steps}");

    let folded = std::fs::read_to_string(dir.join("digits.folded")).expect("folded stacks");
    let folded_steps: u64 = folded
        .lines()
        .map(|l| l.rsplit_once(' ').and_then(|(_, n)| n.parse::<u64>().ok()).expect("count"))
        .sum();
    assert_eq!(folded_steps, steps);
    assert!(folded.contains(";__axon_main;axon_ml::int8::conv2d "), "{folded}");
    let svg = std::fs::read_to_string(dir.join("digits.svg")).expect("flamegraph");
    assert!(svg.contains("<svg") && svg.contains("conv2d"), "an SVG flamegraph");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn profile_csv_has_one_row_per_function_and_operator() {
    let out = axon_vm(&["profile", "fixtures/programs/hello.elf", "--format", "csv"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("kind,name,calls,exclusive,inclusive"));
    assert!(lines.any(|l| l.starts_with("function,__axon_main,1,")), "{text}");
}

#[test]
fn trace_shows_a_window_disassembled_with_register_writes() {
    let out =
        axon_vm(&["trace", "fixtures/programs/hello.elf", "--count", "3", "--format", "json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let rows: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["step"], 0);
    assert_eq!(rows[0]["function"], "_start+0x0");
    assert!(rows.iter().all(|r| !r["instruction"].as_str().unwrap_or("").is_empty()));
    assert!(rows.iter().any(|r| r["writes"].as_str().unwrap_or("").contains('=')));

    let late = axon_vm(&["trace", "fixtures/programs/hello.elf", "--from", "1000", "--count", "2"]);
    let text = String::from_utf8_lossy(&late.stdout);
    assert_eq!(text.lines().count(), 2);
    assert!(text.lines().next().unwrap_or("").trim_start().starts_with("1000 "), "{text}");
    let past_end = axon_vm(&["trace", "fixtures/programs/hello.elf", "--from", "99999999"]);
    assert!(past_end.status.success());
    assert!(past_end.stdout.is_empty());
}
