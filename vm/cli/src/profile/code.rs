//! What the profiler needs to know about each instruction: the function it is in (the ELF's
//! function symbols, demangled) and how it moves the call stack, in a table indexed by
//! instruction so a step costs one array load instead of a symbol search and a decode.

use axon_vm::decode::decode;
use axon_vm::Program;

use super::calltree::Control;

/// A function of the program, or [`CodeMap::UNKNOWN`] for code outside every symbol.
pub(crate) type FunctionId = u32;

/// The function and control role of every instruction of a program.
#[derive(Debug)]
pub(crate) struct CodeMap {
    names: Vec<String>,
    /// The first instruction address `by_pc` covers.
    base: u32,
    /// The function and role of the instruction at `base + 4 * i`.
    by_pc: Vec<(FunctionId, Control)>,
}

impl CodeMap {
    /// Code that no function symbol covers (stripped binaries, hand-written stubs).
    pub(crate) const UNKNOWN: FunctionId = 0;

    /// The table of `program`'s code segments.
    pub(crate) fn new(program: &Program) -> Self {
        let mut names = vec!["[unknown]".to_string()];
        let base = program.code.iter().map(|r| r.start & !3).min().unwrap_or(0);
        let end = program.code.iter().map(|r| r.end).max().unwrap_or(base);
        let mut by_pc: Vec<_> = (base..end)
            .step_by(4)
            .map(|pc| (Self::UNKNOWN, Control::of(decode(program.word_at(pc)))))
            .collect();
        for symbol in program.symbols.iter().filter(|s| s.size > 0) {
            let id = names.len() as FunctionId;
            let mut covered = false;
            let first = symbol.addr.saturating_sub(base) / 4;
            let last =
                (u64::from(symbol.addr) + u64::from(symbol.size)).saturating_sub(u64::from(base));
            for slot in by_pc.iter_mut().take(last.div_ceil(4) as usize).skip(first as usize) {
                slot.0 = id;
                covered = true;
            }
            if covered {
                names.push(symbol.demangled());
            }
        }
        Self { names, base, by_pc }
    }

    /// The function containing `pc` and the role of its instruction; `None` outside the
    /// program's code (code the guest wrote itself).
    #[inline]
    pub(crate) fn at(&self, pc: u32) -> Option<(FunctionId, Control)> {
        let index = (pc.wrapping_sub(self.base) / 4) as usize;
        self.by_pc.get(index).copied()
    }

    /// The demangled name of `function`.
    pub(crate) fn name(&self, function: FunctionId) -> &str {
        &self.names[function as usize]
    }

    /// How many functions there are, [`Self::UNKNOWN`] included.
    pub(crate) fn len(&self) -> usize {
        self.names.len()
    }
}
