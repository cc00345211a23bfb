//! The sequencer as people run it: the `axon-node` binary on a fresh database, on a free
//! loopback port, driven over JSON-RPC by alloy's provider, by `cast` and by `forge`.
//!
//! - [`rpc`]: the `eth_` methods and their errors, through alloy;
//! - [`foundry`]: `forge create` of `AIContract` and `cast send` of an inference;
//! - [`crash`]: kill -9 at any moment loses no acknowledged transaction;
//! - [`support`]: the node process and the keys.

mod crash;
mod foundry;
mod rpc;
mod support;
