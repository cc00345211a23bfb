//! Greets, then reads the program input (the local preimage `axon_abi::local::INPUT`,
//! through the preimage oracle) and prints its length and the sum of its bytes mod 2^32.
#![no_std]
#![no_main]

use axon_runtime::{
    abi::local::INPUT,
    entry,
    oracle::{read_preimage, PreimageKey},
    println,
};

entry!(main);

/// Bytes read per round of oracle calls.
const CHUNK: usize = 1024;

/// A 32-byte-aligned buffer.
#[repr(C, align(32))]
struct Chunk([u8; CHUNK + 8]);

fn main() {
    println!("hello from axon");

    let mut input = read_preimage(&PreimageKey::local(INPUT));
    let mut chunk = Chunk([0; CHUNK + 8]);
    // Data byte `i` is at stream offset `8 + i`: a buffer at 8 (mod 32) lines the stream's
    // 32-byte chunks up with memory leaves, so each syscall moves 32 bytes.
    let buf = &mut chunk.0[8..];
    let mut sum = 0u32;
    while input.remaining() > 0 {
        let n = input.read(buf);
        sum = buf[..n].iter().fold(sum, |sum, &b| sum.wrapping_add(u32::from(b)));
    }
    println!("input: {} bytes, checksum {sum:#010x}", input.len());
}
