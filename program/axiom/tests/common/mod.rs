//! Synthetic header chains, and the shared mainnet test data (`../shared/ethereum/` next to the repository, or
//! `$AXON_SHARED_ETHEREUM`), which the repository must not commit.
#![allow(dead_code)]

use std::path::PathBuf;

use alloy_consensus::Header;
use alloy_primitives::{keccak256, Bloom, Bytes, B256, B64, U256};

/// The JSON file `name` of the shared data; `None` (and a note on stderr) where it is absent.
pub(crate) fn shared(name: &str) -> Option<serde_json::Value> {
    let dir = std::env::var_os("AXON_SHARED_ETHEREUM").map(PathBuf::from).unwrap_or_else(|| {
        // The crate is `program/axiom`, also reached through the `axiom` symlink.
        let crate_dir = std::fs::canonicalize(env!("CARGO_MANIFEST_DIR")).expect("crate dir");
        crate_dir.join("../../../shared/ethereum")
    });
    let path = dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(serde_json::from_slice(&bytes).expect("valid JSON")),
        Err(_) => {
            eprintln!(
                "skipped: {} is absent (shared test data, not in the repository)",
                path.display()
            );
            None
        }
    }
}

/// A `0x…` hex string's bytes.
pub(crate) fn bytes(value: &serde_json::Value) -> Bytes {
    value.as_str().expect("a hex string").parse().expect("hex")
}

/// A header of the form of `fork` (the fields it adds set), number `number`, child of `parent`.
pub(crate) fn header_of(fork: Fork, number: u64, parent: B256) -> Header {
    let at_least = |f: Fork| fork as u8 >= f as u8;
    Header {
        parent_hash: parent,
        ommers_hash: keccak256([0xc0]),
        beneficiary: [0x11; 20].into(),
        state_root: keccak256(number.to_be_bytes()),
        transactions_root: B256::repeat_byte(2),
        receipts_root: B256::repeat_byte(3),
        logs_bloom: Bloom::repeat_byte(0),
        difficulty: if at_least(Fork::Paris) { U256::ZERO } else { U256::from(131_072 + number) },
        number,
        gas_limit: 30_000_000,
        gas_used: 21_000 * (number % 7),
        timestamp: 1_600_000_000 + 12 * number,
        extra_data: Bytes::from_static(b"axon"),
        mix_hash: B256::repeat_byte(4),
        nonce: B64::repeat_byte(if at_least(Fork::Paris) { 0 } else { 5 }),
        base_fee_per_gas: at_least(Fork::London).then_some(7),
        withdrawals_root: at_least(Fork::Shanghai).then_some(B256::repeat_byte(6)),
        blob_gas_used: at_least(Fork::Cancun).then_some(131_072),
        excess_blob_gas: at_least(Fork::Cancun).then_some(0),
        parent_beacon_block_root: at_least(Fork::Cancun).then_some(B256::repeat_byte(8)),
        requests_hash: at_least(Fork::Prague).then_some(B256::repeat_byte(9)),
        block_access_list_hash: at_least(Fork::Amsterdam).then_some(B256::repeat_byte(10)),
        slot_number: at_least(Fork::Amsterdam).then_some(number / 2),
    }
}

/// Header forms, oldest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fork {
    Frontier,
    London,
    Paris,
    Shanghai,
    Cancun,
    Prague,
    /// Not yet on mainnet: alloy already decodes its block-access-list hash and slot number.
    Amsterdam,
}

pub(crate) const FORKS: [Fork; 7] = [
    Fork::Frontier,
    Fork::London,
    Fork::Paris,
    Fork::Shanghai,
    Fork::Cancun,
    Fork::Prague,
    Fork::Amsterdam,
];

/// `count` raw headers from block `first`, each fork's form in turn, linked by parent hash;
/// the parent of the first is `parent`.
pub(crate) fn synthetic_chain(first: u64, count: u64, parent: B256) -> Vec<Vec<u8>> {
    let mut parent = parent;
    (first..first + count)
        .map(|number| {
            let raw =
                alloy_rlp::encode(header_of(FORKS[number as usize % FORKS.len()], number, parent));
            parent = keccak256(&raw);
            raw
        })
        .collect()
}
