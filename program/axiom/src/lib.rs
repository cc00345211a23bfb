//! Optimistic Axiom: trustless historic Ethereum data, checked by dispute instead of ZK.
//!
//! Axiom V0 proves two statements in ZK (`docs/axiom.md`): that a chain of block headers ends
//! at a trusted block hash, giving the Merkle root of a group of 1024 block hashes; and that
//! an account or storage slot has a value under a block's state root. This crate is those
//! checks as plain, deterministic `no_std` code. The guest programs run it in the VM, where a
//! wrong claim loses a dispute; the host runs the same code to build and check claims.
//!
//! - [`header`]: raw RLP headers of every fork, Frontier to Prague, and their hashes.
//! - [`chain`]: header chains, linked by `parentHash`, anchored on the last block's hash.
//! - [`group`]: V0's block-hash groups: the depth-10 Merkle root, `historicalRoots` values and
//!   `BlockHashWitness` Merkle proofs.
//! - [`storage`]: `eth_getProof` account and storage proofs, inclusion and exclusion.
//! - [`abi`]: every ABI type shared with the contracts, in one `sol!` block (guest inputs and
//!   outputs, the contracts' structs and interfaces).
//! - [`attest`]: the storage-proof guest's ABI input (a claim) and output (an attestation).
//! - [`compute`]: count, sum, min and max over attested slots (the `slot-stats` guest).
//! - [`synthetic`]: made-up but valid header chains of every fork's form.
#![no_std]

extern crate alloc;

pub mod abi;
pub mod attest;
pub mod chain;
pub mod compute;
pub mod error;
pub mod group;
pub mod header;
pub mod storage;
pub mod synthetic;

pub use error::{Error, Result};
