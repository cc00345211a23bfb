//! The Rust guest programs (`fixtures/programs/`) end to end: output, exit, snapshots,
//! checkpoints, and the three-way step check on a dense prefix of their traces.

mod common;

use axon_vm::witness::MIN_STRETCH;
use axon_vm::{
    CheckpointStore, Checkpoints, Halt, Hash, OutputMode, PreimageStore, StdHost, Vm, VmConfig,
};

const HELLO: &str = "fixtures/programs/hello.elf";
const BENCH: &str = "fixtures/programs/bench-keccak.elf";
const ATOMICS: &str = "fixtures/programs/atomics.elf";
const KECCAK_SPONGE: &str = "fixtures/programs/keccak-sponge.elf";
const MIXED: &str = "fixtures/programs/bench-mixed.elf";

#[test]
fn hello_reads_its_input_through_the_oracle() {
    let program = common::program(HELLO);
    let input: Vec<u8> = (0..5000u32).map(|i| (i * 13 + 1) as u8).collect();
    let checksum = input.iter().fold(0u32, |s, &b| s.wrapping_add(u32::from(b)));
    let mut host = common::capturing_host(input.clone());
    let mut vm = Vm::new(&program).expect("load");
    vm.run(&mut host, u64::MAX).expect("run");
    assert_eq!(vm.cpu().halt, Halt::Exited(0));
    let stdout = String::from_utf8(host.stdout).expect("utf-8");
    assert_eq!(
        stdout,
        format!("hello from axon\ninput: {} bytes, checksum {checksum:#010x}\n", input.len())
    );
}

#[test]
fn atomics_lowered_to_runtime_libcalls_behave_like_plain_arithmetic() {
    let program = common::program(ATOMICS);
    let libcalls =
        ["__sync_val_compare_and_swap_4", "__sync_fetch_and_max_4", "__atomic_fetch_add_8"];
    for name in libcalls {
        assert!(program.symbols.iter().any(|s| s.name == name), "the guest calls {name}");
    }
    let host = common::capturing_host(Vec::new());
    let vm = common::three_way(&program, &host, u64::MAX);
    assert_eq!(vm.cpu().halt, Halt::Exited(0), "a mismatch panics with exit code 101");
}

#[test]
fn the_runtimes_accelerated_keccak_agrees_with_software_keccak() {
    let program = common::program(KECCAK_SPONGE);
    let mut host = common::capturing_host(Vec::new());
    let mut vm = Vm::new(&program).expect("load");
    vm.run(&mut host, u64::MAX).expect("run");
    let stderr = String::from_utf8_lossy(&host.stderr);
    assert_eq!(vm.cpu().halt, Halt::Exited(0), "a mismatch panics with exit code 101: {stderr}");
    assert_eq!(String::from_utf8_lossy(&host.stdout), "keccak-sponge: 22 lengths agree\n");
    // Its permutations, through the block proofs, agree three ways too.
    let vm = common::three_way(&program, &common::capturing_host(Vec::new()), 200_000);
    assert_eq!(vm.cpu().step, 200_000);
}

#[test]
fn hello_agrees_three_ways_on_every_step() {
    let program = common::program(HELLO);
    let host = common::capturing_host(b"three ways, one semantics".to_vec());
    let vm = common::three_way(&program, &host, u64::MAX);
    assert_eq!(vm.cpu().halt, Halt::Exited(0));
}

#[test]
fn bench_keccak_agrees_three_ways_on_its_first_100k_steps() {
    let program = common::program(BENCH);
    let vm = common::three_way(&program, &common::capturing_host(Vec::new()), 100_000);
    assert_eq!(vm.cpu().step, 100_000);
}

#[test]
fn bench_keccak_prints_the_digest_qemu_prints() {
    // The digest qemu-riscv32 prints for the same ELF (see fixtures/programs/README.md).
    const DIGEST: &str = "3c80aafad1159f7b43c05c6d4c637392d4f33be0d131d19e4e0950e4b6435bc6";
    let program = common::program(BENCH);
    let mut host = common::capturing_host(Vec::new());
    let mut vm = Vm::new(&program).expect("load");
    vm.run(&mut host, u64::MAX).expect("run");
    assert_eq!(vm.cpu().halt, Halt::Exited(0));
    let stdout = String::from_utf8(host.stdout).expect("utf-8");
    assert!(stdout.contains(&format!("digest: {DIGEST}")), "{stdout}");
    assert!(vm.cpu().step > 100_000_000, "the benchmark workload is >= 100M instructions");
}

#[test]
fn snapshot_resume_matches_an_uninterrupted_run() {
    let program = common::program(BENCH);
    let mut host = common::capturing_host(Vec::new());
    let mut straight = Vm::new(&program).expect("load");
    straight.run(&mut host, 3_000_000).expect("run");

    let mut first = Vm::new(&program).expect("load");
    first.run(&mut host, 1_234_567).expect("run");
    let bytes = first.snapshot();
    let mut resumed = Vm::restore(&bytes, VmConfig::default()).expect("restore");
    assert_eq!(resumed.state_hash(), first.state_hash());
    resumed.run(&mut host, 3_000_000).expect("run on");
    assert_eq!(resumed.state_hash(), straight.state_hash());
}

#[test]
fn corrupt_or_truncated_snapshots_are_reported() {
    let program = common::program(HELLO);
    let mut vm = Vm::new(&program).expect("load");
    vm.run(&mut common::capturing_host(Vec::new()), 100).expect("run");
    let good = vm.snapshot();
    let config = VmConfig::default();
    let mut flipped = good.clone();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 1;
    let mut bad_version = good.clone();
    bad_version[8] = 9;
    for (name, bytes) in [
        ("truncated", &good[..good.len() - 1]),
        ("cut short", &good[..10]),
        ("flipped bit", &flipped[..]),
        ("bad magic", &[b"NOTASNAP", &good[8..]].concat()[..]),
        ("other version", &bad_version[..]),
    ] {
        let err = Vm::restore(bytes, config).expect_err(name);
        assert!(matches!(err, axon_vm::Error::Snapshot(_)), "{name}: {err}");
    }
}

#[test]
fn checkpoints_give_the_hash_at_any_step_and_pad_after_halt() {
    let program = common::program(HELLO);
    let host = common::capturing_host(b"checkpoints".to_vec());
    let mut reference = Vm::new(&program).expect("load");
    let mut hashes = vec![reference.state_hash()];
    while reference.cpu().halt.is_running() {
        reference.step(&mut host.clone()).expect("step");
        hashes.push(reference.state_hash());
    }
    let final_step = reference.cpu().step;
    let dir = std::env::temp_dir().join(format!("axon-checkpoints-{}", std::process::id()));
    for store in [CheckpointStore::Memory, CheckpointStore::Directory(dir.clone())] {
        let mut h = host.clone();
        let vm = Vm::new(&program).expect("load");
        let checkpoints =
            Checkpoints::record(vm, &mut h, 250, u64::MAX, store, VmConfig::default())
                .expect("record");
        assert_eq!(checkpoints.final_step(), final_step);
        let checkpoints_steps = (0..final_step).step_by(250);
        let steps = (0..final_step).step_by(97).chain(checkpoints_steps);
        for step in steps.chain([final_step - 1, final_step]) {
            let got = checkpoints.state_hash_at(&mut h, step).expect("hash");
            assert_eq!(got, hashes[step as usize], "step {step}");
        }
        // Past the end, the trace pads with the final (halted) state.
        let padded = checkpoints.state_hash_at(&mut h, final_step + 1_000).expect("hash");
        assert_eq!(padded, hashes[final_step as usize]);
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn checkpoints_share_unchanged_pages_and_keep_each_one_as_it_was() {
    // bench-mixed sieves, sorts and hashes: its checkpoints share some pages and not others.
    const LAST: u64 = 2_000_000;
    const INTERVAL: u64 = 150_000;
    let program = common::program(MIXED);
    let host = common::capturing_host(Vec::new());
    let mut steps: Vec<u64> = (0..=LAST / INTERVAL).map(|n| n * INTERVAL).collect();
    steps.extend(steps.clone().iter().map(|step| step + 1));
    steps.extend([7, 299_999, 1_234_567, LAST - 1, LAST]);
    steps.sort_unstable();
    steps.dedup();
    steps.retain(|&step| step <= LAST);
    let mut reference = Vm::new(&program).expect("load");
    let expected: Vec<Hash> = steps
        .iter()
        .map(|&step| {
            reference.run(&mut host.clone(), step).expect("run");
            reference.state_hash()
        })
        .collect();
    let dir = std::env::temp_dir().join(format!("axon-shared-pages-{}", std::process::id()));
    // Compiled code stores straight to pages, so it is recorded compiling from the start too.
    let eager = VmConfig { warm_up_steps: 0, background_compile: false, ..VmConfig::default() };
    let stores = [CheckpointStore::Memory, CheckpointStore::Directory(dir.clone())];
    for (store, config) in
        stores.into_iter().flat_map(|s| [(s.clone(), VmConfig::default()), (s, eager)])
    {
        let mut h = host.clone();
        let vm = Vm::with_config(&program, config).expect("load");
        let checkpoints =
            Checkpoints::record(vm, &mut h, INTERVAL, LAST, store, config).expect("record");
        assert_eq!(checkpoints.len() as u64, LAST / INTERVAL + 2, "every interval and the end");
        for (&step, want) in steps.iter().zip(&expected) {
            // The hash the recording computed (at checkpoints), and the kept state's own.
            let recorded = checkpoints.state_hash_at(&mut h, step).expect("hash");
            let kept = checkpoints.vm_at(&mut h, step).expect("vm").state_hash();
            assert_eq!((recorded, kept), (*want, *want), "step {step}");
        }
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn a_checkpoint_file_that_cannot_be_written_is_an_error_and_leaves_no_manifest() {
    let program = common::program(HELLO);
    let dir = std::env::temp_dir().join(format!("axon-unwritable-{}", std::process::id()));
    // Directories where the files should go: the second checkpoint's, then every one's (when
    // every writer fails, the run must still end, not wait on a queue nobody empties).
    let blocked: [&[u64]; 2] = [&[250], &(0..40).map(|n| n * 250).collect::<Vec<_>>()];
    for steps in blocked {
        let _ = std::fs::remove_dir_all(&dir);
        for step in steps {
            std::fs::create_dir_all(dir.join(format!("step-{step}.snap"))).expect("blocker");
        }
        let vm = Vm::new(&program).expect("load");
        let mut h = common::capturing_host(b"checkpoints".to_vec());
        let store = CheckpointStore::Directory(dir.clone());
        let err = Checkpoints::record(vm, &mut h, 250, u64::MAX, store, VmConfig::default())
            .expect_err("a file cannot be written");
        let first = format!("step-{}.snap", steps[0]);
        assert!(err.to_string().contains(&first), "{err}");
        assert!(!dir.join(axon_vm::checkpoint::MANIFEST).exists(), "no manifest");
    }
    std::fs::remove_dir_all(&dir).expect("clean up");
}

#[test]
fn a_restored_vm_runs_as_its_config_says() {
    let program = common::program(BENCH);
    let mut vm = Vm::new(&program).expect("load");
    vm.run(&mut common::capturing_host(Vec::new()), 1000).expect("run");
    let snapshot = vm.snapshot();
    let eager = VmConfig { warm_up_steps: 0, background_compile: false, ..VmConfig::default() };
    let interpreted = VmConfig { compile: false, ..eager };
    for (config, compiles) in [(eager, true), (interpreted, false)] {
        let mut restored = Vm::restore(&snapshot, config).expect("restore");
        restored.run(&mut common::capturing_host(Vec::new()), 2_000_000).expect("run");
        assert_eq!(restored.compiled_regions() > 0, compiles, "compile: {}", config.compile);
    }
}

#[test]
fn a_complete_checkpoint_directory_is_reused_and_anything_else_recorded_afresh() {
    let program = common::program(HELLO);
    let host = common::capturing_host(b"checkpoints".to_vec());
    let dir = std::env::temp_dir().join(format!("axon-reuse-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let open = |interval: u64| {
        let mut h = host.clone();
        let vm = Vm::new(&program).expect("load");
        let store = CheckpointStore::Directory(dir.clone());
        let checkpoints =
            Checkpoints::record(vm, &mut h, interval, u64::MAX, store, VmConfig::default())
                .expect("record or reuse");
        let (before, after) = (h.stdout.len(), checkpoints.state_hash_at(&mut h, 1234).unwrap());
        (checkpoints, before, after)
    };
    let (first, printed, hash) = open(250);
    assert!(printed > 0, "the first run records (the guest printed)");
    let (again, printed_again, hash_again) = open(250);
    assert_eq!(printed_again, 0, "the second run reuses: the program did not run");
    assert_eq!(
        (again.final_step(), again.len(), hash_again),
        (first.final_step(), first.len(), hash)
    );
    // Another interval is another recording; a missing snapshot or manifest forces one too.
    let (other, printed, _) = open(300);
    assert!(printed > 0 && other.len() != first.len(), "a new interval records again");
    std::fs::remove_file(dir.join("step-300.snap")).unwrap();
    assert!(open(300).1 > 0, "a missing snapshot records again");
    std::fs::remove_file(dir.join(axon_vm::checkpoint::MANIFEST)).unwrap();
    assert!(open(300).1 > 0, "a missing manifest records again");
    assert_eq!(open(300).1, 0, "and then reuses");
    // A recording of another snapshot format (an older build's) is made again, not reused.
    let manifest = dir.join(axon_vm::checkpoint::MANIFEST);
    let current = format!("axon-checkpoints {}\n", axon_vm::snapshot::SNAPSHOT_VERSION);
    let text = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(&manifest, text.replacen(&current, "axon-checkpoints 1\n", 1)).unwrap();
    assert!(open(300).1 > 0, "another snapshot format records again");
    std::fs::remove_dir_all(&dir).expect("clean up");
}

/// `Vm::witnesses` on a pool of `threads` against `count` calls to `step_with_witness`: the
/// same witnesses (or error), the same final state, and the host sees the output once.
/// Returns the error stepping met, if any.
fn witnesses_match_stepping(
    relative: &str,
    host: &StdHost,
    count: u64,
    threads: usize,
) -> Option<String> {
    let program = common::program(relative);
    let mut stepped = Vm::new(&program).expect("load");
    let mut stepped_host = host.clone();
    let mut expected = Vec::new();
    let mut expected_error = None;
    for _ in 0..count {
        match stepped.step_with_witness(&mut stepped_host) {
            Ok(witness) => expected.push(witness),
            Err(e) => {
                expected_error = Some(e.to_string());
                break;
            }
        }
    }
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
    let mut vm = Vm::new(&program).expect("load");
    let mut vm_host = host.clone();
    match pool.install(|| vm.witnesses(&mut vm_host, count, |witness| witness)) {
        Ok(witnesses) => {
            assert_eq!(expected_error, None, "{relative}: stepping failed, the window did not");
            assert_eq!(witnesses.len(), expected.len(), "{relative}: witness count");
            for (i, (got, want)) in witnesses.iter().zip(&expected).enumerate() {
                assert_eq!(got, want, "{relative}: witness {i} of {count} on {threads} threads");
            }
        }
        Err(e) => assert_eq!(Some(e.to_string()), expected_error, "{relative}: the error"),
    }
    assert_eq!(vm.cpu(), stepped.cpu(), "{relative}: the window ends where stepping does");
    assert_eq!(vm.state_hash(), stepped.state_hash(), "{relative}: final state");
    assert_eq!(vm_host.stdout, stepped_host.stdout, "{relative}: output, once");
    assert_eq!(vm_host.stderr, stepped_host.stderr, "{relative}: errors, once");
    expected_error
}

#[test]
fn witnesses_on_all_cores_are_those_of_one_step_after_another() {
    let hello = common::capturing_host((0..4000u32).map(|i| (i * 7) as u8).collect());
    let halt = {
        let mut vm = Vm::new(&common::program(HELLO)).expect("load");
        vm.run(&mut hello.clone(), u64::MAX).expect("run");
        vm.cpu().step
    };
    assert!(halt > 2 * MIN_STRETCH, "hello spans several stretches ({halt} steps)");
    // Past the halt: the last stretches witness the halted state.
    witnesses_match_stepping(HELLO, &hello, halt + MIN_STRETCH + 5, 4);
    // Stretches of unequal length, and the one-stretch path.
    witnesses_match_stepping(BENCH, &common::capturing_host(Vec::new()), 3 * MIN_STRETCH + 7, 3);
    witnesses_match_stepping(BENCH, &common::capturing_host(Vec::new()), MIN_STRETCH - 1, 4);
    // A host error (no program input) mid-window: the same error at the same step.
    let no_input = StdHost::new(PreimageStore::new(), OutputMode::Capture);
    assert!(witnesses_match_stepping(HELLO, &no_input, halt, 4).is_some(), "hello needs input");
}

/// `Vm::run_with_roots` against `Vm::run` to each interval and `Vm::state_hash`: the same
/// hashes (or error), and a VM that goes on as the plain one does. Returns the hashes.
fn roots_match_runs(
    relative: &str,
    host: &StdHost,
    interval: u64,
    until: u64,
) -> Result<Vec<(u64, Hash)>, String> {
    let program = common::program(relative);
    let mut plain = Vm::new(&program).expect("load");
    let mut plain_host = host.clone();
    let mut expected = Vec::new();
    let expected = loop {
        let next = plain.cpu().step.saturating_add(interval).min(until);
        if let Err(e) = plain.run(&mut plain_host, next) {
            break Err(e.to_string());
        }
        expected.push((plain.cpu().step, plain.state_hash()));
        if !plain.cpu().halt.is_running() || plain.cpu().step >= until {
            break Ok(expected);
        }
    };
    let mut vm = Vm::new(&program).expect("load");
    let mut vm_host = host.clone();
    let got = vm.run_with_roots(&mut vm_host, interval, until).map_err(|e| e.to_string());
    assert!(got == expected, "{relative}: every {interval} steps to {until}: {got:x?}");
    assert_eq!(vm.cpu(), plain.cpu(), "{relative}: where the run ends");
    assert_eq!(vm_host.stdout, plain_host.stdout, "{relative}: output");
    // The tree came back whole: the VM hashes and witnesses on as the plain one does.
    assert_eq!(vm.state_hash(), plain.state_hash(), "{relative}: the state after");
    for _ in 0..50 {
        let witness = vm.step_with_witness(&mut vm_host).map_err(|e| e.to_string());
        assert_eq!(witness, plain.step_with_witness(&mut plain_host).map_err(|e| e.to_string()));
    }
    expected
}

#[test]
fn roots_hashed_beside_the_run_are_those_of_stopping_to_hash() {
    let empty = common::capturing_host(Vec::new());
    // Compiled code and the interpreter, intervals that do and do not divide the end.
    assert_eq!(roots_match_runs(BENCH, &empty, 100_000, 2_000_000).map(|h| h.len()), Ok(20));
    assert_eq!(roots_match_runs(BENCH, &empty, 77_777, 1_000_000).map(|h| h.len()), Ok(13));
    // Past the halt, with a last stretch shorter than the interval.
    let input = common::capturing_host(b"roots on the side".to_vec());
    let hashes = roots_match_runs(HELLO, &input, 500, u64::MAX).expect("hello runs");
    assert_ne!(hashes.last().map(|(step, _)| step % 500), Some(0), "a short last stretch");
    // A host error (no program input): the same error, the VM where the plain run stopped.
    let no_input = StdHost::new(PreimageStore::new(), OutputMode::Capture);
    assert!(roots_match_runs(HELLO, &no_input, 500, u64::MAX).is_err(), "hello needs input");
    // Already at the end: the one hash of the state as it is.
    assert_eq!(roots_match_runs(HELLO, &empty, 1000, 0).map(|h| h.len()), Ok(1));
}
