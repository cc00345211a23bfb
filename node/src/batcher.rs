//! The sequencer's batcher: posts every block L1 does not have yet to the `BatchInbox`, in
//! batches of contiguous blocks, each in one EIP-4844 blob, and reads back from L1 the safe
//! and finalized heads.
//!
//! It keeps no state of its own: the inbox's `nextBlock` is the first block to post. After
//! an L1 reorganization that drops a batch, `nextBlock` goes back and the blocks are posted
//! again; a batch that lost a race (`NotNextBlock`) is simply rebuilt on the next round.
//! Before posting, each round follows L1's batches (`derivation`, as a sequencer): it
//! records its own and adopts any it did not post (a forced inclusion).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use alloy::eips::BlockNumberOrTag;
use axon_rollup::batch::{encode, BatchBlock};
use axon_rollup::blob;
use axon_rollup::chain::deposit_count;

use crate::derivation::{self, Cursor, Derived};
use crate::error::Result;
use crate::l1::L1;
use crate::node::Node;

/// The largest batch data the batcher posts, in bytes: what one blob carries.
pub const MAX_BATCH_BYTES: usize = axon_rollup::blob::CAPACITY;

/// The most blocks one batch covers (`BatchInbox.MAX_BLOCKS_PER_BATCH`).
pub const MAX_BATCH_BLOCKS: u64 = 3600;

/// A batch the batcher posted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// Its first L2 block.
    pub first: u64,
    /// Its last.
    pub last: u64,
    /// Its data's size.
    pub bytes: usize,
    /// How many transactions it carries.
    pub transactions: usize,
    /// The L1 block it landed in.
    pub l1_block: u64,
}

/// Posts batches every `interval` until `stop`, reporting each to `report` and each batch it
/// adopted to `adopted`; an L1 failure is reported to `failed` and retried on the next round.
pub fn run(
    node: &Node,
    l1: &L1,
    interval: Duration,
    stop: &AtomicBool,
    mut report: impl FnMut(&Posted),
    mut adopted: impl FnMut(&Derived),
    mut failed: impl FnMut(&crate::NodeError),
) -> Result<()> {
    let mut cursor = Cursor::default();
    while !stop.load(Ordering::Relaxed) {
        let followed = derivation::round(node, l1, &mut cursor).map(|derived| {
            if derived.batches > 0 || derived.rolled_back.is_some() {
                adopted(&derived);
            }
        });
        match followed.and_then(|()| round(node, l1)) {
            Ok(Some(posted)) => {
                report(&posted);
                continue;
            }
            Ok(None) => {}
            Err(e @ crate::NodeError::L1(_)) => failed(&e),
            Err(e) => return Err(e),
        }
        crate::pause(interval, stop);
    }
    Ok(())
}

/// One round: updates the L1 heads, then posts the next batch if there is a block to post.
fn round(node: &Node, l1: &L1) -> Result<Option<Posted>> {
    let next = l1.next_block(BlockNumberOrTag::Latest)?.max(1);
    let safe = l1.next_block(BlockNumberOrTag::Safe)?.saturating_sub(1);
    let finalized = l1.next_block(BlockNumberOrTag::Finalized)?.saturating_sub(1);
    node.set_l1_heads(safe, finalized);
    let head = node.head().header.number;
    if head < next {
        return Ok(None);
    }
    let mut last = head.min(next + MAX_BATCH_BLOCKS - 1);
    let (bytes, blob, transactions, deposits) = loop {
        let blocks = batch_blocks(node, next, last)?;
        let transactions = blocks.iter().map(|b| b.transactions.len()).sum();
        let deposits = blocks.last().map_or(0, |b| b.deposits);
        let data = encode(&blocks);
        if let Some(blob) = blob::encode(&data) {
            break (data.len(), blob, transactions, deposits);
        }
        if last == next {
            // The node builds no block past a batch (`MAX_TX_BYTES`, the shedding in
            // `Node::produce`): this is a store that is not the node's.
            return Err(crate::NodeError::Corrupt {
                what: "block".into(),
                reason: format!("block {next} does not fit a batch's blob"),
            });
        }
        last = next + (last - next) / 2;
    };
    let l1_block = l1.post_batch(next, last, deposits, &blob)?;
    node.metrics().batches_posted.fetch_add(1, Ordering::Relaxed);
    Ok(Some(Posted { first: next, last, bytes, transactions, l1_block }))
}

/// Blocks `first..=last` as a batch carries them.
pub(crate) fn batch_blocks(node: &Node, first: u64, last: u64) -> Result<Vec<BatchBlock>> {
    let snapshot = node.snapshot()?;
    (first..=last)
        .map(|number| {
            let block = crate::node::block_or_corrupt(&snapshot, number)?;
            Ok(BatchBlock {
                timestamp: block.header.timestamp,
                deposits: deposit_count(&block.header),
                transactions: block.transactions,
            })
        })
        .collect()
}
