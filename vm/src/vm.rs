//! The VM: state plus memory, run fast or stepped with witnesses.
//!
//! Fast execution compiles hot code to host code ([`crate::jit`]) and interprets the rest.
//! The interpreter keeps the program's code decoded in a table indexed by `pc` (SP1's
//! approach), an instruction the first time it runs; a store into that range forgets the word
//! it changed, so self-modifying code stays exact. Nothing on either path hashes: memory only
//! marks dirty leaves, and the Merkle root is computed when someone asks for it.

use std::ops::Range;

use crate::decode::{decode, Instr, Op};
use crate::elf::Program;
use crate::error::{Error, Result};
use crate::exec::{self, Machine, Width};
use crate::host::Host;
use crate::jit::{self, FastMode};
use crate::memory::{Memory, PAGE_SIZE};
use crate::merkle::{Hash, MemoryBlock};
use crate::preimage::PreimagePart;
use crate::state::{Cpu, EncodedState};

/// The address of the last word of the address space.
const LAST_WORD: u32 = 0xffff_fffc;

/// Decoded instructions of one address range: each entry is [`Instr::ILLEGAL`] or equals
/// decoding memory.
///
/// An entry is decoded the first time it executes, and a store into the range forgets the
/// word it changed, so self-modifying code stays exact. A large program (the AI-EVM block
/// guest is 2.4 MB) runs a small part of its code, most of it a few times: decoding ahead,
/// all the code at load or a whole page when it first ran, cost more than running a block.
/// The table is one flat array, so the interpreter reaches an entry with one index.
#[derive(Debug, Clone, Default)]
pub(crate) struct CodeCache {
    base: u32,
    /// One entry per word from `base`. An entry of [`Instr::ILLEGAL`] is not decoded yet,
    /// or is an illegal word, which decodes to it again each time it runs.
    instrs: Vec<Instr>,
}

impl CodeCache {
    /// The cache for `range` (rounded out to whole words, short of the last word of the
    /// address space, whose end a `u32` range cannot hold); nothing is decoded yet. Words
    /// outside it are decoded each time they run.
    pub(crate) fn new(range: Range<u32>) -> Self {
        let base = range.start & !3;
        let end = ((u64::from(range.end) + 3) & !3).min(u64::from(LAST_WORD));
        let len = (end.saturating_sub(u64::from(base)) / 4) as usize;
        Self { base, instrs: vec![Instr::ILLEGAL; len] }
    }

    /// The range the cache covers.
    pub(crate) fn range(&self) -> Range<u32> {
        self.base..self.base.wrapping_add(4 * self.instrs.len() as u32)
    }

    /// The index of `pc`'s entry (past the end when the cache does not cover it).
    #[inline(always)]
    fn index(&self, pc: u32) -> usize {
        (pc.wrapping_sub(self.base) >> 2) as usize
    }

    /// The number of entries from `index` to the end of the table (0 past it).
    #[inline(always)]
    fn entries_from(&self, index: usize) -> usize {
        self.instrs.len().saturating_sub(index)
    }

    /// The instruction at `index`, which must be in the table, decoding it if it is not yet.
    #[inline(always)]
    fn decoded(&mut self, index: usize, memory: &Memory) -> Instr {
        let pc = self.base.wrapping_add(4 * index as u32);
        let entry = &mut self.instrs[index];
        if entry.op == Op::Illegal {
            *entry = decode_word(memory, pc);
        }
        *entry
    }

    #[inline(always)]
    fn get(&mut self, pc: u32, memory: &Memory) -> Option<Instr> {
        let index = self.index(pc);
        (index < self.instrs.len()).then(|| self.decoded(index, memory))
    }

    /// Forgets the decoded word at `addr`, if the cache holds it.
    #[inline(always)]
    fn forget(&mut self, addr: u32) {
        let index = self.index(addr);
        if let Some(entry) = self.instrs.get_mut(index) {
            *entry = Instr::ILLEGAL;
        }
    }
}

/// Decodes the word at the aligned `pc`: the interpreter's one way from memory to an
/// instruction, kept out of its loop.
#[cold]
#[inline(never)]
fn decode_word(memory: &Memory, pc: u32) -> Instr {
    decode(memory.load_u32(pc))
}

/// A loaded guest: its state, memory and decoded code.
#[derive(Debug, Clone)]
pub struct Vm {
    pub(crate) cpu: Cpu,
    pub(crate) memory: Memory,
    pub(crate) code: CodeCache,
    pub(crate) fast: FastMode,
}

/// Options for loading a program.
#[derive(Debug, Clone, Copy)]
pub struct VmConfig {
    /// The most pages of guest memory the host will back (a host limit, not a guest fault).
    pub max_pages: usize,
    /// Whether [`Vm::run`] compiles hot code to host code (else it only interprets). Both
    /// reach the same states; only the speed differs.
    pub compile: bool,
    /// Whether hot code is compiled on another thread while the interpreter goes on running
    /// it (else the run waits for each compiled region). Both reach the same states; waiting
    /// makes which steps ran compiled reproducible, which tests of the compiler need.
    pub background_compile: bool,
    /// Steps a run interprets, without looking for hot code, before it sets up the compiler:
    /// a short run then pays nothing for compiling. Both reach the same states; tests of the
    /// compiler set 0 so that short programs compile.
    pub warm_up_steps: u64,
}

impl Default for VmConfig {
    fn default() -> Self {
        Self {
            max_pages: crate::memory::DEFAULT_MAX_PAGES,
            compile: true,
            background_compile: true,
            warm_up_steps: crate::jit::WARM_UP_STEPS,
        }
    }
}

impl Vm {
    /// Loads `program` with default limits: segments in memory, pc at the entry point.
    pub fn new(program: &Program) -> Result<Self> {
        Self::with_config(program, VmConfig::default())
    }

    /// Loads `program` with the given limits.
    pub fn with_config(program: &Program, config: VmConfig) -> Result<Self> {
        let mut memory = Memory::new(config.max_pages);
        // Memory starts zeroed, so a segment's zero fill (bss) needs no writes.
        for segment in &program.segments {
            memory.store_bytes(segment.vaddr, &segment.data)?;
        }
        let code_range = program
            .code
            .iter()
            .map(|r| r.start)
            .min()
            .zip(program.code.iter().map(|r| r.end).max())
            .map_or(0..0, |(start, end)| start..end);
        let code = CodeCache::new(code_range);
        let fast = FastMode::new(&config);
        Ok(Self { cpu: Cpu::new(program.entry), memory, code, fast })
    }

    /// Rebuilds a VM from its parts (used by snapshots and checkpoints).
    pub(crate) fn from_parts(
        cpu: Cpu,
        memory: Memory,
        code_range: Range<u32>,
        config: VmConfig,
    ) -> Self {
        let code = CodeCache::new(code_range);
        Self { cpu, memory, code, fast: FastMode::new(&config) }
    }

    /// Whether [`Vm::run`] compiles hot code (see [`VmConfig::compile`]).
    pub fn set_compile(&mut self, compile: bool) {
        self.fast.compile = compile;
        self.fast.jit = None;
    }

    /// How many regions of hot code fast mode has compiled, including regions it dropped
    /// because their code changed (0 when it only interprets).
    pub fn compiled_regions(&self) -> usize {
        self.fast.jit.as_ref().map_or(0, |jit| jit.compiled_regions())
    }

    /// Registers, pc, step counter and halt status.
    pub fn cpu(&self) -> &Cpu {
        &self.cpu
    }

    /// Registers, pc and the rest, for tools that set up or patch a state (tests, debuggers).
    pub fn cpu_mut(&mut self) -> &mut Cpu {
        &mut self.cpu
    }

    /// Guest memory.
    pub fn memory(&self) -> &Memory {
        &self.memory
    }

    /// The state as encoded and hashed (computes the memory root).
    pub fn encoded_state(&mut self) -> EncodedState {
        EncodedState { cpu: self.cpu.clone(), memory_root: self.memory.root() }
    }

    /// The state hash (computes the memory root).
    pub fn state_hash(&mut self) -> Hash {
        self.encoded_state().hash()
    }

    /// Runs fast until the guest halts or the step counter reaches `until_step`.
    ///
    /// Equivalent to calling [`Vm::step`] in a loop, compiled or not.
    pub fn run<H: Host>(&mut self, host: &mut H, until_step: u64) -> Result<()> {
        if self.fast.compile {
            jit::run(self, host, until_step)
        } else {
            self.interpret_to(host, until_step)
        }
    }

    /// Interprets until the guest halts or the step counter reaches `until_step`. Every caller
    /// that never stops the interpreter early comes through here, so they share one compiled
    /// copy of its loop (two copies ran the AI-EVM block 8% apart in one bench run).
    pub(crate) fn interpret_to<H: Host>(&mut self, host: &mut H, until_step: u64) -> Result<()> {
        self.interpret(host, until_step, |_, _, _| true)
    }

    /// Interprets until the guest halts, the step counter reaches `until_step`, or `go_on`
    /// says to stop. `go_on(start, steps, next)` is asked after each straight-line run: it
    /// took `steps` steps from `start`, and `next` is the pc it leads to.
    ///
    /// pc and the step counter live in locals here, which keeps them off the critical path of
    /// the interpreter loop.
    pub(crate) fn interpret<H: Host>(
        &mut self,
        host: &mut H,
        until_step: u64,
        mut go_on: impl FnMut(u32, u64, u32) -> bool,
    ) -> Result<()> {
        if !self.cpu.halt.is_running() || self.cpu.step >= until_step {
            return Ok(());
        }
        if self.cpu.pc & 3 != 0 {
            // Only a patched state gets here: let the generic step raise the fault.
            return self.step(host);
        }
        let mut pc = self.cpu.pc;
        let mut step = self.cpu.step;
        let mut machine = FastMachine { vm: self, host };
        // Straight-line runs: inside the decode cache's range the loop walks the table by index
        // and checks the step budget once per run; a run ends at any non-sequential pc (the
        // table's end ends a run too, but not the straight line `go_on` is told of).
        // Outside the range, a run is one instruction.
        let mut line: Option<(u32, u64)> = None;
        let result = 'run: loop {
            if step >= until_step {
                break Ok(());
            }
            let (start, before) = line.take().unwrap_or((pc, step));
            let vm = &mut *machine.vm;
            let first = vm.code.index(pc);
            let budget = (until_step - step).min(vm.code.entries_from(first) as u64);
            let mut line_ends = budget == 0;
            if budget == 0 {
                let instr = decode_word(&machine.vm.memory, pc);
                step += 1;
                match exec::execute(&mut machine, pc, instr) {
                    Ok(Some(next)) => pc = next,
                    Ok(None) => break Ok(()),
                    Err(err) => break Err(err),
                }
            }
            for index in first..first + budget as usize {
                let vm = &mut *machine.vm;
                let instr = vm.code.decoded(index, &vm.memory);
                step += 1;
                match exec::execute(&mut machine, pc, instr) {
                    Ok(Some(next)) => {
                        let sequential = next == pc.wrapping_add(4);
                        pc = next;
                        if !sequential {
                            line_ends = true;
                            break;
                        }
                    }
                    Ok(None) => break 'run Ok(()),
                    Err(err) => break 'run Err(err),
                }
            }
            if !line_ends && step < until_step {
                // The end of the table, not of the straight line: it goes on.
                line = Some((start, before));
                continue;
            }
            if !go_on(start, step - before, pc) {
                break Ok(());
            }
        };
        self.cpu.pc = pc;
        self.cpu.step = step;
        result
    }

    /// Executes one instruction (a no-op when halted).
    pub fn step<H: Host>(&mut self, host: &mut H) -> Result<()> {
        exec::step(&mut FastMachine { vm: self, host })
    }
}

/// [`Machine`] over a whole [`Vm`]: direct memory access and the decode cache.
pub(crate) struct FastMachine<'a, H> {
    pub(crate) vm: &'a mut Vm,
    pub(crate) host: &'a mut H,
}

impl<H> FastMachine<'_, H> {
    /// Writes `bytes` (a few in a leaf, or a whole block) at `addr` and forgets every
    /// decoded code word they touch.
    fn write_bytes(&mut self, addr: u32, bytes: &[u8]) -> Result<()> {
        let vm = &mut *self.vm;
        vm.memory.store_bytes(addr, bytes)?;
        for offset in (0..bytes.len() as u32).step_by(4) {
            vm.code.forget(addr.wrapping_add(offset));
        }
        vm.code.forget(addr.wrapping_add(bytes.len() as u32 - 1));
        if let Some(jit) = &mut vm.fast.jit {
            jit.written(addr, bytes.len() as u32);
        }
        Ok(())
    }
}

impl<H: Host> Machine for FastMachine<'_, H> {
    #[inline(always)]
    fn cpu(&mut self) -> &mut Cpu {
        &mut self.vm.cpu
    }

    /// The instruction at the aligned `pc`: from the decode cache, else from memory.
    #[inline(always)]
    fn fetch(&mut self, pc: u32) -> Result<Instr> {
        let vm = &mut *self.vm;
        Ok(vm.code.get(pc, &vm.memory).unwrap_or_else(|| decode_word(&vm.memory, pc)))
    }

    #[inline(always)]
    fn load(&mut self, addr: u32, width: Width) -> Result<u32> {
        let memory = &self.vm.memory;
        Ok(match width {
            Width::Byte => u32::from(memory.load_u8(addr)),
            Width::Half => u32::from(memory.load_u16(addr)),
            Width::Word => memory.load_u32(addr),
        })
    }

    #[inline(always)]
    fn store(&mut self, addr: u32, width: Width, value: u32) -> Result<()> {
        let vm = &mut *self.vm;
        match width {
            Width::Byte => vm.memory.store_u8(addr, value as u8)?,
            Width::Half => vm.memory.store_u16(addr, value as u16)?,
            Width::Word => vm.memory.store_u32(addr, value)?,
        }
        vm.code.forget(addr);
        if let Some(jit) = &mut vm.fast.jit {
            jit.written(addr, width as u32);
        }
        Ok(())
    }

    fn read_leaf_bytes(&mut self, addr: u32, len: usize) -> Result<[u8; 32]> {
        let mut out = [0u8; 32];
        let leaf = self.vm.memory.leaf(addr);
        let at = (addr % 32) as usize;
        out[..len].copy_from_slice(&leaf[at..at + len]);
        Ok(out)
    }

    fn write_leaf_bytes(&mut self, addr: u32, bytes: &[u8]) -> Result<()> {
        self.write_bytes(addr, bytes)
    }

    fn read_block(&mut self, addr: u32) -> Result<MemoryBlock> {
        Ok(self.vm.memory.block(addr))
    }

    fn write_block(&mut self, addr: u32, block: &MemoryBlock) -> Result<()> {
        self.write_bytes(addr, block)
    }

    fn preimage_part(&mut self, key: &Hash, offset: u32) -> Result<PreimagePart> {
        let data = self.host.preimage(key).ok_or(Error::MissingPreimage(*key))?;
        Ok(PreimagePart::of(*key, data, offset))
    }

    fn output(&mut self, fd: u32, addr: u32, count: u32) -> Result<()> {
        const CHUNK: u32 = PAGE_SIZE as u32;
        let mut done = 0u32;
        while done < count {
            let n = (count - done).min(CHUNK);
            let bytes = self.vm.memory.load_bytes(addr.wrapping_add(done), n as usize);
            self.host.output(fd, &bytes);
            done += n;
        }
        Ok(())
    }
}
