//! The `axon-vm` binary: exit statuses, JSON output, and clear errors for bad input.

use std::path::PathBuf;
use std::process::{Command, Output};

/// The repository root.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn axon_vm(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_axon-vm"))
        .current_dir(repo())
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
fn a_window_of_witnesses_links_step_to_step_past_the_halt() {
    let single = axon_vm(&["witness", "fixtures/programs/hello.elf", "--step", "10"]);
    let window =
        axon_vm(&["witness", "fixtures/programs/hello.elf", "--step", "10", "--count", "6000"]);
    assert!(window.status.success(), "{}", String::from_utf8_lossy(&window.stderr));
    let json: serde_json::Value = serde_json::from_slice(&window.stdout).expect("JSON");
    let steps = json.as_array().expect("an array for more than one step");
    assert_eq!(steps.len(), 6000);
    let single: serde_json::Value = serde_json::from_slice(&single.stdout).expect("JSON");
    assert_eq!(steps[0], single, "the first of the window is the one-step witness");
    for (i, pair) in steps.windows(2).enumerate() {
        assert_eq!(pair[0]["post_state_hash"], pair[1]["pre_state_hash"], "link after {i}");
        assert_eq!(pair[1]["step"], 11 + i as u64);
    }
    let last = &steps[5999];
    assert_eq!(last["pre_state_hash"], last["post_state_hash"], "hello halted before the end");
    assert_eq!(last["proof"], "0x", "a halted step needs no proof");

    let none = axon_vm(&["witness", "fixtures/programs/hello.elf", "--step", "10", "--count", "0"]);
    assert_eq!(none.status.code(), Some(2), "a usage error");
    assert!(String::from_utf8_lossy(&none.stderr).contains("--count"));
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
    std::fs::write(&snapshot, b"AXONSNAP\x02\0\0\0").expect("write");
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

    // The snapshot recorded its (empty) input: another one is refused, naming both.
    let other = dir.join("input");
    std::fs::write(&other, b"axon").expect("write");
    let refused = axon_vm(&["snapshot", "resume", path, "--input", other.to_str().expect("path")]);
    assert_eq!(refused.status.code(), Some(125));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("made with an input of keccak 0xc5d2460186f7"), "{stderr}");
    assert!(String::from_utf8_lossy(&info.stdout).contains("input      keccak 0xc5d2"));
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// Guest output is bytes: `--json` carries them exactly in hex beside the lossy text. The
/// digits model's int8 logits (the first test image's) are the output here.
#[test]
fn run_json_carries_binary_output_exactly() {
    let dir = std::env::temp_dir().join(format!("axon-bin-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let tests: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("fixtures/models/digits-test.json")).expect("digits-test.json"),
    )
    .expect("JSON");
    let bytes = |v: &serde_json::Value| -> Vec<u8> {
        v.as_array().expect("array").iter().map(|x| x.as_i64().expect("int") as u8).collect()
    };
    let sample = &tests["samples"][0];
    let image = dir.join("image");
    std::fs::write(&image, bytes(&sample["input"])).expect("write");
    let request = dir.join("request");
    let (image, request) = (image.to_str().expect("path"), request.to_str().expect("path"));
    let model = "fixtures/models/digits.axml";
    let made = axon_vm(&[
        "request",
        "--model",
        model,
        "--output-size",
        "10",
        "--input",
        image,
        "--out",
        request,
    ]);
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let out = axon_vm(&[
        "run",
        "fixtures/programs/inference.elf",
        "--input",
        request,
        "--blob",
        model,
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let logits = bytes(&sample["logits"]);
    assert_eq!(json["stdout_hex"], format!("0x{}", hex_of(&logits)));
    assert!(logits.iter().any(|&b| b >= 0x80), "some logit is negative: not UTF-8");
    assert!(json["stdout"].as_str().expect("stdout").contains('\u{fffd}'));
    std::fs::remove_dir_all(&dir).expect("clean up");
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `request` refuses a file that is not a model and a request the model cannot answer, up
/// front, with the engine's reason.
#[test]
fn request_refuses_what_the_engine_would() {
    let dir = std::env::temp_dir().join(format!("axon-request-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let out = dir.join("req.bin");
    let out = out.to_str().expect("path");
    let model = "fixtures/models/digits.axml";
    let request = |model: &str, size: &str, input: Option<&str>| {
        let mut args = vec!["request", "--model", model, "--output-size", size, "--out", out];
        if let Some(input) = input {
            args.extend(["--input", input]);
        }
        axon_vm(&args)
    };
    let not_a_model = request("README.md", "10", None);
    assert_eq!(not_a_model.status.code(), Some(125));
    assert!(String::from_utf8_lossy(&not_a_model.stderr).contains("README.md"));
    let wrong_size = request(model, "11", None);
    let stderr = String::from_utf8_lossy(&wrong_size.stderr);
    assert!(stderr.contains("the request asks for 11 bytes, the model gives 10"), "{stderr}");
    let wrong_input = request(model, "10", Some("README.md"));
    let stderr = String::from_utf8_lossy(&wrong_input.stderr);
    assert!(stderr.contains("input length is not H × W × C"), "{stderr}");
    let image = dir.join("image");
    std::fs::write(&image, [0u8; 64]).expect("write");
    let good = request(model, "10", Some(image.to_str().expect("path")));
    assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
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

/// Output into a pipe whose reader stops early (`axon-vm trace … | head -c 10`) ends the
/// command quietly, by SIGPIPE like any Unix tool: no panic and no error message.
#[test]
fn a_closed_stdout_ends_the_command_quietly() {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;
    // Megabytes of trace: far more than a pipe buffers.
    let mut child = Command::new(env!("CARGO_BIN_EXE_axon-vm"))
        .current_dir(repo())
        .args(["trace", "fixtures/programs/bench-keccak.elf", "--from", "0", "--count", "100000"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("axon-vm runs");
    let mut first = [0u8; 10];
    child.stdout.take().expect("stdout").read_exact(&mut first).expect("some output");
    // The reader is gone: the rest of the listing meets a closed pipe.
    let out = child.wait_with_output().expect("axon-vm ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked") && !stderr.contains("error"), "{stderr}");
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{:?}: {stderr}", out.status);
}
