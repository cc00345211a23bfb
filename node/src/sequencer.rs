//! The sequencer's clock: a block every block time, from whatever the pool holds (an empty
//! block when it holds nothing, as on the OP Stack, so that time moves on L2 too), crediting
//! the L1 deposits it knows of that the chain has not credited yet.
//!
//! A block's timestamp is the wall clock's second, and always after its parent's: blocks are
//! at least one second apart. After a stall the missed slots are skipped, so that timestamps
//! never run ahead of the clock (derivation refuses blocks too far past their batch's L1
//! time).

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axon_rollup::deposit::DepositEntry;

use crate::error::Result;
use crate::node::{Node, Produced};

/// Produces blocks on `node` every `block_time` until `stop` is set, each crediting the
/// deposits `deposits` answers after the head's count, reporting each to `report`; returns the
/// error that stopped it, if one did.
pub fn run(
    node: &Node,
    block_time: Duration,
    stop: &AtomicBool,
    mut deposits: impl FnMut(u64) -> Vec<DepositEntry>,
    mut report: impl FnMut(&Produced),
) -> Result<()> {
    let mut next = Instant::now() + block_time;
    while !stop.load(Ordering::Relaxed) {
        let now = Instant::now();
        if now < next {
            std::thread::sleep((next - now).min(Duration::from_millis(50)));
            continue;
        }
        let head = node.head();
        let credits = deposits(head.deposits());
        let produced = node.produce(unix_now().max(head.header.timestamp + 1), &credits)?;
        report(&produced);
        // Slots missed (a stall) are skipped, not produced back to back: timestamps would run
        // ahead of the clock, past what derivation accepts.
        next = (next + block_time).max(Instant::now());
    }
    Ok(())
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}
