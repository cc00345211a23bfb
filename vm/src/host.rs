//! What the VM needs from the host: preimages and somewhere to put output.

use axon_abi::fd;

use crate::merkle::Hash;
use crate::preimage::{PreimageSource, PreimageStore};

/// The host side of a running guest.
pub trait Host {
    /// The data behind `key`, or `None` when the host does not have it (which stops the run
    /// with [`crate::Error::MissingPreimage`]: such a step cannot be proven).
    fn preimage(&mut self, key: &Hash) -> Option<&[u8]>;

    /// Bytes the guest wrote to `fd` (stdout, stderr or the hint channel). Long writes arrive
    /// in several calls.
    fn output(&mut self, fd: u32, bytes: &[u8]);
}

/// Where a [`StdHost`] puts the guest's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputMode {
    /// stdout and stderr go to the host process's own; hints are kept.
    Forward,
    /// Everything is kept in memory.
    Capture,
}

/// A host backed by an in-memory preimage store.
#[derive(Debug, Clone)]
pub struct StdHost {
    /// The preimages the guest may read.
    pub preimages: PreimageStore,
    /// Where output goes.
    pub mode: OutputMode,
    /// Captured stdout ([`OutputMode::Capture`] only).
    pub stdout: Vec<u8>,
    /// Captured stderr ([`OutputMode::Capture`] only).
    pub stderr: Vec<u8>,
    /// Every byte written to the hint channel.
    pub hints: Vec<u8>,
}

impl StdHost {
    /// A host with `preimages` whose output goes where `mode` says.
    pub fn new(preimages: PreimageStore, mode: OutputMode) -> Self {
        Self { preimages, mode, stdout: Vec::new(), stderr: Vec::new(), hints: Vec::new() }
    }
}

impl Host for StdHost {
    fn preimage(&mut self, key: &Hash) -> Option<&[u8]> {
        self.preimages.preimage(key)
    }

    fn output(&mut self, fd: u32, bytes: &[u8]) {
        use std::io::Write;
        match (fd, self.mode) {
            (fd::HINT_WRITE, _) => self.hints.extend_from_slice(bytes),
            (fd::STDOUT, OutputMode::Capture) => self.stdout.extend_from_slice(bytes),
            (fd::STDERR, OutputMode::Capture) => self.stderr.extend_from_slice(bytes),
            // The guest's output is best effort: a closed pipe must not change the run.
            (fd::STDOUT, OutputMode::Forward) => {
                let _ = std::io::stdout().write_all(bytes);
            }
            (_, OutputMode::Forward) => {
                let _ = std::io::stderr().write_all(bytes);
            }
            _ => {}
        }
    }
}
