//! `axon-vm`: run, hash, witness, snapshot, disassemble, check, profile and trace RV32IM guest
//! programs, and write `inference` requests.

mod check;
mod common;
mod disasm;
mod hash;
mod profile;
mod request;
mod run;
mod snapshot;
mod trace;
mod witness;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Axon's deterministic RV32IM fraud-proof VM.
#[derive(Debug, Parser)]
#[command(name = "axon-vm", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a program fast; the process exits 0 iff the guest exited 0.
    Run(run::Args),
    /// Print the state hash at a step.
    Hash(common::AtStepArgs),
    /// Print the witness of one step, or of consecutive steps (`--count`), as JSON: pre-state,
    /// proofs, preimage part, each checked by the stateless verifier.
    Witness(witness::WitnessArgs),
    /// Create, inspect or resume snapshots.
    #[command(subcommand)]
    Snapshot(snapshot::Command),
    /// Disassemble a program's code.
    Disasm(disasm::Args),
    /// Scan a program for instructions and syscalls the VM does not support.
    Check(check::Args),
    /// Count instructions per function, per ML operator and per call stack (flamegraphs).
    Profile(profile::Args),
    /// Write the program input of the `inference` guest for a model and an input.
    Request(request::Args),
    /// Print a window of the instruction trace, disassembled, with the register each writes.
    Trace(trace::Args),
}

fn main() -> ExitCode {
    // Output piped into a reader that stops early (`| head`) ends the process quietly, as it
    // does any Unix tool, instead of a panic in `println!` (Rust ignores SIGPIPE by default).
    // SAFETY: restoring a signal's default disposition at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run::run(args),
        Command::Hash(args) => hash::run(args),
        Command::Witness(args) => witness::run(args),
        Command::Snapshot(command) => snapshot::run(command),
        Command::Disasm(args) => disasm::run(args),
        Command::Check(args) => check::run(args),
        Command::Profile(args) => profile::run(args),
        Command::Request(args) => request::run(args),
        Command::Trace(args) => trace::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("axon-vm: error: {err}");
            ExitCode::from(common::HOST_ERROR_EXIT)
        }
    }
}
