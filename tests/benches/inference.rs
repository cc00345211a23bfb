//! Inference benchmarks: the `inference` guest in the VM against the same engine run natively,
//! and the VM's instructions per multiply-accumulate in the int8 kernels.
//!
//! | measured | how |
//! |---|---|
//! | instructions per MAC | steps whose pc lies in `<axon_ml::int8::Dense>::run` (`conv2d`) during one digits inference, over the layers' MACs (`Sequential::macs`); `Dense::run` calls nothing; `conv2d` calls `memcpy` for its patches, which this leaves out (`axon-vm profile` shows its inclusive count) |
//! | wall time per inference | `Vm::run` of the whole guest (request parsing, model parsing, inference, per-operator commitments) against `Model::parse` + `Model::infer` natively with the same keccak commitments |
//!
//! | fast mode | `Vm::run` of the stories260K run, compiling hot code and only interpreting, against the plain rrs-lib loop serving the same oracle (`axon_tests::bench::run_rrs`); qemu-user cannot serve the oracle |
//! | trace recording | `Checkpoints::record` of the stories260K run with a checkpoint every 2^22 steps (the `dispute` CLI's default), kept in memory and written to files, state hash at each included, against fast mode's `Vm::run` |
//!
//! Models: `fixtures/models/digits.axml` (one classification), `tiny-llama.bin` (16 greedy
//! tokens) and, when the shared test data is present, stories260K (12 tokens). Run with
//! `cargo bench -p axon-tests --bench inference` (or `make bench`); the summary comes last.

use std::path::PathBuf;
use std::time::Duration;

use axon_ml::axml::Sequential;
use axon_ml::model::Request;
use axon_ml::{Model, Output, Probe};
use axon_tests::bench::{
    bench_fast_mode, estimate_ns, print_fast_mode, print_vm_vs_native, QEMU_HAS_NO_ORACLE,
};
use axon_tests::repo;
use axon_vm::abi::local;
use axon_vm::{
    CheckpointStore, Checkpoints, Halt, OutputMode, PreimageStore, Program, StdHost, Vm, VmConfig,
};
use criterion::{black_box, BatchSize, Criterion};
use sha3::{Digest, Keccak256};

/// One model and the request the benchmarks run it on.
struct Workload {
    name: &'static str,
    model: Vec<u8>,
    input: Vec<u8>,
    output_size: usize,
}

impl Workload {
    fn store(&self) -> PreimageStore {
        let mut store = PreimageStore::new();
        let key = store.insert_blob(self.model.clone());
        let request = Request { model: key, output_size: self.output_size, input: &self.input };
        store.insert_local(local::INPUT, request.encode());
        store
    }

    /// The whole guest in the VM; returns the step count.
    fn run_vm(&self, program: &Program, store: &PreimageStore) -> u64 {
        let mut vm = Vm::new(program).expect("load");
        let mut host = StdHost::new(store.clone(), OutputMode::Capture);
        vm.run(&mut host, u64::MAX).expect("run");
        assert_eq!(vm.cpu().halt, Halt::Exited(0), "{}", String::from_utf8_lossy(&host.stderr));
        vm.cpu().step
    }

    /// The same work natively: parse, infer, and commit to every operator's output.
    fn run_native(&self) -> Vec<u8> {
        let model = Model::parse(&self.model).expect("model parses");
        model.infer(&self.input, self.output_size, &mut KeccakCommitments).expect("infers")
    }
}

/// What the guest's hint probe computes: keccak-256 of every operator output.
struct KeccakCommitments;

impl Probe for KeccakCommitments {
    fn end(&mut self, _op: &'static str, output: Output<'_>) {
        let mut hasher = Keccak256::new();
        output.for_each_chunk(|bytes| hasher.update(bytes));
        black_box(hasher.finalize());
    }
}

fn workloads() -> Vec<Workload> {
    let read =
        |path: PathBuf| std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let digits = read(repo().join("fixtures/models/digits.axml"));
    let tests: serde_json::Value =
        serde_json::from_slice(&read(repo().join("fixtures/models/digits-test.json")))
            .expect("digits-test.json");
    let input = tests["samples"][0]["input"]
        .as_array()
        .expect("samples")
        .iter()
        .map(|v| v.as_i64().expect("int8") as i8 as u8)
        .collect();
    let mut all = vec![
        Workload { name: "digits", model: digits, input, output_size: 10 },
        Workload {
            name: "tiny-llama-16",
            model: read(repo().join("fixtures/models/tiny-llama.bin")),
            input: Vec::new(),
            output_size: 4 * 16,
        },
    ];
    match std::fs::read(repo().join("../shared/models/stories260K.bin")) {
        Ok(model) => all.push(Workload {
            name: "stories260K-12",
            model,
            input: Vec::new(),
            output_size: 4 * 12,
        }),
        Err(_) => eprintln!("stories260K skipped: ../shared/models/stories260K.bin is absent"),
    }
    all
}

/// Steps of one run whose pc lies in each of the functions named `names` (demangled).
fn steps_in(program: &Program, store: &PreimageStore, names: &[&str]) -> Vec<u64> {
    let ranges: Vec<std::ops::Range<u32>> = names
        .iter()
        .map(|name| {
            let symbol = program
                .symbols
                .iter()
                .find(|s| s.demangled() == *name)
                .unwrap_or_else(|| panic!("no symbol {name} in inference.elf"));
            symbol.addr..symbol.addr + symbol.size
        })
        .collect();
    let mut counts = vec![0; names.len()];
    let mut vm = Vm::new(program).expect("load");
    let mut host = StdHost::new(store.clone(), OutputMode::Capture);
    while vm.cpu().halt.is_running() {
        let pc = vm.cpu().pc;
        if let Some(i) = ranges.iter().position(|r| r.contains(&pc)) {
            counts[i] += 1;
        }
        vm.step(&mut host).expect("step");
    }
    counts
}

fn main() {
    let elf = std::fs::read(repo().join("fixtures/programs/inference.elf")).expect("inference.elf");
    let program = Program::parse(&elf).expect("inference.elf parses");
    let workloads = workloads();

    // Instructions per MAC of the int8 kernels, from one digits run.
    let digits = &workloads[0];
    let store = digits.store();
    let kernel_steps =
        steps_in(&program, &store, &["<axon_ml::int8::Dense>::run", "axon_ml::int8::conv2d"]);
    let model = Sequential::parse(&digits.model).expect("digits parses");
    let macs_of =
        |op: &str| model.macs().iter().filter(|(name, _)| *name == op).map(|(_, m)| m).sum::<u64>();
    let (dense_macs, conv_macs) = (macs_of("dense"), macs_of("conv2d"));

    let mut criterion = Criterion::default().configure_from_args();
    let mut steps = Vec::new();
    for workload in &workloads {
        let store = workload.store();
        steps.push(workload.run_vm(&program, &store));
        let mut group = criterion.benchmark_group(workload.name);
        group.sample_size(10).measurement_time(Duration::from_secs(10));
        group.bench_function("vm", |b| b.iter(|| workload.run_vm(black_box(&program), &store)));
        group.bench_function("native", |b| b.iter(|| workload.run_native()));
        group.finish();
    }
    // Fast mode against its baselines on the largest model.
    let fast_mode = workloads.iter().find(|w| w.name.starts_with("stories260K")).map(|w| {
        let group = format!("execute-{}", w.name);
        let steps = bench_fast_mode(&mut criterion, &group, &program, &w.store());
        bench_recording(&mut criterion, &program, &w.store());
        (group, steps)
    });
    criterion.final_summary();

    println!("\n== Axon inference benchmark summary ==");
    println!(
        "int8 dense   {:6.2} VM instructions per MAC ({} instructions, {dense_macs} MACs; goal < 8)",
        kernel_steps[0] as f64 / dense_macs as f64,
        kernel_steps[0]
    );
    println!(
        "int8 conv2d  {:6.2} VM instructions per MAC ({} instructions, {conv_macs} MACs)",
        kernel_steps[1] as f64 / conv_macs as f64,
        kernel_steps[1]
    );
    for (workload, steps) in workloads.iter().zip(steps) {
        print_vm_vs_native(workload.name, steps);
    }
    match fast_mode {
        Some((group, steps)) => {
            print_fast_mode(&group, steps, Err(QEMU_HAS_NO_ORACLE));
            print_recording(&group);
        }
        None => println!("fast mode on stories260K not run: the shared model is absent"),
    }
}

/// The checkpoint interval of the recording benchmark: the `dispute` CLI's default.
const CHECKPOINT_INTERVAL: u64 = 1 << 22;
const RECORDING: &str = "record-stories260K-12";

/// Records the trace of `program` on `store` as a dispute player does: the prestate hash,
/// then a checkpoint every [`CHECKPOINT_INTERVAL`] steps, in memory and as files.
fn bench_recording(criterion: &mut Criterion, program: &Program, store: &PreimageStore) {
    let dir = std::env::temp_dir().join(format!("axon-bench-checkpoints-{}", std::process::id()));
    let record = |store_in: CheckpointStore| {
        let mut vm = Vm::new(program).expect("load");
        black_box(vm.state_hash());
        let mut host = StdHost::new(store.clone(), OutputMode::Capture);
        let config = VmConfig::default();
        let checkpoints =
            Checkpoints::record(vm, &mut host, CHECKPOINT_INTERVAL, u64::MAX, store_in, config)
                .expect("record");
        black_box(checkpoints.final_step())
    };
    let mut group = criterion.benchmark_group(RECORDING);
    group.sample_size(10).measurement_time(Duration::from_secs(10));
    group.bench_function("memory", |b| b.iter(|| record(CheckpointStore::Memory)));
    group.bench_function("files", |b| {
        // Each run starts without the last one's files: a complete directory is reused.
        let clear = || drop(std::fs::remove_dir_all(&dir));
        let files = |()| record(CheckpointStore::Directory(dir.clone()));
        b.iter_batched(clear, files, BatchSize::PerIteration)
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

fn print_recording(fast_group: &str) {
    let fast = estimate_ns(fast_group, "axon").unwrap_or(f64::NAN);
    println!("trace recording, a checkpoint every {CHECKPOINT_INTERVAL} steps and its state hash:");
    for (bench, what) in [("memory", "in memory"), ("files", "to files ")] {
        let ns = estimate_ns(RECORDING, bench).unwrap_or(f64::NAN);
        println!("  {what} {:8.1} ms   {:5.2}x fast mode's run", ns / 1e6, ns / fast);
    }
}
