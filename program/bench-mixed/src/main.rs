//! A mixed integer benchmark workload (~150M RV32IM instructions, deterministic): the branchy,
//! memory-bound code a guest spends its time on besides hashing.
//!
//! 1. A sieve of Eratosthenes over the odd numbers below `SIEVE_LIMIT`, `SIEVE_ROUNDS` times,
//!    counting the primes (byte loads and stores, data-dependent branches).
//! 2. A SHA-256 chain of `SHA_LINKS` links over a 256-byte buffer: link `i` hashes the previous
//!    digest and the buffer, then XORs the digest into the buffer (32-bit rotates and adds).
//! 3. A Shell sort (Ciura's gaps) of `SORT_LEN` pseudo-random words seeded by the chain, then
//!    a check that the result is ordered (word loads, stores and compares).
//!
//! It prints the prime count, the chain digest and a checksum of the sorted words.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::{vec, vec::Vec};

use axon_runtime::{entry, println};
use sha2::{Digest, Sha256};

entry!(main);

/// The sieve runs over the numbers below this.
const SIEVE_LIMIT: usize = 1 << 20;
/// Times the sieve runs.
const SIEVE_ROUNDS: usize = 4;
/// Links in the SHA-256 chain.
const SHA_LINKS: usize = 4000;
/// Bytes in the buffer every link hashes.
const SHA_BUFFER: usize = 256;
/// Words the Shell sort orders.
const SORT_LEN: usize = 100_000;

/// The number of primes below `SIEVE_LIMIT`.
fn sieve() -> u32 {
    // `composite[i]` stands for the odd number 2i + 1.
    let mut composite = vec![0u8; SIEVE_LIMIT / 2];
    let mut count = 1; // 2
    for i in 1..SIEVE_LIMIT / 2 {
        if composite[i] != 0 {
            continue;
        }
        count += 1;
        let p = 2 * i + 1;
        // p² overflows a 32-bit usize for large p, whose multiples are all marked already.
        let Some(square) = p.checked_mul(p) else { continue };
        let mut multiple = square / 2;
        while multiple < SIEVE_LIMIT / 2 {
            composite[multiple] = 1;
            multiple += p;
        }
    }
    count
}

/// The last digest of the SHA-256 chain.
fn sha_chain() -> [u8; 32] {
    let mut buffer: Vec<u8> = (0..SHA_BUFFER).map(|i| (i * 11 + 5) as u8).collect();
    let mut digest = [0u8; 32];
    for link in 0..SHA_LINKS {
        let mut hasher = Sha256::new();
        hasher.update(digest);
        hasher.update(&buffer);
        digest = hasher.finalize().into();
        let at = (link * 32) % SHA_BUFFER;
        for (b, d) in buffer[at..at + 32].iter_mut().zip(digest) {
            *b ^= d;
        }
    }
    digest
}

/// Sorts `words` with Shell sort over Ciura's gap sequence (extended by ×2.25).
fn shell_sort(words: &mut [u32]) {
    let mut gaps = vec![1usize, 4, 10, 23, 57, 132, 301, 701];
    while let Some(&last) = gaps.last() {
        let next = last * 9 / 4;
        if next >= words.len() {
            break;
        }
        gaps.push(next);
    }
    for &gap in gaps.iter().rev() {
        for i in gap..words.len() {
            let value = words[i];
            let mut j = i;
            while j >= gap && words[j - gap] > value {
                words[j] = words[j - gap];
                j -= gap;
            }
            words[j] = value;
        }
    }
}

fn main() {
    let mut primes = 0;
    for _ in 0..SIEVE_ROUNDS {
        primes = sieve();
    }
    let digest = sha_chain();
    let mut state = u32::from_le_bytes([digest[0], digest[1], digest[2], digest[3]]) | 1;
    let mut words: Vec<u32> = (0..SORT_LEN)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state
        })
        .collect();
    shell_sort(&mut words);
    assert!(words.windows(2).all(|pair| pair[0] <= pair[1]), "sorted");
    let checksum = words
        .iter()
        .enumerate()
        .fold(0u32, |sum, (i, &w)| sum.rotate_left(5) ^ w.wrapping_mul(i as u32 | 1));

    let mut hex = [0u8; 64];
    for (pair, byte) in hex.chunks_exact_mut(2).zip(digest) {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        pair[0] = DIGITS[usize::from(byte >> 4)];
        pair[1] = DIGITS[usize::from(byte & 15)];
    }
    let hex = core::str::from_utf8(&hex).expect("hex digits are ASCII");
    println!("bench-mixed: {primes} primes below {SIEVE_LIMIT}, {SHA_LINKS} sha-256 links, {SORT_LEN} words sorted");
    println!("digest: {hex} checksum: {checksum:08x}");
}
