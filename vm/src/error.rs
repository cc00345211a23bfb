//! The crate's error type: host-side failures only.
//!
//! Guest misbehaviour (illegal instructions, misaligned accesses, unknown syscalls) is never an
//! error: it is a deterministic, provable VM state ([`crate::Halt::Faulted`]). What is here is
//! what stops the *host*: bad input files, a missing preimage, exhausted host resources, a
//! witness that does not verify.

use std::path::PathBuf;

use crate::elf::ElfError;
use crate::memory::MemoryError;
use crate::merkle::Hash;
use crate::snapshot::SnapshotError;
use crate::state::StateError;
use crate::stateless::WitnessError;

/// Everything that can stop the host.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The program file is not a loadable RV32 executable.
    #[error("invalid ELF: {0}")]
    Elf(#[from] ElfError),
    /// The guest exceeded a host resource limit.
    #[error(transparent)]
    Memory(#[from] MemoryError),
    /// An encoded state does not decode.
    #[error("invalid state encoding: {0}")]
    State(#[from] StateError),
    /// A step witness does not verify.
    #[error("invalid step witness: {0}")]
    Witness(#[from] WitnessError),
    /// A snapshot file is corrupt, truncated or of another version.
    #[error("invalid snapshot: {0}")]
    Snapshot(#[from] SnapshotError),
    /// The guest asked for a preimage the host does not have.
    #[error("the host has no preimage for key 0x{}", hex::encode(.0))]
    MissingPreimage(Hash),
    /// The host could not start a thread.
    #[error("cannot start a thread: {0}")]
    Thread(#[source] std::io::Error),
    /// Reading or writing a host file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}
