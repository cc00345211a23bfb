//! The honest actor's rules, after Optimism's op-challenger (`GameSolver`, `claimSolver`):
//! given a game and a trace, which moves and steps to make now.
//!
//! Walking the claims in index order (a parent always precedes its children), the solver keeps
//! the claims it counts as honest — the root when it agrees with it, its own claims, and every
//! claim equal to a move it would make — and the honest counter of each claim it counters.
//! A claim is countered when
//!
//! * it is the root and the trace disagrees with it, or
//! * it answers an honest claim (whatever its value: an honest claim is never left standing
//!   countered), or
//! * it answers a claim the solver counters, and sits left of the solver's counter, so that it
//!   would be paid the parent's bond instead (a *freeloader*; resolution pays the leftmost
//!   uncountered child, the older on a tie).
//!
//! A claim is countered by an attack when the trace disagrees with its value and by a defence
//! when it agrees (the claim is then right, but its side is wrong about the next half). At the
//! maximum depth the counter is a step, in the same direction. A move already on chain (same
//! parent, position and value) is not made again; its claim becomes the honest counter.
//!
//! In a split game the same rules hold on both sides of the split: the trace answers unit
//! commitments above it and the disputed unit's execution below ([`GameTrace::claim_at`]).

use std::collections::{HashMap, HashSet};

use axon_vm::Hash;
use revm::primitives::Address;

use crate::game::GameState;
use crate::trace::GameTrace;
use crate::{Error, Position, Result};

/// One thing to do in a game.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Action {
    /// Answer claim `parent` with `claim` at `position`.
    Move {
        /// The index of the claim answered.
        parent: usize,
        /// The claim answered, as read (the game checks it is still there).
        disputed: Hash,
        /// The new claim.
        claim: Hash,
        /// Attack (the parent is wrong) or defend (it is right).
        attack: bool,
        /// The new claim's position.
        position: Position,
    },
    /// Counter the leaf claim `claim` by running one step on chain.
    Step {
        /// The index of the leaf claim.
        claim: usize,
        /// Step into the claim (attack) or out of it (defend).
        attack: bool,
        /// The number of steps of its execution before the step's pre-state: its witness is
        /// the one of step `pre_steps`.
        pre_steps: u64,
    },
}

/// The honest counter of a claim: the position and index of the claim that counters it
/// (`usize::MAX` while it is only planned).
#[derive(Debug, Clone, Copy)]
struct Counter {
    position: Position,
    index: usize,
}

/// The moves and steps an honest player `me` with `trace` makes in `game` now.
pub fn next_actions(game: &GameState, trace: &mut GameTrace, me: Address) -> Result<Vec<Action>> {
    let mut honest: HashSet<usize> = HashSet::new();
    let mut counters: HashMap<usize, Counter> = HashMap::new();
    let mut actions = Vec::new();
    let max_depth = game.max_depth;

    for claim in &game.claims {
        // An execution from a commitment no state of ours has is not played (docs/dispute.md,
        // "Split games"): nobody can prove a step of it.
        let agree = match trace.claim_at(game, claim.index, claim.position) {
            Err(Error::UnknownState { .. }) => continue,
            value => value? == claim.value,
        };
        if claim.claimant == me || (claim.parent.is_none() && agree) {
            honest.insert(claim.index);
        }
        if honest.contains(&claim.index) {
            continue;
        }
        let should_counter = match claim.parent {
            None => true,
            Some(parent) if honest.contains(&parent) => true,
            Some(parent) => counters
                .get(&parent)
                .is_some_and(|c| (claim.position, claim.index) < (c.position, c.index)),
        };
        if !should_counter {
            continue;
        }
        let attack = !agree;
        // An execution subgame's root can only be attacked (its defence would bisect past the
        // execution's end): one the trace agrees with is left alone, as the game's root is.
        if !attack && game.split_depth != 0 && claim.position.depth() == game.split_depth + 1 {
            continue;
        }
        if claim.position.depth() == max_depth {
            if claim.countered_by == Address::ZERO {
                let pre_steps = step_start(game, claim.position, attack);
                actions.push(Action::Step { claim: claim.index, attack, pre_steps });
            }
            continue;
        }
        let position = claim.position.make_move(attack);
        let value = match trace.claim_at(game, claim.index, position) {
            Err(Error::UnknownState { .. }) => continue,
            value => value?,
        };
        let existing = game
            .claims
            .iter()
            .find(|c| c.parent == Some(claim.index) && c.position == position && c.value == value);
        match existing {
            Some(done) => {
                honest.insert(done.index);
                counters.insert(claim.index, Counter { position, index: done.index });
            }
            None => {
                counters.insert(claim.index, Counter { position, index: usize::MAX });
                actions.push(Action::Move {
                    parent: claim.index,
                    disputed: claim.value,
                    claim: value,
                    attack,
                    position,
                });
            }
        }
    }
    Ok(actions)
}

/// The steps of its execution before the pre-state of a step against the leaf at `leaf`: its
/// execution trace index for an attack (the step into it), one more for a defence.
pub fn step_start(game: &GameState, leaf: Position, attack: bool) -> u64 {
    let index = leaf.execution_trace_index(game.max_depth, game.split_depth);
    if attack {
        index
    } else {
        index + 1
    }
}
