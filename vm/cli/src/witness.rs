//! `axon-vm witness`: the witnesses of one step or of a window of steps, each checked by the
//! stateless verifier.

use std::process::ExitCode;

use axon_vm::{verify_step, EncodedState, Hash, StepWitness};
use serde_json::{json, Value};

use crate::common::{hex0x, AtStepArgs, CliError, Result};

/// Arguments of `axon-vm witness`.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct WitnessArgs {
    #[command(flatten)]
    at: AtStepArgs,
    /// Witness this many consecutive steps from `--step`, made on all cores; printed as a JSON
    /// array (one step: one object).
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    count: u64,
}

/// Prints the witnesses of the transitions from step N to N + count.
pub(crate) fn run(args: WitnessArgs) -> Result<ExitCode> {
    let (mut vm, mut host) = args.at.run_to_step()?;
    let mut pre_state_hash = vm.state_hash();
    // The witnesses must stand on their own: each is checked the way the chain would, on the
    // thread that made it.
    let checked = vm.witnesses(&mut host, args.count, |witness| {
        let verified = verify_step(&witness);
        (witness, verified)
    })?;
    let final_hash = vm.state_hash();
    let mut docs = Vec::with_capacity(checked.len());
    let mut checked = checked.into_iter().peekable();
    let mut step = args.at.step;
    while let Some((witness, verified)) = checked.next() {
        // The VM's post-state: the next witness's pre-state, or where the window ended.
        let post_state_hash = match checked.peek() {
            Some((next, _)) => {
                EncodedState::decode(&next.state).map_err(axon_vm::Error::from)?.hash()
            }
            None => final_hash,
        };
        if verified? != post_state_hash {
            return Err(CliError::StatelessMismatch { step });
        }
        docs.push(document(step, &pre_state_hash, &post_state_hash, &witness));
        pre_state_hash = post_state_hash;
        step += 1;
    }
    let doc = match <[Value; 1]>::try_from(docs) {
        Ok([one]) => one,
        Err(docs) => Value::Array(docs),
    };
    println!("{}", serde_json::to_string_pretty(&doc)?);
    Ok(ExitCode::SUCCESS)
}

/// One step's witness as JSON.
fn document(step: u64, pre: &Hash, post: &Hash, witness: &StepWitness) -> Value {
    json!({
        "step": step,
        "pre_state_hash": hex0x(pre),
        "post_state_hash": hex0x(post),
        "state": hex0x(&witness.state),
        "proof": hex0x(&witness.proof),
        "preimage": witness.preimage.map(|p| json!({
            "key": hex0x(&p.key),
            "offset": p.offset,
            "part": hex0x(&p.bytes),
            "len": p.len,
        })),
    })
}
