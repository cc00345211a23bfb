//! State hashes along a run, hashed on another thread while the run goes on.
//!
//! A dispute commits to states spread over a trace. Hashing one costs what rehashing the
//! memory written since the last costs: every 100k steps of bench-keccak, two pages and ~110
//! keccaks, about half the time fast mode takes for those steps. [`Vm::run_with_roots`]
//! lends the memory tree to a hasher thread instead: at each interval the run copies out the
//! changed leaf pairs (a few KiB) and goes on while the hasher rehashes them.

use std::sync::mpsc;

use crate::error::{Error, Result};
use crate::host::Host;
use crate::merkle::Hash;
use crate::state::{Cpu, EncodedState};
use crate::tree::{Changes, Tree};
use crate::vm::Vm;

impl Vm {
    /// Runs like [`Vm::run`] to `until_step` or a halt, and returns the state hash after every
    /// `interval` steps from here, and at the end: `(step, hash)` pairs, in order, the last
    /// one the final state. The same hashes as [`Vm::state_hash`] after each [`Vm::run`] to
    /// the next interval; the hashing runs on another thread, overlapping the run.
    ///
    /// On an error the run stops where [`Vm::run`] would, the VM usable as after it.
    ///
    /// # Panics
    /// If `interval` is zero.
    pub fn run_with_roots<H: Host>(
        &mut self,
        host: &mut H,
        interval: u64,
        until_step: u64,
    ) -> Result<Vec<(u64, Hash)>> {
        assert!(interval > 0, "roots need a nonzero interval");
        let roots = self.hashing_beside(
            |_| (),
            |vm, hasher| vm.run_sending_changes(host, interval, until_step, hasher),
        )?;
        Ok(roots.into_iter().map(|(step, hash, ())| (step, hash)).collect())
    }

    /// Calls `run` with the memory tree lent to a hasher thread, and returns, for every
    /// `(state, changes)` that `run` sent it (taken with [`Memory::take_changes`]), in order,
    /// the step, the state hash and what `keep` takes of the tree then. `run` must send the
    /// changes of every rehash it causes, and no one may ask the memory for a root or a proof
    /// meanwhile.
    ///
    /// [`Memory::take_changes`]: crate::memory::Memory::take_changes
    pub(crate) fn hashing_beside<T, F>(
        &mut self,
        keep: impl Fn(&Tree) -> T + Send,
        run: F,
    ) -> Result<Vec<(u64, Hash, T)>>
    where
        T: Send,
        F: FnOnce(&mut Vm, &mpsc::Sender<(Cpu, Changes)>) -> Result<()>,
    {
        // The hasher rehashes on rayon's global pool when many pages changed. Threads inherit
        // their creator's priority, and the hasher lowers its own: the pool must not be
        // started by it, or every later parallel job (witnesses) would run below the run.
        // (Such a parallel rehash runs at the pool's priority, the run's.)
        rayon::current_num_threads();
        let (lend, lent) = mpsc::channel::<Tree>();
        let (sender, receiver) = mpsc::channel::<(Cpu, Changes)>();
        std::thread::scope(|scope| {
            let hasher = std::thread::Builder::new()
                .name("axon-vm-roots".into())
                .spawn_scoped(scope, move || {
                    crate::background::yield_to_the_run();
                    let mut tree = lent.recv().ok()?;
                    let mut hashes = Vec::new();
                    for (cpu, changes) in receiver {
                        tree.apply(&changes);
                        let root = tree.root();
                        let step = cpu.step;
                        let hash = EncodedState { cpu, memory_root: root }.hash();
                        hashes.push((step, hash, keep(&tree)));
                    }
                    Some((tree, hashes))
                })
                .map_err(Error::Thread)?;
            // The tree is lent only once the hasher runs, so a failed start loses nothing.
            let ran = match lend.send(self.memory.lend_tree()) {
                Ok(()) => run(self, &sender),
                Err(mpsc::SendError(tree)) => {
                    self.memory.return_tree(tree);
                    Ok(())
                }
            };
            drop(sender);
            let joined = hasher.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            let (tree, hashes) = joined.expect("the hasher received the tree");
            self.memory.return_tree(tree);
            ran.map(|()| hashes)
        })
    }

    /// The run of [`Vm::run_with_roots`]: after every `interval` steps and at the end, sends
    /// the state and the memory's changes to the hasher.
    fn run_sending_changes<H: Host>(
        &mut self,
        host: &mut H,
        interval: u64,
        until_step: u64,
        hasher: &mpsc::Sender<(Cpu, Changes)>,
    ) -> Result<()> {
        loop {
            self.run(host, self.cpu.step.saturating_add(interval).min(until_step))?;
            // Only a panicked hasher hangs up; joining it re-raises that panic.
            let _ = hasher.send((self.cpu.clone(), self.memory.take_changes()));
            if !self.cpu.halt.is_running() || self.cpu.step >= until_step {
                return Ok(());
            }
        }
    }
}
