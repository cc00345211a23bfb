//! Split games (docs/dispute.md, "Split games"): a game whose claims down to its split depth
//! commit to an application's units — the state after each operator of a model, after each
//! block, after each group of headers — and whose claims below it are VM state hashes of the
//! one unit in dispute, re-executed by a unit program.
//!
//! The unit trace ([`UnitTrace`]) is computed natively: the commitment after each unit. The
//! execution of a disputed unit is a [`TraceProvider`] over the unit program, whose inputs the
//! game binds itself ([`Subgame`]: the agreed and the disputed commitments and the unit's
//! number, read from the claims above the split, as Optimism reads its starting and disputed
//! output roots). [`subgame`] is the twin of `DisputeGame.unitsAtSplit`.

pub mod chain;
pub mod inference;

use axon_vm::merkle::keccak256;
use axon_vm::{CheckpointStore, Hash, PreimageStore, Program, VmConfig};

use crate::game::GameState;
use crate::{Error, Position, Result, TraceProvider, VmTraceProvider};

/// The local data a split game adds after its extra data's entries, in this order:
/// `DisputeGame.addLocalData`'s `LOCAL_ENTRIES + 1 ..= LOCAL_ENTRIES + 3`.
pub const SPLIT_LOCAL_ENTRIES: u32 = 3;

/// What one execution subgame is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subgame {
    /// The commitment before the disputed unit, agreed by the subgame's root (zero before
    /// the first unit).
    pub agreed: Hash,
    /// Where the agreed commitment sits (`None` before the first unit: no claim holds it).
    pub agreed_position: Option<Position>,
    /// The disputed commitment: the one after the unit.
    pub disputed: Hash,
    /// Where the disputed commitment sits.
    pub disputed_position: Position,
    /// The disputed unit's number (from 0): the disputed commitment is the one after
    /// `unit + 1` units.
    pub unit: u64,
}

impl Subgame {
    /// The local context of the subgame's steps, as `DisputeGame.localContext` computes it:
    /// `keccak256(abi.encode(agreed, agreedPos, disputed, disputedPos))`, positions as
    /// `uint64` (0 for none).
    pub fn local_context(&self) -> Hash {
        let mut words = [0u8; 128];
        words[..32].copy_from_slice(&self.agreed);
        words[56..64].copy_from_slice(&self.agreed_position.map_or(0, Position::raw).to_be_bytes());
        words[64..96].copy_from_slice(&self.disputed);
        words[120..128].copy_from_slice(&self.disputed_position.raw().to_be_bytes());
        keccak256(&words)
    }

    /// The local data the unit program reads besides the game's extra data: after
    /// `entries` entries, the agreed commitment, the disputed one and the unit's number as
    /// 8 big-endian bytes (`axon_abi::local::{AGREED, DISPUTED, UNIT}` after the input alone).
    pub fn insert_locals(&self, preimages: &mut PreimageStore, entries: u32) {
        preimages.insert_local(entries + 1, self.agreed.to_vec());
        preimages.insert_local(entries + 2, self.disputed.to_vec());
        preimages.insert_local(entries + 3, self.unit.to_be_bytes().to_vec());
    }

    /// Checks that the agreed commitment is `honest`, the one this side computed after the
    /// units before the disputed one: else [`Error::UnknownState`] — a state nobody can open.
    pub fn check_agreed(&self, honest: &Hash) -> Result<()> {
        if self.agreed != *honest {
            return Err(Error::UnknownState { commitment: self.agreed, unit: self.unit });
        }
        Ok(())
    }
}

/// The subgame a claim at `position` belongs to, where `reference` is the claim at that
/// position or the claim it answers (a prospective move): the twin of
/// `DisputeGame.unitsAtSplit`. [`Error::BadInput`] for a position at or above the split, or
/// a game without one.
pub fn subgame(game: &GameState, reference: usize, position: Position) -> Result<Subgame> {
    let (max, split) = (game.max_depth, game.split_depth);
    let above = || Error::BadInput {
        what: format!("claim {reference} of game {}", game.address),
        reason: format!("position {} is not below the split depth {split}", position.raw()),
    };
    if split == 0 || position.depth() <= split {
        return Err(above());
    }
    // Walk up from the reference to the split depth, remembering the subgame's root.
    let mut exec_root = position;
    let mut claim = game.claims.get(reference).ok_or_else(above)?;
    while claim.position.depth() > split {
        exec_root = claim.position;
        claim = claim.parent.and_then(|p| game.claims.get(p)).ok_or_else(above)?;
    }
    let split_claim = claim;
    let span = 1u64 << (max - split);
    let trace_index = split_claim.position.trace_index(max);
    let ancestor = |index: u64| -> Result<&crate::game::Claim> {
        let mut c = split_claim;
        while c.position.trace_index(max) != index {
            c = c.parent.and_then(|p| game.claims.get(p)).ok_or_else(above)?;
        }
        Ok(c)
    };
    let (agreed, agreed_position, disputed, disputed_position) =
        if exec_root.parent() == Some(split_claim.position) {
            if split_claim.position.index_at_depth() == 0 {
                ([0; 32], None, split_claim.value, split_claim.position)
            } else {
                let start = ancestor(trace_index - span)?;
                (start.value, Some(start.position), split_claim.value, split_claim.position)
            }
        } else {
            let end = ancestor(trace_index + span)?;
            (split_claim.value, Some(split_claim.position), end.value, end.position)
        };
    Ok(Subgame {
        agreed,
        agreed_position,
        disputed,
        disputed_position,
        unit: disputed_position.trace_index(split),
    })
}

/// The honest side's view of a split game: the unit commitments, and the execution of any
/// disputed unit.
pub trait UnitTrace {
    /// The depth of the game tree.
    fn max_depth(&self) -> u8;

    /// The depth of the split: the top of the tree covers `2^split_depth` units.
    fn split_depth(&self) -> u8;

    /// The unit program's initial state hash: the game's absolute prestate.
    fn absolute_prestate(&mut self) -> Result<Hash>;

    /// The commitment after `units` units (the last one past the application's end).
    fn commitment_after(&mut self, units: u64) -> Result<Hash>;

    /// The trace of the unit program over `subgame`, of depth `max - split - 1`.
    fn execution(&mut self, subgame: &Subgame) -> Result<Box<dyn TraceProvider>>;
}

/// An application's units computed natively: what [`VmUnitTrace`] needs beyond the unit
/// program.
pub trait Units {
    /// The application's units (the units after them change nothing).
    fn count(&self) -> u64;

    /// The commitment after `units` units (the last one past the application's end).
    fn commitment_after(&mut self, units: u64) -> Result<Hash>;

    /// The local data the unit program reads from the game's extra data, from ident 1.
    fn locals(&self) -> Vec<Vec<u8>>;

    /// Everything else the unit program reads through the oracle (the states behind
    /// commitments, a model), for the disputed unit.
    fn preimages(&mut self, subgame: &Subgame) -> Result<PreimageStore>;
}

/// A [`UnitTrace`] over natively computed [`Units`], whose executions run the unit program in
/// the VM (checkpoints in memory: one unit is a short run).
pub struct VmUnitTrace {
    units: Box<dyn Units>,
    program: Program,
    max_depth: u8,
    split_depth: u8,
    interval: u64,
    prestate: Hash,
}

impl std::fmt::Debug for VmUnitTrace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VmUnitTrace")
            .field("max_depth", &self.max_depth)
            .field("split_depth", &self.split_depth)
            .finish()
    }
}

impl VmUnitTrace {
    /// The units of `units`, their executions by `program`, in a tree of depth `max_depth`
    /// split at `split_depth`, checkpointing executions every `interval` steps. Refuses an
    /// application with more units than the split holds: both sides would agree on a
    /// commitment to an unfinished run.
    pub fn new(
        units: Box<dyn Units>,
        program: Program,
        max_depth: u8,
        split_depth: u8,
        interval: u64,
    ) -> Result<Self> {
        if split_depth == 0 || u16::from(split_depth) + 2 > u16::from(max_depth) {
            return Err(Error::BadInput {
                what: "a split depth".into(),
                reason: format!("{split_depth} leaves no execution below it in depth {max_depth}"),
            });
        }
        if max_depth > crate::MAX_SUPPORTED_DEPTH {
            return Err(Error::InvalidGameDepth(max_depth));
        }
        if units.count() > 1 << split_depth {
            return Err(Error::BadInput {
                what: "a split game's units".into(),
                reason: format!("{} units do not fit 2^{split_depth}", units.count()),
            });
        }
        let prestate = axon_vm::Vm::with_config(&program, VmConfig::default())?.state_hash();
        Ok(Self { units, program, max_depth, split_depth, interval, prestate })
    }
}

impl VmUnitTrace {
    /// Everything the unit program reads in the execution of `subgame`: the game's local
    /// data, the subgame's, and the units' preimages.
    pub fn execution_store(&mut self, subgame: &Subgame) -> Result<PreimageStore> {
        let mut preimages = self.units.preimages(subgame)?;
        let locals = self.units.locals();
        for (ident, data) in (1..).zip(&locals) {
            preimages.insert_local(ident, data.clone());
        }
        subgame.insert_locals(&mut preimages, locals.len() as u32);
        Ok(preimages)
    }

    /// The unit program.
    pub fn program(&self) -> &Program {
        &self.program
    }
}

impl UnitTrace for VmUnitTrace {
    fn max_depth(&self) -> u8 {
        self.max_depth
    }

    fn split_depth(&self) -> u8 {
        self.split_depth
    }

    fn absolute_prestate(&mut self) -> Result<Hash> {
        Ok(self.prestate)
    }

    fn commitment_after(&mut self, units: u64) -> Result<Hash> {
        self.units.commitment_after(units)
    }

    /// [`Error::DepthTooSmall`] for a run that does not halt within the execution's steps:
    /// its root could carry no status the game accepts, so the game's shape is wrong.
    fn execution(&mut self, subgame: &Subgame) -> Result<Box<dyn TraceProvider>> {
        let preimages = self.execution_store(subgame)?;
        let depth = self.max_depth - self.split_depth - 1;
        let mut run = VmTraceProvider::new(
            &self.program,
            preimages,
            depth,
            self.interval,
            CheckpointStore::Memory,
            VmConfig::default(),
        )?;
        if !run.halts()? {
            return Err(Error::DepthTooSmall {
                depth,
                min: depth + 1,
                what: "a unit's run (below the split)",
            });
        }
        Ok(Box::new(run))
    }
}
