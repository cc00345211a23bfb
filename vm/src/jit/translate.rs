//! One hot region of guest code translated to Cranelift IR.
//!
//! A region is the code reachable from one entry pc by static edges (fall-throughs, branch
//! and `jal` targets), up to [`REGION_LIMIT`] instructions. It compiles to one host function,
//! so loops inside it run with guest registers in host registers and jumps as host jumps.
//!
//! The function `fn(regs, table, budget) -> exit` reads and writes the guest registers at
//! `regs`, reaches memory through the page table at `table` (see [`super::PageTable`]) and
//! takes as many steps as `*budget` allows, whole basic blocks at a time: each block first
//! checks that its length fits in the budget. It leaves the budget it did not use and returns
//! an exit word, the next pc with an [`Exit`] kind in its two low bits (pcs are 4-aligned).
//!
//! Anything compiled code cannot do exactly and cheaply (system calls, faults, misaligned
//! accesses, stores to pages it may not write) leaves the region *before* that instruction
//! with [`Exit::Step`]: the interpreter, the reference, executes it. So compiled code never
//! faults, never calls the host, and never needs to undo anything.

use std::collections::{BTreeMap, BTreeSet};

use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::{
    types, AbiParam, AliasRegionData, Block, Function, InstBuilder, MemFlagsData, Signature, Value,
};
use cranelift_codegen::isa::TargetFrontendConfig;
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};

use crate::decode::{Instr, Op};
use crate::memory::{DIRTY_OFFSET, PAGE_SHIFT, PAGE_SIZE};

/// The most instructions one region holds: enough for hot loops and the calls inside them,
/// few enough that compiling stays in the low milliseconds.
pub(crate) const REGION_LIMIT: usize = 1024;

/// How compiled code left: the exit word's two low bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exit {
    /// Continue at the pc: every step it took is done.
    Next = 0,
    /// The interpreter must execute the instruction at the pc (it was not run).
    Step = 1,
    /// The basic block at the pc is longer than the budget left.
    Budget = 2,
}

impl Exit {
    /// Splits an exit word into the pc and the kind.
    pub(crate) fn decode(word: u32) -> (u32, Exit) {
        let kind = match word & 3 {
            0 => Exit::Next,
            1 => Exit::Step,
            _ => Exit::Budget,
        };
        (word & !3, kind)
    }
}

/// What an instruction does to the flow of control.
enum Flow {
    /// Falls through to `pc + 4`.
    Next,
    /// Conditional branch to the target (and falls through otherwise).
    Branch(u32),
    /// Unconditional jump to a static target.
    Jump(u32),
    /// A call: the region ends, and compiled code leaves for the target.
    Call,
    /// Leaves the region: indirect jumps, and everything the interpreter executes.
    Leave,
}

fn flow(pc: u32, i: &Instr) -> Flow {
    match i.op {
        Op::Beq | Op::Bne | Op::Blt | Op::Bge | Op::Bltu | Op::Bgeu => {
            Flow::Branch(pc.wrapping_add(i.imm))
        }
        // A call (a `jal` that links) leaves: the callee is a region of its own, compiled
        // once rather than into every caller.
        Op::Jal if i.rd == 0 => Flow::Jump(pc.wrapping_add(i.imm)),
        Op::Jal => Flow::Call,
        Op::Jalr | Op::Ecall | Op::Ebreak | Op::Illegal => Flow::Leave,
        _ => Flow::Next,
    }
}

/// The instructions of one region and where its basic blocks start.
#[derive(Debug)]
pub(crate) struct Region {
    /// The pc compiled code is entered at.
    pub(crate) entry: u32,
    /// Every instruction in the region by pc.
    pub(crate) instrs: BTreeMap<u32, Instr>,
    /// Basic-block starts: the entry, branch and jump targets, and code two paths reach.
    leaders: BTreeSet<u32>,
}

impl Region {
    /// Walks the code reachable from `entry`, decoding with `fetch`. Straight-line code
    /// stops where it runs into the entry of another region (`compiled`), so two regions
    /// entered at different points of one long stretch of code do not both hold the rest of
    /// it.
    pub(crate) fn discover(
        entry: u32,
        mut fetch: impl FnMut(u32) -> Instr,
        compiled: impl Fn(u32) -> bool,
    ) -> Self {
        let mut instrs = BTreeMap::new();
        let mut leaders = BTreeSet::from([entry]);
        let mut work = vec![entry];
        while let Some(start) = work.pop() {
            let mut pc = start;
            while instrs.len() < REGION_LIMIT {
                if instrs.contains_key(&pc) {
                    // Reached by a second path: a block must start here.
                    if leaders.insert(pc) {
                        work.push(pc);
                    }
                    break;
                }
                let instr = fetch(pc);
                instrs.insert(pc, instr);
                let mut lead = |target: u32, work: &mut Vec<u32>| {
                    if target & 3 == 0 && leaders.insert(target) {
                        work.push(target);
                    }
                };
                match flow(pc, &instr) {
                    Flow::Next => {
                        pc = pc.wrapping_add(4);
                        if compiled(pc) && !leaders.contains(&pc) {
                            break;
                        }
                    }
                    Flow::Branch(target) => {
                        lead(target, &mut work);
                        lead(pc.wrapping_add(4), &mut work);
                        break;
                    }
                    Flow::Jump(target) => {
                        lead(target, &mut work);
                        break;
                    }
                    Flow::Call | Flow::Leave => break,
                }
            }
        }
        leaders.retain(|pc| instrs.contains_key(pc));
        Self { entry, instrs, leaders }
    }

    /// The instructions of the basic block starting at `leader`, in order.
    fn block(&self, leader: u32) -> Vec<(u32, Instr)> {
        let mut out = Vec::new();
        let mut pc = leader;
        while let Some(&instr) = self.instrs.get(&pc) {
            out.push((pc, instr));
            if !matches!(flow(pc, &instr), Flow::Next) {
                break;
            }
            pc = pc.wrapping_add(4);
            if self.leaders.contains(&pc) {
                break;
            }
        }
        out
    }

    /// The numbers of the pages the region's instructions lie in.
    pub(crate) fn pages(&self) -> BTreeSet<u32> {
        self.instrs.keys().map(|pc| pc >> PAGE_SHIFT).collect()
    }
}

/// The signature of every region function.
pub(crate) fn signature(mut sig: Signature) -> Signature {
    sig.params.extend([types::I64; 3].map(AbiParam::new));
    sig.returns.push(AbiParam::new(types::I32));
    sig
}

/// Builds the IR of `region` into `func`.
///
/// Guest registers stay in the register file in memory: each read is a host load and each
/// write a host store, tagged with their own alias region, so Cranelift forwards stored
/// values to later reads and drops repeated loads. Keeping all 31 registers in SSA variables
/// instead made register allocation superlinear in the region's size (over 100 ms for a
/// region of 800 instructions), for code only slightly faster.
pub(crate) fn build(
    region: &Region,
    func: &mut Function,
    config: TargetFrontendConfig,
    zero_page: i64,
) {
    let mut alias = |user_id, description: &'static str| {
        let region = func
            .dfg
            .alias_regions
            .insert(AliasRegionData { user_id, description: description.into() });
        MemFlagsData::trusted().with_alias_region(Some(region))
    };
    let flags = Flags {
        regs: alias(0, "guest registers"),
        memory: alias(1, "guest memory"),
        table: alias(2, "page table").with_readonly(),
    };
    let mut context = FunctionBuilderContext::new();
    let mut b = FunctionBuilder::new(func, &mut context);
    let budget = b.declare_var(types::I64);

    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    let blocks: BTreeMap<u32, Block> =
        region.leaders.iter().map(|&pc| (pc, b.create_block())).collect();

    b.switch_to_block(entry);
    let [regs, table, budget_ptr] = b.block_params(entry).try_into().expect("three parameters");
    let start_budget = b.ins().load(types::I64, MemFlagsData::trusted(), budget_ptr, 0);
    b.def_var(budget, start_budget);
    b.ins().jump(blocks[&region.entry], &[]);

    let mut t = Translator {
        b,
        flags,
        budget,
        regs,
        budget_ptr,
        table,
        zero_page,
        blocks: &blocks,
        step_outs: Vec::new(),
    };
    for &leader in &region.leaders {
        t.block(region, leader);
    }
    t.fill_step_outs();
    t.b.seal_all_blocks();
    t.b.finalize(config);
}

/// The memory flags of the three kinds of host memory compiled code touches.
struct Flags {
    regs: MemFlagsData,
    memory: MemFlagsData,
    table: MemFlagsData,
}

struct Translator<'a, 'f> {
    b: FunctionBuilder<'f>,
    flags: Flags,
    budget: Variable,
    regs: Value,
    budget_ptr: Value,
    table: Value,
    /// The address page-table entries are relative to (see [`super::PageTable`]).
    zero_page: i64,
    blocks: &'a BTreeMap<u32, Block>,
    /// Step-out blocks to fill: (block, pc, steps not run).
    step_outs: Vec<(Block, u32, u64)>,
}

impl Translator<'_, '_> {
    fn reg(&mut self, r: u8) -> Value {
        match r & 31 {
            0 => self.b.ins().iconst(types::I32, 0),
            r => self.b.ins().load(types::I32, self.flags.regs, self.regs, 4 * i32::from(r)),
        }
    }

    fn set(&mut self, r: u8, value: Value) {
        if r & 31 != 0 {
            self.b.ins().store(self.flags.regs, value, self.regs, 4 * i32::from(r & 31));
        }
    }

    /// Leaves with a constant exit word.
    fn leave(&mut self, pc: u32, kind: Exit) {
        let word = self.b.ins().iconst(types::I32, i64::from(pc | kind as u32));
        self.leave_with(word);
    }

    /// Stores the budget left and returns `word`.
    fn leave_with(&mut self, word: Value) {
        let left = self.b.use_var(self.budget);
        self.b.ins().store(MemFlagsData::trusted(), left, self.budget_ptr, 0);
        self.b.ins().return_(&[word]);
    }

    /// Continues at the static `pc`: inside the region, or out of it.
    fn goto(&mut self, pc: u32) {
        match self.blocks.get(&pc) {
            Some(&block) => {
                self.b.ins().jump(block, &[]);
            }
            None => self.leave(pc, Exit::Next),
        }
    }

    /// A cold block that gives back the `unrun` steps of its basic block it did not take
    /// and has the interpreter execute the instruction at `pc`. It is filled in at the end
    /// ([`Translator::fill_step_outs`]), as a block must be finished before the next begins.
    fn step_out(&mut self, pc: u32, unrun: u64) -> Block {
        let out = self.b.create_block();
        self.b.set_cold_block(out);
        self.step_outs.push((out, pc, unrun));
        out
    }

    fn fill_step_outs(&mut self) {
        for (out, pc, unrun) in std::mem::take(&mut self.step_outs) {
            self.b.switch_to_block(out);
            let left = self.b.use_var(self.budget);
            let left = self.b.ins().iadd_imm_s(left, unrun as i64);
            self.b.def_var(self.budget, left);
            self.leave(pc, Exit::Step);
        }
    }

    /// Branches to a [`Translator::step_out`] when `cond` is non-zero, else goes on in a new
    /// block.
    fn step_out_if(&mut self, cond: Value, pc: u32, unrun: u64) {
        let out = self.step_out(pc, unrun);
        let next = self.b.create_block();
        self.b.ins().brif(cond, out, &[], next, &[]);
        self.b.switch_to_block(next);
    }

    fn block(&mut self, region: &Region, leader: u32) {
        let instrs = region.block(leader);
        let len = instrs.len() as u64;
        self.b.switch_to_block(self.blocks[&leader]);
        // The budget check: a block runs whole or not at all.
        let left = self.b.use_var(self.budget);
        let short = self.b.ins().icmp_imm_s(IntCC::UnsignedLessThan, left, len as i64);
        let out = self.b.create_block();
        self.b.set_cold_block(out);
        let body = self.b.create_block();
        self.b.ins().brif(short, out, &[], body, &[]);
        self.b.switch_to_block(out);
        self.leave(leader, Exit::Budget);
        self.b.switch_to_block(body);
        let left = self.b.ins().iadd_imm_s(left, -(len as i64));
        self.b.def_var(self.budget, left);

        for (k, &(pc, instr)) in instrs.iter().enumerate() {
            let unrun = len - k as u64;
            if !self.instr(pc, instr, unrun) {
                return;
            }
        }
        let (last, _) = instrs[instrs.len() - 1];
        self.goto(last.wrapping_add(4));
    }

    /// Emits one instruction; `false` when it ended the block (the terminator was emitted).
    fn instr(&mut self, pc: u32, i: Instr, unrun: u64) -> bool {
        let a = self.reg(i.rs1);
        let b = self.reg(i.rs2);
        let imm = i64::from(i.imm as i32);
        let ins = self.b.ins();
        let value = match i.op {
            Op::Add => ins.iadd(a, b),
            Op::Sub => ins.isub(a, b),
            Op::Sll => ins.ishl(a, b),
            Op::Slt => self.compare(IntCC::SignedLessThan, a, b),
            Op::Sltu => self.compare(IntCC::UnsignedLessThan, a, b),
            Op::Xor => ins.bxor(a, b),
            Op::Srl => ins.ushr(a, b),
            Op::Sra => ins.sshr(a, b),
            Op::Or => ins.bor(a, b),
            Op::And => ins.band(a, b),
            Op::Mul => ins.imul(a, b),
            Op::Mulh => ins.smulhi(a, b),
            Op::Mulhu => ins.umulhi(a, b),
            Op::Mulhsu => {
                let wide_a = ins.sextend(types::I64, a);
                let wide_b = self.b.ins().uextend(types::I64, b);
                let product = self.b.ins().imul(wide_a, wide_b);
                let high = self.b.ins().sshr_imm_s(product, 32);
                self.b.ins().ireduce(types::I32, high)
            }
            Op::Div | Op::Divu | Op::Rem | Op::Remu => self.divide(i.op, a, b),
            Op::Addi => ins.iadd_imm_s(a, imm),
            Op::Slti => {
                let c = ins.icmp_imm_s(IntCC::SignedLessThan, a, imm);
                self.b.ins().uextend(types::I32, c)
            }
            Op::Sltiu => {
                let c = ins.icmp_imm_s(IntCC::UnsignedLessThan, a, i64::from(i.imm));
                self.b.ins().uextend(types::I32, c)
            }
            Op::Xori => ins.bxor_imm_s(a, imm),
            Op::Ori => ins.bor_imm_s(a, imm),
            Op::Andi => ins.band_imm_s(a, imm),
            Op::Slli => ins.ishl_imm_s(a, imm),
            Op::Srli => ins.ushr_imm_s(a, imm),
            Op::Srai => ins.sshr_imm_s(a, imm),
            Op::Lui => ins.iconst(types::I32, i64::from(i.imm)),
            Op::Auipc => ins.iconst(types::I32, i64::from(pc.wrapping_add(i.imm))),
            Op::Beq => return self.branch(pc, i, IntCC::Equal, a, b, unrun),
            Op::Bne => return self.branch(pc, i, IntCC::NotEqual, a, b, unrun),
            Op::Blt => return self.branch(pc, i, IntCC::SignedLessThan, a, b, unrun),
            Op::Bge => return self.branch(pc, i, IntCC::SignedGreaterThanOrEqual, a, b, unrun),
            Op::Bltu => return self.branch(pc, i, IntCC::UnsignedLessThan, a, b, unrun),
            Op::Bgeu => return self.branch(pc, i, IntCC::UnsignedGreaterThanOrEqual, a, b, unrun),
            Op::Jal => {
                let target = pc.wrapping_add(i.imm);
                if target & 3 != 0 {
                    let out = self.step_out(pc, unrun);
                    self.b.ins().jump(out, &[]);
                    return false;
                }
                let link = self.b.ins().iconst(types::I32, i64::from(pc.wrapping_add(4)));
                self.set(i.rd, link);
                self.goto(target);
                return false;
            }
            Op::Jalr => {
                let target = ins.iadd_imm_s(a, imm);
                let target = self.b.ins().band_imm_s(target, !1);
                let misaligned = self.b.ins().band_imm_s(target, 2);
                self.step_out_if(misaligned, pc, unrun);
                let link = self.b.ins().iconst(types::I32, i64::from(pc.wrapping_add(4)));
                self.set(i.rd, link);
                self.leave_with(target);
                return false;
            }
            Op::Lb | Op::Lbu | Op::Lh | Op::Lhu | Op::Lw => {
                let addr = ins.iadd_imm_s(a, imm);
                self.load(pc, i.op, addr, unrun)
            }
            Op::Sb | Op::Sh | Op::Sw => {
                let addr = ins.iadd_imm_s(a, imm);
                self.store(pc, i.op, addr, b, unrun);
                return true;
            }
            Op::Fence => return true,
            Op::Ecall | Op::Ebreak | Op::Illegal => {
                let out = self.step_out(pc, unrun);
                self.b.ins().jump(out, &[]);
                return false;
            }
        };
        self.set(i.rd, value);
        true
    }

    fn compare(&mut self, cc: IntCC, a: Value, b: Value) -> Value {
        let c = self.b.ins().icmp(cc, a, b);
        self.b.ins().uextend(types::I32, c)
    }

    /// RISC-V division: by zero gives all ones (quotient) or the dividend (remainder), and
    /// `i32::MIN / -1` wraps. Host division traps on both, so the divisor is made safe first.
    fn divide(&mut self, op: Op, a: Value, b: Value) -> Value {
        let ins = &mut self.b;
        let zero = ins.ins().icmp_imm_s(IntCC::Equal, b, 0);
        let one = ins.ins().iconst(types::I32, 1);
        let mut divisor = ins.ins().select(zero, one, b);
        if matches!(op, Op::Div | Op::Rem) {
            // i32::MIN / -1: dividing by 1 instead gives the wrapped quotient (MIN) and
            // remainder (0).
            let min = ins.ins().icmp_imm_s(IntCC::Equal, a, i64::from(i32::MIN));
            let minus_one = ins.ins().icmp_imm_s(IntCC::Equal, b, -1);
            let overflow = ins.ins().band(min, minus_one);
            divisor = ins.ins().select(overflow, one, divisor);
        }
        let result = match op {
            Op::Div => ins.ins().sdiv(a, divisor),
            Op::Divu => ins.ins().udiv(a, divisor),
            Op::Rem => ins.ins().srem(a, divisor),
            _ => ins.ins().urem(a, divisor),
        };
        let by_zero = match op {
            Op::Div | Op::Divu => ins.ins().iconst(types::I32, i64::from(u32::MAX)),
            _ => a,
        };
        ins.ins().select(zero, by_zero, result)
    }

    fn branch(&mut self, pc: u32, i: Instr, cc: IntCC, a: Value, b: Value, unrun: u64) -> bool {
        let taken = self.b.ins().icmp(cc, a, b);
        let target = pc.wrapping_add(i.imm);
        let then = if target & 3 != 0 {
            // A taken branch to a misaligned target faults: the interpreter takes it.
            self.step_out(pc, unrun)
        } else {
            self.b.create_block()
        };
        let fall = self.b.create_block();
        self.b.ins().brif(taken, then, &[], fall, &[]);
        if target & 3 == 0 {
            self.b.switch_to_block(then);
            self.goto(target);
        }
        self.b.switch_to_block(fall);
        self.goto(pc.wrapping_add(4));
        false
    }

    /// Leaves for the interpreter when `addr` is not aligned to `width` bytes.
    fn check_alignment(&mut self, addr: Value, width: i64, pc: u32, unrun: u64) {
        if width > 1 {
            let low = self.b.ins().band_imm_s(addr, width - 1);
            self.step_out_if(low, pc, unrun);
        }
    }

    /// The page-table entry of `addr`'s page and `addr`'s offset in it, both 64-bit.
    fn entry(&mut self, addr: Value) -> (Value, Value) {
        let ins = &mut self.b;
        let page = ins.ins().ushr_imm_s(addr, i64::from(PAGE_SHIFT));
        let page = ins.ins().uextend(types::I64, page);
        let at = ins.ins().ishl_imm_s(page, 3);
        let at = ins.ins().iadd(self.table, at);
        // The table does not change while compiled code runs.
        let entry = ins.ins().load(types::I64, self.flags.table, at, 0);
        let offset = ins.ins().band_imm_s(addr, PAGE_SIZE as i64 - 1);
        let offset = ins.ins().uextend(types::I64, offset);
        (entry, offset)
    }

    fn load(&mut self, pc: u32, op: Op, addr: Value, unrun: u64) -> Value {
        let width = match op {
            Op::Lb | Op::Lbu => 1,
            Op::Lh | Op::Lhu => 2,
            _ => 4,
        };
        self.check_alignment(addr, width, pc, unrun);
        let (entry, offset) = self.entry(addr);
        let ins = &mut self.b;
        let data = ins.ins().band_imm_s(entry, !super::WRITABLE as i64);
        let data = ins.ins().iadd_imm_s(data, self.zero_page);
        let at = ins.ins().iadd(data, offset);
        let flags = self.flags.memory;
        match op {
            Op::Lb => ins.ins().sload8(types::I32, flags, at, 0),
            Op::Lbu => ins.ins().uload8(types::I32, flags, at, 0),
            Op::Lh => ins.ins().sload16(types::I32, flags, at, 0),
            Op::Lhu => ins.ins().uload16(types::I32, flags, at, 0),
            _ => ins.ins().load(types::I32, flags, at, 0),
        }
    }

    fn store(&mut self, pc: u32, op: Op, addr: Value, value: Value, unrun: u64) {
        let width = match op {
            Op::Sb => 1,
            Op::Sh => 2,
            _ => 4,
        };
        self.check_alignment(addr, width, pc, unrun);
        let (entry, offset) = self.entry(addr);
        let readonly = self.b.ins().band_imm_s(entry, super::WRITABLE as i64);
        let readonly = self.b.ins().icmp_imm_s(IntCC::Equal, readonly, 0);
        self.step_out_if(readonly, pc, unrun);
        let ins = &mut self.b;
        let data = ins.ins().iadd_imm_s(entry, self.zero_page - super::WRITABLE as i64);
        let at = ins.ins().iadd(data, offset);
        let flags = self.flags.memory;
        match op {
            Op::Sb => ins.ins().istore8(flags, value, at, 0),
            Op::Sh => ins.ins().istore16(flags, value, at, 0),
            _ => ins.ins().store(flags, value, at, 0),
        };
        // Mark the leaf dirty: bit `leaf % 64` of the 64-bit word `leaf / 64`.
        let leaf = ins.ins().ushr_imm_s(offset, 5);
        let word = ins.ins().ushr_imm_s(leaf, 6);
        let word = ins.ins().ishl_imm_s(word, 3);
        let word = ins.ins().iadd(data, word);
        let bits = ins.ins().load(types::I64, flags, word, DIRTY_OFFSET);
        let one = ins.ins().iconst(types::I64, 1);
        let bit = ins.ins().ishl(one, leaf);
        let bits = ins.ins().bor(bits, bit);
        ins.ins().store(flags, bits, word, DIRTY_OFFSET);
    }
}
