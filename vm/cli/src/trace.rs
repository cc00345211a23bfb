//! `axon-vm trace`: a window of the instruction trace, each step disassembled with its
//! function and the registers it wrote, for reading what the guest did around a step (for
//! example the step a dispute ends on).

use std::io::Write;
use std::process::ExitCode;

use axon_vm::decode::{decode, disassemble};
use axon_vm::{Halt, OutputMode, Program, StdHost};
use serde::Serialize;

use crate::common::{stdout_error, Format, GuestArgs, Result};

/// Arguments of `axon-vm trace`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    guest: GuestArgs,
    /// The first step of the window (the guest runs fast up to it).
    #[arg(long, default_value_t = 0)]
    from: u64,
    /// How many steps the window has (fewer when the guest halts inside it).
    #[arg(long, default_value_t = 100)]
    count: u64,
    /// The output's format (on stdout).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// One executed instruction.
#[derive(Debug, Serialize)]
struct Row {
    /// Its step: the value of the step counter before it ran.
    step: u64,
    pc: String,
    /// `name+0xoffset` of the function symbol around the pc, empty when there is none.
    function: String,
    word: String,
    instruction: String,
    /// The register it wrote, `xN=0xvalue` (empty for none, or when it halted the guest).
    writes: String,
}

pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let (program, mut vm, preimages) = args.guest.load()?;
    let mut host = StdHost::new(preimages, OutputMode::Capture);
    vm.run(&mut host, args.from)?;
    let mut rows = Vec::new();
    while vm.cpu().halt.is_running() && (rows.len() as u64) < args.count {
        let (step, pc) = (vm.cpu().step, vm.cpu().pc);
        let word = vm.memory().load_u32(pc & !3);
        vm.step(&mut host)?;
        let rd = usize::from(decode(word).rd);
        let writes = match (rd, vm.cpu().halt) {
            (1.., Halt::Running) => format!("x{rd}={:#x}", vm.cpu().regs[rd]),
            _ => String::new(),
        };
        rows.push(Row {
            step,
            pc: format!("{pc:#010x}"),
            function: function_at(&program, pc),
            word: format!("{word:08x}"),
            instruction: disassemble(word, pc).unwrap_or_else(|| "<illegal>".into()),
            writes,
        });
    }
    eprintln!("axon-vm: {}", crate::run::status_line(&mut vm));
    write(&rows, args.format)?;
    Ok(ExitCode::SUCCESS)
}

/// `name+0xoffset` of the (demangled) function symbol containing `pc`.
fn function_at(program: &Program, pc: u32) -> String {
    program.symbol_at(pc).map_or_else(String::new, |symbol| {
        format!("{}+{:#x}", symbol.demangled(), pc - symbol.addr)
    })
}

fn write(rows: &[Row], format: Format) -> Result<()> {
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    match format {
        Format::Json => {
            let mut out = out;
            serde_json::to_writer_pretty(&mut out, rows)?;
            writeln!(out).map_err(stdout_error)?;
            out.flush().map_err(stdout_error)?;
        }
        Format::Csv => {
            let mut csv = csv::Writer::from_writer(out);
            for row in rows {
                csv.serialize(row)?;
            }
            csv.flush().map_err(stdout_error)?;
        }
        Format::Text => {
            let mut out = out;
            for row in rows {
                writeln!(
                    out,
                    "{:>12}  {}  {}  {:<28} {:<36} {}",
                    row.step, row.pc, row.word, row.instruction, row.writes, row.function
                )
                .map_err(stdout_error)?;
            }
            out.flush().map_err(stdout_error)?;
        }
    }
    Ok(())
}
