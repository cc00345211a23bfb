//! A player of one game: reads the game, acts by its strategy, resolves what can be resolved
//! and withdraws its credit. [`Player::tick`] does one round of that and says what it is
//! waiting for; drivers (the CLI's `bisect`, the demo, the tests) call it until it is done.
//!
//! A player holds no state the chain does not: every tick re-reads the game and re-derives its
//! moves, so a player killed mid-game and started again (with the same trace, whose
//! checkpoints it keeps on disk) carries on where it stopped.

use std::collections::HashSet;

use revm::primitives::{Address, U256};

use crate::chain::{send, view, Chain};
use crate::contracts::{IDisputeGame, IDisputeGameFactory, IStepper};
use crate::game::{self, Event, EventKind, GameState, GameStatus, Withdrawal};
use crate::oracle::{load_part, LocalScope};
use crate::solver::{next_actions, step_start, Action};
use crate::trace::GameTrace;
use crate::{Error, Result};

/// How a player plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    /// The op-challenger rules over its trace ([`crate::solver`]): honest with an honest
    /// trace, a consistent liar with a lying one.
    Solver,
    /// Makes no move (it still resolves and withdraws).
    Idle,
    /// Attacks every claim of others once with a wrong claim, hoping to be paid the bond of
    /// a claim someone else counters.
    Freeloader,
}

/// What a tick ended with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Progress {
    /// It sent transactions.
    Acted(Vec<Event>),
    /// Nothing to do until the chain's time reaches this (a clock or the withdrawal delay).
    WaitUntil(u64),
    /// Nothing to do until another player moves.
    Idle,
    /// The game is resolved and the player's credit withdrawn.
    Done,
}

/// A player of the game at `game` as `account`.
pub struct Player {
    /// Its account.
    pub account: Address,
    /// The game.
    pub game: Address,
    /// How it plays.
    pub strategy: Strategy,
    trace: GameTrace,
    extra_data: Vec<u8>,
    oracle: Option<Address>,
    registered: bool,
    /// Actions the game refused: not tried again (a liar's step fails the same way twice).
    refused: HashSet<Action>,
}

impl std::fmt::Debug for Player {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Player")
            .field("account", &self.account)
            .field("game", &self.game)
            .field("strategy", &self.strategy)
            .finish()
    }
}

impl Player {
    /// A player with `trace` (honest or not; one execution, or a split game's units) of the
    /// program reading the local data `extra_data` (the game's extra data encoding, see
    /// [`game::encode_extra_data`]).
    pub fn new(
        account: Address,
        game: Address,
        strategy: Strategy,
        trace: impl Into<GameTrace>,
        extra_data: Vec<u8>,
    ) -> Self {
        Self {
            account,
            game,
            strategy,
            trace: trace.into(),
            extra_data,
            oracle: None,
            registered: false,
            refused: HashSet::new(),
        }
    }

    /// The VM steps this player's trace has run (phase 2 of a split game: its executions).
    pub fn steps_run(&self) -> u64 {
        self.trace.steps_run()
    }

    /// Checks that the game is over the trace's program and input: same absolute prestate,
    /// tree shape and extra data ([`game::check_fits`]).
    pub fn check_game(&mut self, state: &GameState) -> Result<()> {
        let prestate = self.trace.absolute_prestate()?;
        game::check_fits(state, &prestate, &self.extra_data, self.trace.shape())
    }

    /// One round: read the game, make its moves and steps, else resolve, else withdraw.
    pub fn tick(&mut self, chain: &mut dyn Chain) -> Result<Progress> {
        let state = game::read(chain, self.game)?;
        self.check_game(&state)?;
        if state.status != GameStatus::InProgress {
            return self.withdraw(chain, &state);
        }
        let mut events = Vec::new();
        let mut actions = self.actions(&state)?;
        actions.retain(|a| !self.refused.contains(a));
        if !actions.is_empty() {
            events.extend(self.register(chain)?);
        }
        for action in actions {
            if let Some(event) = self.perform(chain, &state, &action)? {
                events.push(event);
            }
        }
        if !events.is_empty() {
            return Ok(Progress::Acted(events));
        }
        let (events, next_deadline) = game::resolve_ready(chain, self.account, &state)?;
        Ok(match next_deadline {
            _ if !events.is_empty() => Progress::Acted(events),
            Some(at) => Progress::WaitUntil(at),
            None => Progress::Idle,
        })
    }

    /// Counters leaf claim `index` with a step in the direction the trace says (`dispute
    /// step`). A step the game refuses (a duplicate, a claim that is no leaf) is
    /// [`Error::Refused`].
    pub fn step_claim(&mut self, chain: &mut dyn Chain, index: usize) -> Result<Event> {
        let state = game::read(chain, self.game)?;
        self.check_game(&state)?;
        let claim = state.claims.get(index).ok_or(Error::NoClaim {
            game: self.game,
            index,
            count: state.claims.len(),
        })?;
        let attack = self.trace.claim_at(&state, index, claim.position)? != claim.value;
        let pre_steps = step_start(&state, claim.position, attack);
        let action = Action::Step { claim: index, attack, pre_steps };
        match self.perform(chain, &state, &action)? {
            None => Err(Error::ClockRanOut { index }),
            Some(event) if event.kind == EventKind::Refused => Err(Error::Refused(event.what)),
            Some(event) => Ok(event),
        }
    }

    fn actions(&mut self, state: &GameState) -> Result<Vec<Action>> {
        match self.strategy {
            Strategy::Solver => next_actions(state, &mut self.trace, self.account),
            Strategy::Idle => Ok(Vec::new()),
            Strategy::Freeloader => Ok(freeloads(state, self.account)),
        }
    }

    /// Sends `action`; a move or step the game refuses (a clock ran out, the opponent's
    /// witness is wrong) is logged, not fatal.
    fn perform(
        &mut self,
        chain: &mut dyn Chain,
        state: &GameState,
        action: &Action,
    ) -> Result<Option<Event>> {
        let depth = match *action {
            Action::Move { position, .. } => Some(position.depth()),
            Action::Step { .. } => None,
        };
        let (kind, what, result) = match *action {
            Action::Move { parent, disputed, claim, attack, position } => {
                if state.challenger_duration(parent) >= state.max_clock_duration {
                    return Ok(None);
                }
                let bond = game::required_bond(chain, self.game, position)?;
                let call = IDisputeGame::moveCall {
                    disputed: disputed.into(),
                    parentIndex: U256::from(parent),
                    claim: claim.into(),
                    isAttack: attack,
                };
                let what = format!(
                    "{} claim {parent} with {} at depth {}",
                    if attack { "attack" } else { "defend" },
                    short(&claim),
                    position.depth()
                );
                (EventKind::Move, what, send(chain, self.account, self.game, bond, call))
            }
            Action::Step { claim, attack, pre_steps } => {
                if state.challenger_duration(claim) >= state.max_clock_duration {
                    return Ok(None);
                }
                let oracle = self.oracle(chain)?;
                let position = state.claims[claim].position;
                let (execution, subgame) = self.trace.execution(state, claim, position)?;
                let witness = execution.step_witness(pre_steps)?;
                let mut loads = 0;
                if let Some(part) = &witness.preimage {
                    let scope = LocalScope {
                        game: self.game,
                        leaf: claim,
                        context: subgame.map_or([0; 32], |s| s.local_context()),
                    };
                    loads = load_part(
                        chain,
                        self.account,
                        &scope,
                        oracle,
                        part,
                        execution.preimages(),
                    )?;
                }
                let call = IDisputeGame::stepCall {
                    claimIndex: U256::from(claim),
                    isAttack: attack,
                    stateData: witness.state.into(),
                    proof: witness.proof.into(),
                };
                let what = format!(
                    "step {} claim {claim} from trace step {pre_steps}{}",
                    if attack { "into" } else { "out of" },
                    if loads > 0 {
                        format!(" ({loads} oracle load(s) first)")
                    } else {
                        String::new()
                    }
                );
                (EventKind::Step, what, send(chain, self.account, self.game, U256::ZERO, call))
            }
        };
        match result {
            Ok(receipt) => Ok(Some(Event { kind, what, gas: receipt.gas_used, depth })),
            Err(Error::Reverted(data)) => {
                self.refused.insert(action.clone());
                Ok(Some(Event {
                    kind: EventKind::Refused,
                    what: format!("{what}: refused, {}", crate::contracts::describe_revert(&data)),
                    gas: 0,
                    depth: None,
                }))
            }
            Err(e) => Err(e),
        }
    }

    /// Registers the account with the game's player registry if it has no id yet: a one-time
    /// transaction per account (for every game of the factory), which keeps it out of the
    /// account's first move.
    fn register(&mut self, chain: &mut dyn Chain) -> Result<Option<Event>> {
        if self.registered {
            return Ok(None);
        }
        let registry = view(chain, self.game, IDisputeGame::registryCall {})?;
        let id = view(chain, registry, IDisputeGameFactory::playerIdCall { player: self.account })?;
        self.registered = true;
        if id != 0 {
            return Ok(None);
        }
        let call = IDisputeGameFactory::registerCall { player: self.account };
        let receipt = send(chain, self.account, registry, U256::ZERO, call)?;
        Ok(Some(Event {
            kind: EventKind::Register,
            what: "register with the player registry".into(),
            gas: receipt.gas_used,
            depth: None,
        }))
    }

    fn oracle(&mut self, chain: &mut dyn Chain) -> Result<Address> {
        if let Some(oracle) = self.oracle {
            return Ok(oracle);
        }
        let vm = view(chain, self.game, IDisputeGame::vmCall {})?;
        let oracle = view(chain, vm, IStepper::oracleCall {})?;
        self.oracle = Some(oracle);
        Ok(oracle)
    }

    /// Withdraws the player's credit once the delay has passed.
    fn withdraw(&mut self, chain: &mut dyn Chain, state: &GameState) -> Result<Progress> {
        Ok(match game::withdraw(chain, self.account, state)? {
            Withdrawal::Paid(event) => Progress::Acted(vec![event]),
            Withdrawal::NotBefore(at) => Progress::WaitUntil(at),
            Withdrawal::NoCredit | Withdrawal::NotResolved => Progress::Done,
        })
    }
}

/// How deep a freeloader plays: its wrong attacks go on the claims of the top levels only,
/// where a stolen bond would come from.
const FREELOAD_DEPTH: u8 = 3;

/// A freeloader's moves: one wrong attack on every claim of others in the top
/// [`FREELOAD_DEPTH`] levels that it has not attacked yet.
fn freeloads(state: &GameState, me: Address) -> Vec<Action> {
    state
        .claims
        .iter()
        .filter(|c| c.claimant != me && c.position.depth() < FREELOAD_DEPTH.min(state.max_depth))
        .filter(|c| !state.claims.iter().any(|k| k.parent == Some(c.index) && k.claimant == me))
        .map(|c| {
            let mut claim = c.value;
            claim[31] ^= 0x5a;
            Action::Move {
                parent: c.index,
                disputed: c.value,
                claim,
                attack: true,
                position: c.position.attack(),
            }
        })
        .collect()
}

/// The first bytes of a hash, for one-line logs.
fn short(hash: &axon_vm::Hash) -> String {
    format!("0x{}…", hex::encode(&hash[..4]))
}
