//! The preimage-oracle client and the hint writer (fds 4, 5 and 6 of `docs/spec.md`).
//!
//! Data enters the VM only by key. [`read_preimage`] writes a 32-byte [`PreimageKey`] to fd 6,
//! then reads the stream `u64_be(len) ‖ data` from fd 5: [`PreimageReader`] returns the length
//! and the data. The VM moves at most one 32-byte memory leaf per syscall, and never across a
//! 32-byte chunk of the stream, so both directions loop.
//!
//! ```ignore
//! use axon_runtime::oracle::{read_preimage, PreimageKey};
//!
//! let mut input = read_preimage(&PreimageKey::local(axon_abi::local::INPUT));
//! let mut buf = [0u8; 64];
//! let n = input.read(&mut buf);
//! ```
//!
//! There is one key per machine: setting a key (another [`read_preimage`], or [`set_key`])
//! restarts the stream, and a reader made before then panics if it is used again.

use core::sync::atomic::{AtomicU32, Ordering::Relaxed};

use axon_abi::{
    fd::{HINT_WRITE, PREIMAGE_READ, PREIMAGE_WRITE},
    PreimageKeyType,
};

use crate::syscall;

/// A 32-byte preimage key; its first byte is the key type ([`PreimageKeyType`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PreimageKey(pub [u8; 32]);

impl PreimageKey {
    /// A local key: `0x01 ‖ index` as a 31-byte big-endian number (per-game inputs; see
    /// [`axon_abi::local`]).
    pub const fn local(index: u32) -> Self {
        let mut key = [0; 32];
        key[0] = PreimageKeyType::Local as u8;
        let be = index.to_be_bytes();
        key[28] = be[0];
        key[29] = be[1];
        key[30] = be[2];
        key[31] = be[3];
        Self(key)
    }

    /// A keccak-256 key from the data's precomputed hash: `0x02 ‖ hash[1..32]`.
    pub const fn keccak256(hash: [u8; 32]) -> Self {
        Self::typed(PreimageKeyType::Keccak256, hash)
    }

    /// A Merkle-chunked blob key from the stream's memory Merkle root: `0x81 ‖ root[1..32]`.
    pub const fn blob(root: [u8; 32]) -> Self {
        Self::typed(PreimageKeyType::Blob, root)
    }

    /// `hash` with its first byte replaced by `ty`.
    const fn typed(ty: PreimageKeyType, hash: [u8; 32]) -> Self {
        let mut key = hash;
        key[0] = ty as u8;
        Self(key)
    }

    /// The key's type, if its first byte is a known one.
    pub const fn key_type(&self) -> Option<PreimageKeyType> {
        PreimageKeyType::from_byte(self.0[0])
    }

    /// The raw key.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// A leaf-aligned 32-byte buffer: one syscall moves all of it.
#[repr(C, align(32))]
struct Leaf([u8; 32]);

/// Counts [`set_key`] calls, so a stale [`PreimageReader`] is caught (one hart: plain loads
/// and stores suffice; no compare-and-swap is needed).
static KEY_GENERATION: AtomicU32 = AtomicU32::new(0);

/// Makes `key` the VM's current preimage key and restarts its stream at offset 0.
///
/// Each `write` to fd 6 accepts at most `32 - buf % 32` bytes; the key is copied to a
/// 32-byte-aligned buffer first, so this is one syscall.
///
/// # Panics
/// If fd 6 refuses the key (a host without a preimage oracle).
pub fn set_key(key: &[u8; 32]) {
    KEY_GENERATION.store(KEY_GENERATION.load(Relaxed).wrapping_add(1), Relaxed);
    let leaf = Leaf(*key);
    let mut rest = &leaf.0[..];
    while !rest.is_empty() {
        match syscall::write(PREIMAGE_WRITE, rest) {
            Ok(n) if n > 0 => rest = &rest[n.min(rest.len())..],
            Ok(_) => panic!("preimage oracle: fd 6 accepted no key bytes"),
            Err(e) => panic!("preimage oracle unavailable: writing the key to fd 6: {e}"),
        }
    }
}

/// Sets `key` and reads the length of its data: the returned reader yields the data.
///
/// # Panics
/// If the oracle is unavailable or its stream ends inside the 8-byte length.
pub fn read_preimage(key: &PreimageKey) -> PreimageReader {
    set_key(key.as_bytes());
    let mut reader =
        PreimageReader { len: 0, remaining: 8, generation: KEY_GENERATION.load(Relaxed) };
    let mut len = Leaf([0; 32]);
    reader.read_exact(&mut len.0[..8]);
    let len = u64::from_be_bytes([
        len.0[0], len.0[1], len.0[2], len.0[3], len.0[4], len.0[5], len.0[6], len.0[7],
    ]);
    reader.len = len;
    reader.remaining = len;
    reader
}

/// The data of the current preimage, read from fd 5 after its 8-byte length.
///
/// Data byte `i` is at stream offset `8 + i`; a buffer whose address is `8 (mod 32)` lines
/// the stream's 32-byte chunks up with memory leaves, so each syscall moves a whole chunk.
#[derive(Debug)]
pub struct PreimageReader {
    /// The data's length in bytes.
    len: u64,
    /// Bytes not yet read.
    remaining: u64,
    /// The [`set_key`] this reader belongs to.
    generation: u32,
}

impl PreimageReader {
    /// The data's length in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether the data is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Bytes not yet read.
    pub fn remaining(&self) -> u64 {
        self.remaining
    }

    /// Fills the front of `buf` with the next data bytes; returns how many (fewer than
    /// `buf.len()` only at the end of the data).
    ///
    /// # Panics
    /// If another key was set since this reader was made, if the oracle is unavailable, or
    /// if its stream ends before the length it announced.
    pub fn read(&mut self, buf: &mut [u8]) -> usize {
        assert!(
            self.generation == KEY_GENERATION.load(Relaxed),
            "preimage oracle: reader used after another key was set"
        );
        let want = buf.len().min(usize::try_from(self.remaining).unwrap_or(usize::MAX));
        let mut done = 0;
        while done < want {
            match syscall::read(PREIMAGE_READ, &mut buf[done..want]) {
                Ok(n) if n > 0 => done += n.min(want - done),
                Ok(_) => panic!(
                    "preimage oracle: stream ended {} bytes early",
                    self.remaining - done as u64
                ),
                Err(e) => panic!("preimage oracle unavailable: reading fd 5: {e}"),
            }
        }
        self.remaining -= done as u64;
        done
    }

    /// Fills all of `buf`.
    ///
    /// # Panics
    /// As [`read`](Self::read), and if fewer than `buf.len()` bytes remain.
    pub fn read_exact(&mut self, buf: &mut [u8]) {
        assert!(
            buf.len() as u64 <= self.remaining,
            "preimage oracle: {} bytes asked, {} remain",
            buf.len(),
            self.remaining
        );
        self.read(buf);
    }

    /// Reads the rest of the data into a vector.
    ///
    /// # Panics
    /// As [`read`](Self::read), and if the rest does not fit in memory.
    pub fn read_to_end(mut self) -> alloc::vec::Vec<u8> {
        let len = usize::try_from(self.remaining).expect("preimage larger than the address space");
        let mut data = alloc::vec![0; len];
        self.read(&mut data);
        data
    }
}

/// Sends `hint` to the host's hint handler on fd 4 (free for the state: it changes nothing).
///
/// # Panics
/// If fd 4 refuses the bytes.
pub fn hint(mut hint: &[u8]) {
    while !hint.is_empty() {
        match syscall::write(HINT_WRITE, hint) {
            Ok(n) if n > 0 => hint = &hint[n.min(hint.len())..],
            Ok(_) => panic!("hint channel: fd 4 accepted no bytes"),
            Err(e) => panic!("hint channel unavailable: writing fd 4: {e}"),
        }
    }
}

/// The local datum `ident` if it is exactly `N` bytes (`None` otherwise: a game's local data
/// is whatever its extra data holds, which a guest must not assume).
pub fn read_local_exact<const N: usize>(ident: u32) -> Option<[u8; N]> {
    let mut reader = read_preimage(&PreimageKey::local(ident));
    if reader.len() != N as u64 {
        return None;
    }
    let mut out = [0u8; N];
    reader.read_exact(&mut out);
    Some(out)
}

/// What a split game serves the execution of one disputed unit (`docs/dispute.md`, "Split
/// games"; local data [`axon_abi::local::AGREED`], `DISPUTED` and `UNIT` after the input).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subgame {
    /// The commitment before the disputed unit (zero before the first).
    pub agreed: [u8; 32],
    /// The commitment after it.
    pub disputed: [u8; 32],
    /// The unit's number.
    pub unit: u64,
}

/// The subgame of the execution running, or `None` if a datum has another size than the game
/// serves (no split game's execution).
pub fn read_subgame() -> Option<Subgame> {
    use axon_abi::local::{AGREED, DISPUTED, UNIT};
    Some(Subgame {
        agreed: read_local_exact(AGREED)?,
        disputed: read_local_exact(DISPUTED)?,
        unit: u64::from_be_bytes(read_local_exact(UNIT)?),
    })
}

/// The program input read through its hash: local key 1 ([`axon_abi::local::INPUT`]) holds
/// the keccak-256 of the real input, which is read by that keccak key. This is how a guest
/// takes input of any length while a game's local data stays one word. `None` if the local
/// input is not 32 bytes.
pub fn read_hashed_input() -> Option<alloc::vec::Vec<u8>> {
    let local = read_preimage(&PreimageKey::local(axon_abi::local::INPUT)).read_to_end();
    let hash = <[u8; 32]>::try_from(local.as_slice()).ok()?;
    Some(read_preimage(&PreimageKey::keccak256(hash)).read_to_end())
}
