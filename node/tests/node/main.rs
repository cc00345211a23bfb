//! The node as people run it: the `axon-node` binary on a fresh database, on a free
//! loopback port, driven over JSON-RPC by alloy's provider, by `cast` and by `forge`, with
//! anvil as its L1 where it needs one.
//!
//! - [`rpc`]: the `eth_` methods and their errors, through alloy;
//! - [`foundry`]: `forge create` of `AIContract` and `cast send` of an inference;
//! - [`game`]: a wrong output proposal challenged and discarded, a right one finalized, on the
//!   embedded L1;
//! - [`genesis`]: the fixture genesis's predeploy, and the output root over it;
//! - [`crash`]: kill -9 of the sequencer at any moment loses no acknowledged transaction;
//! - [`proof`]: the `rollup-block` guest in the VM against the node, block by block;
//! - [`rollup`]: a sequencer posting to anvil and a validator deriving from it alone, through
//!   kills and an L1 reorganization;
//! - [`support`]: the node processes, anvil and the keys.

mod crash;
mod foundry;
mod game;
mod genesis;
mod proof;
mod rollup;
mod rpc;
mod support;
