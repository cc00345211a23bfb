//! Guest programs run to their end: the plumbing every application's claims share (loading
//! an ELF, running it on a preimage store, passing a large input by hash).
//!
//! A claim states where a guest's run ends; the proposer and the challenger both get that
//! final state from here before any game is played.

use std::path::Path;

use alloy::primitives::{keccak256, B256};
use axon_vm::abi::local;
use axon_vm::{Halt, OutputMode, PreimageStore, Program, StdHost, Vm};

use crate::Result;

/// How a guest run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestRun {
    /// The halt status.
    pub halt: Halt,
    /// The steps executed.
    pub steps: u64,
    /// The final state's hash: what a claim of this run would state.
    pub state_hash: B256,
    /// The guest's stdout (its result).
    pub stdout: Vec<u8>,
    /// The guest's stderr (the reason of a failure).
    pub stderr: Vec<u8>,
}

/// The guest `elf`, parsed.
pub fn load_guest(elf: &Path) -> Result<Program> {
    let bytes = std::fs::read(elf).map_err(|e| axon_vm::Error::io(elf, e))?;
    Ok(Program::parse(&bytes).map_err(axon_vm::Error::from)?)
}

/// Runs `program` to its end on `store`: the final VM and the host with its output.
pub fn finish_guest(program: &Program, store: PreimageStore) -> Result<(Vm, StdHost)> {
    let mut vm = Vm::new(program)?;
    let mut host = StdHost::new(store, OutputMode::Capture);
    vm.run(&mut host, u64::MAX)?;
    Ok((vm, host))
}

/// Runs the guest `elf` to its end on `store`.
pub fn run_guest(elf: &Path, store: PreimageStore) -> Result<GuestRun> {
    let (mut vm, host) = finish_guest(&load_guest(elf)?, store)?;
    Ok(GuestRun {
        halt: vm.cpu().halt,
        steps: vm.cpu().step,
        state_hash: B256::from(vm.state_hash()),
        stdout: host.stdout,
        stderr: host.stderr,
    })
}

/// The preimages of a guest reading `input` by hash (`read_hashed_input`: the slot-stats
/// guest's items, the storage-proof guest's claim): its keccak-256 as the program input, the
/// bytes under their keccak key.
pub fn hashed_input_store(input: Vec<u8>) -> PreimageStore {
    let mut store = PreimageStore::new();
    store.insert_local(local::INPUT, keccak256(&input).to_vec());
    store.insert_keccak(input);
    store
}
