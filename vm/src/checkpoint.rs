//! Checkpointed traces: the state at any step without re-running from the start.
//!
//! A dispute asks for state hashes at positions spread over a long trace. [`Checkpoints`]
//! runs the program once, keeping the state every `interval` steps (in memory or as snapshot
//! files in a directory), and then answers "the VM at step N" by restoring the nearest
//! checkpoint at or before N and running at most `interval - 1` steps. Past the end of the
//! trace the answer is the final, halted state: halted traces pad with their last state.
//!
//! Recording costs little more than the run. A checkpoint in memory is not a snapshot: it
//! copies the pages written since the one before and shares the rest with it, which the
//! memory's dirty tracking tells (the changes it hands its Merkle tree at each checkpoint).
//! Those changes go to a hasher thread ([`Vm::run_with_roots`]'s), so the state hash at every
//! checkpoint comes free of a rehash, and so do the tree's page subtrees (shared, a pointer
//! each), which a VM restored from the checkpoint starts with; a directory's snapshot files
//! are encoded and written by a thread per core. Before this design, keeping a 2.9 MB
//! snapshot every 2^22 steps of a stories260K inference made recording 3.7x slower than the
//! run; now it is about 1.1x.
//!
//! A directory of checkpoints ends with a manifest ([`MANIFEST`]), written last, that names
//! the initial state, the interval, the step limit and every checkpoint:
//! [`Checkpoints::record`] opens such a directory instead of running the program again (a
//! restarted challenger), and records afresh when the manifest is missing (a run killed
//! mid-recording) or describes another recording.

use std::collections::BTreeMap;
use std::num::NonZeroUsize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{mpsc, Arc, Mutex, PoisonError};

use crate::error::{Error, Result};
use crate::host::Host;
use crate::memory::{Memory, PAGE_SIZE};
use crate::merkle::Hash;
use crate::snapshot::{self, SnapshotMeta, SNAPSHOT_VERSION};
use crate::state::Cpu;
use crate::tree::{Changes, PageSubtrees, Tree};
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

/// Checkpoints the recording run may be ahead of the threads writing their files.
const WRITE_QUEUE: usize = 2;

/// The states of one execution every `interval` steps.
#[derive(Debug)]
pub struct Checkpoints {
    interval: u64,
    store: CheckpointStore,
    config: VmConfig,
    /// The decode cache's range of the recorded VM (a snapshot file holds it too).
    code: Range<u32>,
    taken: BTreeMap<u64, Kept>,
    /// The state hash at the checkpoints whose hash the recording computed.
    roots: BTreeMap<u64, Hash>,
    final_step: u64,
}

/// One checkpoint: its state in memory ([`CheckpointStore::Memory`]) with the memory tree's
/// page subtrees at it, so that a VM restored from it rehashes only what it changes; or a
/// snapshot file.
#[derive(Debug)]
enum Kept {
    Image { image: Box<Image>, subtrees: PageSubtrees },
    File(PathBuf),
}

/// The bytes of one page, shared by the checkpoints between which it did not change.
type SharedPage = Arc<[u8; PAGE_SIZE]>;

/// The state at a checkpoint: the CPU and every touched page (with its number, in slot
/// order).
struct Image {
    cpu: Cpu,
    pages: Vec<(u32, SharedPage)>,
}

impl Image {
    fn pages(&self) -> impl Iterator<Item = (u32, &[u8; PAGE_SIZE])> {
        self.pages.iter().map(|(number, bytes)| (*number, &**bytes))
    }
}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("step", &self.cpu.step)
            .field("pages", &self.pages.len())
            .finish()
    }
}

/// The pages of memory as of the last checkpoint, by slot, brought up to date with the
/// changes the memory hands its tree: a checkpoint copies only the pages written since the
/// one before, and shares the others with it.
struct Pages(Vec<(u32, SharedPage)>);

impl Pages {
    fn of(memory: &Memory) -> Self {
        Self(memory.pages().map(|(number, bytes)| (number, Arc::new(*bytes))).collect())
    }

    fn update(&mut self, memory: &Memory, changes: &Changes) {
        let known = self.0.len();
        for page in changes.pages.iter().filter(|page| (page.slot as usize) < known) {
            let bytes = memory.page_bytes(page.number).expect("a changed page is in memory");
            self.0[page.slot as usize].1 = Arc::new(*bytes);
        }
        let added = memory.pages().skip(known);
        self.0.extend(added.map(|(number, bytes)| (number, Arc::new(*bytes))));
    }

    fn image(&self, cpu: Cpu) -> Image {
        let pages = self.0.iter().map(|(number, bytes)| (*number, Arc::clone(bytes))).collect();
        Image { cpu, pages }
    }
}

/// Where a recording stops: every multiple of `interval`, and `max_steps`.
#[derive(Clone, Copy)]
struct Recorder {
    interval: u64,
    max_steps: u64,
}

impl Recorder {
    /// Runs `vm` from checkpoint to checkpoint (the first where it stands), handing `keep`
    /// each one's image and `hasher` the memory's changes in between.
    fn run<H: Host>(
        self,
        vm: &mut Vm,
        host: &mut H,
        hasher: &mpsc::Sender<(Cpu, Changes)>,
        mut keep: impl FnMut(Image) -> Result<()>,
    ) -> Result<()> {
        let mut pages = Pages::of(&vm.memory);
        loop {
            keep(pages.image(vm.cpu.clone()))?;
            let step = vm.cpu.step;
            if !vm.cpu.halt.is_running() || step >= self.max_steps {
                return Ok(());
            }
            let next = (step / self.interval + 1) * self.interval;
            vm.run(host, next.min(self.max_steps))?;
            let changes = vm.memory.take_changes();
            pages.update(&vm.memory, &changes);
            // Only a panicked hasher hangs up; joining it re-raises that panic.
            let _ = hasher.send((vm.cpu.clone(), changes));
        }
    }
}

impl Checkpoints {
    /// Runs `vm` to its end (or `max_steps`), keeping a checkpoint every `interval` steps,
    /// at the start, and at the last step — unless `store` is a directory that holds a
    /// complete recording of the same execution (same initial state, interval and step
    /// limit): that is opened, and neither `vm` nor `host` runs.
    ///
    /// The run goes on while other threads do the rest: one hashes the state at every
    /// checkpoint (kept for [`Checkpoints::state_hash_at`]), and one per core writes a
    /// directory's snapshot files. A checkpoint kept in memory copies only the pages written
    /// since the one before.
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
        let initial = vm.state_hash();
        let header = manifest_header(initial, interval, max_steps);
        let mut this = Self {
            interval,
            store,
            config,
            code: vm.code.range(),
            taken: BTreeMap::new(),
            roots: BTreeMap::from([(vm.cpu.step, initial)]),
            final_step: vm.cpu.step,
        };
        let recorder = Recorder { interval, max_steps };
        let roots = match &this.store {
            CheckpointStore::Memory => {
                let mut subtrees = vec![vm.memory.tree().page_subtrees()];
                let mut images = Vec::new();
                let roots = vm.hashing_beside(Tree::page_subtrees, |vm, hasher| {
                    recorder.run(vm, host, hasher, |image| {
                        images.push(image);
                        Ok(())
                    })
                })?;
                // The first image is the start; each later one, the state hashed next.
                let mut hashes = Vec::with_capacity(roots.len());
                for (step, hash, pages) in roots {
                    subtrees.push(pages);
                    hashes.push((step, hash));
                }
                for (image, subtrees) in images.into_iter().zip(subtrees) {
                    let step = image.cpu.step;
                    this.taken.insert(step, Kept::Image { image: Box::new(image), subtrees });
                }
                hashes
            }
            CheckpointStore::Directory(dir) => {
                if let Some((final_step, steps)) = read_manifest(dir, &header) {
                    let file = |step| (step, Kept::File(snapshot_file(dir, step)));
                    this.taken = steps.into_iter().map(file).collect();
                    this.final_step = final_step;
                    return Ok(this);
                }
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                // An older manifest would describe files this recording overwrites.
                let old = dir.join(MANIFEST);
                if old.exists() {
                    std::fs::remove_file(&old).map_err(|e| Error::io(&old, e))?;
                }
                let taken = &mut this.taken;
                record_files(&mut vm, host, recorder, dir, this.code.clone(), taken)?
            }
        };
        this.final_step = vm.cpu.step;
        this.roots.extend(roots);
        if let CheckpointStore::Directory(dir) = &this.store {
            this.write_manifest(dir, &header)?;
        }
        Ok(this)
    }

    /// Writes the manifest of a directory recording (after its last snapshot), through a
    /// temporary file so that a kill leaves no manifest rather than half of one.
    fn write_manifest(&self, dir: &Path, header: &str) -> Result<()> {
        let steps: Vec<String> = self.taken.keys().map(u64::to_string).collect();
        let text = format!("{header}final {}\nsteps {}\n", self.final_step, steps.join(","));
        let tmp = dir.join(format!("{MANIFEST}.tmp"));
        std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
        let path = dir.join(MANIFEST);
        std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
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
        let (_, kept) = self.taken.range(..=target).next_back().expect("the start is always kept");
        let mut vm = match kept {
            Kept::Image { image, subtrees } => {
                let numbers: Vec<u32> = image.pages.iter().map(|(number, _)| *number).collect();
                let tree = Tree::over_pages(subtrees.clone(), &numbers);
                let memory = Memory::with_tree(self.config.max_pages, image.pages(), tree)?;
                Vm::from_parts(image.cpu.clone(), memory, self.code.clone(), self.config)
            }
            Kept::File(path) => Vm::load_snapshot(path, self.config)?,
        };
        vm.run(host, target)?;
        Ok(vm)
    }

    /// The state hash at `step`: the recording's where it hashed that step, else the VM's at
    /// it.
    pub fn state_hash_at<H: Host>(&self, host: &mut H, step: u64) -> Result<Hash> {
        match self.roots.get(&step.min(self.final_step)) {
            Some(root) => Ok(*root),
            None => Ok(self.vm_at(host, step)?.state_hash()),
        }
    }
}

/// The lines of a manifest that identify a recording: the snapshot format (a recording made
/// by a build that wrote another format is made again, not reused), the initial state hash
/// (which fixes the program; its input is the caller's to keep per directory), interval and
/// step limit.
fn manifest_header(initial: Hash, interval: u64, max_steps: u64) -> String {
    format!(
        "axon-checkpoints {SNAPSHOT_VERSION}\ninitial {}\ninterval {interval}\nmax_steps {max_steps}\n",
        hex::encode(initial)
    )
}

/// The final step and checkpoint steps of the recording in `dir`, if its manifest starts
/// with `header` and every snapshot it names is there.
fn read_manifest(dir: &Path, header: &str) -> Option<(u64, Vec<u64>)> {
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
fn snapshot_file(dir: &Path, step: u64) -> PathBuf {
    dir.join(format!("step-{step}.snap"))
}

/// The recording run of a directory: its snapshot files are encoded and written by a thread
/// per core, at most [`WRITE_QUEUE`] behind the run. Returns the state hashes.
///
/// A file that cannot be written stops the run at its next checkpoint; the earliest
/// checkpoint's failed write is the error returned. The writers never stop receiving before
/// the run ends (after a failure they drop what they receive), so the run can never wait on
/// a queue nobody empties.
fn record_files<H: Host>(
    vm: &mut Vm,
    host: &mut H,
    recorder: Recorder,
    dir: &Path,
    code: Range<u32>,
    taken: &mut BTreeMap<u64, Kept>,
) -> Result<Vec<(u64, Hash)>> {
    let (to_writers, from_run) = mpsc::sync_channel::<(PathBuf, Image)>(WRITE_QUEUE);
    // Shared by the writers alone: should they all panic, the run's next send fails.
    let from_run = Arc::new(Mutex::new(from_run));
    // The failed write of the earliest checkpoint, whichever writer met it first.
    let failure: Mutex<Option<(u64, Error)>> = Mutex::new(None);
    let failed_before = |step: u64| {
        let failure = failure.lock().unwrap_or_else(PoisonError::into_inner);
        failure.as_ref().is_some_and(|(failed, _)| *failed < step)
    };
    let write = |from_run: Arc<Mutex<mpsc::Receiver<(PathBuf, Image)>>>| {
        crate::background::yield_to_the_run();
        loop {
            let next = from_run.lock().unwrap_or_else(PoisonError::into_inner).recv();
            let Ok((path, image)) = next else { return };
            let step = image.cpu.step;
            if failed_before(step) {
                continue;
            }
            let meta = SnapshotMeta::default();
            let bytes = snapshot::encode(meta, &image.cpu, code.clone(), image.pages());
            if let Err(e) = std::fs::write(&path, bytes) {
                let mut failure = failure.lock().unwrap_or_else(PoisonError::into_inner);
                if failure.as_ref().is_none_or(|(failed, _)| step < *failed) {
                    *failure = Some((step, Error::io(&path, e)));
                }
            }
        }
    };
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    // The writers stop when `to_writers` is dropped, on every way out of the scope.
    let ran = std::thread::scope(move |scope| {
        for _ in 0..cores {
            let writer = std::thread::Builder::new().name("axon-vm-checkpoints".into());
            let from_run = Arc::clone(&from_run);
            writer.spawn_scoped(scope, move || write(from_run)).map_err(Error::Thread)?;
        }
        drop(from_run);
        vm.hashing_beside(
            |_| (),
            |vm, hasher| {
                recorder.run(vm, host, hasher, |image| {
                    if failed_before(u64::MAX) {
                        // Stops the run; the writer's error is returned instead.
                        return Err(Error::io(dir, std::io::Error::other("a write failed")));
                    }
                    let path = snapshot_file(dir, image.cpu.step);
                    taken.insert(image.cpu.step, Kept::File(path.clone()));
                    // Only panicked writers hang up; the scope re-raises their panic.
                    let gone = |_| Error::io(dir, std::io::Error::other("the writers are gone"));
                    to_writers.send((path, image)).map_err(gone)
                })
            },
        )
    });
    match failure.into_inner().unwrap_or_else(PoisonError::into_inner) {
        Some((_, error)) => Err(error),
        None => Ok(ran?.into_iter().map(|(step, hash, ())| (step, hash)).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{OutputMode, StdHost};
    use crate::preimage::PreimageStore;

    /// A loop that stores a counter to consecutive words from 0x10_0000 (a new page every
    /// 4,096 steps): `addi x1, x1, 1; sw x1, 0(x2); addi x2, x2, 4; jal x0, -12`.
    fn marching_stores() -> Vm {
        let mut memory = Memory::default();
        let code = [0x0010_8093, 0x0011_2023, 0x0041_0113, 0xff5f_f06f];
        for (address, word) in (0x1000..).step_by(4).zip(code) {
            memory.store_u32(address, word).expect("store");
        }
        let mut cpu = Cpu::new(0x1000);
        cpu.regs[2] = 0x10_0000;
        Vm::from_parts(cpu, memory, 0x1000..0x1010, VmConfig::default())
    }

    #[test]
    fn every_checkpoint_in_memory_keeps_its_tree_and_restores_to_its_state() {
        let mut host = StdHost::new(PreimageStore::new(), OutputMode::Capture);
        let config = VmConfig::default();
        let store = CheckpointStore::Memory;
        let checkpoints =
            Checkpoints::record(marching_stores(), &mut host, 3_000, 20_000, store, config)
                .expect("record");
        assert_eq!(checkpoints.len(), 8, "0, 3,000, ..., 18,000 and the last step");
        let mut reference = marching_stores();
        for (&step, kept) in &checkpoints.taken {
            let kept_with_subtrees = matches!(kept, Kept::Image { .. });
            assert!(kept_with_subtrees, "step {step} is kept in memory with its page subtrees");
            reference.run(&mut host, step).expect("run");
            let restored = checkpoints.vm_at(&mut host, step).expect("restore").state_hash();
            assert_eq!(restored, reference.state_hash(), "step {step}");
        }
    }
}
