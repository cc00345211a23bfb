//! Runs players against each other on one chain until every one of them is done: the loop
//! behind `dispute bisect`, `dispute demo` and the end-to-end tests.
//!
//! Each round every player ticks once. When a round sends nothing, everyone is waiting for a
//! clock: a chain whose time can be moved jumps to the earliest deadline, any other chain is
//! polled until it gets there.

use std::time::Duration;

use crate::chain::Chain;
use crate::game::Event;
use crate::player::{Player, Progress};
use crate::{Error, Result};

/// A player and the name it is logged under.
#[derive(Debug)]
pub struct Seat {
    /// The name in logs ("challenger", "proposer", ...).
    pub name: String,
    /// The player.
    pub player: Player,
    /// The gas its transactions used.
    pub gas: u64,
    /// How many transactions it sent.
    pub transactions: u64,
}

impl Seat {
    /// `player`, logged as `name`.
    pub fn new(name: impl Into<String>, player: Player) -> Self {
        Self { name: name.into(), player, gas: 0, transactions: 0 }
    }
}

/// How a played game went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Rounds in which some player sent a transaction.
    pub rounds: u64,
    /// Seconds of chain time that passed.
    pub elapsed: u64,
}

/// Plays until every seat is done, calling `log` for each thing a player does; `poll` is the
/// wait between rounds on a chain whose time cannot be moved.
pub fn play(
    chain: &mut dyn Chain,
    seats: &mut [Seat],
    poll: Duration,
    mut log: impl FnMut(&Seat, &Event),
) -> Result<Summary> {
    let start = chain.timestamp()?;
    let mut rounds = 0;
    loop {
        let mut acted = false;
        let mut done = true;
        let mut wake = u64::MAX;
        for seat in seats.iter_mut() {
            match seat.player.tick(chain)? {
                Progress::Acted(events) => {
                    acted = true;
                    done = false;
                    for event in &events {
                        seat.gas += event.gas;
                        seat.transactions += u64::from(event.gas > 0);
                        log(seat, event);
                    }
                }
                Progress::WaitUntil(at) => {
                    done = false;
                    wake = wake.min(at);
                }
                Progress::Idle => done = false,
                Progress::Done => {}
            }
        }
        if done {
            return Ok(Summary { rounds, elapsed: chain.timestamp()? - start });
        }
        if acted {
            rounds += 1;
            continue;
        }
        if wake == u64::MAX {
            return Err(Error::Chain("every player waits for another: the game is stuck".into()));
        }
        let now = chain.timestamp()?;
        if chain.can_advance_time() {
            chain.advance_time(wake.saturating_sub(now).max(1))?;
        } else {
            std::thread::sleep(poll);
        }
    }
}
