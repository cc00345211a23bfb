//! What every command builds first: the program's trace from its ELF and input, and the
//! game's extra data for that input — or, for a multi-phase inference, the split game's
//! units (`split::inference`) and their unit program.

use std::path::{Path, PathBuf};

use axon_vm::abi::local;
use axon_vm::merkle::keccak256;
use axon_vm::{CheckpointStore, Hash, PreimageStore, VmConfig};

use crate::game::{encode_extra_data, Shape};
use crate::guest::load_guest;
use crate::lying::{Lie, Lies, LyingTrace, LyingUnits};
use crate::split::inference::{request, InferenceUnits};
use crate::split::VmUnitTrace;
use crate::{Error, GameTrace, Result, TraceProvider, VmTraceProvider};

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
    /// A multi-phase inference: the game is split, its units the request's (the program is
    /// then the unit program and the input the request's hash).
    pub inference: Option<InferenceSpec>,
}

/// The request of a multi-phase inference game.
#[derive(Debug, Clone)]
pub struct InferenceSpec {
    /// The model file (addressed by its blob key).
    pub model: Vec<u8>,
    /// The model input.
    pub input: Vec<u8>,
    /// The output bytes asked for.
    pub output_size: usize,
    /// The split depth: the game covers `2^split_depth` units.
    pub split_depth: u8,
}

impl InferenceSpec {
    /// Runs phase 1: the request's units, natively.
    pub fn units(&self) -> InferenceUnits {
        InferenceUnits::new(self.model.clone(), &self.input, self.output_size)
    }
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

    /// A multi-phase inference game of `program` (the unit program) over `inference`, of
    /// depth `max_depth`: its input is the request's hash.
    pub fn inference(
        program: PathBuf,
        inference: InferenceSpec,
        max_depth: u8,
        checkpoint_interval: u64,
    ) -> Self {
        Self {
            program,
            input: keccak256(&request(&inference.model, &inference.input, inference.output_size))
                .to_vec(),
            preimages: PreimageStore::new(),
            max_depth,
            checkpoint_interval,
            checkpoint_dir: None,
            inference: Some(inference),
        }
    }

    /// The shape of the game tree.
    pub fn shape(&self) -> Shape {
        let split_depth = self.inference.as_ref().map_or(0, |i| i.split_depth);
        Shape { max_depth: self.max_depth, split_depth }
    }

    /// The whole game's trace, honest or telling `lies` (in a split game `lies.trace` is
    /// about units).
    pub fn game_trace(&self, lies: Lies) -> Result<GameTrace> {
        let Some(inference) = &self.inference else {
            return Ok(GameTrace::Single(self.trace(lies.trace)?));
        };
        let honest = Box::new(VmUnitTrace::new(
            Box::new(inference.units()),
            load_guest(&self.program)?,
            self.max_depth,
            inference.split_depth,
            self.checkpoint_interval,
        )?);
        Ok(GameTrace::split(match lies {
            Lies { trace: None, execution: None } => honest,
            Lies { trace: None, execution } => {
                Box::new(LyingUnits::new(honest, u64::MAX, Lie::State, execution))
            }
            Lies { trace: Some((from_unit, lie)), execution } => {
                Box::new(LyingUnits::new(honest, from_unit, lie, execution))
            }
        }))
    }

    /// The root claim of the game, honest or telling `lies` as [`TraceSpec::game_trace`].
    pub fn root(&self, lies: Lies) -> Result<Hash> {
        self.game_trace(lies)?.root()
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
