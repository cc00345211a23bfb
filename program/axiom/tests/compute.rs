//! Statistics over attested slots against a plain fold, and the inputs they refuse.

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;
use axon_axiom::attest::slot_attestation_key;
use axon_axiom::compute::{decode_items, stats, AttestedSlot};
use axon_axiom::Error;

fn item(block: u32, value: u64) -> AttestedSlot {
    AttestedSlot {
        blockNumber: block,
        account: Address::repeat_byte(0xd0),
        slot: B256::with_last_byte(1),
        value: U256::from(value),
    }
}

#[test]
fn stats_are_count_sum_min_max_over_the_decoded_items() {
    let items: Vec<AttestedSlot> =
        (0..50u32).map(|i| item(17_000_000 + i * 7200, u64::from((i * 7919) % 1000))).collect();
    let decoded = decode_items(&items.abi_encode()).expect("round trip");
    assert_eq!(decoded, items);
    let result = stats(&decoded).expect("stats");
    let values: Vec<u64> = (0..50u32).map(|i| u64::from((i * 7919) % 1000)).collect();
    assert_eq!(result.count, U256::from(50));
    assert_eq!(result.sum, U256::from(values.iter().sum::<u64>()));
    assert_eq!(result.min, U256::from(*values.iter().min().expect("values")));
    assert_eq!(result.max, U256::from(*values.iter().max().expect("values")));
    let keys: Vec<u8> = items
        .iter()
        .flat_map(|i| slot_attestation_key(i.blockNumber, i.account, i.slot, i.value).0)
        .collect();
    assert_eq!(result.attestationsHash, keccak256(keys));
}

#[test]
fn empty_lists_overflowing_sums_and_garbage_are_refused() {
    assert!(matches!(stats(&[]), Err(Error::InvalidInput(_))));
    let mut big = item(1, 0);
    big.value = U256::MAX;
    assert!(matches!(stats(&[big.clone(), item(2, 1)]), Err(Error::InvalidInput(_))));
    assert_eq!(stats(&[big.clone()]).expect("one item").sum, U256::MAX);
    assert!(matches!(decode_items(&[1, 2, 3]), Err(Error::InvalidInput(_))));
}
