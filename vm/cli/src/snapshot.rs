//! `axon-vm snapshot`: save the VM at a step, inspect a snapshot, resume from one.
//!
//! A snapshot records the keccak-256 of the program input it was made with; `resume` refuses
//! another input (the guest would go on reading data that does not match what it read before).
//! Blobs and keccak preimages need no record: their keys are their contents' hashes, so a
//! resumed run given other files finds its keys missing (a host error), never other data.

use std::path::PathBuf;
use std::process::ExitCode;

use axon_vm::abi::local;
use axon_vm::merkle::keccak256;
use axon_vm::preimage::{local_key, PreimageSource};
use axon_vm::snapshot::SnapshotMeta;
use axon_vm::{OutputMode, PreimageStore, StdHost, Vm};

use crate::common::{hex0x, CliError, GuestArgs, LimitArgs, PreimageArgs, Result};

/// `axon-vm snapshot` subcommands.
#[derive(Debug, clap::Subcommand)]
pub(crate) enum Command {
    /// Run a program to a step and save the whole VM.
    Create {
        #[command(flatten)]
        guest: GuestArgs,
        /// The step to stop at (earlier if the guest halts).
        #[arg(long)]
        step: u64,
        /// The snapshot file to write.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// Verify a snapshot and print its step, pc, status and state hash.
    Info {
        /// The snapshot file.
        file: PathBuf,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Resume a snapshot and run on, like `run`.
    Resume {
        /// The snapshot file.
        file: PathBuf,
        #[command(flatten)]
        preimages: PreimageArgs,
        #[command(flatten)]
        limits: LimitArgs,
        /// Stop when the step counter reaches this value.
        #[arg(long, default_value_t = u64::MAX)]
        max_steps: u64,
        /// Print a JSON summary on stdout (guest output captured into it).
        #[arg(long)]
        json: bool,
    },
}

pub(crate) fn run(command: Command) -> Result<ExitCode> {
    match command {
        Command::Create { guest, step, out } => {
            let (_, mut vm, preimages) = guest.load()?;
            let meta = SnapshotMeta::with_input(input_of(&preimages));
            let mut host = StdHost::new(preimages, OutputMode::Forward);
            vm.run(&mut host, step)?;
            vm.save_snapshot_with(&out, meta)?;
            let hash = vm.state_hash();
            eprintln!(
                "axon-vm: saved step {} to {} (state hash {})",
                vm.cpu().step,
                out.display(),
                hex0x(&hash)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Info { file, limits } => {
            let (mut vm, meta) = Vm::load_snapshot_with_meta(&file, limits.config())?;
            let hash = vm.state_hash();
            let cpu = vm.cpu();
            match meta.input_hash {
                Some(input) => println!("input      keccak {}", hex0x(&input)),
                None => println!("input      not recorded"),
            }
            println!("step       {}", cpu.step);
            println!("pc         {:#010x}", cpu.pc);
            println!("halt       {:?}", cpu.halt);
            println!("pages      {}", vm.memory().page_count());
            println!("state hash {}", hex0x(&hash));
            Ok(ExitCode::SUCCESS)
        }
        Command::Resume { file, preimages, limits, max_steps, json } => {
            let (mut vm, meta) = Vm::load_snapshot_with_meta(&file, limits.config())?;
            let preimages = preimages.store()?;
            let given = keccak256(input_of(&preimages));
            if let Some(recorded) = meta.input_hash.filter(|recorded| *recorded != given) {
                return Err(CliError::SnapshotInput {
                    path: file,
                    recorded: hex0x(&recorded),
                    given: hex0x(&given),
                });
            }
            let mode = if json { OutputMode::Capture } else { OutputMode::Forward };
            let mut host = StdHost::new(preimages, mode);
            vm.run(&mut host, max_steps)?;
            crate::run::report(&mut vm, &host, json)
        }
    }
}

/// The program input in `preimages` (`--input`; empty when not given).
fn input_of(preimages: &PreimageStore) -> &[u8] {
    preimages.preimage(&local_key(local::INPUT)).unwrap_or_default()
}
