//! The game fixture's contents (see `main.rs`), shared with the test that keeps the committed
//! file up to date (`dispute/tests/fixtures.rs`).

use std::path::Path;

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

/// The document of `fixtures/dispute/hello.json` (see `main.rs`).
pub(crate) fn hello(repo: &Path) -> Result<Value, Box<dyn std::error::Error>> {
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
    Ok(doc)
}
