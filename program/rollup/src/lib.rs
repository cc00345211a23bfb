//! The Axon AI rollup's derivation rules (docs/rollup.md), shared by the node, which
//! sequences and validates natively, and by the fraud-proof guest, which re-derives one
//! block in the VM:
//!
//! - [`batch`]: what the sequencer posts to L1 — blocks' timestamps and transactions,
//!   RLP-encoded and zlib-compressed — and how any bytes decode (or do not);
//! - [`blob`]: how a batch's data is laid out in the EIP-4844 blob that carries it to L1;
//! - [`chain`]: how block `n + 1` follows from block `n` and its batch entry: its input to
//!   the AI EVM's state transition, its header, and the empty block that replaces an invalid
//!   one;
//! - [`deposit`]: deposits from L1's portal, which derivation credits, and how a block's
//!   are found from a batch's deposit accumulator;
//! - [`output`]: the output root a proposal claims for a block;
//! - [`boot`]: what an output proposal's fraud proof starts from, and the inbox's
//!   accumulator it finds batches by.
#![no_std]

extern crate alloc;

pub mod batch;
pub mod blob;
pub mod boot;
pub mod chain;
pub mod deposit;
pub mod output;
