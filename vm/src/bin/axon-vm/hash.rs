//! `axon-vm hash`: the state hash at a step.

use std::process::ExitCode;

use axon_vm::{OutputMode, StdHost};

use crate::common::{hex0x, GuestArgs, Result};

/// Arguments of `axon-vm hash`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    guest: GuestArgs,
    /// The step (past the end of the trace: the final state).
    #[arg(long)]
    step: u64,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let (_, mut vm, preimages) = args.guest.load()?;
    let mut host = StdHost::new(preimages, OutputMode::Capture);
    vm.run(&mut host, args.step)?;
    println!("{}", hex0x(&vm.state_hash()));
    Ok(ExitCode::SUCCESS)
}
