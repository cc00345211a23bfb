//! Deposits: ETH sent to the L2 through L1's `Portal`, credited by derivation — never a
//! transaction the sequencer could leave out.
//!
//! The portal chains its deposits into an accumulator,
//!
//! ```text
//! accumulator_i = keccak256(accumulator_{i-1} ‖ to ‖ value ‖ timestamp)   92 bytes, zero before the first
//! ```
//!
//! and every batch names how many deposits the L2 has credited by its last block and the
//! accumulator there ([`crate::boot::AccumulatorEntry`]). A block's credits are then found by
//! walking back from that accumulator, one 92-byte preimage per deposit: the fraud proof reads
//! them from the preimage oracle, the node from its database.

use alloc::vec::Vec;
use core::ops::Range;

use alloy_primitives::{keccak256, Address, B256, U256};
use axon_ai_evm::block::Credit;

/// One deposit's accumulator preimage: `previous ‖ to ‖ value ‖ timestamp` (32 + 20 + 32 + 8
/// bytes, as `abi.encodePacked` lays them out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DepositEntry {
    /// The accumulator before this deposit (zero before the first).
    pub previous: B256,
    /// Who is credited on the L2.
    pub to: Address,
    /// The wei credited.
    pub value: U256,
    /// The L1 time it was made at.
    pub timestamp: u64,
}

/// The size of a [`DepositEntry`]'s encoding.
pub const DEPOSIT_ENTRY_BYTES: usize = 92;

impl DepositEntry {
    /// The bytes the accumulator hashes.
    pub fn encode(&self) -> [u8; DEPOSIT_ENTRY_BYTES] {
        let mut bytes = [0u8; DEPOSIT_ENTRY_BYTES];
        bytes[..32].copy_from_slice(self.previous.as_slice());
        bytes[32..52].copy_from_slice(self.to.as_slice());
        bytes[52..84].copy_from_slice(&self.value.to_be_bytes::<32>());
        bytes[84..].copy_from_slice(&self.timestamp.to_be_bytes());
        bytes
    }

    /// The entry `bytes` encode, if they are 92 bytes.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let bytes: &[u8; DEPOSIT_ENTRY_BYTES] = bytes.try_into().ok()?;
        let mut timestamp = [0u8; 8];
        timestamp.copy_from_slice(&bytes[84..]);
        Some(Self {
            previous: B256::from_slice(&bytes[..32]),
            to: Address::from_slice(&bytes[32..52]),
            value: U256::from_be_slice(&bytes[52..84]),
            timestamp: u64::from_be_bytes(timestamp),
        })
    }

    /// The accumulator after this deposit: the keccak-256 of [`Self::encode`].
    pub fn accumulator(&self) -> B256 {
        keccak256(self.encode())
    }

    /// What it credits.
    pub fn credit(&self) -> Credit {
        Credit { to: self.to, value: self.value }
    }
}

/// Why deposits could not be found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DepositError {
    /// The range asks for deposits past the accumulator's.
    #[error("deposits {start}..{end} are not all before the accumulator's {count}")]
    PastAccumulator {
        /// The range's start.
        start: u64,
        /// Its end.
        end: u64,
        /// How many deposits the accumulator covers.
        count: u64,
    },
    /// A preimage on the walk is missing.
    #[error("deposit accumulator {0}: its preimage is missing")]
    Missing(B256),
    /// A preimage on the walk is not a deposit entry, or the walk reached the start early.
    #[error("deposit accumulator {0}: not the entry of a deposit")]
    Malformed(B256),
}

/// The credits of deposits `range` (by index), walking back from `accumulator`, the
/// accumulator after the first `count` deposits; `preimage` answers an accumulator's entry.
pub fn credits(
    accumulator: B256,
    count: u64,
    range: Range<u64>,
    mut preimage: impl FnMut(B256) -> Option<Vec<u8>>,
) -> Result<Vec<Credit>, DepositError> {
    if range.end > count {
        return Err(DepositError::PastAccumulator { start: range.start, end: range.end, count });
    }
    let mut credits = Vec::with_capacity(range.end.saturating_sub(range.start) as usize);
    let mut at = accumulator;
    for index in (range.start..count).rev() {
        if at == B256::ZERO {
            return Err(DepositError::Malformed(at));
        }
        let bytes = preimage(at).ok_or(DepositError::Missing(at))?;
        let entry = DepositEntry::decode(&bytes).ok_or(DepositError::Malformed(at))?;
        if index < range.end {
            credits.push(entry.credit());
        }
        at = entry.previous;
    }
    credits.reverse();
    Ok(credits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::collections::BTreeMap;
    use alloc::vec;

    /// Deposits `0..n` to distinct accounts, and their preimages.
    fn chain(n: u64) -> (Vec<B256>, BTreeMap<B256, Vec<u8>>) {
        let mut accumulators = vec![B256::ZERO];
        let mut preimages = BTreeMap::new();
        for i in 0..n {
            let entry = DepositEntry {
                previous: *accumulators.last().unwrap(),
                to: Address::with_last_byte(i as u8 + 1),
                value: U256::from(1000 + i),
                timestamp: 1_700_000_000 + i,
            };
            assert_eq!(DepositEntry::decode(&entry.encode()), Some(entry));
            preimages.insert(entry.accumulator(), entry.encode().to_vec());
            accumulators.push(entry.accumulator());
        }
        (accumulators, preimages)
    }

    #[test]
    fn credits_are_the_range_in_order() {
        let (accumulators, preimages) = chain(6);
        let got = credits(accumulators[6], 6, 2..5, |h| preimages.get(&h).cloned()).unwrap();
        let to: Vec<u8> = got.iter().map(|c| c.to.0[19]).collect();
        assert_eq!(to, [3, 4, 5]);
        assert_eq!(got[0].value, U256::from(1002));
        assert!(credits(accumulators[4], 4, 4..4, |_| None).unwrap().is_empty());
        assert!(credits(B256::ZERO, 0, 0..0, |_| None).unwrap().is_empty());
    }

    #[test]
    fn bad_walks_are_errors() {
        let (accumulators, preimages) = chain(3);
        assert!(matches!(
            credits(accumulators[3], 3, 1..4, |h| preimages.get(&h).cloned()),
            Err(DepositError::PastAccumulator { .. })
        ));
        assert_eq!(
            credits(accumulators[3], 3, 0..1, |_| None),
            Err(DepositError::Missing(accumulators[3]))
        );
        assert_eq!(
            credits(accumulators[3], 3, 0..1, |_| Some(vec![0; 91])),
            Err(DepositError::Malformed(accumulators[3]))
        );
        // A count larger than the chain really is reaches the zero accumulator early.
        assert_eq!(
            credits(accumulators[2], 3, 0..1, |h| preimages.get(&h).cloned()),
            Err(DepositError::Malformed(B256::ZERO))
        );
    }
}
