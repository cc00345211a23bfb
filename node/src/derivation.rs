//! The validator's derivation: reads the batches from L1 and derives the L2 chain from them
//! alone, block by block, by `axon_rollup`'s rules.
//!
//! The cursor is the node's batch records (L1 block and hash of each batch derived), written
//! with each batch's last block. Before reading further, the newest record's L1 block is
//! checked: if L1 reorganized it away, the chain rolls back to the last batch L1 still has
//! and derives again from there.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use alloy::eips::BlockNumberOrTag;
use axon_rollup::boot::AccumulatorEntry;

use crate::error::{NodeError, Result};
use crate::l1::L1;
use crate::node::Node;
use crate::store::BatchRecord;

/// The most L1 blocks one `eth_getLogs` asks for.
const LOG_RANGE: u64 = 1_000;

/// What one round of derivation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derived {
    /// Batches derived.
    pub batches: usize,
    /// The new head.
    pub head: u64,
    /// Blocks replaced by empty ones (their entries were invalid).
    pub replaced: usize,
    /// Blocks rolled back after an L1 reorganization, if any.
    pub rolled_back: Option<u64>,
}

/// Derives every `interval` until `stop`, reporting rounds that did something to `report`;
/// an L1 failure is reported to `failed` and retried.
pub fn run(
    node: &Node,
    l1: &L1,
    interval: Duration,
    stop: &AtomicBool,
    mut report: impl FnMut(&Derived),
    mut failed: impl FnMut(&NodeError),
) -> Result<()> {
    let mut cursor = Cursor::default();
    while !stop.load(Ordering::Relaxed) {
        match round(node, l1, &mut cursor) {
            Ok(derived) if derived.batches > 0 || derived.rolled_back.is_some() => report(&derived),
            Ok(_) => {}
            Err(e @ NodeError::L1(_)) => failed(&e),
            Err(e) => return Err(e),
        }
        crate::pause(interval, stop);
    }
    Ok(())
}

/// How far derivation has read L1's logs: the next L1 block to scan (none: from the newest
/// batch record's block, or the deployment's).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor(Option<u64>);

/// One round: checks for a reorganization, then derives the batches L1 has beyond the cursor.
pub fn round(node: &Node, l1: &L1, cursor: &mut Cursor) -> Result<Derived> {
    let mut derived = Derived { rolled_back: reorg(node, l1)?, ..Derived::default() };
    if derived.rolled_back.is_some() {
        *cursor = Cursor::default();
    }
    // Blocks past the newest complete batch (a crash inside a batch) are derived again from
    // the batch L1 has now: L1 may have replaced that batch in the meantime.
    let last = node.snapshot()?.last_batch()?;
    let complete = last.as_ref().map_or(0, |b| b.last_block);
    if node.head().header.number > complete {
        node.rollback(complete, last.as_ref().map_or(0, |b| b.index + 1))?;
    }
    let mut expected = last.as_ref().map_or(0, |b| b.index + 1);
    let mut previous = last.as_ref().map(|b| b.accumulator).unwrap_or_default();
    let from =
        cursor.0.unwrap_or(last.as_ref().map_or(l1.deployment().deploy_block, |b| b.l1_block));
    let Some(latest) = l1.head(BlockNumberOrTag::Latest)? else { return Ok(derived) };
    let to = latest.min(from + LOG_RANGE - 1);
    for batch in l1.batches(from, to)? {
        if batch.index < expected {
            continue;
        }
        if batch.index > expected {
            return Err(NodeError::L1(format!(
                "batch {} is not the next one ({expected})",
                batch.index
            )));
        }
        let data = l1.batch_data(&batch)?;
        let (hash, timestamp) = l1
            .block(batch.l1_block)?
            .ok_or_else(|| NodeError::L1(format!("L1 block {} vanished", batch.l1_block)))?;
        if hash != batch.l1_hash {
            return Err(NodeError::L1(format!(
                "L1 block {} was reorganized while read",
                batch.l1_block
            )));
        }
        let entry = AccumulatorEntry {
            previous,
            data_hash: batch.data_hash,
            first_block: batch.first_block,
            last_block: batch.last_block,
            timestamp,
        };
        if entry.accumulator() != batch.accumulator {
            return Err(NodeError::L1(format!(
                "batch {}: its accumulator is not the chain of the batches read before it",
                batch.index
            )));
        }
        let record = BatchRecord {
            index: batch.index,
            l1_block: batch.l1_block,
            l1_hash: batch.l1_hash,
            first_block: batch.first_block,
            last_block: batch.last_block,
            data_hash: batch.data_hash,
            timestamp,
            accumulator: batch.accumulator,
        };
        derived.replaced += node.derive_batch(&record, &data)?;
        derived.batches += 1;
        node.metrics().batches_derived.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        expected += 1;
        previous = batch.accumulator;
    }
    cursor.0 = Some(to + 1);
    derived.head = node.head().header.number;
    let finalized = l1.next_block(BlockNumberOrTag::Finalized)?.saturating_sub(1);
    node.set_l1_heads(derived.head, finalized);
    Ok(derived)
}

/// Rolls the chain back past every batch whose L1 block is no longer L1's: to the last block
/// of the newest batch L1 still has (block 0 if none). Returns the new head if it rolled back.
fn reorg(node: &Node, l1: &L1) -> Result<Option<u64>> {
    let snapshot = node.snapshot()?;
    let Some(mut record) = snapshot.last_batch()? else { return Ok(None) };
    let mut rolled = false;
    loop {
        let canonical = l1.block(record.l1_block)?.map(|(hash, _)| hash);
        if canonical == Some(record.l1_hash) {
            break;
        }
        rolled = true;
        match record.index.checked_sub(1).map(|i| snapshot.batch(i)).transpose()?.flatten() {
            Some(previous) => record = previous,
            None => {
                drop(snapshot);
                node.rollback(0, 0)?;
                return Ok(Some(0));
            }
        }
    }
    if !rolled {
        return Ok(None);
    }
    drop(snapshot);
    node.rollback(record.last_block, record.index + 1)?;
    Ok(Some(record.last_block))
}
