//! Dishonest traces, for the demo and the tests: an honest trace that lies from some step on,
//! and a split game's units that lie from some unit on. A player with the solver's rules over
//! a lying trace is a *consistent* liar — it defends its lie everywhere, as a real attacker
//! would — and loses only at the one step where its lie begins, which the VM refuses.

use axon_vm::{Hash, PreimageStore, StepWitness};

use crate::split::{Subgame, UnitTrace};
use crate::{Result, TraceProvider};

/// How a lying trace changes a state hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lie {
    /// Some other state with the same status (a wrong computation).
    State,
    /// The same state with another status (claims the program ended differently).
    Status,
    /// This state: a liar that forged a final state (with the output it wants accepted,
    /// `axiom::claims::OutputWitness::forged`) claims the program reached it.
    Forged(Hash),
}

/// What a dishonest player lies about: its trace from a step on (a split game's units from a
/// unit on), and in a split game every execution from a step on. [`Lies::default`] is honest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lies {
    /// The trace's (or the units') lie and where it starts.
    pub trace: Option<(u64, Lie)>,
    /// In a split game, the executions' lie and the step it starts at.
    pub execution: Option<(u64, Lie)>,
}

/// An honest trace that answers falsely for every state after `from_step` or more steps.
pub struct LyingTrace {
    honest: Box<dyn TraceProvider>,
    from_step: u64,
    lie: Lie,
}

impl std::fmt::Debug for LyingTrace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LyingTrace")
            .field("from_step", &self.from_step)
            .field("lie", &self.lie)
            .finish()
    }
}

impl LyingTrace {
    /// Lies like `lie` about every state after `from_step` or more steps of `honest`.
    pub fn new(honest: Box<dyn TraceProvider>, from_step: u64, lie: Lie) -> Self {
        Self { honest, from_step, lie }
    }
}

/// `hash` changed by `lie`, for a lie that starts at `from` (steps or units).
fn falsify(lie: Lie, from: u64, mut hash: Hash) -> Hash {
    match lie {
        // Different for every starting point, so that liars claim different roots; never the
        // honest hash (bytes `i` and `i + 8` get the same key byte, so they cannot both be
        // left alone).
        Lie::State => {
            let key = from.to_le_bytes();
            for (i, b) in hash.iter_mut().enumerate().skip(1) {
                *b ^= 0xa5 ^ i as u8 ^ key[i % 8];
            }
        }
        // Valid <-> Invalid, Panic <-> Unfinished: always another VM status.
        Lie::Status => hash[0] ^= 1,
        Lie::Forged(forged) => hash = forged,
    }
    hash
}

impl TraceProvider for LyingTrace {
    fn max_depth(&self) -> u8 {
        self.honest.max_depth()
    }

    fn absolute_prestate(&mut self) -> Result<Hash> {
        self.honest.absolute_prestate()
    }

    fn state_after(&mut self, steps: u64) -> Result<Hash> {
        let hash = self.honest.state_after(steps)?;
        Ok(if steps >= self.from_step { falsify(self.lie, self.from_step, hash) } else { hash })
    }

    fn step_witness(&mut self, steps: u64) -> Result<StepWitness> {
        self.honest.step_witness(steps)
    }

    fn preimages(&self) -> &PreimageStore {
        self.honest.preimages()
    }

    fn steps_run(&self) -> u64 {
        self.honest.steps_run()
    }
}

/// A split game's units that lie about every commitment after `from_unit` or more units, and
/// whose executions lie from `execution` on (if given): a liar that carries its lie across the
/// split has to claim the disputed unit's run succeeded (or failed) against the VM, which it
/// does by lying about the run's states too. Without an execution lie it plays honest runs:
/// a lie that stops at the split, whose execution subgames it cannot enter.
pub struct LyingUnits {
    honest: Box<dyn UnitTrace>,
    from_unit: u64,
    lie: Lie,
    execution: Option<(u64, Lie)>,
}

impl std::fmt::Debug for LyingUnits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LyingUnits")
            .field("from_unit", &self.from_unit)
            .field("lie", &self.lie)
            .field("execution", &self.execution)
            .finish()
    }
}

impl LyingUnits {
    /// Lies like `lie` about every commitment after `from_unit` or more units of `honest`,
    /// and like `execution`'s lie from its step on in every execution.
    pub fn new(
        honest: Box<dyn UnitTrace>,
        from_unit: u64,
        lie: Lie,
        execution: Option<(u64, Lie)>,
    ) -> Self {
        Self { honest, from_unit, lie, execution }
    }
}

impl UnitTrace for LyingUnits {
    fn max_depth(&self) -> u8 {
        self.honest.max_depth()
    }

    fn split_depth(&self) -> u8 {
        self.honest.split_depth()
    }

    fn absolute_prestate(&mut self) -> Result<Hash> {
        self.honest.absolute_prestate()
    }

    fn commitment_after(&mut self, units: u64) -> Result<Hash> {
        let hash = self.honest.commitment_after(units)?;
        Ok(if units >= self.from_unit { falsify(self.lie, self.from_unit, hash) } else { hash })
    }

    fn execution(&mut self, subgame: &Subgame) -> Result<Box<dyn TraceProvider>> {
        let honest = self.honest.execution(subgame)?;
        Ok(match self.execution {
            None => honest,
            Some((from_step, lie)) => Box::new(LyingTrace::new(honest, from_step, lie)),
        })
    }
}
