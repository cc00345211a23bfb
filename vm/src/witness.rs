//! Stepping with a witness: the pre-state plus exactly the proofs one instruction needs.
//!
//! [`WitnessMachine`] wraps the fast machine and, the first time the step touches a leaf,
//! copies that leaf's proof out of the cached tree before anything is written — so the
//! proofs are against the pre-state root even when the step then stores. The layout of the
//! proof blob is fixed by `docs/spec.md`: the fetch proof, then at most one data proof — a
//! leaf's, or a block's for `keccak_permute`.
//!
//! A witness costs what rehashing the path of the step's store costs (27 keccaks), and each
//! step's root depends on the last, so one window of steps cannot be hashed faster on one
//! core. [`Vm::witnesses`] cuts the window into stretches instead, one per core, each
//! stepped from its own copy of the VM: the copies come from one fast run over the window.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::decode::Instr;
use crate::error::Result;
use crate::exec::{self, Machine, Width};
use crate::host::Host;
use crate::merkle::{Hash, MemoryBlock, BLOCK_PROOF_MAX_BYTES, LEAF_SHIFT, MEMORY_PROOF_MAX_BYTES};
use crate::preimage::PreimagePart;
use crate::state::Cpu;
use crate::vm::{FastMachine, Vm};

/// Everything a stateless verifier needs to execute one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepWitness {
    /// The encoded pre-state (210 bytes).
    #[serde(with = "hex::serde")]
    pub state: Vec<u8>,
    /// The memory proofs in wire form: fetch, then the data leaf or block if the step touches
    /// one (empty only on a halted state).
    #[serde(with = "hex::serde")]
    pub proof: Vec<u8>,
    /// The preimage part a preimage read consumed.
    pub preimage: Option<PreimagePart>,
}

struct WitnessMachine<'a, H> {
    inner: FastMachine<'a, H>,
    proof: Vec<u8>,
    data_leaf: Option<u32>,
    preimage: Option<PreimagePart>,
}

impl<H> WitnessMachine<'_, H> {
    /// Records the proof of the leaf holding `addr`, once per step.
    fn touch(&mut self, addr: u32) {
        let leaf = addr >> LEAF_SHIFT;
        match self.data_leaf {
            None => {
                self.data_leaf = Some(leaf);
                self.inner.vm.memory.proof(addr).write_to(&mut self.proof);
            }
            Some(previous) => debug_assert_eq!(previous, leaf, "a step touches one data leaf"),
        }
    }
}

impl<H: Host> Machine for WitnessMachine<'_, H> {
    fn cpu(&mut self) -> &mut Cpu {
        self.inner.cpu()
    }

    fn fetch(&mut self, pc: u32) -> Result<Instr> {
        self.inner.vm.memory.proof(pc).write_to(&mut self.proof);
        self.inner.fetch(pc)
    }

    fn load(&mut self, addr: u32, width: Width) -> Result<u32> {
        self.touch(addr);
        self.inner.load(addr, width)
    }

    fn store(&mut self, addr: u32, width: Width, value: u32) -> Result<()> {
        self.touch(addr);
        self.inner.store(addr, width, value)
    }

    fn read_leaf_bytes(&mut self, addr: u32, len: usize) -> Result<[u8; 32]> {
        self.touch(addr);
        self.inner.read_leaf_bytes(addr, len)
    }

    fn write_leaf_bytes(&mut self, addr: u32, bytes: &[u8]) -> Result<()> {
        self.touch(addr);
        self.inner.write_leaf_bytes(addr, bytes)
    }

    fn read_block(&mut self, addr: u32) -> Result<MemoryBlock> {
        self.inner.vm.memory.block_proof(addr).write_to(&mut self.proof);
        self.inner.read_block(addr)
    }

    fn write_block(&mut self, addr: u32, block: &MemoryBlock) -> Result<()> {
        self.inner.write_block(addr, block)
    }

    fn preimage_part(&mut self, key: &Hash, offset: u32) -> Result<PreimagePart> {
        let part = self.inner.preimage_part(key, offset)?;
        self.preimage = Some(part);
        Ok(part)
    }

    fn output(&mut self, fd: u32, addr: u32, count: u32) -> Result<()> {
        self.inner.output(fd, addr, count)
    }
}

/// The fewest steps a stretch of [`Vm::witnesses`] gets: each stretch but the last steps on a
/// copy of the VM, and a copy costs what 200–2,000 witnessed steps do (bench-keccak's VM at
/// step 10M: 0.3–3 ms, most of it the page table's first touch).
pub const MIN_STRETCH: u64 = 2048;

impl Vm {
    /// Executes one step and returns its witness (the pre-state and the proofs it needed).
    pub fn step_with_witness<H: Host>(&mut self, host: &mut H) -> Result<StepWitness> {
        let state = self.encoded_state().encode().to_vec();
        if !self.cpu.halt.is_running() {
            return Ok(StepWitness { state, proof: Vec::new(), preimage: None });
        }
        let mut machine = WitnessMachine {
            inner: FastMachine { vm: self, host },
            proof: Vec::with_capacity(MEMORY_PROOF_MAX_BYTES + BLOCK_PROOF_MAX_BYTES),
            data_leaf: None,
            preimage: None,
        };
        exec::step(&mut machine)?;
        let mut proof = machine.proof;
        // Room for the longest blob was reserved; a witness kept for later keeps only its own.
        proof.shrink_to_fit();
        Ok(StepWitness { state, proof, preimage: machine.preimage })
    }

    /// What `each` makes of the witnesses of the next `count` steps, in step order: `count`
    /// calls to [`Vm::step_with_witness`], computed on all cores (rayon's pool). `each` runs
    /// on the thread that made the witness: checking or encoding it there spreads that work
    /// too (`|witness| witness` keeps them all).
    ///
    /// The window is cut into one stretch per thread (of at least [`MIN_STRETCH`] steps). A
    /// fast run over all but the last stretch copies the VM and `host` at the start of each;
    /// then every stretch steps with witnesses at once, the last one on this VM and `host`.
    /// The copies' output is dropped: `host` sees the output of the window once, from the fast
    /// run and the last stretch.
    ///
    /// Like `count` calls, the VM ends `count` steps on, or halted (the witnesses past the
    /// halt are of the halted state), or at the first step that fails, whose error is
    /// returned.
    pub fn witnesses<H, T, F>(&mut self, host: &mut H, count: u64, each: F) -> Result<Vec<T>>
    where
        H: Host + Clone + Send,
        T: Send,
        F: Fn(StepWitness) -> T + Sync,
    {
        let threads = rayon::current_num_threads() as u64;
        let stretch = count.div_ceil(threads).max(MIN_STRETCH);
        let start = self.cpu.step;
        // Bring the tree up to date once, here, on all cores: else every copy would rehash
        // what changed before the window.
        self.memory.root();
        let mut copies = Vec::new();
        let mut first = 0;
        while count - first > stretch {
            copies.push((self.clone(), host.clone(), stretch));
            first += stretch;
            self.run(host, start + first)?;
        }
        let (earlier, last) = rayon::join(
            || -> Result<Vec<Vec<T>>> {
                copies
                    .into_par_iter()
                    .map(|(mut vm, mut host, steps)| {
                        vm.step_with_witnesses(&mut host, steps, &each)
                    })
                    .collect()
            },
            || self.step_with_witnesses(host, count - first, &each),
        );
        let mut all: Vec<T> = earlier?.into_iter().flatten().collect();
        all.extend(last?);
        Ok(all)
    }

    /// `count` calls to [`Vm::step_with_witness`], in order, on this thread.
    fn step_with_witnesses<H: Host, T>(
        &mut self,
        host: &mut H,
        count: u64,
        each: impl Fn(StepWitness) -> T,
    ) -> Result<Vec<T>> {
        (0..count).map(|_| self.step_with_witness(host).map(&each)).collect()
    }
}
