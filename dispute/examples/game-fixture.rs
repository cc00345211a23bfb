//! Writes `fixtures/dispute/hello.json`: a real trace for the Solidity game's integration test
//! (`contracts/test/dispute/DisputeGameRISCV.t.sol`), which plays games over it against the
//! real RISC-V verifier.
//!
//! `cargo run --release -p axon-dispute --example game-fixture` (or `make fixtures`).
//!
//! The trace is `hello.elf` reading the input `axon`, cut at the smallest game depth (at least
//! 4) whose `2^depth` steps include the program's first preimage read. The file holds every
//! state hash of the trace and the step witnesses of three steps a test steps on: the first,
//! the first preimage read (which needs the input loaded as local data through the game) and
//! the last.

use std::path::PathBuf;

use axon_vm::abi::local;
use axon_vm::{OutputMode, PreimageStore, Program, StdHost, StepWitness, Vm};
use serde_json::{json, Value};

const INPUT: &[u8] = b"axon";

fn witness_json(step: u64, witness: &StepWitness) -> Value {
    let preimage = witness.preimage.as_ref().map(|part| {
        json!({
            "key": format!("0x{}", hex::encode(part.key)),
            "offset": part.offset,
        })
    });
    json!({
        "step": step,
        "state": format!("0x{}", hex::encode(&witness.state)),
        "proof": format!("0x{}", hex::encode(&witness.proof)),
        "preimage": preimage,
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let program = Program::parse(&std::fs::read(repo.join("fixtures/programs/hello.elf"))?)?;
    let mut preimages = PreimageStore::new();
    preimages.insert_local(local::INPUT, INPUT.to_vec());
    let mut host = StdHost::new(preimages, OutputMode::Capture);

    // One witness per step until the first preimage read fixes the depth; then plain steps.
    let mut vm = Vm::new(&program)?;
    let mut hashes = vec![vm.state_hash()];
    let mut witnesses = Vec::new();
    let mut read_step = None;
    let mut depth = 4u32;
    loop {
        let step = hashes.len() as u64 - 1;
        let last = read_step.is_some() && step == (1 << depth) - 1;
        if read_step.is_some() && step == 1 << depth {
            break;
        }
        if step == 0 || read_step.is_none() || last {
            let witness = vm.step_with_witness(&mut host)?;
            if read_step.is_none() && witness.preimage.is_some() {
                read_step = Some(step);
                while (1u64 << depth) < step + 2 {
                    depth += 1;
                }
                witnesses.push(witness_json(step, &witness));
            } else if step == 0 || last {
                witnesses.push(witness_json(step, &witness));
            }
        } else {
            vm.run(&mut host, step + 1)?;
        }
        hashes.push(vm.state_hash());
        if read_step.is_none() && !vm.cpu().halt.is_running() {
            return Err("hello halted before its first preimage read".into());
        }
    }
    let read_step = read_step.ok_or("hello made no preimage read in its trace")?;
    let doc = json!({
        "program": "fixtures/programs/hello.elf",
        "input": format!("0x{}", hex::encode(INPUT)),
        "max_depth": depth,
        "read_step": read_step,
        "hashes": hashes.iter().map(|h| format!("0x{}", hex::encode(h))).collect::<Vec<_>>(),
        "witnesses": witnesses,
    });
    let out = repo.join("fixtures/dispute");
    std::fs::create_dir_all(&out)?;
    std::fs::write(out.join("hello.json"), serde_json::to_string_pretty(&doc)? + "\n")?;
    println!("wrote a {}-step trace (depth {depth}, first read at step {read_step})", 1 << depth);
    Ok(())
}
