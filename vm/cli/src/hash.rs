//! `axon-vm hash`: the state hash at a step.

use std::process::ExitCode;

use crate::common::{hex0x, AtStepArgs, Result};

pub(crate) fn run(args: AtStepArgs) -> Result<ExitCode> {
    let (mut vm, _) = args.run_to_step()?;
    println!("{}", hex0x(&vm.state_hash()));
    Ok(ExitCode::SUCCESS)
}
