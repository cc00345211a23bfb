//! The header-chain guest: the check behind an Optimistic Axiom block-hash cache update.
//!
//! The program input (local key 1) is a trusted block hash, the anchor: a recent
//! `blockhash()` for `updateRecent`, or a cached group's `prevHash` for `updateOld`. The guest
//! fetches the anchor's header by its keccak key, then each parent's, back to the first block
//! of the anchor's 1024-block group; the oracle's keys bind every header to its hash, so the
//! links need no re-hashing. It writes `abi.encode(start, prevHash, root, numFinal)` (see
//! `axon_axiom::group`) to stdout and its keccak-256 to the output commitment. A malformed
//! input or header exits 1 with the reason on stderr: a provable result, not a host error.
#![no_std]
#![no_main]

use alloy_primitives::{keccak256, B256};
use axon_axiom::chain::walk_back_to_group_start;
use axon_axiom::group::GroupClaim;
use axon_runtime::abi::local::INPUT;
use axon_runtime::oracle::{read_preimage, PreimageKey};
use axon_runtime::{commitment, entry, eprintln, exit, io};

entry!(main);

fn main() {
    let input = read_preimage(&PreimageKey::local(INPUT)).read_to_end();
    let Ok(anchor) = <[u8; 32]>::try_from(input.as_slice()) else {
        eprintln!(
            "header-chain: the input must be one 32-byte block hash, not {} bytes",
            input.len()
        );
        exit(1);
    };
    let fetch = |hash: &B256| read_preimage(&PreimageKey::keccak256(hash.0)).read_to_end();
    let claim = walk_back_to_group_start(B256::from(anchor), fetch)
        .and_then(|chain| GroupClaim::from_chain(&chain));
    match claim {
        Ok(claim) => {
            let output = claim.abi_encode();
            commitment::commit(&keccak256(&output).0);
            let _ = io::write_all(axon_runtime::abi::fd::STDOUT, &output);
        }
        Err(reason) => {
            eprintln!("header-chain: {reason}");
            exit(1);
        }
    }
}
