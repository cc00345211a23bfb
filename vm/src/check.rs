//! Static check of a program: instructions and syscalls the VM does not support.
//!
//! Every word of the program's code is decoded exactly as the VM would. For each `ecall` the
//! syscall number is resolved from the nearest preceding write to `a7` in straight-line code
//! (`li a7, N`, one `addi` or `lui`); numbers the VM does not know are reported, unresolvable
//! ones are noted.

use axon_abi::syscall;

use crate::decode::{decode, Op};
use crate::elf::Program;

/// The canonical `unimp` encoding (`csrrw x0, cycle, x0`): compilers emit it as a trap.
const UNIMP: u32 = 0xc000_1073;
/// How far back from an `ecall` to look for the write to `a7`.
const SYSCALL_LOOKBACK: u32 = 32;
const A7: u8 = 17;

/// What the check found at one address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// A word that is not RV32IM: executing it faults with `IllegalInstruction`.
    Illegal {
        /// The word.
        word: u32,
    },
    /// A deliberate trap (`unimp`, `ebreak`): faults if reached, which compilers intend.
    Trap {
        /// The word.
        word: u32,
    },
    /// An `ecall` whose number the VM does not know: faults with `UnknownSyscall`.
    UnknownSyscall {
        /// The resolved `a7`.
        number: u32,
    },
    /// An `ecall` whose `a7` could not be resolved statically.
    UnresolvedSyscall,
}

impl Finding {
    /// Whether the finding means the program can fault where its author did not intend.
    pub fn is_error(&self) -> bool {
        matches!(self, Finding::Illegal { .. } | Finding::UnknownSyscall { .. })
    }
}

/// Scans the program's code; returns findings ordered by address.
pub fn scan(program: &Program) -> Vec<(u32, Finding)> {
    let mut findings = Vec::new();
    for range in &program.code {
        let start = range.start & !3;
        for addr in (u64::from(start)..u64::from(range.end)).step_by(4).map(|a| a as u32) {
            let word = program.word_at(addr);
            let finding = match decode(word).op {
                Op::Illegal if word == UNIMP => Some(Finding::Trap { word }),
                Op::Illegal => Some(Finding::Illegal { word }),
                Op::Ebreak => Some(Finding::Trap { word }),
                Op::Ecall => match syscall_number(program, start, addr) {
                    Some(
                        syscall::EXIT | syscall::READ | syscall::WRITE | syscall::KECCAK_PERMUTE,
                    ) => None,
                    Some(number) => Some(Finding::UnknownSyscall { number }),
                    None => Some(Finding::UnresolvedSyscall),
                },
                _ => None,
            };
            findings.extend(finding.map(|f| (addr, f)));
        }
    }
    findings
}

/// The value of `a7` at the `ecall` at `addr`, if straight-line code before it sets it.
fn syscall_number(program: &Program, range_start: u32, addr: u32) -> Option<u32> {
    let mut at = addr;
    for _ in 0..SYSCALL_LOOKBACK {
        if at < range_start + 4 {
            return None;
        }
        at -= 4;
        let instr = decode(program.word_at(at));
        match instr.op {
            Op::Jal | Op::Jalr | Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu => {
                return None
            }
            Op::Addi | Op::Ori | Op::Xori if instr.rd == A7 && instr.rs1 == 0 => {
                return Some(instr.imm)
            }
            Op::Lui if instr.rd == A7 => return Some(instr.imm),
            _ if instr.rd == A7 => return None,
            _ => {}
        }
    }
    None
}
