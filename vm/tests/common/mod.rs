//! Helpers shared by the integration tests.
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use axon_vm::{verify_step, Host, Program, StdHost, Vm};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Reads and parses an ELF under the repository root.
pub fn program(relative: &str) -> Program {
    let bytes = std::fs::read(repo().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"));
    Program::parse(&bytes).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// The address of a symbol of any type, from the ELF's symbol table.
pub fn symbol(relative: &str, name: &str) -> Option<u32> {
    let bytes = std::fs::read(repo().join(relative)).ok()?;
    let elf = goblin::elf::Elf::parse(&bytes).ok()?;
    elf.syms.iter().find(|s| elf.strtab.get_at(s.st_name) == Some(name)).map(|s| s.st_value as u32)
}

/// Steps `program` to its end (or `max_steps`) three ways and requires one post-state hash
/// after every step: the fast VM, the VM recording a witness, and the stateless verifier fed
/// only that witness. Also checks that a fault leaves pc and registers as they were, and
/// that a halted state steps as a no-op. Returns the stepped VM.
pub fn three_way<H: Host + Clone>(program: &Program, host: &H, max_steps: u64) -> Vm {
    let mut fast = Vm::new(program).expect("load");
    let mut stepped = Vm::new(program).expect("load");
    let (mut fast_host, mut stepped_host) = (host.clone(), host.clone());
    while stepped.cpu().halt.is_running() && stepped.cpu().step < max_steps {
        let before = stepped.cpu().clone();
        let witness = stepped.step_with_witness(&mut stepped_host).expect("witness step");
        let post = stepped.state_hash();
        let stateless = verify_step(&witness)
            .unwrap_or_else(|e| panic!("stateless step {} failed: {e}", before.step));
        assert_eq!(stateless, post, "stateless != witness VM after step {}", before.step);
        fast.step(&mut fast_host).expect("fast step");
        assert_eq!(fast.state_hash(), post, "fast != witness VM after step {}", before.step);
        if let axon_vm::Halt::Faulted(_) = stepped.cpu().halt {
            assert_eq!(stepped.cpu().pc, before.pc, "a fault keeps pc");
            assert_eq!(stepped.cpu().regs, before.regs, "a fault keeps registers");
        }
    }
    if !stepped.cpu().halt.is_running() {
        let final_hash = stepped.state_hash();
        let witness = stepped.step_with_witness(&mut stepped_host).expect("halted step");
        assert!(witness.proof.is_empty(), "a halted step needs no proof");
        assert_eq!(verify_step(&witness).expect("halted step verifies"), final_hash);
        assert_eq!(stepped.state_hash(), final_hash, "a halted step is a no-op");
    }
    // One uninterrupted fast run ends in the same state.
    let mut run = Vm::new(program).expect("load");
    run.run(&mut host.clone(), max_steps).expect("run");
    assert_eq!(run.state_hash(), stepped.state_hash(), "fast run != stepping");
    stepped
}

/// A host with `input` as the program input and output captured.
pub fn capturing_host(input: Vec<u8>) -> StdHost {
    let mut preimages = axon_vm::PreimageStore::new();
    preimages.insert_local(axon_vm::abi::local::INPUT, input);
    StdHost::new(preimages, axon_vm::OutputMode::Capture)
}
