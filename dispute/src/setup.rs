//! What every command builds first: the program's trace from its ELF and input, and the
//! game's extra data for that input.

use std::path::{Path, PathBuf};

use axon_vm::abi::local;
use axon_vm::{CheckpointStore, PreimageStore, VmConfig};

use crate::game::encode_extra_data;
use crate::guest::load_guest;
use crate::lying::{Lie, LyingTrace};
use crate::{Error, Result, TraceProvider, VmTraceProvider};

/// The program a game is over and how to trace it.
#[derive(Debug, Clone)]
pub struct TraceSpec {
    /// The guest ELF.
    pub program: PathBuf,
    /// The program input (local datum 1), at most 32 bytes on chain.
    pub input: Vec<u8>,
    /// What else the program reads through the oracle (an AI-EVM block's trie nodes and
    /// models, …); empty for most programs.
    pub preimages: PreimageStore,
    /// The game depth: the trace covers `2^max_depth` steps.
    pub max_depth: u8,
    /// Steps between checkpoints.
    pub checkpoint_interval: u64,
    /// Where checkpoints go (`None`: memory).
    pub checkpoint_dir: Option<PathBuf>,
}

impl TraceSpec {
    /// The game's extra data: the input as local datum 1.
    pub fn extra_data(&self) -> Result<Vec<u8>> {
        encode_extra_data(&[&self.input])
    }

    /// Runs the program and keeps its checkpoints.
    pub fn honest_trace(&self) -> Result<VmTraceProvider> {
        let program = load_guest(&self.program)?;
        let mut preimages = self.preimages.clone();
        preimages.insert_local(local::INPUT, self.input.clone());
        let store =
            self.checkpoint_dir.clone().map_or(CheckpointStore::Memory, CheckpointStore::Directory);
        VmTraceProvider::new(
            &program,
            preimages,
            self.max_depth,
            self.checkpoint_interval,
            store,
            VmConfig::default(),
        )
    }

    /// The honest trace, or one lying from step `lie_from` on.
    pub fn trace(&self, lie: Option<(u64, Lie)>) -> Result<Box<dyn TraceProvider>> {
        let honest = Box::new(self.honest_trace()?);
        Ok(match lie {
            None => honest,
            Some((from_step, lie)) => Box::new(LyingTrace::new(honest, from_step, lie)),
        })
    }
}

/// The bytes of `path`.
pub fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io { path: path.to_owned(), source })
}
