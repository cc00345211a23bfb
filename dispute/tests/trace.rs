//! The VM trace provider against plain runs of the VM: every answer a game may ask for.

use std::path::PathBuf;

use axon_dispute::{Error, Position, TraceProvider, VmTraceProvider};
use axon_vm::abi::{local, VmStatus};
use axon_vm::{
    verify_step, CheckpointStore, Hash, OutputMode, PreimageStore, Program, StdHost, Vm, VmConfig,
};

fn hello() -> Program {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/programs/hello.elf");
    Program::parse(&std::fs::read(&path).expect("hello.elf")).expect("an ELF")
}

fn input(bytes: &[u8]) -> PreimageStore {
    let mut store = PreimageStore::new();
    store.insert_local(local::INPUT, bytes.to_vec());
    store
}

/// The state hash after `steps` steps, by a plain run from the start.
fn reference(program: &Program, preimages: &PreimageStore, steps: u64) -> Hash {
    let mut vm = Vm::new(program).unwrap();
    let mut host = StdHost::new(preimages.clone(), OutputMode::Capture);
    vm.run(&mut host, steps).unwrap();
    vm.state_hash()
}

fn provider(depth: u8, interval: u64, store: CheckpointStore) -> VmTraceProvider {
    VmTraceProvider::new(&hello(), input(b"axon"), depth, interval, store, VmConfig::default())
        .unwrap()
}

#[test]
fn answers_equal_plain_runs_inside_and_past_the_trace() {
    let program = hello();
    let preimages = input(b"axon");
    let mut trace = provider(20, 1000, CheckpointStore::Memory);
    let end = trace.final_step();
    assert!(end > 2000 && end < 1 << 20, "hello halts after {end} steps");
    assert_eq!(trace.absolute_prestate().unwrap(), reference(&program, &preimages, 0));
    for steps in [1, 999, 1000, 1001, 1999, end - 1, end, end + 1, 1 << 20] {
        assert_eq!(
            trace.state_after(steps).unwrap(),
            reference(&program, &preimages, steps),
            "after {steps} steps"
        );
    }
    // The root claims the state after 2^20 steps: the halted final state.
    let root = trace.claim_at(Position::ROOT).unwrap();
    assert_eq!(root, reference(&program, &preimages, end));
    assert_eq!(root[0], VmStatus::Valid as u8);
    assert!(String::from_utf8_lossy(trace.stdout()).contains("hello from axon"));
}

#[test]
fn claims_at_positions_are_states_after_their_trace_index_plus_one() {
    let program = hello();
    let preimages = input(b"axon");
    let depth = 12;
    let mut trace = provider(depth, 256, CheckpointStore::Memory);
    for position in
        [Position::ROOT.attack(), Position::new(depth, 0).unwrap(), Position::new(5, 7).unwrap()]
    {
        let steps = position.trace_index(depth) + 1;
        assert_eq!(trace.claim_at(position).unwrap(), reference(&program, &preimages, steps));
    }
}

#[test]
fn step_witnesses_lead_to_the_next_state_even_on_a_halted_trace() {
    let mut trace = provider(20, 500, CheckpointStore::Memory);
    let end = trace.final_step();
    for steps in [0, 1, 499, 500, 777, end - 1, end, end + 5] {
        let witness = trace.step_witness(steps).unwrap();
        assert_eq!(
            verify_step(&witness).unwrap(),
            trace.state_after(steps + 1).unwrap(),
            "step {steps}"
        );
    }
}

#[test]
fn a_trace_shorter_than_the_program_ends_unfinished() {
    let program = hello();
    let mut trace = provider(6, 16, CheckpointStore::Memory);
    assert_eq!(trace.final_step(), 64);
    let root = trace.claim_at(Position::ROOT).unwrap();
    assert_eq!(root, reference(&program, &input(b"axon"), 64));
    assert_eq!(root[0], VmStatus::Unfinished as u8);
}

#[test]
fn checkpoints_on_disk_give_the_same_answers() {
    let dir = std::env::temp_dir().join(format!("axon-dispute-trace-{}", std::process::id()));
    let mut on_disk = provider(16, 700, CheckpointStore::Directory(dir.clone()));
    let mut in_memory = provider(16, 700, CheckpointStore::Memory);
    assert!(std::fs::read_dir(&dir).unwrap().count() > 1, "snapshots were written");
    for steps in [0, 650, 701, 1400, 1 << 16] {
        assert_eq!(on_disk.state_after(steps).unwrap(), in_memory.state_after(steps).unwrap());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_parameters_are_errors() {
    let program = hello();
    let new = |depth, interval| {
        VmTraceProvider::new(
            &program,
            input(b""),
            depth,
            interval,
            CheckpointStore::Memory,
            VmConfig::default(),
        )
    };
    assert!(matches!(new(0, 10), Err(Error::InvalidGameDepth(0))));
    assert!(matches!(new(63, 10), Err(Error::InvalidGameDepth(63))));
    assert!(matches!(new(8, 0), Err(Error::ZeroCheckpointInterval)));
    let missing = VmTraceProvider::new(
        &program,
        PreimageStore::new(),
        16,
        100,
        CheckpointStore::Memory,
        VmConfig::default(),
    );
    assert!(matches!(missing, Err(Error::Vm(axon_vm::Error::MissingPreimage(_)))), "{missing:?}");
}
