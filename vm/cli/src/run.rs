//! `axon-vm run`: execute a program fast and report how it ended.

use std::process::ExitCode;

use axon_vm::{Halt, OutputMode, StdHost, Vm};
use serde_json::json;

use crate::common::{hex0x, GuestArgs, Result};

/// Arguments of `axon-vm run`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    guest: GuestArgs,
    /// Stop after this many steps (the guest is then still running).
    #[arg(long, default_value_t = u64::MAX)]
    max_steps: u64,
    /// Print a JSON summary on stdout; the guest's stdout and stderr are captured into it.
    #[arg(long)]
    json: bool,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let (_, mut vm, preimages) = args.guest.load()?;
    let mode = if args.json { OutputMode::Capture } else { OutputMode::Forward };
    let mut host = StdHost::new(preimages, mode);
    vm.run(&mut host, args.max_steps)?;
    report(&mut vm, &host, args.json)
}

/// Prints how the run ended (JSON on stdout, or one line on stderr) and picks the exit code
/// ([`exit_code`]).
pub(crate) fn report(vm: &mut Vm, host: &StdHost, json: bool) -> Result<ExitCode> {
    if json {
        println!("{}", serde_json::to_string_pretty(&summary(vm, host))?);
    } else {
        eprintln!("axon-vm: {}", status_line(vm));
    }
    Ok(exit_code(vm.cpu().halt))
}

/// How the run ended, with the state hash and the captured guest output, as JSON. Guest
/// output is bytes (an inference's output is binary): `stdout_hex`/`stderr_hex` carry them
/// exactly, `stdout`/`stderr` as text (invalid UTF-8 shown as U+FFFD).
pub(crate) fn summary(vm: &mut Vm, host: &StdHost) -> serde_json::Value {
    let hash = vm.state_hash();
    let cpu = vm.cpu();
    let (status, exit_code, fault) = outcome(cpu.halt);
    json!({
        "status": status,
        "vm_status": format!("{:?}", cpu.halt.status()).to_lowercase(),
        "exit_code": exit_code,
        "fault": fault,
        "steps": cpu.step,
        "pc": cpu.pc,
        "registers": cpu.regs,
        "state_hash": hex0x(&hash),
        "stdout": String::from_utf8_lossy(&host.stdout),
        "stdout_hex": hex0x(&host.stdout),
        "stderr": String::from_utf8_lossy(&host.stderr),
        "stderr_hex": hex0x(&host.stderr),
    })
}

/// How the run ended, in one line.
pub(crate) fn status_line(vm: &mut Vm) -> String {
    let hash = vm.state_hash();
    let cpu = vm.cpu();
    let how = match outcome(cpu.halt) {
        (_, Some(code), _) => format!("exited with code {code}"),
        (_, None, Some(fault)) => format!("faulted ({fault}) at pc {:#010x}", cpu.pc),
        (_, None, None) => format!("stopped at the step limit, pc {:#010x}", cpu.pc),
    };
    format!("{how} after {} steps; state hash {}", cpu.step, hex0x(&hash))
}

/// The status name, exit code and fault of `halt`.
fn outcome(halt: Halt) -> (&'static str, Option<u32>, Option<String>) {
    match halt {
        Halt::Running => ("running", None, None),
        Halt::Exited(code) => ("exited", Some(code), None),
        Halt::Faulted(fault) => ("faulted", None, Some(format!("{fault:?}"))),
    }
}

/// 0 iff the guest exited 0; the guest's code when it exited otherwise (1 if its low byte is
/// 0); 1 for a fault or an unfinished run.
pub(crate) fn exit_code(halt: Halt) -> ExitCode {
    match halt {
        Halt::Exited(0) => ExitCode::SUCCESS,
        Halt::Exited(code) => ExitCode::from(u8::try_from(code & 0xff).unwrap_or(1).max(1)),
        Halt::Faulted(_) | Halt::Running => ExitCode::FAILURE,
    }
}
