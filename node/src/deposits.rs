//! The L1 deposits a node knows: read from the portal's `Deposited` logs, checked to chain
//! into its accumulator, in order from the first.
//!
//! The sequencer credits the deposits of L1's finalized blocks (a deposit an L1
//! reorganization could still take away would make its block wrong); a validator reads up to
//! L1's newest block the deposits its batches name, and checks them against each batch's
//! deposit accumulator — on a mismatch (L1 reorganized), it reads them all again.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use alloy::eips::BlockNumberOrTag;

use alloy::primitives::B256;
use axon_rollup::deposit::DepositEntry;

use crate::error::{NodeError, Result};
use crate::l1::L1;

/// The most L1 blocks one `eth_getLogs` asks for.
const LOG_RANGE: u64 = 1_000;

/// The deposits read so far.
#[derive(Debug, Clone, Default)]
pub struct DepositFeed {
    entries: Vec<DepositEntry>,
    /// The last L1 block read.
    read_to: Option<u64>,
}

impl DepositFeed {
    /// Reads the deposits of L1 blocks up to `to`.
    pub fn sync(&mut self, l1: &L1, to: u64) -> Result<()> {
        let mut from = self.read_to.map_or(l1.deployment().deploy_block, |b| b + 1);
        while from <= to {
            let end = to.min(from + LOG_RANGE - 1);
            for log in l1.deposits(from, end)? {
                if log.index < self.count() {
                    continue;
                }
                let entry = DepositEntry {
                    previous: self.accumulator(self.count()).unwrap_or_default(),
                    to: log.to,
                    value: log.value,
                    timestamp: log.timestamp,
                };
                if log.index != self.count() || entry.accumulator() != log.accumulator {
                    return Err(NodeError::L1(format!(
                        "deposit {} does not chain from the {} read before it",
                        log.index,
                        self.count()
                    )));
                }
                self.entries.push(entry);
            }
            self.read_to = Some(end);
            from = end + 1;
        }
        Ok(())
    }

    /// Forgets everything read: L1 reorganized.
    pub fn reset(&mut self) {
        *self = Self::default();
    }

    /// How many deposits were read.
    pub fn count(&self) -> u64 {
        self.entries.len() as u64
    }

    /// The accumulator after the first `count` deposits, if read.
    pub fn accumulator(&self, count: u64) -> Option<B256> {
        match count {
            0 => Some(B256::ZERO),
            n => self.entries.get(usize::try_from(n - 1).ok()?).map(DepositEntry::accumulator),
        }
    }

    /// Deposits `range`, if read.
    pub fn entries(&self, range: Range<u64>) -> Option<&[DepositEntry]> {
        let start = usize::try_from(range.start).ok()?;
        let end = usize::try_from(range.end).ok()?;
        self.entries.get(start..end)
    }
}

/// Reads the deposits of L1's finalized blocks into `feed` every `interval` until `stop`; an
/// L1 failure is reported to `failed` and retried.
pub fn watch(
    feed: &Mutex<DepositFeed>,
    l1: &L1,
    interval: Duration,
    stop: &AtomicBool,
    mut failed: impl FnMut(&NodeError),
) {
    while !stop.load(Ordering::Relaxed) {
        let round = l1.head(BlockNumberOrTag::Finalized).and_then(|finalized| match finalized {
            Some(to) => feed.lock().unwrap_or_else(|e| e.into_inner()).sync(l1, to),
            None => Ok(()),
        });
        if let Err(e) = round {
            failed(&e);
        }
        crate::pause(interval, stop);
    }
}
