//! `axon-vm disasm`: the program's code as the VM decodes it.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use axon_vm::decode::disassemble;

use crate::common::{load_program, stdout_error, Result};

/// Arguments of `axon-vm disasm`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The RV32IM ELF executable.
    elf: PathBuf,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let program = load_program(&args.elf)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for range in &program.code {
        for addr in (u64::from(range.start & !3)..u64::from(range.end)).step_by(4) {
            let addr = addr as u32;
            if let Some(symbol) = program.symbols.iter().find(|s| s.addr == addr) {
                writeln!(out, "\n{:08x} <{}>:", addr, symbol.demangled()).map_err(stdout_error)?;
            }
            let word = program.word_at(addr);
            let text = disassemble(word, addr).unwrap_or_else(|| "<illegal>".into());
            writeln!(out, "{addr:8x}:\t{word:08x}\t{text}").map_err(stdout_error)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
