//! Trace providers: the honest values of every claim of a game, computed by the VM.
//!
//! A dispute asks for the state hash at a few dozen trace points spread over a trace of up
//! to 2^62 steps, and for one step witness at the end. [`VmTraceProvider`] runs the program
//! once, keeping checkpoints (in memory or as snapshot files, one directory per game), and then
//! answers each question by replaying at most one checkpoint interval. Past the end of the
//! trace it answers with the final state: halted traces pad with their last state, and a step
//! on a halted state is a no-op — on chain exactly as here.

use std::collections::HashMap;

use axon_vm::{
    CheckpointStore, Checkpoints, Hash, OutputMode, PreimageStore, Program, StdHost, StepWitness,
    Vm, VmConfig,
};

use crate::error::{Error, Result};
use crate::game::GameState;
use crate::position::{Position, MAX_SUPPORTED_DEPTH};

/// The honest side's view of a game's trace.
pub trait TraceProvider {
    /// The depth of the game tree: the trace has `2^max_depth` steps.
    fn max_depth(&self) -> u8;

    /// The state hash after 0 steps: the game's absolute prestate.
    fn absolute_prestate(&mut self) -> Result<Hash>;

    /// The state hash after `steps` steps (the final state past the end of the trace).
    fn state_after(&mut self, steps: u64) -> Result<Hash>;

    /// The witness of the step that starts from the state after `steps` steps.
    fn step_witness(&mut self, steps: u64) -> Result<StepWitness>;

    /// The preimages the program reads (a leaf step that reads one loads it on chain).
    fn preimages(&self) -> &PreimageStore;

    /// The VM steps run to record the trace (replays to answer questions not counted): what
    /// a player pays in VM time for a game.
    fn steps_run(&self) -> u64;

    /// The honest claim at `position`: the state after its trace index + 1 steps.
    fn claim_at(&mut self, position: Position) -> Result<Hash> {
        let steps = position.trace_index(self.max_depth()) + 1;
        self.state_after(steps)
    }
}

/// A [`TraceProvider`] that runs a guest program in the Axon VM.
#[derive(Debug)]
pub struct VmTraceProvider {
    max_depth: u8,
    checkpoints: Checkpoints,
    host: StdHost,
    prestate: Hash,
    /// State hashes already computed: a game asks for each a few times.
    hashes: HashMap<u64, Hash>,
}

impl VmTraceProvider {
    /// Runs `program` with `preimages` to its end (at most `2^max_depth` steps), keeping a
    /// checkpoint every `interval` steps in `store` — or, when `store` is a directory holding
    /// a complete recording of the same program, interval and length (a restarted player),
    /// opens it without running the program.
    pub fn new(
        program: &Program,
        preimages: PreimageStore,
        max_depth: u8,
        interval: u64,
        store: CheckpointStore,
        config: VmConfig,
    ) -> Result<Self> {
        if max_depth == 0 || max_depth > MAX_SUPPORTED_DEPTH {
            return Err(Error::InvalidGameDepth(max_depth));
        }
        if interval == 0 {
            return Err(Error::ZeroCheckpointInterval);
        }
        let mut vm = Vm::with_config(program, config)?;
        let prestate = vm.state_hash();
        let mut host = StdHost::new(preimages, OutputMode::Capture);
        let checkpoints =
            Checkpoints::record(vm, &mut host, interval, 1 << max_depth, store, config)?;
        Ok(Self { max_depth, checkpoints, host, prestate, hashes: HashMap::new() })
    }

    /// The step at which the program halted, or `2^max_depth` if it did not halt in the
    /// game's trace.
    pub fn final_step(&self) -> u64 {
        self.checkpoints.final_step()
    }

    /// Whether the program halts within the game's `2^max_depth` steps (else the trace is
    /// cut off there, and its last state is an unfinished one).
    pub fn halts(&mut self) -> Result<bool> {
        let last = self.state_after(self.final_step())?;
        Ok(last[0] != axon_vm::abi::VmStatus::Unfinished as u8)
    }

    /// What the guest wrote to stdout during the recording run (nothing when the checkpoints
    /// were reused).
    pub fn stdout(&self) -> &[u8] {
        &self.host.stdout
    }

    fn vm_after(&mut self, steps: u64) -> Result<Vm> {
        Ok(self.checkpoints.vm_at(&mut self.host, steps)?)
    }
}

impl TraceProvider for VmTraceProvider {
    fn max_depth(&self) -> u8 {
        self.max_depth
    }

    fn absolute_prestate(&mut self) -> Result<Hash> {
        Ok(self.prestate)
    }

    fn state_after(&mut self, steps: u64) -> Result<Hash> {
        // Every step past the end has the final state: cache it under one key.
        let steps = steps.min(self.final_step());
        if let Some(hash) = self.hashes.get(&steps) {
            return Ok(*hash);
        }
        let hash = self.checkpoints.state_hash_at(&mut self.host, steps)?;
        self.hashes.insert(steps, hash);
        Ok(hash)
    }

    fn step_witness(&mut self, steps: u64) -> Result<StepWitness> {
        let mut vm = self.vm_after(steps)?;
        Ok(vm.step_with_witness(&mut self.host)?)
    }

    fn preimages(&self) -> &PreimageStore {
        &self.host.preimages
    }

    fn steps_run(&self) -> u64 {
        self.final_step()
    }
}

/// The honest side's view of a whole game: one trace, or a split game's units and the
/// executions of its disputed units (each computed once and kept, by its local context).
pub enum GameTrace {
    /// A game over one program execution.
    Single(Box<dyn TraceProvider>),
    /// A split game.
    Split {
        /// The units and their executions.
        units: Box<dyn crate::split::UnitTrace>,
        /// The executions asked for so far, by subgame.
        executions: HashMap<crate::split::Subgame, Box<dyn TraceProvider>>,
    },
}

impl std::fmt::Debug for GameTrace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Single(_) => f.write_str("GameTrace::Single"),
            Self::Split { executions, .. } => {
                write!(f, "GameTrace::Split({} executions)", executions.len())
            }
        }
    }
}

impl From<Box<dyn TraceProvider>> for GameTrace {
    fn from(trace: Box<dyn TraceProvider>) -> Self {
        Self::Single(trace)
    }
}

impl<T: TraceProvider + 'static> From<Box<T>> for GameTrace {
    fn from(trace: Box<T>) -> Self {
        Self::Single(trace)
    }
}

impl GameTrace {
    /// A split game's trace over `units`.
    pub fn split(units: Box<dyn crate::split::UnitTrace>) -> Self {
        Self::Split { units, executions: HashMap::new() }
    }

    /// The shape of the game tree this trace fills.
    pub fn shape(&self) -> crate::game::Shape {
        match self {
            Self::Single(trace) => {
                crate::game::Shape { max_depth: trace.max_depth(), split_depth: 0 }
            }
            Self::Split { units, .. } => crate::game::Shape {
                max_depth: units.max_depth(),
                split_depth: units.split_depth(),
            },
        }
    }

    /// The VM steps run so far: the one trace's, or every execution's of a split game.
    pub fn steps_run(&self) -> u64 {
        match self {
            Self::Single(trace) => trace.steps_run(),
            Self::Split { executions, .. } => executions.values().map(|e| e.steps_run()).sum(),
        }
    }

    /// The root claim: the state after `2^max_depth` steps, or a split game's commitment
    /// after its `2^split_depth` units.
    pub fn root(&mut self) -> Result<Hash> {
        match self {
            Self::Single(trace) => trace.claim_at(Position::ROOT),
            Self::Split { units, .. } => {
                let split = units.split_depth();
                units.commitment_after(1 << split)
            }
        }
    }

    /// The program's initial state hash (a split game's: the unit program's).
    pub fn absolute_prestate(&mut self) -> Result<Hash> {
        match self {
            Self::Single(trace) => trace.absolute_prestate(),
            Self::Split { units, .. } => units.absolute_prestate(),
        }
    }

    /// The honest claim at `position` of `game`, where `reference` is the claim at that
    /// position or the claim a move to it answers: above a split, the commitment after its
    /// trace index (at the split depth) plus one units; below, the state of the disputed
    /// unit's execution after its execution trace index plus one steps.
    pub fn claim_at(
        &mut self,
        game: &GameState,
        reference: usize,
        position: Position,
    ) -> Result<Hash> {
        let shape = self.shape();
        if let Self::Split { units, .. } = self {
            if position.depth() <= shape.split_depth {
                return units.commitment_after(position.trace_index(shape.split_depth) + 1);
            }
        }
        let steps = position.execution_trace_index(shape.max_depth, shape.split_depth) + 1;
        self.execution(game, reference, position)?.0.state_after(steps)
    }

    /// The execution claim `reference` (or a move to `position` against it) belongs to, with
    /// its subgame in a split game.
    pub fn execution(
        &mut self,
        game: &GameState,
        reference: usize,
        position: Position,
    ) -> Result<(&mut dyn TraceProvider, Option<crate::split::Subgame>)> {
        match self {
            Self::Single(trace) => Ok((trace.as_mut(), None)),
            Self::Split { units, executions } => {
                let subgame = crate::split::subgame(game, reference, position)?;
                let execution = match executions.entry(subgame) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(units.execution(&subgame)?)
                    }
                };
                Ok((execution.as_mut(), Some(subgame)))
            }
        }
    }
}
