//! Snapshots: the whole VM at one step, as bytes, checked on the way back in.
//!
//! File layout: `b"AXONSNAP"`, a little-endian `u32` format version, a little-endian `u64`
//! body length, the body (bincode of the CPU state, the code range and every touched page in
//! page order), and keccak-256 of the body. A wrong magic, version, length or checksum is a
//! [`SnapshotError`]; a snapshot is never resumed on faith. The Merkle tree is not stored: it
//! is recomputed (in parallel) on restore, which is also a check of the stored pages.
//!
//! The program input is host data, not VM state, yet a run resumed with another input than it
//! was started with goes wrong in ways the guest cannot explain. A snapshot can therefore
//! record the input's keccak-256 ([`SnapshotMeta`]); whoever resumes it compares.

use std::borrow::Cow;
use std::ops::Range;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::memory::{Memory, PAGE_SHIFT, PAGE_SIZE};
use crate::merkle::{keccak256, Hash};
use crate::state::Cpu;
use crate::vm::{Vm, VmConfig};

const MAGIC: &[u8; 8] = b"AXONSNAP";
/// The snapshot format version (2: with [`SnapshotMeta`]).
pub const SNAPSHOT_VERSION: u32 = 2;
const HEADER_BYTES: usize = MAGIC.len() + 4 + 8;
const CHECKSUM_BYTES: usize = 32;

/// Why bytes are not a usable snapshot.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnapshotError {
    /// Shorter than the fixed header and checksum.
    #[error("{0} bytes is too short for a snapshot")]
    TooShort(usize),
    /// Not a snapshot file.
    #[error("not an Axon snapshot (bad magic)")]
    BadMagic,
    /// Written by another format version.
    #[error("snapshot format version {0}, this build reads version {SNAPSHOT_VERSION}")]
    Version(u32),
    /// The body length does not match the file.
    #[error("snapshot body should be {declared} bytes but {actual} are present (truncated?)")]
    Length {
        /// The length in the header.
        declared: u64,
        /// The bytes actually present.
        actual: usize,
    },
    /// The checksum does not match the body.
    #[error("snapshot checksum mismatch: the file is corrupt")]
    Checksum,
    /// The body does not decode.
    #[error("snapshot body does not decode: {0}")]
    Body(String),
}

/// What a snapshot records besides the VM.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotMeta {
    /// keccak-256 of the program input (local datum 1) the run read, when recorded.
    pub input_hash: Option<Hash>,
}

impl SnapshotMeta {
    /// The metadata of a run that reads `input` as its program input.
    pub fn with_input(input: &[u8]) -> Self {
        Self { input_hash: Some(keccak256(input)) }
    }
}

/// A snapshot's body. Its pages are borrowed: from memory to encode, from the snapshot's
/// bytes when decoded.
#[derive(Serialize, Deserialize)]
struct Body<'a> {
    meta: SnapshotMeta,
    cpu: Cpu,
    code_start: u32,
    code_end: u32,
    #[serde(borrow)]
    pages: Vec<PageImage<'a>>,
}

#[derive(Serialize, Deserialize)]
struct PageImage<'a> {
    number: u32,
    #[serde(borrow, with = "serde_bytes")]
    data: Cow<'a, [u8]>,
}

impl Vm {
    /// The VM as snapshot bytes, recording nothing else.
    pub fn snapshot(&self) -> Vec<u8> {
        self.snapshot_with(SnapshotMeta::default())
    }

    /// The VM as snapshot bytes, with `meta`.
    pub fn snapshot_with(&self, meta: SnapshotMeta) -> Vec<u8> {
        encode(meta, &self.cpu, self.code.range(), self.memory.pages())
    }

    /// Restores a VM from snapshot bytes, verifying them first.
    pub fn restore(bytes: &[u8], config: VmConfig) -> Result<Self> {
        Ok(Self::restore_with_meta(bytes, config)?.0)
    }

    /// Restores a VM and what the snapshot records besides it.
    pub fn restore_with_meta(bytes: &[u8], config: VmConfig) -> Result<(Self, SnapshotMeta)> {
        let body = checked_body(bytes)?;
        let (body, _): (Body<'_>, usize) =
            bincode::serde::borrow_decode_from_slice(body, bincode::config::standard())
                .map_err(|e| SnapshotError::Body(e.to_string()))?;
        if body.code_start > body.code_end {
            let (start, end) = (body.code_start, body.code_end);
            return Err(SnapshotError::Body(format!("code range {start:#x}..{end:#x}")).into());
        }
        let pages = body.pages.iter().map(|page| (page.number, &page.data[..]));
        let code: Range<u32> = body.code_start..body.code_end;
        Ok((Vm::from_pages(body.cpu, pages, code, config)?, body.meta))
    }

    /// A VM in state `cpu` whose memory holds `pages` (`(page number, bytes)`, each page whole,
    /// the rest zero), with its code cache over `code`.
    pub(crate) fn from_pages<'a>(
        cpu: Cpu,
        pages: impl Iterator<Item = (u32, &'a [u8])>,
        code: Range<u32>,
        config: VmConfig,
    ) -> Result<Self> {
        let mut memory = Memory::new(config.max_pages);
        for (number, data) in pages {
            if data.len() != PAGE_SIZE || number >= 1 << (32 - PAGE_SHIFT) {
                return Err(SnapshotError::Body(format!("malformed page {number}")).into());
            }
            memory.store_bytes(number << PAGE_SHIFT, data)?;
        }
        Ok(Vm::from_parts(cpu, memory, code, config))
    }

    /// Writes a snapshot file.
    pub fn save_snapshot(&self, path: &Path) -> Result<()> {
        self.save_snapshot_with(path, SnapshotMeta::default())
    }

    /// Writes a snapshot file with `meta`.
    pub fn save_snapshot_with(&self, path: &Path, meta: SnapshotMeta) -> Result<()> {
        std::fs::write(path, self.snapshot_with(meta)).map_err(|e| Error::io(path, e))
    }

    /// Reads and verifies a snapshot file.
    pub fn load_snapshot(path: &Path, config: VmConfig) -> Result<Self> {
        Ok(Self::load_snapshot_with_meta(path, config)?.0)
    }

    /// Reads and verifies a snapshot file, and what it records besides the VM.
    pub fn load_snapshot_with_meta(path: &Path, config: VmConfig) -> Result<(Self, SnapshotMeta)> {
        let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Self::restore_with_meta(&bytes, config)
    }
}

/// The snapshot bytes of a VM in state `cpu`, with its code cache over `code` and `pages`
/// (`(page number, bytes)`, in any order) in memory.
pub(crate) fn encode<'a>(
    meta: SnapshotMeta,
    cpu: &Cpu,
    code: Range<u32>,
    pages: impl Iterator<Item = (u32, &'a [u8; PAGE_SIZE])>,
) -> Vec<u8> {
    let mut pages: Vec<PageImage<'_>> =
        pages.map(|(number, data)| PageImage { number, data: Cow::Borrowed(data) }).collect();
    pages.sort_unstable_by_key(|p| p.number);
    let (code_start, code_end) = (code.start, code.end);
    framed(&Body { meta, cpu: cpu.clone(), code_start, code_end, pages })
}

/// `body` encoded, between the header and the checksum.
fn framed(body: &Body<'_>) -> Vec<u8> {
    // Room for the pages, their numbers and lengths (at most 16 bytes each), and the rest of
    // the body (the CPU state is about 200): encoding then never reallocates.
    let pages: usize = body.pages.iter().map(|page| page.data.len() + 16).sum();
    let mut out = Vec::with_capacity(HEADER_BYTES + 512 + pages + CHECKSUM_BYTES);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
    out.extend_from_slice(&[0; 8]); // the body's length, once known
    bincode::serde::encode_into_std_write(body, &mut out, bincode::config::standard())
        .expect("encoding plain data into a Vec cannot fail");
    let len = out.len() - HEADER_BYTES;
    out[HEADER_BYTES - 8..HEADER_BYTES].copy_from_slice(&(len as u64).to_le_bytes());
    let checksum = keccak256(&out[HEADER_BYTES..]);
    out.extend_from_slice(&checksum);
    out
}

fn checked_body(bytes: &[u8]) -> Result<&[u8], SnapshotError> {
    if bytes.len() < HEADER_BYTES + CHECKSUM_BYTES {
        return Err(SnapshotError::TooShort(bytes.len()));
    }
    if &bytes[..MAGIC.len()] != MAGIC {
        return Err(SnapshotError::BadMagic);
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != SNAPSHOT_VERSION {
        return Err(SnapshotError::Version(version));
    }
    let declared = u64::from_le_bytes(bytes[12..20].try_into().expect("8 bytes"));
    let actual = bytes.len() - HEADER_BYTES - CHECKSUM_BYTES;
    if declared != actual as u64 {
        return Err(SnapshotError::Length { declared, actual });
    }
    let (body, checksum) = bytes[HEADER_BYTES..].split_at(actual);
    if keccak256(body) != checksum {
        return Err(SnapshotError::Checksum);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_range_that_ends_before_it_starts_is_a_clear_error() {
        let body = Body {
            meta: SnapshotMeta::default(),
            cpu: Cpu::new(0x1000),
            code_start: 0x2000,
            code_end: 0x1000,
            pages: Vec::new(),
        };
        let err = Vm::restore(&framed(&body), VmConfig::default()).expect_err("reversed range");
        assert!(err.to_string().contains("code range 0x2000..0x1000"), "{err}");
    }

    /// The format is what other builds read: a change to these bytes needs a new version.
    /// (The length and hash are those the encoder before borrowed pages wrote, at b2b71c0.)
    #[test]
    fn the_snapshot_bytes_are_those_of_format_version_2() {
        let mut memory = Memory::default();
        memory.store_bytes(0x1_0ffc, b"spans two pages").expect("store");
        memory.store_u32(0x8000_0000, 0xdead_beef).expect("store");
        let mut cpu = Cpu::new(0x1000);
        cpu.regs[5] = 7;
        cpu.step = 42;
        let vm = Vm::from_parts(cpu, memory, 0x1000..0x2000, VmConfig::default());
        let meta = SnapshotMeta::with_input(b"input");
        let bytes = vm.snapshot_with(meta);
        assert_eq!(bytes.len(), 12_466);
        assert_eq!(
            hex::encode(keccak256(&bytes)),
            "136894abe8361963bfda5a081b9677828dc9e5a0e08404164f68ebe4aa99205c"
        );
    }

    #[test]
    fn code_up_to_the_top_of_memory_survives_a_snapshot() {
        let config = VmConfig::default();
        let vm = Vm::from_parts(Cpu::new(0x1000), Memory::default(), 0xffff_f000..u32::MAX, config);
        let code = vm.code.range();
        assert!(code.start <= code.end, "{code:x?} wraps");
        let restored = Vm::restore(&vm.snapshot(), VmConfig::default()).expect("restore");
        assert_eq!(restored.code.range(), code);
        assert_eq!(restored.cpu, vm.cpu);
    }
}
