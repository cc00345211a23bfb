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
//! commitment, 1 otherwise. An input shorter than 4 bytes panics. The host's twin is
//! `axon_dispute::split::chain`, and `dispute/tests/split.rs` checks the two agree.
#![no_std]
#![no_main]

use axon_runtime::abi::local::INPUT;
use axon_runtime::oracle::{read_preimage, PreimageKey};
use axon_runtime::{entry, exit};
use tiny_keccak::{Hasher, Keccak};

entry!(main);

/// The local data a split game adds after the input (`DisputeGame.addLocalData`).
const AGREED: u32 = INPUT + 1;
const DISPUTED: u32 = INPUT + 2;
const UNIT: u32 = INPUT + 3;

fn main() {
    let input = read_preimage(&PreimageKey::local(INPUT)).read_to_end();
    assert!(input.len() >= 4, "unit-chain: the input is u32_be(units) ‖ seed");
    let units = u32::from_be_bytes([input[0], input[1], input[2], input[3]]);
    let seed = &input[4..];
    let agreed = word(AGREED);
    let disputed = word(DISPUTED);
    let mut unit = [0u8; 8];
    read_preimage(&PreimageKey::local(UNIT)).read_exact(&mut unit);
    let unit = u64::from_be_bytes(unit);

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

/// The 32-byte local datum `ident`.
fn word(ident: u32) -> [u8; 32] {
    let mut out = [0u8; 32];
    read_preimage(&PreimageKey::local(ident)).read_exact(&mut out);
    out
}
