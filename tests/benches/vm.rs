//! Axon VM benchmarks, each printed as a ratio against its baseline measured in the same run.
//!
//! Workloads: `fixtures/programs/bench-keccak.elf` (a Rust guest: a keccak-256 chain and
//! 64x64 integer matrix products, ~145.5M RV32IM instructions) and `bench-mixed.elf` (a sieve,
//! a SHA-256 chain and a Shell sort, ~160M). The other groups use bench-keccak.
//!
//! | group | measured | baseline | goal |
//! |---|---|---|---|
//! | `execute-<workload>` | `Vm::run` to the end, compiling hot code (fast mode) and only interpreting | rrs-lib's plain `InstructionExecutor` loop over one flat `VecMemory`, on the same ELF; and `qemu-riscv32` (QEMU's user-mode JIT), when installed, on the same program built for it | ≥ 3× rrs-lib, ≥ 0.4× qemu |
//! | `roots` | a state hash every 100k steps: `Vm::run` stopping for `Vm::state_hash`, and `Vm::run_with_roots` hashing on another thread | fast mode | ≤ 1.2× its time |
//! | `witness` | per step (from step 10M on), and its bytes: `step_with_witness` on one core, and `Vm::witnesses` on all | — | ≤ 1.5 µs, ≤ 1.4 KB |
//! | `full_root` | root over 32 MiB of freshly written memory | one 64-byte keccak × the number of hashes | ≤ 1.2× |
//!
//! Run with `cargo bench -p axon-tests --bench vm` (or `make bench`); the summary comes last and
//! uses criterion's median estimates (the machine is a shared VM: medians resist its noise).
//!
//! QEMU runs as its authors intend: `qemu-riscv32 ELF`, one process per run (its start-up,
//! a few milliseconds, included). It cannot run the VM's ELF itself — qemu-user maps nothing
//! at the VM's stack top or above `_end` — so `make -C program qemu` builds the same program
//! with `axon-runtime`'s `qemu` feature (the kernel's stack, a static heap); the bench checks
//! that its output is the VM's.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use axon_tests::bench::{estimate_ns, print_fast_mode, run_rrs, run_vm};
use axon_tests::repo;
use axon_vm::memory::Memory;
use axon_vm::merkle::hash_pair;
use axon_vm::{OutputMode, PreimageStore, Program, StdHost, StepWitness, Vm};
use criterion::{black_box, BatchSize, Criterion};

const ROOT_INTERVAL: u64 = 100_000;
const WITNESS_FROM: u64 = 10_000_000;
const WITNESS_STEPS: u64 = 20_000;
const FULL_ROOT_BYTES: usize = 32 << 20;

/// The programs `execute` runs, by name (`fixtures/programs/<name>.elf`).
const WORKLOADS: [&str; 2] = ["bench-keccak", "bench-mixed"];

fn workload(name: &str) -> Program {
    axon_tests::program(&format!("fixtures/programs/{name}.elf"))
}

fn host() -> StdHost {
    StdHost::new(PreimageStore::new(), OutputMode::Capture)
}

/// Runs the whole workload with the state hashed every `interval` steps on another thread.
fn run_axon_with_roots_beside(program: &Program, interval: u64) -> u64 {
    let mut vm = Vm::new(program).expect("load");
    black_box(vm.run_with_roots(&mut host(), interval, u64::MAX).expect("run"));
    vm.cpu().step
}

/// Runs the whole workload, stopping to hash the state every `interval` steps.
fn run_axon_with_roots(program: &Program, interval: u64) -> u64 {
    let mut vm = Vm::new(program).expect("load");
    let mut host = host();
    while vm.cpu().halt.is_running() {
        let next = vm.cpu().step + interval;
        vm.run(&mut host, next).expect("run");
        black_box(vm.state_hash());
    }
    vm.cpu().step
}

/// The workloads built for qemu-user, if `qemu-riscv32` is installed (`make -C program qemu`
/// builds them); why not otherwise.
fn qemu_workloads() -> Result<PathBuf, String> {
    let installed = Command::new("qemu-riscv32").arg("--version").output();
    if !installed.is_ok_and(|out| out.status.success()) {
        return Err("qemu-riscv32 is not installed (Debian: qemu-user)".into());
    }
    let built = Command::new("make").args(["-C", "program", "qemu"]).current_dir(repo()).output();
    match built {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            return Err(format!("make -C program qemu: {}", String::from_utf8_lossy(&out.stderr)))
        }
        Err(e) => return Err(format!("make -C program qemu: {e}")),
    }
    Ok(repo().join("program/target-qemu/riscv32im-axon-none-elf/release"))
}

/// Runs the workload under qemu-user; returns its stdout.
fn run_qemu(elf: &Path) -> Vec<u8> {
    let out = Command::new("qemu-riscv32").arg(elf).output().expect("qemu-riscv32 runs");
    assert!(out.status.success(), "qemu-riscv32: {}", String::from_utf8_lossy(&out.stderr));
    out.stdout
}

/// A workload's stdout in the VM.
fn axon_stdout(program: &Program) -> Vec<u8> {
    let mut vm = Vm::new(program).expect("load");
    let mut host = host();
    vm.run(&mut host, u64::MAX).expect("run");
    host.stdout
}

/// Steps `WITNESS_STEPS` times with witnesses; returns the bytes `size` counts.
fn witness_window(mut vm: Vm, mut host: StdHost, size: impl Fn(&StepWitness) -> usize) -> usize {
    (0..WITNESS_STEPS).map(|_| size(&vm.step_with_witness(&mut host).expect("witness"))).sum()
}

/// The number of keccak calls a full rehash of `pages` contiguous fresh pages costs.
fn full_root_hash_count(pages: u64) -> u64 {
    let in_pages = pages * 127;
    let mut upper = 0;
    let mut level = pages;
    for _ in 0..20 {
        level = level.div_ceil(2);
        upper += level;
    }
    in_pages + upper
}

fn main() {
    let programs: Vec<Program> = WORKLOADS.iter().map(|name| workload(name)).collect();
    let qemu = qemu_workloads();
    let no_preimages = PreimageStore::new();
    let mut steps = Vec::new();
    for (name, program) in WORKLOADS.iter().zip(&programs) {
        let count = run_vm(program, &no_preimages, true);
        assert_eq!(
            run_vm(program, &no_preimages, false),
            count,
            "{name}: compiled and interpreted disagree"
        );
        assert_eq!(
            run_rrs(program, &no_preimages),
            count,
            "{name}: rrs-lib and Axon disagree on the steps"
        );
        if let Ok(dir) = &qemu {
            assert_eq!(run_qemu(&dir.join(name)), axon_stdout(program), "{name}: qemu disagrees");
        }
        steps.push(count);
    }
    let program = &programs[0];
    let mut criterion = Criterion::default().configure_from_args();

    for (name, program) in WORKLOADS.iter().zip(&programs) {
        let mut group = criterion.benchmark_group(format!("execute-{name}"));
        group.sample_size(20).measurement_time(Duration::from_secs(20));
        group
            .bench_function("axon", |b| b.iter(|| run_vm(black_box(program), &no_preimages, true)));
        group.bench_function("axon-interpreter", |b| {
            b.iter(|| run_vm(black_box(program), &no_preimages, false))
        });
        group.bench_function("rrs-lib", |b| b.iter(|| run_rrs(black_box(program), &no_preimages)));
        if let Ok(dir) = &qemu {
            let elf = dir.join(name);
            group.bench_function("qemu-riscv32", |b| b.iter(|| run_qemu(black_box(&elf))));
        }
        group.finish();
    }
    {
        let mut group = criterion.benchmark_group("roots");
        group.sample_size(10).measurement_time(Duration::from_secs(12));
        group
            .bench_function("fast", |b| b.iter(|| run_vm(black_box(program), &no_preimages, true)));
        group.bench_function("every-100k", |b| {
            b.iter(|| run_axon_with_roots(black_box(program), ROOT_INTERVAL))
        });
        group.bench_function("every-100k-beside", |b| {
            b.iter(|| run_axon_with_roots_beside(black_box(program), ROOT_INTERVAL))
        });
        group.finish();
    }

    let mut start = Vm::new(program).expect("load");
    start.run(&mut host(), WITNESS_FROM).expect("run to the witness window");
    // The tree as of step 10M, once: the window measures the witnesses, not that rehash.
    start.state_hash();
    let mut witness_bytes = 0usize;
    {
        let mut group = criterion.benchmark_group("witness");
        group.sample_size(10);
        group.bench_function("per-step-x20000", |b| {
            b.iter_batched(
                || (start.clone(), host()),
                |(vm, host)| {
                    witness_bytes = witness_window(vm, host, |w| w.state.len() + w.proof.len())
                },
                BatchSize::PerIteration,
            )
        });
        group.bench_function("all-cores-x20000", |b| {
            b.iter_batched(
                || (start.clone(), host()),
                |(mut vm, mut host)| {
                    let sizes =
                        vm.witnesses(&mut host, WITNESS_STEPS, |w| w.state.len() + w.proof.len());
                    sizes.expect("witnesses").into_iter().sum::<usize>()
                },
                BatchSize::PerIteration,
            )
        });
        group.finish();
    }

    let pages = (FULL_ROOT_BYTES / 4096) as u64;
    let hashes = full_root_hash_count(pages);
    {
        let image: Vec<u8> = (0..FULL_ROOT_BYTES).map(|i| (i * 31 + 7) as u8).collect();
        let mut group = criterion.benchmark_group("full_root");
        group.sample_size(10);
        group.bench_function("memory-root-32MiB", |b| {
            b.iter_batched(
                || {
                    let mut memory = Memory::default();
                    memory.store_bytes(0x0010_0000, &image).expect("fits");
                    memory
                },
                |mut memory| black_box(memory.root()),
                BatchSize::PerIteration,
            )
        });
        group.bench_function("sequential-keccak64-x-hash-count", |b| {
            b.iter(|| {
                let mut node = [7u8; 32];
                for _ in 0..hashes {
                    node = hash_pair(&node, black_box(&[1u8; 32]));
                }
                node
            })
        });
        group.finish();
    }
    criterion.final_summary();

    // The summary: ratios from criterion's own estimates of this run.
    let get = |g: &str, b: &str| estimate_ns(g, b).unwrap_or(f64::NAN);
    let fast = get("roots", "fast");
    let roots = get("roots", "every-100k");
    let roots_beside = get("roots", "every-100k-beside");
    let witness = get("witness", "per-step-x20000") / WITNESS_STEPS as f64;
    let witness_all_cores = get("witness", "all-cores-x20000") / WITNESS_STEPS as f64;
    let root = get("full_root", "memory-root-32MiB");
    let keccaks = get("full_root", "sequential-keccak64-x-hash-count");
    println!("\n== Axon VM benchmark summary ==");
    for (name, &steps) in WORKLOADS.iter().zip(&steps) {
        let qemu = qemu.as_ref().map(|_| ()).map_err(String::as_str);
        print_fast_mode(&format!("execute-{name}"), steps, qemu);
    }
    println!(
        "roots every 100k     {:8.3} s      fast    {:6.3} s      ratio    {:5.2}x (goal <= 1.2x)",
        roots_beside / 1e9,
        fast / 1e9,
        roots_beside / fast
    );
    println!(
        "  stopping to hash   {:8.3} s                           ratio    {:5.2}x",
        roots / 1e9,
        roots / fast
    );
    println!(
        "witness every step   {:8.2} us/step on one core, {:.2} us/step on {} cores (goal <= 1.5 us)",
        witness / 1e3,
        witness_all_cores / 1e3,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!(
        "witness size         {:8.0} bytes/step (goal <= 1400 B)",
        witness_bytes as f64 / WITNESS_STEPS as f64
    );
    println!("full root 32 MiB     {:8.1} ms     {hashes} x keccak64 {:6.1} ms  ratio {:5.2}x (goal <= 1.2x)",
        root / 1e6, keccaks / 1e6, root / keccaks);
}
