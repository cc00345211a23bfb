//! Runs players against each other on one chain until every one of them is done: the loop
//! behind `dispute bisect`, `dispute demo` and the end-to-end tests.
//!
//! Each round every player ticks once. When a round sends nothing, everyone is waiting for a
//! clock: a chain whose time can be moved jumps to the earliest deadline, any other chain is
//! polled until it gets there — and the wait is logged once per deadline, so a player with
//! nothing to counter says what it waits for and until when (a game's clocks run for days).

use std::time::Duration;

use crate::chain::Chain;
use crate::game::{Event, EventKind};
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
    let mut announced = None;
    loop {
        let mut acted = false;
        let mut done = true;
        let mut wake = u64::MAX;
        let mut waiting = 0;
        for (index, seat) in seats.iter_mut().enumerate() {
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
                    if at < wake {
                        (wake, waiting) = (at, index);
                    }
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
            return Err(Error::Stuck);
        }
        let now = chain.timestamp()?;
        if chain.can_advance_time() {
            chain.advance_time(wake.saturating_sub(now).max(1))?;
        } else {
            if announced != Some(wake) {
                announced = Some(wake);
                let what = format!(
                    "nothing to do until chain time {wake} (in {}): the next clock to run out \
                     or withdrawal to open; polling every {}s",
                    duration_words(wake.saturating_sub(now)),
                    poll.as_secs().max(1)
                );
                log(&seats[waiting], &Event { kind: EventKind::Wait, what, gas: 0, depth: None });
            }
            std::thread::sleep(poll);
        }
    }
}

/// `seconds` as days, hours, minutes and seconds ("3d 12h 0m 5s", "42s").
fn duration_words(seconds: u64) -> String {
    let (d, h, m, s) = (seconds / 86_400, seconds / 3_600 % 24, seconds / 60 % 60, seconds % 60);
    match (d, h, m) {
        (0, 0, 0) => format!("{s}s"),
        (0, 0, _) => format!("{m}m {s}s"),
        (0, ..) => format!("{h}h {m}m {s}s"),
        _ => format!("{d}d {h}h {m}m {s}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::duration_words;

    #[test]
    fn durations_read_as_days_hours_minutes_seconds() {
        assert_eq!(duration_words(42), "42s");
        assert_eq!(duration_words(61), "1m 1s");
        assert_eq!(duration_words(3 * 86_400 + 12 * 3_600 + 5), "3d 12h 0m 5s");
    }
}
