//! The runtime's keccak-256 (`axon_runtime::keccak`, one `keccak_permute` syscall per
//! 136-byte block) against tiny-keccak (keccak-f\[1600\] in RV32IM software), in the VM.
//!
//! Messages of lengths around the rate's multiples (0, 1, 135, 136, 137, 271, 272, …) are
//! hashed whole, a byte at a time and in 13-byte pieces (so updates start at every offset
//! of a lane), and through a clone of a half-fed hasher. Any disagreement panics (exit 101);
//! exit 0 means every hash agreed.
#![no_std]
#![no_main]

use axon_runtime::keccak::{keccak256, Keccak256};
use axon_runtime::{entry, println};
use tiny_keccak::Hasher;

entry!(main);

/// Lengths on both sides of the rate's multiples, and a few in between.
const LENGTHS: [usize; 22] =
    [0, 1, 3, 4, 7, 8, 31, 32, 33, 64, 100, 135, 136, 137, 200, 271, 272, 273, 300, 408, 544, 1000];

fn main() {
    let message: [u8; 1000] = core::array::from_fn(|i| (i as u32 * 131 + 7) as u8);
    for len in LENGTHS {
        let data = &message[..len];
        let want = software(data);
        assert_eq!(keccak256(data), want, "whole, {len} bytes");
        for piece in [1, 13] {
            let mut hasher = Keccak256::new();
            for chunk in data.chunks(piece) {
                hasher.update(chunk);
            }
            assert_eq!(hasher.finalize(), want, "{piece}-byte pieces, {len} bytes");
        }
        let mut first = Keccak256::default();
        first.update(&data[..len / 2]);
        let mut second = first.clone();
        second.update(&data[len / 2..]);
        first.update(&data[len / 2..]);
        assert_eq!(second.finalize(), want, "a clone, {len} bytes");
        assert_eq!(first.finalize(), want, "the original after the clone, {len} bytes");
    }
    println!("keccak-sponge: {} lengths agree", LENGTHS.len());
}

/// tiny-keccak's keccak-256 in software.
fn software(data: &[u8]) -> [u8; 32] {
    let mut hasher = tiny_keccak::Keccak::v256();
    hasher.update(data);
    let mut out = [0; 32];
    hasher.finalize(&mut out);
    out
}
