//! The storage-proof guest: the check behind an Optimistic Axiom storage attestation.
//!
//! The program input (local key 1) is the keccak-256 of an ABI-encoded `StorageClaim`
//! (`axon_axiom::attest`: a block hash, an account's claimed state or absence, slots with
//! claimed values, and the `eth_getProof` nodes), which the guest reads by that keccak key: a
//! game's local data stays one word however long the proofs are. The guest fetches the block's header by its keccak key (the oracle
//! binds it to the hash; the hash itself is checked against the block-hash cache on-chain),
//! verifies every proof against the header's `stateRoot`, writes the ABI-encoded
//! `StorageAttestation` to stdout and its keccak-256 to the output commitment. A malformed
//! claim or a proof that does not prove it exits 1 with the reason on stderr.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;

use alloy_primitives::keccak256;
use axon_axiom::attest::StorageClaim;
use axon_axiom::header::BlockHeader;
use axon_axiom::{Error, Result};
use axon_runtime::oracle::{read_hashed_input, read_preimage, PreimageKey};
use axon_runtime::{commitment, entry, eprintln, exit, io};

entry!(main);

fn main() {
    let claim = read_hashed_input()
        .ok_or(Error::InvalidInput("the program input must be a 32-byte keccak-256 hash"));
    match claim.and_then(|claim| attest(&claim)) {
        Ok(output) => {
            commitment::commit(&keccak256(&output).0);
            let _ = io::write_all(axon_runtime::abi::fd::STDOUT, &output);
        }
        Err(reason) => {
            eprintln!("storage-proof: {reason}");
            exit(1);
        }
    }
}

/// Decodes the claim, fetches its block's header and returns the encoded attestation.
fn attest(input: &[u8]) -> Result<Vec<u8>> {
    let claim = StorageClaim::decode(input)?;
    let raw = read_preimage(&PreimageKey::keccak256(claim.blockHash.0)).read_to_end();
    let header = BlockHeader::from_preimage(&raw, claim.blockHash, 0)?;
    Ok(claim.attest(&header)?.encode())
}
