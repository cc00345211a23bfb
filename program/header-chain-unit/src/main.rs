//! The unit program of Axiom V0's `updateHistorical` as a split-game claim (`docs/axiom.md`,
//! "updateHistorical"): the claim's units are its 128 groups, newest first, and the
//! commitment after unit `u` is `keccak256(c_(u-1) ‖ abi.encode(start, prevHash, root,
//! numFinal))` of unit `u`'s group (`c` before the first unit is zero).
//!
//! The input (local datum 1) is the update's end hash: the hash of the last block of its
//! newest group, a cached group's `prevHash`. The split game serves the agreed commitment,
//! the disputed one and the unit's number (local data 2–4). Unit 0's group ends at the end
//! hash; any other unit's ends at the previous unit's `prevHash`, read from the agreed
//! commitment's preimage (`c_(u-1) ‖ claim`, 160 bytes, by its keccak key). The guest walks
//! the group's headers back from there (`walk_back_to_group_start`, as the `header-chain`
//! guest does) and exits 0 iff the group is complete and its claim chained onto the agreed
//! commitment is the disputed one, 1 otherwise. An input that is not 32 bytes names no end
//! hash: every unit leaves the commitment unchanged (the cache accepts only 32-byte inputs).
#![no_std]
#![no_main]

use alloy_primitives::{keccak256, B256};
use axon_axiom::chain::walk_back_to_group_start;
use axon_axiom::group::{GroupClaim, GROUP_SIZE};
use axon_runtime::abi::local::INPUT;
use axon_runtime::oracle::{read_local_exact, read_preimage, read_subgame, PreimageKey, Subgame};
use axon_runtime::{entry, exit};

entry!(main);

/// The groups of one update (V0's `HISTORICAL_NUM_ROOTS`).
const UNITS: u64 = 128;

fn main() {
    let Some(Subgame { agreed, disputed, unit }) = read_subgame() else {
        exit(1);
    };
    let end_hash = read_local_exact::<32>(INPUT);
    let Some(end_hash) = end_hash.filter(|_| unit < UNITS) else {
        // No end hash, or past the update: nothing changes.
        exit(u32::from(agreed != disputed));
    };
    let anchor = if unit == 0 {
        if agreed != [0; 32] {
            exit(1);
        }
        end_hash
    } else {
        // The previous unit's `c_(u-2) ‖ abi.encode(start, prevHash, root, numFinal)`.
        let previous = read_preimage(&PreimageKey::keccak256(agreed)).read_to_end();
        if previous.len() != 160 {
            exit(1);
        }
        let mut prev_hash = [0u8; 32];
        prev_hash.copy_from_slice(&previous[64..96]);
        prev_hash
    };
    let fetch = |hash: &B256| read_preimage(&PreimageKey::keccak256(hash.0)).read_to_end();
    let claim = walk_back_to_group_start(B256::from(anchor), fetch)
        .and_then(|chain| GroupClaim::from_chain(&chain));
    match claim {
        Ok(claim) if u64::from(claim.num_final) == GROUP_SIZE => {
            let mut preimage = agreed.to_vec();
            preimage.extend_from_slice(&claim.abi_encode());
            exit(u32::from(keccak256(&preimage).0 != disputed));
        }
        _ => exit(1),
    }
}
