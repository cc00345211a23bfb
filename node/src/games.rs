//! The validator's part in output proposals (steps 4 to 9 of the seed's workflow): it
//! proposes the output of its newest block in a finalized L1 batch every so many blocks,
//! bonded; it plays
//! every proposal's game with the honest trace — challenging a wrong output, defending a
//! right one, its own included — and finalizes every proposal whose game is resolved, so
//! that a won one becomes the anchor and a lost one is discarded.
//!
//! Each game is played by the dispute toolkit's player (`axon_dispute::Player`, the
//! `Solver` strategy) over [`RollupUnits`]: output roots per block from the node's
//! database above the split, the `rollup-block` guest in the VM below it. A validator
//! deriving more slowly than proposals arrive waits until it has the proposed block.
//!
//! It also plays the inference results (`crate::results`): the opML claims of requests the
//! chain made, and the results the block proofs its games reach need.
//!
//! A dishonest validator (`--dishonest`, for demonstrations and tests only) proposes wrong
//! outputs of its newest block and defends them with a trace that lies about that block and
//! about every run of the fraud-proof program from its 100,000th step on: what a faulty or
//! malicious proposer does, and loses.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use alloy::eips::BlockNumberOrTag;
use alloy::primitives::{Address, B256, U256};
use axon_dispute::chain::{send, view, RpcChain};
use axon_dispute::deploy::root_bond;
use axon_dispute::game::{self, encode_extra_data, GameStatus};
use axon_dispute::lying::{Lie, LyingUnits};
use axon_dispute::split::{self, UnitTrace, VmUnitTrace};
use axon_dispute::{GameTrace, Player, Progress, Strategy};
use axon_rollup::boot::RollupBoot;
use axon_vm::Program;

use crate::deployment::{OUTPUT_MAX_DEPTH, OUTPUT_SPLIT_DEPTH};
use crate::error::{NodeError, Result};
use crate::l1::{IOutputs, Proposed, L1};
use crate::node::Node;
use crate::proof::{inference_requests, RollupUnits};
use crate::results::Results;

/// Steps between checkpoints of a block's VM run.
const CHECKPOINT_INTERVAL: u64 = 1 << 14;
/// The step of a fraud-proof run from which a dishonest validator's claims depart.
const LIE_FROM_STEP: u64 = 100_000;
/// The most L1 blocks one log query asks for.
const LOG_RANGE: u64 = 1_000;
/// How many L1 blocks each scan reads again: a proposal in a block an L1 reorganization
/// replaced is seen in the new one.
const RESCAN: u64 = 64;

/// The programs a validator's games run.
#[derive(Debug, Clone)]
pub struct GamePrograms {
    /// The fraud-proof program of one L2 block (`rollup-block`).
    pub block: Program,
    /// The `inference` guest (opML games).
    pub inference: Program,
}

/// What the validator does about proposals.
#[derive(Debug, Clone, Copy)]
pub struct GamesOptions {
    /// Propose every this many L2 blocks (0: never).
    pub propose_every: u64,
    /// Propose wrong outputs and defend them (demonstrations and tests only).
    pub dishonest: bool,
}

/// Something the validator did on L1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GameEvent {
    /// It proposed `root` as block `l2_block`'s output, in `game`.
    Proposed {
        /// The game.
        game: Address,
        /// The proposed block.
        l2_block: u64,
        /// The output root.
        root: B256,
    },
    /// It found a proposal whose output root is not its own, and challenges it.
    Disputing {
        /// The game.
        game: Address,
        /// The proposed block.
        l2_block: u64,
        /// The output root claimed.
        claimed: B256,
        /// The output root this node computed.
        computed: B256,
    },
    /// It moved in a game.
    Played {
        /// The game.
        game: Address,
        /// What it did.
        what: String,
    },
    /// A game could not be played this round.
    Failed {
        /// The game.
        game: Address,
        /// Why.
        reason: String,
    },
    /// Something about an inference result (an opML game).
    Inference {
        /// The claim's game.
        game: Address,
        /// What happened.
        what: String,
    },
    /// A proposal's game is resolved and the proposal settled.
    Settled {
        /// The game.
        game: Address,
        /// The proposed block.
        l2_block: u64,
        /// Whether the proposal won (finalized) or lost (discarded).
        finalized: bool,
    },
}

/// A game the validator plays.
struct Tracked {
    player: Player,
    boot: RollupBoot,
    l2_block: u64,
    settled: bool,
    /// The units whose block proofs its bisection reached (their inference results asked
    /// for).
    units: BTreeSet<u64>,
}

/// The validator's games on L1.
pub struct Games {
    node: Arc<Node>,
    l1: L1,
    chain: RpcChain,
    account: Address,
    program: Program,
    options: GamesOptions,
    /// The next L1 block to scan for proposals.
    cursor: u64,
    /// Proposals of blocks this node has not derived yet.
    waiting: Vec<Proposed>,
    games: BTreeMap<Address, Tracked>,
    /// Every game seen, so that a rescan does not play one twice.
    seen: std::collections::HashSet<Address>,
    last_proposed: u64,
    /// The inference results: claims played, and those block proofs need.
    results: Results,
}

impl std::fmt::Debug for Games {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Games")
            .field("account", &self.account)
            .field("games", &self.games.len())
            .finish()
    }
}

/// One tick of `game`: a move, then its settlement once resolved. Whether the player is done
/// (the game settled and the credit withdrawn), this account's bonds at stake in it, and the
/// units whose block proofs the bisection newly reached.
fn tick(
    chain: &mut RpcChain,
    account: Address,
    outputs: Address,
    game: Address,
    tracked: &mut Tracked,
    metrics: &crate::metrics::Metrics,
    report: &mut impl FnMut(&GameEvent),
) -> Result<(bool, U256, Vec<u64>)> {
    let progress = tracked.player.tick(chain)?;
    if let Progress::Acted(events) = &progress {
        for event in events {
            report(&GameEvent::Played { game, what: event.what.clone() });
        }
    }
    let state = game::read(chain, game)?;
    let status = state.status;
    let mut reached = Vec::new();
    for (index, claim) in state.claims.iter().enumerate() {
        if claim.position.depth() > OUTPUT_SPLIT_DEPTH {
            let unit = split::subgame(&state, index, claim.position)?.unit;
            if tracked.units.insert(unit) {
                reached.push(unit);
            }
        }
    }
    let stake = if status == GameStatus::InProgress {
        state.claims.iter().filter(|c| c.claimant == account).map(|c| c.bond).sum()
    } else {
        U256::ZERO
    };
    if !tracked.settled && status != GameStatus::InProgress {
        let fate = view(chain, outputs, IOutputs::proposalsCall { game })?.fate;
        if fate == PROPOSED {
            send(chain, account, outputs, U256::ZERO, IOutputs::finalizeCall { game })?;
        }
        tracked.settled = true;
        let finalized = status == GameStatus::DefenderWins;
        let settled =
            if finalized { &metrics.outputs_finalized } else { &metrics.outputs_discarded };
        settled.fetch_add(1, Ordering::Relaxed);
        report(&GameEvent::Settled { game, l2_block: tracked.l2_block, finalized });
    }
    Ok((tracked.settled && matches!(progress, Progress::Done), stake, reached))
}

/// `Outputs.Fate.PROPOSED`: a proposal not yet settled.
const PROPOSED: u8 = 1;

impl Games {
    /// The games of `node`'s rollup on `l1`, played from the first account of `chain` with
    /// the `rollup-block` guest `program`.
    pub fn new(
        node: Arc<Node>,
        l1: L1,
        chain: RpcChain,
        programs: GamePrograms,
        options: GamesOptions,
    ) -> Result<Self> {
        let account = *chain
            .accounts()
            .first()
            .ok_or_else(|| NodeError::Key("the validator needs a key".into()))?;
        let cursor = l1.deployment().deploy_block;
        let results =
            Results::new(node.clone(), programs.inference, account, cursor, options.dishonest);
        let program = programs.block;
        Ok(Self {
            node,
            l1,
            chain,
            account,
            program,
            options,
            cursor,
            waiting: Vec::new(),
            games: BTreeMap::new(),
            seen: std::collections::HashSet::new(),
            last_proposed: 0,
            results,
        })
    }

    /// The account the validator plays as.
    pub fn account(&self) -> Address {
        self.account
    }

    /// One round: new proposals, a move in every game, settlements, a proposal of its own.
    pub fn round(&mut self, report: &mut impl FnMut(&GameEvent)) -> Result<()> {
        self.scan()?;
        self.adopt(report)?;
        self.play(report)?;
        self.results.round(&self.l1, &mut self.chain, report)?;
        self.propose(report)
    }

    /// Reads the proposals L1 logged since the last round (and the last [`RESCAN`] blocks
    /// again).
    fn scan(&mut self) -> Result<()> {
        let Some(latest) = self.l1.head(BlockNumberOrTag::Latest)? else { return Ok(()) };
        let mut from = self.cursor.saturating_sub(RESCAN).max(self.l1.deployment().deploy_block);
        while from <= latest {
            let to = latest.min(from + LOG_RANGE - 1);
            for proposed in self.l1.proposals(from, to)? {
                if self.seen.insert(proposed.game) {
                    self.waiting.push(proposed);
                }
            }
            from = to + 1;
        }
        self.cursor = latest + 1;
        Ok(())
    }

    /// Starts a player for every proposal whose block the node has derived; a proposal that
    /// cannot be adopted now is reported and tried again next round.
    fn adopt(&mut self, report: &mut impl FnMut(&GameEvent)) -> Result<()> {
        let head = self.node.head().header.number;
        for proposed in std::mem::take(&mut self.waiting) {
            if proposed.l2_block > head {
                self.waiting.push(proposed);
                continue;
            }
            if let Err(e) = self.adopt_one(&proposed, report) {
                report(&GameEvent::Failed { game: proposed.game, reason: e.to_string() });
                self.waiting.push(proposed);
            }
        }
        Ok(())
    }

    fn adopt_one(
        &mut self,
        proposed: &Proposed,
        report: &mut impl FnMut(&GameEvent),
    ) -> Result<()> {
        let boot = RollupBoot::decode(&proposed.boot).ok_or_else(|| {
            NodeError::L1(format!("game {}: a boot that does not decode", proposed.game))
        })?;
        let computed = self.node.output_root(proposed.l2_block)?;
        let ours = proposed.proposer == self.account;
        let player = self.player(proposed.game, boot.clone(), ours && self.options.dishonest)?;
        if proposed.output_root != computed && !ours {
            report(&GameEvent::Disputing {
                game: proposed.game,
                l2_block: proposed.l2_block,
                claimed: proposed.output_root,
                computed,
            });
        }
        let tracked = Tracked {
            player,
            boot,
            l2_block: proposed.l2_block,
            settled: false,
            units: BTreeSet::new(),
        };
        self.games.insert(proposed.game, tracked);
        Ok(())
    }

    /// A player of `game` over `boot`: honest, or (for its own proposals, when dishonest)
    /// lying about the proposal's last block.
    fn player(&self, game: Address, boot: RollupBoot, lying: bool) -> Result<Player> {
        let trace = self.trace(&boot, lying)?;
        let extra = encode_extra_data(&[boot.hash().as_slice()])?;
        Ok(Player::new(self.account, game, Strategy::Solver, GameTrace::split(trace), extra))
    }

    /// The units of the proposal `boot`: honest, or lying about its last block and about
    /// every fraud-proof run from step [`LIE_FROM_STEP`] on.
    fn trace(&self, boot: &RollupBoot, lying: bool) -> Result<Box<dyn UnitTrace>> {
        let units = RollupUnits::new(self.node.clone(), boot.clone())?;
        let count = boot.proposalBlock - boot.startingBlock;
        let trace = VmUnitTrace::new(
            Box::new(units),
            self.program.clone(),
            OUTPUT_MAX_DEPTH,
            OUTPUT_SPLIT_DEPTH,
            CHECKPOINT_INTERVAL,
        )?;
        Ok(if lying {
            let lie = Some((LIE_FROM_STEP, Lie::State));
            Box::new(LyingUnits::new(Box::new(trace), count, Lie::State, lie))
        } else {
            Box::new(trace)
        })
    }

    /// A move in every game, and the settlement of every resolved one. A game that fails
    /// (an L1 error, a game an L1 reorganization took away) is reported and tried again
    /// next round; the others go on.
    fn play(&mut self, report: &mut impl FnMut(&GameEvent)) -> Result<()> {
        let outputs = self.l1.deployment().outputs;
        let mut done = Vec::new();
        let mut stake = U256::ZERO;
        for (game, tracked) in &mut self.games {
            match tick(
                &mut self.chain,
                self.account,
                outputs,
                *game,
                tracked,
                self.node.metrics(),
                report,
            ) {
                Ok((finished, at_stake, reached)) => {
                    stake += at_stake;
                    if finished {
                        done.push(*game);
                    }
                    // The honest side must be able to prove these blocks: the inference
                    // results they read must become final in time.
                    for unit in reached {
                        match inference_requests(&self.node, &tracked.boot, unit) {
                            Ok(requests) => self.results.need(requests),
                            Err(e) => {
                                report(&GameEvent::Failed { game: *game, reason: e.to_string() })
                            }
                        }
                    }
                }
                Err(e) => report(&GameEvent::Failed { game: *game, reason: e.to_string() }),
            }
        }
        for game in done {
            self.games.remove(&game);
        }
        let metrics = self.node.metrics();
        let in_progress = self.games.values().filter(|t| !t.settled).count() as u64;
        metrics.games_in_progress.store(in_progress, Ordering::Relaxed);
        let gwei = stake / U256::from(1_000_000_000u64);
        metrics.bonds_at_stake_gwei.store(gwei.saturating_to(), Ordering::Relaxed);
        Ok(())
    }

    /// Proposes the output of the newest block in a finalized L1 batch (within the anchor's
    /// reach), every `propose_every` blocks: a block an L1 reorganization could still take
    /// away would make its own bonded proposal wrong.
    fn propose(&mut self, report: &mut impl FnMut(&GameEvent)) -> Result<()> {
        let every = self.options.propose_every;
        let (_, finalized) = self.node.l1_heads();
        if every == 0 || finalized < self.last_proposed + every {
            return Ok(());
        }
        let outputs = self.l1.deployment().outputs;
        let anchor = view(&mut self.chain, outputs, IOutputs::anchorCall {})?;
        let head = finalized.min(anchor.l2Block + (1 << OUTPUT_SPLIT_DEPTH));
        if head <= anchor.l2Block {
            return Ok(());
        }
        let boot_bytes = view(&mut self.chain, outputs, IOutputs::bootForCall { l2Block: head })?;
        let boot = RollupBoot::decode(&boot_bytes).ok_or_else(|| {
            NodeError::L1("Outputs.bootFor answered a boot that does not decode".into())
        })?;
        let root = match self.options.dishonest {
            false => self.node.output_root(head)?,
            true => {
                let mut trace = self.trace(&boot, true)?;
                B256::from(trace.commitment_after(1 << OUTPUT_SPLIT_DEPTH)?)
            }
        };
        let bond = root_bond(
            &mut self.chain,
            self.l1.deployment().factory,
            self.l1.deployment().game_type,
        )?;
        let call = IOutputs::proposeCall { outputRoot: root, l2Block: head };
        match send(&mut self.chain, self.account, outputs, bond, call) {
            Ok(_) => {}
            // Another validator proposed the same output first: its game is ours too.
            Err(axon_dispute::Error::Reverted(_)) => {}
            Err(e) => return Err(e.into()),
        }
        self.last_proposed = head;
        let extra = encode_extra_data(&[boot.hash().as_slice()])?;
        let game = axon_dispute::deploy::game_at(
            &mut self.chain,
            self.l1.deployment().factory,
            self.l1.deployment().game_type,
            root.0,
            &extra,
        )?;
        self.node.metrics().outputs_proposed.fetch_add(1, Ordering::Relaxed);
        report(&GameEvent::Proposed { game, l2_block: head, root });
        Ok(())
    }
}

/// Plays every `interval` until `stop`; a failure (L1's, or a read racing a rollback) is
/// reported to `failed` and the round tried again: the games must go on.
pub fn run(
    games: &mut Games,
    interval: Duration,
    stop: &AtomicBool,
    mut report: impl FnMut(&GameEvent),
    mut failed: impl FnMut(&NodeError),
) -> Result<()> {
    while !stop.load(Ordering::Relaxed) {
        if let Err(e) = games.round(&mut report) {
            failed(&e);
        }
        crate::pause(interval, stop);
    }
    Ok(())
}
