//! `axon-vm check`: instructions and syscalls the VM does not support.

use std::path::PathBuf;
use std::process::ExitCode;

use axon_vm::check::{scan, Finding};

use crate::common::{load_program, Result};

/// Arguments of `axon-vm check`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The RV32IM ELF executable.
    elf: PathBuf,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let program = load_program(&args.elf)?;
    let findings = scan(&program);
    let mut errors = 0usize;
    for (addr, finding) in &findings {
        let location = match program.symbol_at(*addr) {
            Some(symbol) => {
                format!("{addr:#010x} <{}+{:#x}>", symbol.demangled(), addr - symbol.addr)
            }
            None => format!("{addr:#010x}"),
        };
        let text = match finding {
            Finding::Illegal { word } => format!("error: illegal instruction {word:#010x}"),
            Finding::Trap { word } => format!("note: deliberate trap {word:#010x}"),
            Finding::UnknownSyscall { number } => format!("error: unknown syscall {number}"),
            Finding::UnresolvedSyscall => "note: syscall number not statically known".into(),
        };
        errors += usize::from(finding.is_error());
        println!("{location}: {text}");
    }
    let words: u64 = program.code.iter().map(|r| u64::from(r.end - r.start) / 4).sum();
    println!("checked {words} instruction words: {errors} unsupported");
    Ok(if errors == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
