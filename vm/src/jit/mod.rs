//! Fast mode's compiler: hot guest code runs as host code; the interpreter stays the reference.
//!
//! The proof is the step function ([`crate::exec`]). Compiled code only has to reach the same
//! states sooner, so everything here is built to be exact by construction and cheap to check:
//!
//! - **Tiering.** Once the interpreter has taken [`HOT_STEPS`] steps from a pc (it counts
//!   them itself, [`ColdSteps`]), the code reachable from it is compiled into one host
//!   function ([`translate`]) on a thread of its own ([`compiler`]), while the interpreter
//!   goes on running it. Cold code runs in the interpreter.
//! - **Steps.** Compiled code is handed a step budget and runs whole basic blocks while they
//!   fit. The block that would overshoot `run`'s bound runs in the interpreter, so a run stops
//!   at exactly the step it was asked to.
//! - **The interpreter takes the hard steps.** System calls, faults, misaligned accesses and
//!   stores to pages compiled code may not write leave compiled code before the instruction;
//!   the interpreter executes it, with its faults, host errors and bookkeeping.
//! - **Memory.** Compiled code reaches guest memory through a flat table from page number to
//!   the page's bytes ([`PageTable`]): a load is two host loads, with no lookup through the
//!   sparse memory. A store may go straight to a page only while the page is listed dirty and
//!   holds no compiled code; it then sets the leaf's dirty bit itself, so Merkle roots stay
//!   exact and incremental.
//! - **Code changes.** Pages holding compiled code, and the pages of the interpreter's
//!   decode cache, are never writable from compiled code, so every write to them goes
//!   through the interpreter, which forgets the decoded words and drops the compiled regions of
//!   the page ([`Jit::written`]): self-modifying code and preimages read into code stay exact.
//!
//! The differential tests (`vm/tests/jit.rs`) compare state hashes against the interpreter at
//! random step counts on every fixture guest and on random programs.

mod compiler;
mod translate;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::decode::{decode, Op};
use crate::error::Result;
use crate::host::Host;
use crate::memory::{Memory, PageData, PAGE_SHIFT, PAGE_SIZE};
use crate::vm::Vm;
use crate::zeroed::Zeroed;
use compiler::{Compiled, Compiler};
use translate::{Exit, Region};

/// Steps the interpreter takes from a pc (in the basic blocks it starts) before the code there
/// is considered for compiling: [`HOT_STEPS`] plus [`HOT_STEPS_PER_INSTRUCTION`] for each
/// instruction of the region it would compile.
///
/// Compiling a region costs about 0.1 ms plus 20 µs per instruction here (measured), as much
/// as interpreting 30k plus 7k instructions per instruction. It happens on another core, but
/// that core is not free on a small machine, so only code whose past steps, taken as a
/// forecast of its future ones, promise to repay a good part of it is compiled: a short run,
/// such as a digits inference (322k steps, whose unrolled keccak-f would take 18 ms to
/// compile), mostly stays in the interpreter.
const HOT_STEPS: u64 = 100_000;
/// See [`HOT_STEPS`].
const HOT_STEPS_PER_INSTRUCTION: u64 = 200;
/// The default [`crate::VmConfig::warm_up_steps`]: about a block proof (the AI-EVM block
/// guest runs 0.6M steps, which the compiler's set-up and counting slowed by a fifth), and
/// a few milliseconds of a long run.
pub(crate) const WARM_UP_STEPS: u64 = 1_000_000;
/// Dropped regions after which all compiled code is freed and compiling starts over (code
/// memory is only freed as a whole).
const MAX_DEAD_REGIONS: usize = 4096;
/// The tag bit of a [`PageTable`] entry whose page compiled code may store to.
pub(crate) const WRITABLE: usize = 1;
const PAGE_COUNT: usize = 1 << (32 - PAGE_SHIFT);

/// A compiled region: `fn(regs, page table, budget) -> exit word` (see [`translate`]).
type RegionFn = unsafe extern "C" fn(*mut u32, *const usize, *mut u64) -> u32;

/// Hashes a pc (already well spread in its upper bits) with one multiplication.
#[derive(Default)]
struct PcHasher(u64);

impl Hasher for PcHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 = (self.0 << 8 | u64::from(byte)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn write_u32(&mut self, pc: u32) {
        self.0 = u64::from(pc).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type PcMap<V> = HashMap<u32, V, BuildHasherDefault<PcHasher>>;

/// The page table compiled code reads memory through: one entry per guest page, the address
/// of the page's [`PageData`] relative to a shared zero page, tagged [`WRITABLE`] when stores
/// may go straight to it. A page never touched has entry 0, the zero page itself (never
/// writable), so loads need no check, and the table starts as zeroed memory, which the OS
/// maps lazily: a VM pays for the entries it touches, not for filling 8 MiB.
struct PageTable {
    entries: Zeroed<usize>,
    /// The zero page, which entries are relative to.
    zero: Box<PageData>,
    /// Memory's pages are mapped up to this slot.
    mapped: usize,
    /// Pages tagged writable, to untag when memory rehashes.
    writable: Vec<u32>,
    /// [`Memory::rehashes`] when the writable tags were last checked.
    rehashes: u64,
}

impl PageTable {
    fn new() -> std::io::Result<Self> {
        let zero = Box::new(PageData { bytes: [0; PAGE_SIZE], dirty: 0 });
        let entries = Zeroed::new(PAGE_COUNT)?;
        Ok(Self { entries, zero, mapped: 0, writable: Vec::new(), rehashes: 0 })
    }

    /// Brings the table up to date with `memory`: maps new pages, and untags every page when a
    /// rehash has emptied the dirty list (a clean page's first store must list it again).
    #[inline]
    fn sync(&mut self, memory: &mut Memory, code: &CodePages) {
        if memory.rehashes() == self.rehashes && memory.page_count() == self.mapped {
            return;
        }
        if memory.rehashes() != self.rehashes {
            self.rehashes = memory.rehashes();
            for page in self.writable.drain(..) {
                self.entries[page as usize] &= !WRITABLE;
            }
        }
        while let Some((page, data, dirty)) = memory.page_slot(self.mapped) {
            let entry = (data as usize).wrapping_sub(self.zero_page());
            debug_assert_eq!(entry & WRITABLE, 0, "page data is 16-byte aligned");
            self.entries[page as usize] = entry;
            if dirty {
                self.allow(page, code);
            }
            self.mapped += 1;
        }
    }

    /// Tags `page` writable unless it holds compiled code.
    fn allow(&mut self, page: u32, code: &CodePages) {
        let entry = &mut self.entries[page as usize];
        if *entry & WRITABLE == 0 && !code.contains(page) {
            *entry |= WRITABLE;
            self.writable.push(page);
        }
    }

    /// Tags `page`, whose store the interpreter just executed, writable if it is listed dirty.
    fn allow_after_store(&mut self, memory: &mut Memory, addr: u32, code: &CodePages) {
        self.sync(memory, code);
        if let Some((page, _, true)) = memory.page_of(addr) {
            self.allow(page, code);
        }
    }

    fn forbid(&mut self, page: u32) {
        self.entries[page as usize] &= !WRITABLE;
    }

    /// The address entries are relative to.
    fn zero_page(&self) -> usize {
        &*self.zero as *const PageData as usize
    }
}

/// The pages compiled code must not store to, because code read from them is kept elsewhere:
/// pages holding compiled code (one bit per page), and the pages of the interpreter's
/// decode cache's range (`CodeCache`), which only the interpreter's writes keep up to date.
struct CodePages {
    compiled: Vec<u64>,
    /// Page numbers the decode cache's range touches.
    cached: std::ops::Range<u32>,
}

impl CodePages {
    fn new(cached: std::ops::Range<u32>) -> Self {
        let pages = match cached.is_empty() {
            true => 0..0,
            false => cached.start >> PAGE_SHIFT..((cached.end - 1) >> PAGE_SHIFT) + 1,
        };
        Self { compiled: vec![0; PAGE_COUNT / 64], cached: pages }
    }

    #[inline(always)]
    fn contains(&self, page: u32) -> bool {
        self.compiled[page as usize / 64] & (1 << (page % 64)) != 0 || self.cached.contains(&page)
    }

    fn set(&mut self, page: u32, on: bool) {
        let word = &mut self.compiled[page as usize / 64];
        if on {
            *word |= 1 << (page % 64);
        } else {
            *word &= !(1 << (page % 64));
        }
    }
}

/// The steps interpreted from each word of the decode cache's code, counted up to [`HOT_STEPS`];
/// from there on the pc has a [`Slot`]. The interpreter counts them itself, line by line,
/// and only returns to the dispatcher at a pc that is no longer counting, so cold code costs
/// an array index per straight line rather than a dispatch and two hash-map lookups per block.
/// (Measured on a half-million-step block proof: no change beyond the noise; the gap between
/// fast mode and the interpreter there lies elsewhere.)
#[derive(Default)]
struct ColdSteps {
    base: u32,
    steps: Zeroed<u32>,
}

impl ColdSteps {
    fn new(cached: &std::ops::Range<u32>) -> std::io::Result<Self> {
        let words = cached.end.wrapping_sub(cached.start) as usize / 4;
        Ok(Self { base: cached.start, steps: Zeroed::new(words)? })
    }

    /// The counter of `pc`, counting or not.
    #[inline(always)]
    fn counter(&self, pc: u32) -> Option<usize> {
        let index = (pc.wrapping_sub(self.base) >> 2) as usize;
        (pc & 3 == 0 && index < self.steps.len()).then_some(index)
    }

    /// Whether `pc` has a counter (counting or not).
    fn covers(&self, pc: u32) -> bool {
        self.counter(pc).is_some()
    }

    /// The counter of `pc` while it is still counting.
    #[inline(always)]
    fn index(&self, pc: u32) -> Option<usize> {
        self.counter(pc).filter(|&index| u64::from(self.steps[index]) < HOT_STEPS)
    }

    /// Counts `ran` more steps at `pc`, if it is counting.
    #[inline(always)]
    fn add(&mut self, pc: u32, ran: u64) {
        if let Some(index) = self.index(pc) {
            self.steps[index] = (u64::from(self.steps[index]) + ran).min(HOT_STEPS) as u32;
        }
    }
}

/// What the dispatcher knows about a pc that starts a basic block.
#[derive(Clone, Copy)]
enum Slot {
    /// Interpreted so far: `spent` steps; compiled once they reach `needed`.
    Cold { spent: u64, needed: u64 },
    /// Being compiled (request `ticket`); interpreted meanwhile.
    Compiling { ticket: u64 },
    /// Compiled.
    Hot(RegionFn),
    /// The code generator refused it: always interpreted.
    Never,
}

/// A VM's compiled code and what it needs to stay exact.
pub(crate) struct Jit {
    cold: ColdSteps,
    /// Pcs past their cold count, and pcs outside the decode cache's code.
    slots: PcMap<Slot>,
    /// For each page with compiled code, the entry pcs of the regions over it.
    regions_by_page: PcMap<Vec<u32>>,
    code: CodePages,
    /// Regions dropped since the engine started.
    dead: usize,
    /// Regions compiled since the VM started.
    compiled: usize,
    /// Whether to wait for each region to be compiled rather than interpret it meanwhile.
    wait: bool,
    table: PageTable,
    /// Started with the first hot region; `None` until then, or if it could not start.
    compiler: Option<Compiler>,
}

impl Jit {
    /// A VM's compiler; `cached` is the range of the interpreter's decode cache.
    /// Fails if the OS will not map its tables.
    fn new(cached: std::ops::Range<u32>, wait: bool) -> std::io::Result<Self> {
        Ok(Self {
            cold: ColdSteps::new(&cached)?,
            slots: PcMap::default(),
            regions_by_page: PcMap::default(),
            code: CodePages::new(cached),
            dead: 0,
            compiled: 0,
            wait,
            table: PageTable::new()?,
            compiler: None,
        })
    }

    /// How many regions have been compiled, dropped ones included.
    pub(crate) fn compiled_regions(&self) -> usize {
        self.compiled
    }

    /// Drops the compiled regions over `[addr, addr + len)`, which the interpreter just wrote.
    #[inline(always)]
    pub(crate) fn written(&mut self, addr: u32, len: u32) {
        let first = addr >> PAGE_SHIFT;
        let last = addr.wrapping_add(len.max(1) - 1) >> PAGE_SHIFT;
        for page in [first, last] {
            if self.code.contains(page) {
                self.drop_page(page);
            }
        }
    }

    #[cold]
    fn drop_page(&mut self, page: u32) {
        self.code.set(page, false);
        for entry in self.regions_by_page.remove(&page).unwrap_or_default() {
            // Counted anew, so code rewritten again and again is not compiled again and again.
            let cold = Slot::Cold { spent: 0, needed: HOT_STEPS };
            if let Some(Slot::Hot(_) | Slot::Compiling { .. }) = self.slots.insert(entry, cold) {
                self.dead += 1;
            }
        }
        if self.dead > MAX_DEAD_REGIONS {
            // Start over: no slot points into the old code when the compiler thread frees it.
            // Every slot is counted anew, as a dropped one is. The tables stay: pages of code
            // no longer compiled are tagged writable again at their next store, and the cold
            // counts (which may be lent to the interpreter right now) only route pcs here.
            for slot in self.slots.values_mut() {
                *slot = Slot::Cold { spent: 0, needed: HOT_STEPS };
            }
            self.regions_by_page.clear();
            self.code.compiled.fill(0);
            self.dead = 0;
            self.compiler = None;
        }
    }

    /// The slot of `pc`, which has reached the `needed` steps it was given after `spent`:
    /// its region sent to the compiler, or a larger need once the region's size is known.
    ///
    /// The region's pages count as code from now on, so a write to them before the compiled
    /// region arrives drops it ([`Jit::drop_page`]) and its result is discarded.
    fn consider(&mut self, memory: &mut Memory, pc: u32, spent: u64, needed: u64) -> Slot {
        let slots = &self.slots;
        let compiled = |at| matches!(slots.get(&at), Some(Slot::Hot(_) | Slot::Compiling { .. }));
        let region = Region::discover(pc, |at| decode(memory.load_u32(at)), compiled);
        let worth = HOT_STEPS + HOT_STEPS_PER_INSTRUCTION * region.instrs.len() as u64;
        if spent < worth && needed < worth {
            return Slot::Cold { spent, needed: worth };
        }
        if self.compiler.is_none() {
            self.compiler = Compiler::start();
        }
        let Some(compiler) = self.compiler.as_mut() else { return Slot::Never };
        let pages = region.pages();
        let zero_page = self.table.zero_page();
        let Some(ticket) = compiler.submit(region, zero_page) else { return Slot::Never };
        for page in pages {
            self.code.set(page, true);
            self.table.forbid(page);
            self.regions_by_page.entry(page).or_default().push(pc);
        }
        Slot::Compiling { ticket }
    }

    /// Installs the regions the compiler has finished (waiting for them in `wait` mode).
    fn collect(&mut self) {
        let Some(compiler) = self.compiler.as_mut() else { return };
        let next = if self.wait { Compiler::wait } else { Compiler::poll };
        while let Some(Compiled { ticket, entry, code }) = next(compiler) {
            let Some(slot) = self.slots.get_mut(&entry) else { continue };
            // Else its code changed while it was being compiled: the result is dead code.
            if matches!(*slot, Slot::Compiling { ticket: sent } if sent == ticket) {
                *slot = code.map_or(Slot::Never, Slot::Hot);
                self.compiled += usize::from(code.is_some());
            }
        }
    }
}

/// Per-VM fast-mode settings and state: whether to compile, and the compiled code. A clone
/// keeps the settings and how far the warm-up went, and starts without code.
pub(crate) struct FastMode {
    pub(crate) compile: bool,
    /// Whether the interpreter runs a region's code while it is being compiled (see
    /// [`crate::VmConfig::background_compile`]).
    pub(crate) background: bool,
    pub(crate) jit: Option<Box<Jit>>,
    /// Steps to interpret before setting up the compiler (see
    /// [`crate::VmConfig::warm_up_steps`]), and how many have been.
    warm_up: u64,
    warmed: u64,
}

impl FastMode {
    pub(crate) fn new(config: &crate::VmConfig) -> Self {
        Self {
            compile: config.compile,
            background: config.background_compile,
            jit: None,
            warm_up: config.warm_up_steps,
            warmed: 0,
        }
    }
}

impl Clone for FastMode {
    fn clone(&self) -> Self {
        Self { jit: None, ..*self }
    }
}

impl std::fmt::Debug for FastMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FastMode")
            .field("compile", &self.compile)
            .field("regions", &self.jit.as_ref().map_or(0, |jit| jit.slots.len()))
            .finish()
    }
}

/// Runs `vm` until it halts or reaches `until` steps: compiled regions where code is hot, the
/// interpreter elsewhere. Equivalent to [`Vm::step`] in a loop.
pub(crate) fn run<H: Host>(vm: &mut Vm, host: &mut H, until: u64) -> Result<()> {
    if vm.cpu.regs[0] != 0 {
        // Only a patched state gets here. Compiled code reads x0 as zero; the interpreter
        // reads what is stored (and clears it at its first register write), so it runs this.
        return vm.interpret_to(host, until);
    }
    loop {
        if !vm.cpu.halt.is_running() || vm.cpu.step >= until {
            return Ok(());
        }
        let pc = vm.cpu.pc;
        let jit = match &mut vm.fast.jit {
            Some(jit) => jit,
            None if vm.fast.warmed < vm.fast.warm_up => {
                let before = vm.cpu.step;
                let stop = until.min(before.saturating_add(vm.fast.warm_up - vm.fast.warmed));
                vm.interpret_to(host, stop)?;
                vm.fast.warmed += vm.cpu.step - before;
                continue;
            }
            None => match Jit::new(vm.code.range(), !vm.fast.background) {
                Ok(jit) => vm.fast.jit.insert(Box::new(jit)),
                Err(_) => {
                    // The OS would not map the compiler's tables: interpret, which reaches the
                    // same states.
                    vm.fast.compile = false;
                    return vm.interpret_to(host, until);
                }
            },
        };
        if jit.compiler.as_ref().is_some_and(|c| c.ready(jit.wait)) {
            jit.collect();
        }
        if jit.cold.index(pc).is_some() {
            interpret_cold(vm, host, until)?;
            continue;
        }
        // A pc of the decode cache's code gets here once it has counted all its cold steps.
        let spent = if jit.cold.covers(pc) { HOT_STEPS } else { 0 };
        let slot = jit.slots.entry(pc).or_insert(Slot::Cold { spent, needed: HOT_STEPS });
        let code = match *slot {
            Slot::Hot(code) => code,
            Slot::Cold { spent, needed } if spent >= needed && pc & 3 == 0 => {
                let next = jit.consider(&mut vm.memory, pc, spent, needed);
                jit.slots.insert(pc, next);
                continue;
            }
            Slot::Cold { .. } => {
                let before = vm.cpu.step;
                vm.interpret(host, until, |_, _, _| false)?;
                let ran = vm.cpu.step - before;
                let jit = vm.fast.jit.as_mut().expect("created above");
                if let Some(Slot::Cold { spent, .. }) = jit.slots.get_mut(&pc) {
                    *spent += ran;
                }
                continue;
            }
            Slot::Never | Slot::Compiling { .. } => {
                interpret_cold(vm, host, until)?;
                continue;
            }
        };
        // Memory may have grown, or been rehashed, since compiled code last ran.
        jit.table.sync(&mut vm.memory, &jit.code);
        let mut budget = until - vm.cpu.step;
        // SAFETY: `code` is a live region of this VM's compiler (a dropped region's slot is
        // reset, and the compiler's code memory outlives the slots); it reads and writes the 32 registers, reads the page
        // table's `PAGE_COUNT` entries, writes only pages tagged writable (live `PageData`
        // owned by `vm.memory`, which is not otherwise borrowed here), and the budget.
        let word =
            unsafe { code(vm.cpu.regs.as_mut_ptr(), jit.table.entries.as_ptr(), &mut budget) };
        vm.cpu.step = until - budget;
        let (next, exit) = Exit::decode(word);
        vm.cpu.pc = next;
        match exit {
            Exit::Next => {}
            Exit::Step => {
                let store = store_address(vm);
                vm.step(host)?;
                let jit = vm.fast.jit.as_mut().expect("created above");
                if let Some(addr) = store {
                    jit.table.allow_after_store(&mut vm.memory, addr, &jit.code);
                }
            }
            Exit::Budget => return vm.interpret_to(host, until),
        }
    }
}

/// Interprets from `vm`'s pc, counting the steps of each block run, up to a pc that no longer
/// counts: one with a slot, or outside the decode cache's code.
fn interpret_cold<H: Host>(vm: &mut Vm, host: &mut H, until: u64) -> Result<()> {
    let jit = vm.fast.jit.as_mut().expect("created by run");
    // The interpreter borrows the whole VM; the counts are lent to it meanwhile.
    let mut cold = std::mem::take(&mut jit.cold);
    let result = vm.interpret(host, until, |start, ran, next| {
        cold.add(start, ran);
        cold.index(next).is_some()
    });
    vm.fast.jit.as_mut().expect("created by run").cold = cold;
    result
}

/// The address the instruction at pc stores to, if it is an aligned store.
fn store_address(vm: &Vm) -> Option<u32> {
    let instr = decode(vm.memory.load_u32(vm.cpu.pc));
    let addr = vm.cpu.regs[(instr.rs1 & 31) as usize].wrapping_add(instr.imm);
    matches!(instr.op, Op::Sb | Op::Sh | Op::Sw).then_some(addr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untouched_pages_read_as_zero_and_are_never_writable() {
        let table = PageTable::new().expect("map");
        assert!(table.entries.iter().all(|&entry| entry == 0));
        assert!(table.zero.bytes.iter().all(|&b| b == 0));
    }
}
