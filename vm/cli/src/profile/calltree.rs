//! A shadow call stack rebuilt from the instruction stream, and instructions counted per
//! distinct stack: the data behind folded stacks, flamegraphs and inclusive counts.
//!
//! RISC-V has no call instruction, only the calling convention: `jal`/`jalr` that link into
//! `ra` (or the alternate link register `t0`) call, and `jalr x0, 0(ra)` (`ret`) returns.
//! Tail calls and other jumps between functions show up as a change of function without a
//! call; they replace the top frame, so the stack always ends in the function of the pc.

use std::collections::HashMap;

use axon_vm::decode::{Instr, Op};

use super::code::{CodeMap, FunctionId};

/// A node of the call tree: one distinct stack.
type NodeId = u32;

/// The root: the empty stack above the entry function.
const ROOT: NodeId = 0;

/// Frames deeper than this replace the top one instead: runaway recursion stays bounded.
const MAX_DEPTH: usize = 1024;

/// The link registers of the RISC-V calling convention: `ra` and `t0`.
fn is_link(reg: u8) -> bool {
    reg == 1 || reg == 5
}

/// How an instruction moves the call stack.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Control {
    /// It calls whatever is at the next pc.
    Call,
    /// It returns to the caller.
    Return,
    /// It stays in the frame.
    Other,
}

impl Control {
    /// The role of `instr` under the calling convention.
    pub(crate) fn of(instr: Instr) -> Self {
        match instr.op {
            Op::Jal | Op::Jalr if is_link(instr.rd) => Self::Call,
            Op::Jalr if instr.rd == 0 && is_link(instr.rs1) && instr.imm == 0 => Self::Return,
            _ => Self::Other,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Node {
    parent: NodeId,
    function: FunctionId,
    depth: u32,
}

/// The call tree of a run, with the instructions executed in each stack.
#[derive(Debug)]
pub(crate) struct CallTree {
    nodes: Vec<Node>,
    /// Instructions executed with exactly this stack.
    counts: Vec<u64>,
    children: HashMap<(NodeId, FunctionId), NodeId>,
    /// Times each function was entered (a call, a tail call or a jump into it).
    entries: Vec<u64>,
    current: NodeId,
    /// The last instruction called: the next one starts a new frame.
    call_pending: bool,
}

impl CallTree {
    /// An empty tree for a program with `functions` functions.
    pub(crate) fn new(functions: usize) -> Self {
        Self {
            nodes: vec![Node { parent: ROOT, function: CodeMap::UNKNOWN, depth: 0 }],
            counts: vec![0],
            children: HashMap::new(),
            entries: vec![0; functions],
            current: ROOT,
            call_pending: false,
        }
    }

    /// Counts one instruction of `function` whose role is `control`.
    #[inline]
    pub(crate) fn record(&mut self, function: FunctionId, control: Control) {
        let node = self.nodes[self.current as usize];
        if self.call_pending {
            self.current = self.enter(self.current, function);
            self.call_pending = false;
        } else if self.current == ROOT {
            self.current = self.enter(ROOT, function);
        } else if node.function != function {
            self.current = self.enter(node.parent, function);
        }
        self.counts[self.current as usize] += 1;
        match control {
            // The callee is known at its first instruction, the next one recorded.
            Control::Call => {
                self.call_pending = (self.nodes[self.current as usize].depth as usize) < MAX_DEPTH;
            }
            Control::Return => self.current = self.nodes[self.current as usize].parent,
            Control::Other => {}
        }
    }

    /// The child of `parent` for `function`, made on first use; counts the entry.
    fn enter(&mut self, parent: NodeId, function: FunctionId) -> NodeId {
        self.entries[function as usize] += 1;
        let next = self.nodes.len() as NodeId;
        let depth = self.nodes[parent as usize].depth + 1;
        let nodes = &mut self.nodes;
        let counts = &mut self.counts;
        *self.children.entry((parent, function)).or_insert_with(|| {
            nodes.push(Node { parent, function, depth });
            counts.push(0);
            next
        })
    }

    /// Times each function was entered, indexed by [`FunctionId`].
    pub(crate) fn entries(&self) -> &[u64] {
        &self.entries
    }

    /// Instructions executed in each function itself (exclusive counts), by [`FunctionId`].
    pub(crate) fn exclusive(&self) -> Vec<u64> {
        let mut totals = vec![0u64; self.entries.len()];
        for (node, &count) in self.nodes.iter().zip(&self.counts) {
            totals[node.function as usize] += count;
        }
        totals
    }

    /// Instructions executed per function, counting each instruction once for every distinct
    /// function on its stack (inclusive counts), indexed by [`FunctionId`].
    pub(crate) fn inclusive(&self) -> Vec<u64> {
        let mut totals = vec![0u64; self.entries.len()];
        for (node, &count) in self.counts.iter().enumerate().filter(|(_, &c)| c > 0) {
            let mut stack = self.stack(node as NodeId);
            stack.sort_unstable();
            stack.dedup();
            for function in stack {
                totals[function as usize] += count;
            }
        }
        totals
    }

    /// Every stack that executed instructions, outermost function first, with its count.
    pub(crate) fn folded(&self) -> impl Iterator<Item = (Vec<FunctionId>, u64)> + '_ {
        self.counts.iter().enumerate().filter(|(_, &c)| c > 0).map(|(node, &count)| {
            let mut stack = self.stack(node as NodeId);
            stack.reverse();
            (stack, count)
        })
    }

    /// The functions of `node`'s stack, innermost first.
    fn stack(&self, mut node: NodeId) -> Vec<FunctionId> {
        let mut stack = Vec::new();
        while node != ROOT {
            let n = self.nodes[node as usize];
            stack.push(n.function);
            node = n.parent;
        }
        stack
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAIN: FunctionId = 1;
    const F: FunctionId = 2;
    const G: FunctionId = 3;

    fn folded(tree: &CallTree) -> Vec<(Vec<FunctionId>, u64)> {
        let mut stacks: Vec<_> = tree.folded().collect();
        stacks.sort();
        stacks
    }

    #[test]
    fn calls_and_returns_nest_frames() {
        let mut tree = CallTree::new(4);
        tree.record(MAIN, Control::Call);
        tree.record(F, Control::Other);
        tree.record(F, Control::Return);
        tree.record(MAIN, Control::Other);
        assert_eq!(folded(&tree), vec![(vec![MAIN], 2), (vec![MAIN, F], 2)]);
        assert_eq!(tree.exclusive(), vec![0, 2, 2, 0]);
        assert_eq!(tree.inclusive(), vec![0, 4, 2, 0]);
        assert_eq!(tree.entries(), &[0, 1, 1, 0]);
    }

    #[test]
    fn a_tail_call_replaces_the_frame() {
        let mut tree = CallTree::new(4);
        tree.record(MAIN, Control::Call);
        tree.record(F, Control::Other); // F jumps to G without linking
        tree.record(G, Control::Return);
        tree.record(MAIN, Control::Other);
        assert_eq!(folded(&tree), vec![(vec![MAIN], 2), (vec![MAIN, F], 1), (vec![MAIN, G], 1)]);
        assert_eq!(tree.entries(), &[0, 1, 1, 1]);
    }

    #[test]
    fn recursion_counts_each_instruction_once_per_function() {
        let mut tree = CallTree::new(4);
        tree.record(F, Control::Call);
        tree.record(F, Control::Call);
        tree.record(F, Control::Return);
        tree.record(F, Control::Return);
        assert_eq!(folded(&tree), vec![(vec![F], 1), (vec![F, F], 2), (vec![F, F, F], 1)]);
        assert_eq!(tree.inclusive()[F as usize], 4);
        assert_eq!(tree.exclusive()[F as usize], 4);
    }

    #[test]
    fn the_calling_convention_decides_calls_and_returns() {
        let instr = |op, rd, rs1, imm| Instr { op, rd, rs1, rs2: 0, imm };
        assert_eq!(Control::of(instr(Op::Jal, 1, 0, 16)), Control::Call);
        assert_eq!(Control::of(instr(Op::Jalr, 5, 6, 0)), Control::Call);
        assert_eq!(Control::of(instr(Op::Jalr, 0, 1, 0)), Control::Return);
        assert_eq!(Control::of(instr(Op::Jal, 0, 0, 16)), Control::Other);
        assert_eq!(Control::of(instr(Op::Jalr, 0, 6, 0)), Control::Other);
        assert_eq!(Control::of(instr(Op::Addi, 1, 1, 4)), Control::Other);
    }
}
