//! Axon's L2 node (`docs/rollup.md`): a sequencer that takes transactions over Ethereum
//! JSON-RPC, orders them into AI-EVM blocks every block time and keeps its chain in an
//! embedded ACID database.
//!
//! - [`genesis`]: the chain's configuration file;
//! - [`store`]: the database (redb): blocks, trie nodes, transaction locations, the pool;
//! - [`pool`], [`group`] and [`node`]: admitting transactions (durably, in group commits)
//!   and building blocks;
//! - [`rpc`]: the `eth_` namespace, served by jsonrpsee;
//! - [`sequencer`]: the loop that produces blocks;
//! - [`l1`] and [`deployment`]: the L1 contracts and where they are;
//! - [`batcher`]: the sequencer's posting of blocks to the `BatchInbox`;
//! - [`deposits`]: the L1 deposits the chain credits, read from the `Portal`'s logs;
//! - [`derivation`]: the validator's derivation of the chain from L1 alone;
//! - [`proof`]: the data of the fraud proof of one block, for the `rollup-block` guest;
//! - [`games`]: the validator's proposals, challenges and settlements on L1;
//! - [`results`]: the validator's opML games: inference results claimed, challenged, made final;
//! - [`metrics`]: the Prometheus endpoint;
//! - [`model_da`]: models served and fetched over HTTP by their model-DA address;
//! - [`http`]: the small HTTP server both run on.
//!
//! Blocks follow `axon_rollup`'s rules and run natively through `axon_ai_evm::block`, the
//! very state transition the fraud-proof guest runs in the VM.

pub mod batcher;
pub mod deployment;
pub mod deposits;
pub mod derivation;
pub mod error;
pub mod games;
pub mod genesis;
pub mod group;
pub mod http;
pub mod l1;
pub mod metrics;
pub mod model_da;
pub mod node;
pub mod pool;
pub mod proof;
pub mod results;
pub mod rpc;
pub mod sequencer;
pub mod store;

pub use error::{NodeError, Result};
pub use genesis::Genesis;
pub use node::{Node, Produced, Role, TxError};

/// Sleeps for `interval`, or less when `stop` is set meanwhile: the pause between two rounds
/// of the node's loops, which must end promptly when the node stops.
pub(crate) fn pause(interval: std::time::Duration, stop: &std::sync::atomic::AtomicBool) {
    let wake = std::time::Instant::now() + interval;
    while !stop.load(std::sync::atomic::Ordering::Relaxed) && std::time::Instant::now() < wake {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}
