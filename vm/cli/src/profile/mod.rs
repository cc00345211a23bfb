//! `axon-vm profile`: where a guest spends its instructions, per function (ELF symbols), per
//! ML operator (the boundaries the guest marks on the hint channel) and per call stack
//! (folded stacks and a flamegraph SVG).
//!
//! The profiler steps the VM one instruction at a time and only watches the pc and the hint
//! channel, which is not part of the state: the profiled run is the run that would be proven,
//! to the step.

mod calltree;
mod code;
mod operators;
mod report;

use std::path::PathBuf;
use std::process::ExitCode;

use axon_vm::decode::decode;
use axon_vm::{OutputMode, StdHost};

use self::calltree::{CallTree, Control};
use self::code::CodeMap;
use self::operators::Operators;
use crate::common::{Format, GuestArgs, Result};

/// Arguments of `axon-vm profile`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    guest: GuestArgs,
    /// Stop after this many steps.
    #[arg(long, default_value_t = u64::MAX)]
    max_steps: u64,
    /// The report's format (on stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Rows per table in the text report (0: all).
    #[arg(long, default_value_t = 20)]
    top: usize,
    /// Also write the call stacks as a flamegraph SVG.
    #[arg(long, value_name = "FILE")]
    flamegraph: Option<PathBuf>,
    /// Also write the call stacks in the folded format (`outer;inner count`).
    #[arg(long, value_name = "FILE")]
    folded: Option<PathBuf>,
}

/// What a profiled run measured.
#[derive(Debug)]
pub(crate) struct Profile {
    code: CodeMap,
    calls: CallTree,
    operators: Operators,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let (program, mut vm, preimages) = args.guest.load()?;
    let code = CodeMap::new(&program);
    let mut calls = CallTree::new(code.len());
    let mut operators = Operators::default();
    let mut host = StdHost::new(preimages, OutputMode::Capture);
    while vm.cpu().halt.is_running() && vm.cpu().step < args.max_steps {
        let pc = vm.cpu().pc;
        let (function, control) = code.at(pc).unwrap_or_else(|| {
            (CodeMap::UNKNOWN, Control::of(decode(vm.memory().load_u32(pc & !3))))
        });
        calls.record(function, control);
        vm.step(&mut host)?;
        if !host.hints.is_empty() {
            operators.hints(&host.hints, vm.cpu().step);
            host.hints.clear();
        }
    }
    operators.finish(vm.cpu().step);
    let profile = Profile { code, calls, operators };
    if let Some(path) = &args.folded {
        report::write_folded(&profile, path)?;
    }
    if let Some(path) = &args.flamegraph {
        let title = format!("axon-vm profile {}", args.guest.elf.display());
        report::write_flamegraph(&profile, &title, path)?;
    }
    report::write(&profile, &mut vm, &host, args.format, args.top)?;
    Ok(crate::run::exit_code(vm.cpu().halt))
}
