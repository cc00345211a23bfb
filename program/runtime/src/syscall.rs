//! Raw `ecall` wrappers (the syscalls of `docs/spec.md`).
//!
//! Register convention (RISC-V Linux; numbers in [`axon_abi::syscall`]):
//!
//! | register | on `ecall` | after |
//! |---|---|---|
//! | `a7` (`x17`) | syscall number | unchanged |
//! | `a0` (`x10`) | 1st argument: `fd`, or the exit code | result: byte count, or `-errno` |
//! | `a1` (`x11`) | 2nd argument: `buf` | unchanged |
//! | `a2` (`x12`) | 3rd argument: `count` | unchanged |
//! | `a3..a5` (`x13..x15`) | unused by these syscalls | unchanged |
//!
//! | syscall | `a7` | arguments | result |
//! |---|---|---|---|
//! | [`exit()`] | 93 | `a0` = code | does not return |
//! | [`write()`] | 64 | `a0` fd, `a1` buf, `a2` count | bytes accepted, or `-EBADF` |
//! | [`read()`] | 63 | `a0` fd, `a1` buf, `a2` count | bytes written to `buf`, or `-EBADF` |
//!
//! `write` and `read` may move fewer bytes than asked (the preimage channels stop at 32-byte
//! boundaries); callers loop.

use core::{arch::asm, fmt};

use axon_abi::syscall::{EXIT, READ, WRITE};

/// A syscall's error: the Linux error number the VM returned negated in `a0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Errno(pub u32);

impl Errno {
    /// Bad file descriptor: the fd does not support the operation.
    pub const EBADF: Self = Self(axon_abi::errno::EBADF);
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::EBADF => f.write_str("EBADF (bad file descriptor)"),
            Self(n) => write!(f, "errno {n}"),
        }
    }
}

/// Halts the VM with status *exited* and the given code (0 = success).
#[inline]
pub fn exit(code: u32) -> ! {
    // SAFETY: `exit` changes no register or memory; it halts the machine. Should a host ever
    // resume after it, `ebreak` faults (Breakpoint). Not `options(noreturn)`: after that,
    // rustc emits `unimp`, a CSR encoding the VM's decoder rejects.
    unsafe {
        asm!("ecall", "ebreak", in("a7") EXIT, in("a0") code, options(nostack, nomem));
    }
    #[allow(clippy::empty_loop)] // not reached: `ebreak` halts
    loop {}
}

/// `ecall` with three arguments; returns `a0`.
///
/// # Safety
/// For `read`, `buf..buf + count` must be writable memory; for `write`, readable.
#[inline(always)]
unsafe fn syscall3(number: u32, a0: u32, a1: u32, a2: u32) -> u32 {
    let ret;
    // SAFETY: the caller vouches for the buffer; the VM changes only `a0` and that buffer.
    unsafe {
        asm!(
            "ecall",
            in("a7") number,
            inlateout("a0") a0 => ret,
            in("a1") a1,
            in("a2") a2,
            options(nostack, preserves_flags),
        );
    }
    ret
}

/// Maps a raw result to a byte count or an error (`-4095..=-1` are errors, as on Linux).
#[inline(always)]
fn result(ret: u32) -> Result<usize, Errno> {
    if ret > (-4096i32) as u32 {
        Err(Errno(ret.wrapping_neg()))
    } else {
        Ok(ret as usize)
    }
}

/// `write(fd, buf)`: returns how many bytes of `buf` the fd accepted (possibly fewer than
/// `buf.len()`).
#[inline]
pub fn write(fd: u32, buf: &[u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is a readable slice.
    result(unsafe { syscall3(WRITE, fd, buf.as_ptr() as u32, buf.len() as u32) })
}

/// `read(fd, buf)`: returns how many bytes were written to the front of `buf` (0 = end of
/// stream).
#[inline]
pub fn read(fd: u32, buf: &mut [u8]) -> Result<usize, Errno> {
    // SAFETY: `buf` is a writable slice.
    result(unsafe { syscall3(READ, fd, buf.as_mut_ptr() as u32, buf.len() as u32) })
}
