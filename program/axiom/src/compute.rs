//! Verified compute over attested slots: count, sum, min and max of slot values across many
//! blocks, as V0 promised on top of its attestations. The result is a claim like any other,
//! disputed over the `slot-stats` guest.
//!
//! The input lists `(blockNumber, account, slot, value)` items; the output names them by
//! `attestationsHash`, the keccak-256 of their V0 `slotAttestations` keys one after another,
//! so a contract can check that every item is attested before it trusts the statistics.

use alloc::vec::Vec;

use alloy_primitives::{keccak256, U256};
use alloy_sol_types::SolValue;

use crate::attest::slot_attestation_key;
use crate::{Error, Result};

pub use crate::abi::{AttestedSlot, SlotStats};

/// Decodes the ABI encoding of an `AttestedSlot[]`.
pub fn decode_items(bytes: &[u8]) -> Result<Vec<AttestedSlot>> {
    Vec::<AttestedSlot>::abi_decode(bytes)
        .map_err(|_| Error::InvalidInput("not an ABI-encoded AttestedSlot[]"))
}

/// The statistics of `items`: at least one item, and a sum that fits 256 bits.
pub fn stats(items: &[AttestedSlot]) -> Result<SlotStats> {
    let first = items.first().ok_or(Error::InvalidInput("no attested slots"))?;
    let mut keys = Vec::with_capacity(32 * items.len());
    let (mut sum, mut min, mut max) = (U256::ZERO, first.value, first.value);
    for item in items {
        let key = slot_attestation_key(item.blockNumber, item.account, item.slot, item.value);
        keys.extend_from_slice(key.as_slice());
        sum =
            sum.checked_add(item.value).ok_or(Error::InvalidInput("the sum overflows uint256"))?;
        min = min.min(item.value);
        max = max.max(item.value);
    }
    Ok(SlotStats {
        attestationsHash: keccak256(&keys),
        count: U256::from(items.len()),
        sum,
        min,
        max,
    })
}
