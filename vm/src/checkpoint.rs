//! Checkpointed traces: the state at any step without re-running from the start.
//!
//! A dispute asks for state hashes at positions spread over a long trace. [`Checkpoints`]
//! runs the program once, keeping a snapshot every `interval` steps (in memory or as files in
//! a directory), and then answers "the VM at step N" by restoring the nearest checkpoint at or
//! before N and running at most `interval - 1` steps. Past the end of the trace the answer is
//! the final, halted state: halted traces pad with their last state.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::host::Host;
use crate::merkle::Hash;
use crate::vm::{Vm, VmConfig};

/// Where checkpoint snapshots are kept.
#[derive(Debug, Clone)]
pub enum CheckpointStore {
    /// In this process's memory.
    Memory,
    /// As `step-<N>.snap` files in a directory (created if missing).
    Directory(PathBuf),
}

/// Snapshots of one execution every `interval` steps.
#[derive(Debug)]
pub struct Checkpoints {
    interval: u64,
    store: CheckpointStore,
    config: VmConfig,
    /// Step → snapshot bytes ([`CheckpointStore::Memory`]) or an empty marker (files).
    taken: BTreeMap<u64, Vec<u8>>,
    final_step: u64,
}

impl Checkpoints {
    /// Runs `vm` to its end (or `max_steps`), keeping a checkpoint every `interval` steps,
    /// at the start, and at the last step.
    ///
    /// # Panics
    /// If `interval` is zero.
    pub fn record<H: Host>(
        mut vm: Vm,
        host: &mut H,
        interval: u64,
        max_steps: u64,
        store: CheckpointStore,
        config: VmConfig,
    ) -> Result<Self> {
        assert!(interval > 0, "checkpoint interval must be positive");
        if let CheckpointStore::Directory(dir) = &store {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let mut this =
            Self { interval, store, config, taken: BTreeMap::new(), final_step: vm.cpu.step };
        loop {
            this.keep(&vm)?;
            let step = vm.cpu.step;
            if !vm.cpu.halt.is_running() || step >= max_steps {
                break;
            }
            let next = (step / interval + 1) * interval;
            vm.run(host, next.min(max_steps))?;
        }
        this.final_step = vm.cpu.step;
        Ok(this)
    }

    fn path(&self, step: u64) -> Option<PathBuf> {
        match &self.store {
            CheckpointStore::Memory => None,
            CheckpointStore::Directory(dir) => Some(dir.join(format!("step-{step}.snap"))),
        }
    }

    fn keep(&mut self, vm: &Vm) -> Result<()> {
        let bytes = vm.snapshot();
        match self.path(vm.cpu.step) {
            None => {
                self.taken.insert(vm.cpu.step, bytes);
            }
            Some(path) => {
                std::fs::write(&path, bytes).map_err(|e| Error::io(&path, e))?;
                self.taken.insert(vm.cpu.step, Vec::new());
            }
        }
        Ok(())
    }

    /// The step at which the recorded execution ended (halted or hit its step limit).
    pub fn final_step(&self) -> u64 {
        self.final_step
    }

    /// The checkpoint interval.
    pub fn interval(&self) -> u64 {
        self.interval
    }

    /// How many checkpoints were kept.
    pub fn len(&self) -> usize {
        self.taken.len()
    }

    /// Whether no checkpoint was kept (never true after [`Checkpoints::record`]).
    pub fn is_empty(&self) -> bool {
        self.taken.is_empty()
    }

    /// The VM at `step` (the final state for any step past the end).
    pub fn vm_at<H: Host>(&self, host: &mut H, step: u64) -> Result<Vm> {
        let target = step.min(self.final_step);
        let (&at, bytes) =
            self.taken.range(..=target).next_back().expect("the start is always kept");
        let mut vm = match self.path(at) {
            None => Vm::restore(bytes, self.config)?,
            Some(path) => Vm::load_snapshot(&path, self.config)?,
        };
        vm.run(host, target)?;
        Ok(vm)
    }

    /// The state hash at `step`.
    pub fn state_hash_at<H: Host>(&self, host: &mut H, step: u64) -> Result<Hash> {
        Ok(self.vm_at(host, step)?.state_hash())
    }
}
