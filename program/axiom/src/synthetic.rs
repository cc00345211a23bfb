//! Synthetic header chains: valid headers of every fork's form, linked by parent hash, for
//! tests, benchmarks and demos that need whole 1024-block groups (mainnet data comes in
//! small pieces, and a local node would have to mine them).
//!
//! The headers carry made-up roots and amounts; what matters to the checks is real: their
//! RLP form, their numbers and their `parentHash` links.

use alloc::vec::Vec;

use alloy_consensus::Header;
use alloy_primitives::{keccak256, Bloom, Bytes, B256, B64, U256};

/// A header of the form of `fork` (the fields it adds set), number `number`, child of `parent`.
pub fn header_of(fork: Fork, number: u64, parent: B256) -> Header {
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

/// Header forms, oldest first: each adds fields to the one before.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fork {
    /// The original 15 fields.
    Frontier,
    /// `baseFeePerGas`.
    London,
    /// Proof of stake: zero difficulty and nonce (same fields).
    Paris,
    /// `withdrawalsRoot`.
    Shanghai,
    /// `blobGasUsed`, `excessBlobGas`, `parentBeaconBlockRoot`.
    Cancun,
    /// `requestsHash`.
    Prague,
    /// Not yet on mainnet: alloy already decodes its block-access-list hash and slot number.
    Amsterdam,
}

/// Every form, oldest first.
pub const FORKS: [Fork; 7] = [
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
pub fn chain(first: u64, count: u64, parent: B256) -> Vec<Vec<u8>> {
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
