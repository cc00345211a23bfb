//! The reference application of a split dispute game (docs/dispute.md, "Split games"): a
//! chain of keccak-256 units, small enough to dispute in tests at every depth.
//!
//! The input (local datum 1, at most 32 bytes) is `u32_be(units) ‖ seed`. The commitment
//! before the first unit is zero; unit `k` turns commitment `c` into
//! `keccak256(c ‖ seed ‖ u64_be(k))` while `k < units`, and leaves it as it is after (the
//! padding of a split game's `2^SPLIT_DEPTH` units, as a halted VM pads a trace).
//!
//! One run checks one unit, as the game's execution subgame asks: it reads the agreed
//! commitment, the disputed one and the unit's number (local data 2, 3 and 4, which the game
//! serves from its claims), applies the unit and exits 0 iff the result is the disputed
//! commitment, 1 otherwise. An input shorter than 4 bytes has no units: every unit leaves the
//! commitment unchanged (a unit program must give every input the game accepts a meaning it
//! can prove, or the game's outcome would follow its depths, not the truth). The host's twin is
//! `axon_dispute::split::chain`, and `dispute/tests/split.rs` checks the two agree.
#![no_std]
#![no_main]

use axon_runtime::abi::local::INPUT;
use axon_runtime::oracle::{read_preimage, read_subgame, PreimageKey, Subgame};
use axon_runtime::{entry, exit};
use tiny_keccak::{Hasher, Keccak};

entry!(main);

fn main() {
    let input = read_preimage(&PreimageKey::local(INPUT)).read_to_end();
    let Some(Subgame { agreed, disputed, unit }) = read_subgame() else {
        exit(1);
    };
    let (units, seed) = match input.split_first_chunk::<4>() {
        Some((units, seed)) => (u32::from_be_bytes(*units), seed),
        None => (0, &[][..]),
    };

    let next = if unit < u64::from(units) {
        let mut hasher = Keccak::v256();
        hasher.update(&agreed);
        hasher.update(seed);
        hasher.update(&unit.to_be_bytes());
        let mut out = [0u8; 32];
        hasher.finalize(&mut out);
        out
    } else {
        agreed
    };
    exit(u32::from(next != disputed));
}
