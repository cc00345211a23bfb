//! Axon's L2 node (`docs/rollup.md`): a sequencer that takes transactions over Ethereum
//! JSON-RPC, orders them into AI-EVM blocks every block time and keeps its chain in an
//! embedded ACID database.
//!
//! - [`genesis`]: the chain's configuration file;
//! - [`store`]: the database (redb): blocks, trie nodes, transaction locations, the pool;
//! - [`chain`]: how a block follows from its parent (base fee, ancestors, header);
//! - [`pool`] and [`node`]: admitting transactions and building blocks;
//! - [`rpc`]: the `eth_` namespace, served by jsonrpsee;
//! - [`sequencer`]: the loop that produces blocks.
//!
//! Blocks run natively through `axon_ai_evm::block`, the very state transition the
//! `ai-evm-block` guest runs in the fraud-proof VM.

pub mod chain;
pub mod error;
pub mod genesis;
pub mod node;
pub mod pool;
pub mod rpc;
pub mod sequencer;
pub mod store;

pub use error::{NodeError, Result};
pub use genesis::Genesis;
pub use node::{Node, Produced, TxError};
