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

#[derive(Serialize, Deserialize)]
struct Body {
    meta: SnapshotMeta,
    cpu: Cpu,
    code_start: u32,
    code_end: u32,
    pages: Vec<PageImage>,
}

#[derive(Serialize, Deserialize)]
struct PageImage {
    number: u32,
    #[serde(with = "serde_bytes")]
    data: Vec<u8>,
}

impl Vm {
    /// The VM as snapshot bytes, recording nothing else.
    pub fn snapshot(&self) -> Vec<u8> {
        self.snapshot_with(SnapshotMeta::default())
    }

    /// The VM as snapshot bytes, with `meta`.
    pub fn snapshot_with(&self, meta: SnapshotMeta) -> Vec<u8> {
        let code = self.code.range();
        let mut pages: Vec<PageImage> = self
            .memory
            .pages()
            .map(|(number, data)| PageImage { number, data: data.to_vec() })
            .collect();
        pages.sort_unstable_by_key(|p| p.number);
        let (code_start, code_end) = (code.start, code.end);
        framed(&Body { meta, cpu: self.cpu.clone(), code_start, code_end, pages })
    }

    /// Restores a VM from snapshot bytes, verifying them first.
    pub fn restore(bytes: &[u8], config: VmConfig) -> Result<Self> {
        Ok(Self::restore_with_meta(bytes, config)?.0)
    }

    /// Restores a VM and what the snapshot records besides it.
    pub fn restore_with_meta(bytes: &[u8], config: VmConfig) -> Result<(Self, SnapshotMeta)> {
        let body = checked_body(bytes)?;
        let (body, _): (Body, usize) =
            bincode::serde::decode_from_slice(body, bincode::config::standard())
                .map_err(|e| SnapshotError::Body(e.to_string()))?;
        if body.code_start > body.code_end {
            let (start, end) = (body.code_start, body.code_end);
            return Err(SnapshotError::Body(format!("code range {start:#x}..{end:#x}")).into());
        }
        let mut memory = Memory::new(config.max_pages);
        for page in &body.pages {
            if page.data.len() != PAGE_SIZE || page.number >= 1 << (32 - PAGE_SHIFT) {
                return Err(SnapshotError::Body(format!("malformed page {}", page.number)).into());
            }
            memory.store_bytes(page.number << PAGE_SHIFT, &page.data)?;
        }
        let code: Range<u32> = body.code_start..body.code_end;
        Ok((Vm::from_parts(body.cpu, memory, code), body.meta))
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

/// `body` encoded, between the header and the checksum.
fn framed(body: &Body) -> Vec<u8> {
    let body = bincode::serde::encode_to_vec(body, bincode::config::standard())
        .expect("encoding plain data into a Vec cannot fail");
    let mut out = Vec::with_capacity(HEADER_BYTES + body.len() + CHECKSUM_BYTES);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&SNAPSHOT_VERSION.to_le_bytes());
    out.extend_from_slice(&(body.len() as u64).to_le_bytes());
    out.extend_from_slice(&body);
    out.extend_from_slice(&keccak256(&body));
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

    #[test]
    fn code_up_to_the_top_of_memory_survives_a_snapshot() {
        let vm = Vm::from_parts(Cpu::new(0x1000), Memory::default(), 0xffff_f000..u32::MAX);
        let code = vm.code.range();
        assert!(code.start <= code.end, "{code:x?} wraps");
        let restored = Vm::restore(&vm.snapshot(), VmConfig::default()).expect("restore");
        assert_eq!(restored.code.range(), code);
        assert_eq!(restored.cpu, vm.cpu);
    }
}
