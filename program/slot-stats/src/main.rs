//! The slot-stats guest: verified compute over attested slots (`axon_axiom::compute`).
//!
//! The program input (local key 1) is the keccak-256 of an ABI-encoded `AttestedSlot[]` (block
//! number, account, slot, value), read by that keccak key. The guest writes the ABI-encoded `SlotStats` (the keccak of the items' V0
//! attestation keys, count, sum, min, max) to stdout and its keccak-256 to the output
//! commitment. An empty list, an overflowing sum or a malformed input exits 1 with the reason.
#![no_std]
#![no_main]

use alloy_primitives::keccak256;
use alloy_sol_types::SolValue;
use axon_axiom::compute::{decode_items, stats};
use axon_runtime::oracle::read_hashed_input;
use axon_runtime::{commitment, entry, eprintln, exit, io};

entry!(main);

fn main() {
    let Some(items) = read_hashed_input() else {
        eprintln!("slot-stats: the program input must be a 32-byte keccak-256 hash");
        exit(1);
    };
    match decode_items(&items).and_then(|items| stats(&items)) {
        Ok(stats) => {
            let output = stats.abi_encode();
            commitment::commit(&keccak256(&output).0);
            let _ = io::write_all(axon_runtime::abi::fd::STDOUT, &output);
        }
        Err(reason) => {
            eprintln!("slot-stats: {reason}");
            exit(1);
        }
    }
}
