//! Checkpointed traces: the state at any step without re-running from the start.
//!
//! A dispute asks for state hashes at positions spread over a long trace. [`Checkpoints`]
//! runs the program once, keeping a snapshot every `interval` steps (in memory or as files in
//! a directory), and then answers "the VM at step N" by restoring the nearest checkpoint at or
//! before N and running at most `interval - 1` steps. Past the end of the trace the answer is
//! the final, halted state: halted traces pad with their last state.
//!
//! A directory of checkpoints ends with a manifest ([`MANIFEST`]), written last, that names
//! the initial state, the interval, the step limit and every checkpoint:
//! [`Checkpoints::record`] opens such a directory instead of running the program again (a
//! restarted challenger), and records afresh when the manifest is missing (a run killed
//! mid-recording) or describes another recording.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::error::{Error, Result};
use crate::host::Host;
use crate::merkle::Hash;
use crate::snapshot::SNAPSHOT_VERSION;
use crate::vm::{Vm, VmConfig};

/// Where checkpoint snapshots are kept.
#[derive(Debug, Clone)]
pub enum CheckpointStore {
    /// In this process's memory.
    Memory,
    /// As `step-<N>.snap` files in a directory (created if missing).
    Directory(PathBuf),
}

/// The file that completes a checkpoint directory.
pub const MANIFEST: &str = "checkpoints.manifest";

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
    /// at the start, and at the last step — unless `store` is a directory that holds a
    /// complete recording of the same execution (same initial state, interval and step
    /// limit): that is opened, and neither `vm` nor `host` runs.
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
        let header = manifest_header(&mut vm, interval, max_steps);
        if let CheckpointStore::Directory(dir) = &store {
            if let Some((final_step, steps)) = read_manifest(dir, &header) {
                let taken = steps.into_iter().map(|step| (step, Vec::new())).collect();
                return Ok(Self { interval, store, config, taken, final_step });
            }
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            // An older manifest would describe files this recording overwrites.
            let old = dir.join(MANIFEST);
            if old.exists() {
                std::fs::remove_file(&old).map_err(|e| Error::io(&old, e))?;
            }
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
        if let CheckpointStore::Directory(dir) = &this.store {
            this.write_manifest(dir, &header)?;
        }
        Ok(this)
    }

    /// Writes the manifest of a directory recording (after its last snapshot), through a
    /// temporary file so that a kill leaves no manifest rather than half of one.
    fn write_manifest(&self, dir: &std::path::Path, header: &str) -> Result<()> {
        let steps: Vec<String> = self.taken.keys().map(u64::to_string).collect();
        let text = format!("{header}final {}\nsteps {}\n", self.final_step, steps.join(","));
        let tmp = dir.join(format!("{MANIFEST}.tmp"));
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        let path = dir.join(MANIFEST);
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
    }

    fn path(&self, step: u64) -> Option<PathBuf> {
        match &self.store {
            CheckpointStore::Memory => None,
            CheckpointStore::Directory(dir) => Some(snapshot_file(dir, step)),
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

/// The lines of a manifest that identify a recording: the snapshot format (a recording made
/// by a build that wrote another format is made again, not reused), the initial state hash
/// (which fixes the program; its input is the caller's to keep per directory), interval and
/// step limit.
fn manifest_header(vm: &mut Vm, interval: u64, max_steps: u64) -> String {
    format!(
        "axon-checkpoints {SNAPSHOT_VERSION}\ninitial {}\ninterval {interval}\nmax_steps {max_steps}\n",
        hex::encode(vm.state_hash())
    )
}

/// The final step and checkpoint steps of the recording in `dir`, if its manifest starts
/// with `header` and every snapshot it names is there.
fn read_manifest(dir: &std::path::Path, header: &str) -> Option<(u64, Vec<u64>)> {
    let text = std::fs::read_to_string(dir.join(MANIFEST)).ok()?;
    let rest = text.strip_prefix(header)?;
    let mut lines = rest.lines();
    let final_step = lines.next()?.strip_prefix("final ")?.parse().ok()?;
    let steps: Vec<u64> = lines
        .next()?
        .strip_prefix("steps ")?
        .split(',')
        .map(str::parse)
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    let complete =
        !steps.is_empty() && steps.iter().all(|&step| snapshot_file(dir, step).is_file());
    complete.then_some((final_step, steps))
}

/// The snapshot file of the checkpoint at `step` in `dir`.
fn snapshot_file(dir: &std::path::Path, step: u64) -> PathBuf {
    dir.join(format!("step-{step}.snap"))
}
