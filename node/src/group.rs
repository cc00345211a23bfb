//! Group commit of the pool's writes: every `eth_sendRawTransaction` waits until its
//! transaction is durable before it answers, and concurrent ones share one write transaction
//! (one fsync) instead of queueing for one each — the fsync, not the checks, is what bounds
//! how many transactions a second the sequencer acknowledges.
//!
//! The first waiter that finds no commit in flight takes every queued write and commits
//! them; the others wait for it, and a waiter whose write missed that commit leads the next.

use std::collections::HashMap;
use std::sync::{Condvar, Mutex};

use crate::error::{NodeError, Result};
use crate::store::{PoolWrite, Store};

/// The queue of writes and who is committing.
#[derive(Debug, Default)]
struct State {
    queue: Vec<(u64, PoolWrite)>,
    next_ticket: u64,
    /// Every ticket below this is committed (or failed).
    done_below: u64,
    committing: bool,
    failed: HashMap<u64, String>,
}

/// Pool writes committed in groups.
#[derive(Debug, Default)]
pub struct GroupCommit {
    state: Mutex<State>,
    changed: Condvar,
}

impl GroupCommit {
    /// Queues `write`; returns its ticket, to [`GroupCommit::wait`] on.
    pub fn enqueue(&self, write: PoolWrite) -> u64 {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        state.queue.push((ticket, write));
        ticket
    }

    /// Returns once the write of `ticket` is durable in `store` (leading a commit if none
    /// is in flight), or with the commit's error.
    pub fn wait(&self, ticket: u64, store: &Store) -> Result<()> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if ticket < state.done_below {
                return match state.failed.remove(&ticket) {
                    Some(reason) => Err(NodeError::Database(reason)),
                    None => Ok(()),
                };
            }
            if state.committing {
                state = self.changed.wait(state).unwrap_or_else(|e| e.into_inner());
                continue;
            }
            let batch = std::mem::take(&mut state.queue);
            let through = batch.last().map_or(state.done_below, |(t, _)| t + 1);
            state.committing = true;
            drop(state);
            let writes: Vec<PoolWrite> = batch.iter().map(|(_, w)| w.clone()).collect();
            let outcome = store.pool_insert(&writes);
            state = self.state.lock().unwrap_or_else(|e| e.into_inner());
            if let Err(e) = outcome {
                let reason = e.to_string();
                for (t, _) in &batch {
                    state.failed.insert(*t, reason.clone());
                }
            }
            state.done_below = state.done_below.max(through);
            state.committing = false;
            self.changed.notify_all();
        }
    }
}
