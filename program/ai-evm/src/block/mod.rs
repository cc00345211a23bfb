//! Stateless AI-EVM blocks: a block of signed L2 transactions run by revm with the
//! `inference` precompile, over state known only by its root.
//!
//! This is the state transition that the fraud-proof VM disputes (the `ai-evm-block` guest)
//! and that a node runs natively, as one function, [`execute`]: the same code on both sides
//! is what makes the VM's post-state root the node's, bit for bit. Its inputs split like
//! kona's client and host:
//! - the [`BlockInput`] (ABI): the pre-state root, the header fields revm reads, the
//!   ancestors' hashes for `BLOCKHASH`, the registered models with their gas, and the
//!   transactions as EIP-2718 bytes;
//! - everything else by keccak hash through [`Preimages`]: the trie nodes of the account and
//!   storage tries (Ethereum's own node hashes) and contract code;
//! - inference results and the costly precompiles' answers (signature recoveries included)
//!   through an [`crate::Oracle`]: the block never runs a model or a curve operation itself.
//!
//! [`state::TrieState`] is revm's database over those tries (`kona-mpt` sparse tries, opened
//! node by node), [`witness`] is the host's side: a node store, the recorder that makes a
//! native run's witness, and the tries of a genesis; [`offloaded`] computes and records the
//! oracle's answers natively.

mod execute;
mod input;
pub mod offloaded;
pub mod state;
pub mod witness;

pub use execute::{
    execute, execute_with_state, simulate, transaction, BlockError, Credit, Executed, SPEC,
};
pub use input::{BlockInput, BlockOutput, ModelEntry};
pub use offloaded::{Native, Offloaded};
pub use state::{Preimages, StateError};
