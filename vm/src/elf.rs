//! Loading bare-metal RV32 ELF executables.
//!
//! goblin parses; this module decides what the VM accepts: 32-bit little-endian RISC-V
//! executables without the compressed extension or a hardware-float ABI, whose PT_LOAD
//! segments lie inside the file, fit the 32-bit address space and do not overlap. Anything
//! else is an [`ElfError`] that names the problem. Symbols are kept for tracing.

use goblin::elf::header::{EM_RISCV, ET_EXEC};
use goblin::elf::program_header::{PF_X, PT_LOAD};
use goblin::elf::section_header::SHF_EXECINSTR;
use goblin::elf::sym::STT_FUNC;
use goblin::elf::Elf;

/// `e_flags` bit: the program uses compressed instructions.
const EF_RISCV_RVC: u32 = 0x1;
/// `e_flags` bits: the float ABI (0 = soft float).
const EF_RISCV_FLOAT_ABI: u32 = 0x6;

/// Why a file is not a loadable program.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ElfError {
    /// goblin could not parse the file.
    #[error("not a parsable ELF file: {0}")]
    Parse(String),
    /// A 64-bit ELF.
    #[error("64-bit ELF; the VM runs RV32 programs")]
    Not32Bit,
    /// A big-endian ELF.
    #[error("big-endian ELF; RISC-V is little-endian")]
    BigEndian,
    /// Built for another processor.
    #[error("machine type {0} is not RISC-V ({EM_RISCV})")]
    WrongMachine(u16),
    /// Not an executable (a relocatable object or shared library).
    #[error("ELF type {0} is not an executable (ET_EXEC)")]
    NotExecutable(u16),
    /// Built with the C extension.
    #[error("built with compressed instructions (RVC); the VM runs RV32IM only")]
    Compressed,
    /// Built for a hardware-float ABI.
    #[error("built for a hardware floating-point ABI; the VM runs RV32IM only (soft float)")]
    HardFloat,
    /// The entry point is not 4-byte aligned.
    #[error("entry point {0:#010x} is not 4-byte aligned")]
    MisalignedEntry(u64),
    /// No PT_LOAD segment.
    #[error("no loadable (PT_LOAD) segment")]
    NoLoadableSegments,
    /// A segment's file bytes lie outside the file.
    #[error("segment {index} reads bytes {start}..{end} but the file has {file_len}")]
    Truncated {
        /// The program header's index.
        index: usize,
        /// First byte in the file.
        start: u64,
        /// One past the last byte in the file.
        end: u64,
        /// The file's length.
        file_len: usize,
    },
    /// A segment has more file bytes than memory bytes.
    #[error("segment {index} has p_filesz {filesz} > p_memsz {memsz}")]
    FileSizeExceedsMemSize {
        /// The program header's index.
        index: usize,
        /// File bytes.
        filesz: u64,
        /// Memory bytes.
        memsz: u64,
    },
    /// A segment wraps around or lies beyond the 32-bit address space.
    #[error(
        "segment {index} at {vaddr:#x} with {memsz} bytes does not fit the 32-bit address space"
    )]
    OutOfAddressSpace {
        /// The program header's index.
        index: usize,
        /// Load address.
        vaddr: u64,
        /// Memory bytes.
        memsz: u64,
    },
    /// Two segments overlap in memory.
    #[error("segments {first} and {second} overlap in memory")]
    Overlap {
        /// One segment.
        first: usize,
        /// The other.
        second: usize,
    },
}

/// A PT_LOAD segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    /// Load address.
    pub vaddr: u32,
    /// Bytes in memory (file bytes, then zeros).
    pub mem_size: u32,
    /// The bytes from the file.
    pub data: Vec<u8>,
    /// Whether the segment is executable.
    pub executable: bool,
}

/// A function symbol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// The symbol's name, as in the file (mangled).
    pub name: String,
    /// Start address.
    pub addr: u32,
    /// Size in bytes (0 when unknown).
    pub size: u32,
}

impl Symbol {
    /// The name demangled (Rust's legacy and v0 schemes; without the hash suffix), or as it
    /// is when it is not a mangled Rust name.
    pub fn demangled(&self) -> String {
        format!("{:#}", rustc_demangle::demangle(&self.name))
    }
}

/// A loadable program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// The entry point.
    pub entry: u32,
    /// PT_LOAD segments, ordered by address.
    pub segments: Vec<Segment>,
    /// Address ranges of executable code: sections with SHF_EXECINSTR, or executable
    /// segments when the file has no section headers.
    pub code: Vec<std::ops::Range<u32>>,
    /// Function symbols, ordered by address.
    pub symbols: Vec<Symbol>,
}

impl Program {
    /// Parses and validates an RV32 executable.
    pub fn parse(bytes: &[u8]) -> Result<Self, ElfError> {
        let elf = Elf::parse(bytes).map_err(|e| ElfError::Parse(e.to_string()))?;
        if elf.is_64 {
            return Err(ElfError::Not32Bit);
        }
        if !elf.little_endian {
            return Err(ElfError::BigEndian);
        }
        if elf.header.e_machine != EM_RISCV {
            return Err(ElfError::WrongMachine(elf.header.e_machine));
        }
        if elf.header.e_type != ET_EXEC {
            return Err(ElfError::NotExecutable(elf.header.e_type));
        }
        if elf.header.e_flags & EF_RISCV_RVC != 0 {
            return Err(ElfError::Compressed);
        }
        if elf.header.e_flags & EF_RISCV_FLOAT_ABI != 0 {
            return Err(ElfError::HardFloat);
        }
        if elf.entry % 4 != 0 || elf.entry > u64::from(u32::MAX) {
            return Err(ElfError::MisalignedEntry(elf.entry));
        }

        let mut segments = Vec::new();
        let mut spans: Vec<(u64, u64, usize)> = Vec::new();
        for (index, ph) in elf.program_headers.iter().enumerate() {
            if ph.p_type != PT_LOAD {
                continue;
            }
            let start = ph.p_offset;
            let end = start.saturating_add(ph.p_filesz);
            if end > bytes.len() as u64 {
                return Err(ElfError::Truncated { index, start, end, file_len: bytes.len() });
            }
            if ph.p_filesz > ph.p_memsz {
                return Err(ElfError::FileSizeExceedsMemSize {
                    index,
                    filesz: ph.p_filesz,
                    memsz: ph.p_memsz,
                });
            }
            let mem_end = ph.p_vaddr.saturating_add(ph.p_memsz);
            if mem_end > 1u64 << 32 {
                return Err(ElfError::OutOfAddressSpace {
                    index,
                    vaddr: ph.p_vaddr,
                    memsz: ph.p_memsz,
                });
            }
            if ph.p_memsz == 0 {
                continue;
            }
            spans.push((ph.p_vaddr, mem_end, index));
            segments.push(Segment {
                vaddr: ph.p_vaddr as u32,
                mem_size: ph.p_memsz as u32,
                data: bytes[start as usize..end as usize].to_vec(),
                executable: ph.p_flags & PF_X != 0,
            });
        }
        if segments.is_empty() {
            return Err(ElfError::NoLoadableSegments);
        }
        spans.sort_unstable();
        if let Some(pair) = spans.windows(2).find(|w| w[1].0 < w[0].1) {
            return Err(ElfError::Overlap { first: pair[0].2, second: pair[1].2 });
        }
        segments.sort_by_key(|s| s.vaddr);

        let mut code: Vec<_> = elf
            .section_headers
            .iter()
            .filter(|sh| sh.sh_flags & u64::from(SHF_EXECINSTR) != 0 && sh.sh_size > 0)
            .filter_map(|sh| {
                let start = u32::try_from(sh.sh_addr).ok()?;
                let end = u32::try_from(sh.sh_addr.checked_add(sh.sh_size)?).ok()?;
                Some(start..end)
            })
            .collect();
        if code.is_empty() {
            code = segments
                .iter()
                .filter(|s| s.executable)
                .map(|s| s.vaddr..s.vaddr.saturating_add(s.mem_size))
                .collect();
        }
        code.sort_by_key(|r| r.start);

        let mut symbols: Vec<Symbol> = elf
            .syms
            .iter()
            .filter(|sym| sym.st_type() == STT_FUNC && sym.st_value != 0)
            .filter_map(|sym| {
                Some(Symbol {
                    name: elf.strtab.get_at(sym.st_name)?.to_string(),
                    addr: u32::try_from(sym.st_value).ok()?,
                    size: u32::try_from(sym.st_size).unwrap_or(0),
                })
            })
            .collect();
        symbols.sort_by_key(|s| s.addr);

        Ok(Self { entry: elf.entry as u32, segments, code, symbols })
    }

    /// The little-endian word the program image holds at the 4-aligned `addr` (zero outside
    /// the segments' file bytes).
    pub fn word_at(&self, addr: u32) -> u32 {
        let mut word = [0u8; 4];
        for (i, byte) in word.iter_mut().enumerate() {
            let at = addr.wrapping_add(i as u32);
            let segment = self.segments.iter().find(|s| {
                at >= s.vaddr && u64::from(at) < u64::from(s.vaddr) + s.data.len() as u64
            });
            *byte = segment.map_or(0, |s| s.data[(at - s.vaddr) as usize]);
        }
        u32::from_le_bytes(word)
    }

    /// The function symbol containing `addr`, if any.
    pub fn symbol_at(&self, addr: u32) -> Option<&Symbol> {
        let index = self.symbols.partition_point(|s| s.addr <= addr).checked_sub(1)?;
        let symbol = &self.symbols[index];
        (symbol.size == 0 || addr - symbol.addr < symbol.size).then_some(symbol)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal valid RV32 executable: one PT_LOAD segment with `code` at 0x10000.
    pub(crate) fn tiny_elf(code: &[u32]) -> Vec<u8> {
        let mut text = Vec::new();
        for word in code {
            text.extend_from_slice(&word.to_le_bytes());
        }
        let mut f = Vec::new();
        // ELF header (52 bytes)
        f.extend_from_slice(&[0x7f, b'E', b'L', b'F', 1, 1, 1, 0]);
        f.extend_from_slice(&[0; 8]);
        f.extend_from_slice(&ET_EXEC.to_le_bytes());
        f.extend_from_slice(&EM_RISCV.to_le_bytes());
        f.extend_from_slice(&1u32.to_le_bytes()); // version
        f.extend_from_slice(&0x10054u32.to_le_bytes()); // entry
        f.extend_from_slice(&52u32.to_le_bytes()); // phoff
        f.extend_from_slice(&0u32.to_le_bytes()); // shoff
        f.extend_from_slice(&0u32.to_le_bytes()); // flags
        f.extend_from_slice(&52u16.to_le_bytes()); // ehsize
        f.extend_from_slice(&32u16.to_le_bytes()); // phentsize
        f.extend_from_slice(&1u16.to_le_bytes()); // phnum
        f.extend_from_slice(&40u16.to_le_bytes()); // shentsize
        f.extend_from_slice(&0u16.to_le_bytes()); // shnum
        f.extend_from_slice(&0u16.to_le_bytes()); // shstrndx

        // Program header (32 bytes): the whole file at 0x10000, text at 0x10054.
        let total = (84 + text.len()) as u32;
        for v in [PT_LOAD, 0, 0x10000, 0x10000, total, total + 0x100, PF_X | 4 | 2, 4] {
            f.extend_from_slice(&v.to_le_bytes());
        }
        f.extend_from_slice(&text);
        f
    }

    #[test]
    fn parses_a_minimal_executable() {
        let program = Program::parse(&tiny_elf(&[0x0000_0073])).unwrap();
        assert_eq!(program.entry, 0x10054);
        assert_eq!(program.segments.len(), 1);
        assert_eq!(program.segments[0].mem_size, 88 + 0x100);
        assert_eq!(program.code, vec![0x10000..0x10000 + 88 + 0x100]);
    }

    fn patched(at: usize, bytes: &[u8]) -> Vec<u8> {
        let mut elf = tiny_elf(&[0x0000_0073]);
        elf[at..at + bytes.len()].copy_from_slice(bytes);
        elf
    }

    #[test]
    fn rust_symbols_are_demangled_and_others_kept() {
        let symbol = |name: &str| Symbol { name: name.into(), addr: 0, size: 4 };
        let v0 = symbol("_RNvNtCsaYX3pV31lwC_12axon_runtime5start10axon_start");
        assert_eq!(v0.demangled(), "axon_runtime::start::axon_start");
        let legacy = symbol("_ZN4core3fmt5write17h0123456789abcdefE");
        assert_eq!(legacy.demangled(), "core::fmt::write");
        assert_eq!(symbol("_start").demangled(), "_start");
    }

    #[test]
    fn malformed_files_name_their_problem() {
        type Case = (Vec<u8>, fn(&ElfError) -> bool);
        let cases: Vec<Case> = vec![
            (b"not an elf".to_vec(), |e| matches!(e, ElfError::Parse(_))),
            (tiny_elf(&[0x73])[..40].to_vec(), |e| matches!(e, ElfError::Parse(_))),
            (patched(4, &[2]), |e| matches!(e, ElfError::Not32Bit | ElfError::Parse(_))),
            (patched(18, &62u16.to_le_bytes()), |e| matches!(e, ElfError::WrongMachine(62))),
            (patched(16, &1u16.to_le_bytes()), |e| matches!(e, ElfError::NotExecutable(1))),
            (patched(36, &1u32.to_le_bytes()), |e| matches!(e, ElfError::Compressed)),
            (patched(36, &2u32.to_le_bytes()), |e| matches!(e, ElfError::HardFloat)),
            (patched(24, &0x10056u32.to_le_bytes()), |e| matches!(e, ElfError::MisalignedEntry(_))),
            (patched(52, &0x6474_e551u32.to_le_bytes()), |e| {
                matches!(e, ElfError::NoLoadableSegments)
            }),
            (patched(52 + 16, &0x1000u32.to_le_bytes()), |e| {
                matches!(e, ElfError::Truncated { .. })
            }),
            (patched(52 + 20, &1u32.to_le_bytes()), |e| {
                matches!(e, ElfError::FileSizeExceedsMemSize { .. })
            }),
            (patched(52 + 8, &0xffff_ff00u32.to_le_bytes()), |e| {
                matches!(e, ElfError::OutOfAddressSpace { .. })
            }),
        ];
        for (i, (bytes, expected)) in cases.into_iter().enumerate() {
            let err = Program::parse(&bytes).expect_err(&format!("case {i} must fail"));
            assert!(expected(&err), "case {i}: unexpected error {err}");
            assert!(!err.to_string().is_empty());
        }
    }

    #[test]
    fn overlapping_segments_are_rejected() {
        let mut elf = tiny_elf(&[0x73]);
        let header: Vec<u8> = elf[52..84].to_vec();
        // Append a second program header that duplicates the first and point phoff at both.
        let phoff = elf.len() as u32;
        elf.extend_from_slice(&header);
        elf.extend_from_slice(&header);
        elf[28..32].copy_from_slice(&phoff.to_le_bytes());
        elf[44..46].copy_from_slice(&2u16.to_le_bytes());
        assert!(matches!(Program::parse(&elf), Err(ElfError::Overlap { .. })));
    }
}
