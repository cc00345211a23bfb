//! keccak-256 on the VM's `keccak_permute` accelerator.
//!
//! In RV32IM software one keccak-f\[1600\] costs about 16,000 steps (tiny-keccak's); the
//! syscall does it in one step (`docs/spec.md`, "Syscalls"). The sponge around it — absorbing
//! the rate's 136 bytes, the padding, the squeeze — stays here in the guest, which makes a
//! keccak-256 of one block cost a few hundred steps.
//!
//! With the `native-keccak` feature the runtime also exports `native_keccak256`, the hook
//! through which alloy-primitives' `keccak256` (built with its own `native-keccak` feature)
//! hashes: revm, the tries and the transaction codecs then all use the accelerator.

use axon_abi::layout::{KECCAK_BLOCK_BYTES, KECCAK_STATE_BYTES};
use axon_abi::syscall::KECCAK_PERMUTE;

/// Bytes absorbed per permutation by keccak-256 (1600 - 2 × 256 bits).
const RATE: usize = 136;

/// The block `keccak_permute` works on: the 200-byte state (25 little-endian lanes), then
/// bytes the syscall leaves alone, aligned as the syscall requires.
#[repr(C, align(256))]
#[derive(Clone)]
struct Block([u8; KECCAK_BLOCK_BYTES as usize]);

const _: () = assert!(core::mem::align_of::<Block>() == KECCAK_BLOCK_BYTES as usize);
const _: () = assert!(RATE < KECCAK_STATE_BYTES as usize);

impl Block {
    /// keccak-f\[1600\] on the state, by the syscall.
    #[inline]
    fn permute(&mut self) {
        let ret: u32;
        // SAFETY: the syscall reads and writes exactly the 256 bytes of `self`, which is
        // aligned to 256 bytes, and changes no register but `a0`.
        unsafe {
            core::arch::asm!(
                "ecall",
                in("a7") KECCAK_PERMUTE,
                inlateout("a0") self.0.as_mut_ptr() as u32 => ret,
                options(nostack, preserves_flags),
            );
        }
        debug_assert_eq!(ret, 0, "keccak_permute takes an aligned block");
    }
}

/// An incremental keccak-256 (Ethereum's, with the original `0x01` padding).
#[derive(Clone)]
pub struct Keccak256 {
    block: Block,
    /// Bytes of the current rate absorbed so far (`0..RATE`).
    pos: usize,
}

impl Default for Keccak256 {
    fn default() -> Self {
        Self::new()
    }
}

impl Keccak256 {
    /// An empty hasher.
    pub const fn new() -> Self {
        Self { block: Block([0; KECCAK_BLOCK_BYTES as usize]), pos: 0 }
    }

    /// Absorbs `data`.
    pub fn update(&mut self, mut data: &[u8]) {
        while !data.is_empty() {
            let n = data.len().min(RATE - self.pos);
            let (chunk, rest) = data.split_at(n);
            let state = &mut self.block.0[self.pos..self.pos + n];
            if self.pos.is_multiple_of(4) && n.is_multiple_of(4) {
                // Word by word: the state is 4-aligned here, the message need not be.
                for (lane, bytes) in state.chunks_exact_mut(4).zip(chunk.chunks_exact(4)) {
                    let word = u32::from_le_bytes(lane.try_into().expect("4 bytes"))
                        ^ u32::from_le_bytes(bytes.try_into().expect("4 bytes"));
                    lane.copy_from_slice(&word.to_le_bytes());
                }
            } else {
                for (byte, b) in state.iter_mut().zip(chunk) {
                    *byte ^= b;
                }
            }
            self.pos += n;
            if self.pos == RATE {
                self.block.permute();
                self.pos = 0;
            }
            data = rest;
        }
    }

    /// Pads, permutes and returns the hash.
    pub fn finalize(mut self) -> [u8; 32] {
        self.block.0[self.pos] ^= 0x01;
        self.block.0[RATE - 1] ^= 0x80;
        self.block.permute();
        let mut out = [0; 32];
        out.copy_from_slice(&self.block.0[..32]);
        out
    }
}

/// The keccak-256 of `data`.
pub fn keccak256(data: &[u8]) -> [u8; 32] {
    let mut hasher = Keccak256::new();
    hasher.update(data);
    hasher.finalize()
}

/// alloy-primitives' `native-keccak` hook: writes the keccak-256 of `len` bytes at `bytes` to
/// the 32 bytes at `output`.
///
/// # Safety
/// `bytes` must be readable for `len` bytes and `output` writable for 32, as alloy's caller
/// guarantees.
#[cfg(feature = "native-keccak")]
#[no_mangle]
pub unsafe extern "C" fn native_keccak256(bytes: *const u8, len: usize, output: *mut u8) {
    // SAFETY: the caller vouches for both buffers.
    let (data, out) = unsafe {
        (core::slice::from_raw_parts(bytes, len), core::slice::from_raw_parts_mut(output, 32))
    };
    out.copy_from_slice(&keccak256(data));
}
