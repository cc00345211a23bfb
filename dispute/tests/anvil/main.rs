//! Games on a real JSON-RPC node: anvil (npm `@foundry-rs/anvil`, installed by `make setup`)
//! on loopback. The library plays a game against each dishonest strategy over [`RpcChain`](axon_dispute::chain::RpcChain)
//! with anvil's time travel; one game is played by the `dispute` binary itself — `deploy`, `propose`, two `bisect`
//! processes in real time — with the honest challenger killed mid-game and restarted.
//!
//! One test binary, a module per feature:
//! - [`games`]: the generic game — the library against every dishonest strategy, the CLI
//!   challenger restarted mid-game, the demo;
//! - [`axiom`]: Optimistic Axiom — claims from the node's data, their games, the
//!   `dispute axiom` commands;
//! - [`ai_evm`]: the AI-EVM — the demo, and the CLI disputing a block;
//! - [`opml`]: multi-phase opML — a stories260K dispute one operator deep, and the CLI's
//!   `--model` games;
//! - [`support`]: what they share — anvil itself, its keys, the `dispute` runners.

mod ai_evm;
mod axiom;
mod games;
mod opml;
mod support;
