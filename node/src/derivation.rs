//! The validator's derivation: reads the batches from L1 and derives the L2 chain from them
//! alone, block by block, by `axon_rollup`'s rules.
//!
//! The cursor is the node's batch records (L1 block and hash of each batch derived), written
//! with each batch's last block. Before reading further, the newest record's L1 block is
//! checked: if L1 reorganized it away, the chain rolls back to the last batch L1 still has
//! and derives again from there. The deposits a batch credits are read from the portal's
//! logs and checked against the batch's deposit accumulator.
//!
//! A sequencer follows L1's batches the same way, with its own blocks in the place of
//! derivation: a batch it posted is recorded (its blocks stay; the record and data are what a
//! proof of them reads); a batch it did not post — a forced inclusion, after it withheld a
//! deposit or while it was down — replaces its blocks from there: they are dropped, their
//! transactions go back to the pool, and the batch is derived. After a reorganization it
//! forgets the lost batches' records but keeps their blocks, which its batcher posts again.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::deposits::DepositFeed;
use crate::error::{NodeError, Result};
use crate::l1::L1;
use crate::node::{Node, Role};
use crate::store::BatchRecord;
use alloy::eips::BlockNumberOrTag;
use axon_rollup::batch::encode;
use axon_rollup::blob;

/// The most L1 blocks one `eth_getLogs` asks for.
const LOG_RANGE: u64 = 1_000;

/// What one round of derivation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derived {
    /// Batches derived.
    pub batches: usize,
    /// A sequencer's own batches recorded.
    pub recorded: usize,
    /// Transactions a sequencer returned to its pool: the blocks that held them were replaced
    /// by a batch it did not post.
    pub returned: usize,
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

/// How far derivation has read L1's logs: the next L1 block to scan for batches (none: from
/// the newest batch record's block, or the deployment's), and the deposits read.
#[derive(Debug, Clone, Default)]
pub struct Cursor {
    next: Option<u64>,
    deposits: DepositFeed,
}

/// One round: checks for a reorganization, then derives the batches L1 has beyond the cursor.
pub fn round(node: &Node, l1: &L1, cursor: &mut Cursor) -> Result<Derived> {
    let mut derived = Derived { rolled_back: reorg(node, l1)?, ..Derived::default() };
    if derived.rolled_back.is_some() {
        *cursor = Cursor::default();
    }
    // A validator's blocks past the newest complete batch (a crash inside a batch) are derived
    // again from the batch L1 has now: L1 may have replaced that batch in the meantime.
    let sequencer = node.role() == Role::Sequencer;
    let last = node.snapshot()?.last_batch()?;
    let complete = last.as_ref().map_or(0, |b| b.last_block);
    if !sequencer && node.head().header.number > complete {
        node.rollback(complete, last.as_ref().map_or(0, |b| b.index + 1))?;
    }
    let mut expected = last.as_ref().map_or(0, |b| b.index + 1);
    let mut previous = last.as_ref().map(|b| b.accumulator).unwrap_or_default();
    let from =
        cursor.next.unwrap_or(last.as_ref().map_or(l1.deployment().deploy_block, |b| b.l1_block));
    let Some(latest) = l1.head(BlockNumberOrTag::Latest)? else { return Ok(derived) };
    let to = latest.min(from + LOG_RANGE - 1);
    // Nothing new when L1 has no block past the cursor.
    let batches = if from <= to { l1.batches(from, to)? } else { Vec::new() };
    for batch in batches {
        if batch.index < expected {
            continue;
        }
        if batch.index > expected {
            return Err(NodeError::L1(format!(
                "batch {} is not the next one ({expected})",
                batch.index
            )));
        }
        let (hash, timestamp) = l1
            .block(batch.l1_block)?
            .ok_or_else(|| NodeError::L1(format!("L1 block {} vanished", batch.l1_block)))?;
        if hash != batch.l1_hash {
            return Err(NodeError::L1(format!(
                "L1 block {} was reorganized while read",
                batch.l1_block
            )));
        }
        let record = BatchRecord {
            index: batch.index,
            l1_block: batch.l1_block,
            l1_hash: batch.l1_hash,
            first_block: batch.first_block,
            last_block: batch.last_block,
            blob_hash: batch.blob_hash,
            timestamp,
            deposit_count: batch.deposit_count,
            deposit_accumulator: batch.deposit_accumulator,
            accumulator: batch.accumulator,
        };
        if record.entry(previous).accumulator() != batch.accumulator {
            return Err(NodeError::L1(format!(
                "batch {}: its accumulator is not the chain of the batches read before it",
                batch.index
            )));
        }
        if sequencer {
            if let Some(data) = own_batch(node, &record)? {
                node.record_batch(&record, &data)?;
                derived.recorded += 1;
                expected += 1;
                previous = batch.accumulator;
                continue;
            }
            derived.returned += node.drop_unposted(record.first_block - 1, record.index)?;
        }
        let blob = l1.batch_blob(&batch)?;
        let deposits = deposits_of(&mut cursor.deposits, l1, &record, batch.l1_block)?;
        let credited = node.head().deposits().min(record.deposit_count);
        let fresh = deposits
            .entries(credited..record.deposit_count)
            .ok_or_else(|| NodeError::L1(format!("batch {}: deposits unread", batch.index)))?;
        derived.replaced += node.derive_batch(&record, previous, &blob, fresh)?;
        derived.batches += 1;
        node.metrics().batches_derived.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        expected += 1;
        previous = batch.accumulator;
    }
    cursor.next = Some(from.max(to + 1));
    derived.head = node.head().header.number;
    if !sequencer {
        let finalized = l1.next_block(BlockNumberOrTag::Finalized)?.saturating_sub(1);
        node.set_l1_heads(derived.head, finalized);
    }
    Ok(derived)
}

/// The blob of batch `record` if the sequencer `node` posted it: if it has the batch's blocks
/// and they encode to its blob and credit its deposits.
fn own_batch(node: &Node, record: &BatchRecord) -> Result<Option<Vec<u8>>> {
    if node.head().header.number < record.last_block {
        return Ok(None);
    }
    let blocks = crate::batcher::batch_blocks(node, record.first_block, record.last_block)?;
    let credits = blocks.last().map(|b| b.deposits);
    let Some(blob) = blob::encode(&encode(&blocks)) else { return Ok(None) };
    let own = credits == Some(record.deposit_count)
        && axon_dispute::blob::versioned_hash(&blob).ok() == Some(record.blob_hash);
    Ok(own.then_some(blob))
}

/// The deposits read up to those `record` credits, checked against its deposit accumulator
/// (read again from the start on a mismatch: L1 reorganized since they were read).
fn deposits_of<'a>(
    feed: &'a mut DepositFeed,
    l1: &L1,
    record: &BatchRecord,
    l1_block: u64,
) -> Result<&'a DepositFeed> {
    let read = |feed: &DepositFeed| {
        feed.accumulator(record.deposit_count) == Some(record.deposit_accumulator)
    };
    if feed.count() < record.deposit_count {
        feed.sync(l1, l1_block)?;
    }
    if !read(feed) {
        feed.reset();
        feed.sync(l1, l1_block)?;
    }
    if read(feed) {
        return Ok(feed);
    }
    Err(NodeError::L1(format!(
        "batch {}: its deposit accumulator is not the portal's deposits read",
        record.index
    )))
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
                if node.role() == Role::Sequencer {
                    node.forget_batches(0)?;
                } else {
                    node.rollback(0, 0)?;
                }
                return Ok(Some(0));
            }
        }
    }
    if !rolled {
        return Ok(None);
    }
    drop(snapshot);
    if node.role() == Role::Sequencer {
        node.forget_batches(record.index + 1)?;
    } else {
        node.rollback(record.last_block, record.index + 1)?;
    }
    Ok(Some(record.last_block))
}
