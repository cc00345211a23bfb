//! `axon-vm witness`: the witness of one step, checked by the stateless verifier.

use std::process::ExitCode;

use axon_vm::verify_step;
use serde_json::json;

use crate::common::{hex0x, AtStepArgs, CliError, Result};

/// Prints the witness of the transition from step N to N + 1.
pub(crate) fn run(args: AtStepArgs) -> Result<ExitCode> {
    let (mut vm, mut host) = args.run_to_step()?;
    let pre_state_hash = vm.state_hash();
    let witness = vm.step_with_witness(&mut host)?;
    let post_state_hash = vm.state_hash();
    // The witness must stand on its own: check it the way the chain would.
    let verified = verify_step(&witness)?;
    if verified != post_state_hash {
        return Err(CliError::StatelessMismatch { step: args.step });
    }
    let doc = json!({
        "step": args.step,
        "pre_state_hash": hex0x(&pre_state_hash),
        "post_state_hash": hex0x(&post_state_hash),
        "state": hex0x(&witness.state),
        "proof": hex0x(&witness.proof),
        "preimage": witness.preimage.map(|p| json!({
            "key": hex0x(&p.key),
            "offset": p.offset,
            "part": hex0x(&p.bytes),
            "len": p.len,
        })),
    });
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(ExitCode::SUCCESS)
}
