//! The Axon benchmark workload (~150M RV32IM instructions, deterministic).
//!
//! 1. A keccak-256 chain over a heap buffer: link `i` hashes the previous digest followed by
//!    the buffer, then XORs its digest into the buffer (so the memory changes as it goes).
//! 2. `MATRIX_ROUNDS` products of 64x64 `i32` matrices (wrapping arithmetic), each product
//!    becoming the next left operand; both operands are filled from the chain's digest.
//! 3. The final digest is keccak-256 of the chain digest and the last product; it is printed
//!    in hex to stdout.
//!
//! The counts are constants below. Measured on this ELF: one chain link (8 keccak-f1600
//! permutations, 64-bit lanes on a 32-bit core) costs about 141k instructions, one matrix
//! product about 2.4M; 900 links and 8 products make about 147M.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::{vec, vec::Vec};

use axon_runtime::{entry, println};
use tiny_keccak::{Hasher, Keccak};

entry!(main);

/// Bytes in the heap buffer every chain link hashes (1,024 + 32 digest bytes = 8
/// permutations per link at keccak-256's 136-byte rate).
const BUFFER_BYTES: usize = 1024;
/// Links in the keccak chain.
const CHAIN_LINKS: usize = 900;
/// Side of the square matrices.
const MATRIX_N: usize = 64;
/// Matrix products.
const MATRIX_ROUNDS: usize = 8;

/// keccak-256 of the concatenation of `parts`.
fn keccak256(parts: &[&[u8]]) -> [u8; 32] {
    let mut hasher = Keccak::v256();
    for part in parts {
        hasher.update(part);
    }
    let mut digest = [0; 32];
    hasher.finalize(&mut digest);
    digest
}

/// Runs the keccak chain; returns the last digest.
fn keccak_chain() -> [u8; 32] {
    // Deterministic, non-trivial contents: byte i = i * 7 + 3 (mod 256).
    let mut buffer: Vec<u8> = (0..BUFFER_BYTES).map(|i| (i * 7 + 3) as u8).collect();
    let mut digest = [0; 32];
    for link in 0..CHAIN_LINKS {
        digest = keccak256(&[&digest, &buffer]);
        let at = (link * 32) % BUFFER_BYTES;
        for (b, d) in buffer[at..at + 32].iter_mut().zip(digest) {
            *b ^= d;
        }
    }
    digest
}

/// `c = a * b` for row-major `MATRIX_N` x `MATRIX_N` matrices, wrapping on overflow.
fn matmul(a: &[i32], b: &[i32], c: &mut [i32]) {
    for (a_row, c_row) in a.chunks_exact(MATRIX_N).zip(c.chunks_exact_mut(MATRIX_N)) {
        c_row.fill(0);
        for (&a_ik, b_row) in a_row.iter().zip(b.chunks_exact(MATRIX_N)) {
            for (c_ij, &b_kj) in c_row.iter_mut().zip(b_row) {
                *c_ij = c_ij.wrapping_add(a_ik.wrapping_mul(b_kj));
            }
        }
    }
}

/// A matrix of small signed entries drawn from a xorshift generator seeded with `seed`.
fn matrix(seed: u32) -> Vec<i32> {
    let mut state = seed | 1;
    (0..MATRIX_N * MATRIX_N)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state % 255) as i32 - 127
        })
        .collect()
}

/// Runs `MATRIX_ROUNDS` products; returns the last one.
fn matrix_rounds(seed: [u8; 32]) -> Vec<i32> {
    let word = |i: usize| u32::from_le_bytes([seed[i], seed[i + 1], seed[i + 2], seed[i + 3]]);
    let mut a = matrix(word(0));
    let b = matrix(word(4));
    let mut c = vec![0; MATRIX_N * MATRIX_N];
    for _ in 0..MATRIX_ROUNDS {
        matmul(&a, &b, &mut c);
        core::mem::swap(&mut a, &mut c);
    }
    a
}

fn main() {
    let chain = keccak_chain();
    let product = matrix_rounds(chain);
    let bytes: Vec<u8> = product.iter().flat_map(|v| v.to_le_bytes()).collect();
    let digest = keccak256(&[&chain, &bytes]);

    let mut hex = [0u8; 64];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(digest) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 15)];
    }
    let hex = core::str::from_utf8(&hex).expect("hex digits are ASCII");
    println!("bench-keccak: {CHAIN_LINKS} links over {BUFFER_BYTES} bytes, {MATRIX_ROUNDS} products of {MATRIX_N}x{MATRIX_N}");
    println!("digest: {hex}");
}
