//! Standard output and error (fds 1 and 2), and the `print!` family of macros.
//!
//! In the VM these writes never fail and cost one step each, whatever their length; the host
//! prints the bytes. Each macro call formats into a stack buffer and flushes it with as few
//! `write` syscalls as it can.

use core::fmt::{self, Write};

pub use axon_abi::fd::{STDERR, STDOUT};

use crate::syscall;

/// Writes all of `buf` to `fd`, looping over short writes; fails on an error or on a write
/// that accepts nothing.
pub fn write_all(fd: u32, mut buf: &[u8]) -> fmt::Result {
    while !buf.is_empty() {
        match syscall::write(fd, buf) {
            Ok(n) if n > 0 => buf = &buf[n.min(buf.len())..],
            _ => return Err(fmt::Error),
        }
    }
    Ok(())
}

/// An unbuffered [`fmt::Write`] to a file descriptor: every `write_str` is a `write` syscall.
#[derive(Debug, Clone, Copy)]
pub struct FdWriter(pub u32);

impl Write for FdWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        write_all(self.0, s.as_bytes())
    }
}

/// Standard output, unbuffered.
pub const fn stdout() -> FdWriter {
    FdWriter(STDOUT)
}

/// Standard error, unbuffered.
pub const fn stderr() -> FdWriter {
    FdWriter(STDERR)
}

/// Bytes one macro call buffers before it writes.
const LINE_BUFFER: usize = 256;

/// A [`fmt::Write`] that collects output on the stack and writes it in large pieces.
struct Buffered {
    fd: u32,
    len: usize,
    buf: [u8; LINE_BUFFER],
}

impl Buffered {
    fn flush(&mut self) -> fmt::Result {
        let len = core::mem::take(&mut self.len);
        write_all(self.fd, &self.buf[..len])
    }
}

impl Write for Buffered {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let bytes = s.as_bytes();
        if bytes.len() > LINE_BUFFER - self.len {
            self.flush()?;
            if bytes.len() >= LINE_BUFFER {
                return write_all(self.fd, bytes);
            }
        }
        self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
        self.len += bytes.len();
        Ok(())
    }
}

/// The body of the `print!` family: formats `args` (and a newline if `newline`) to `fd`.
/// Errors are ignored, as there is nowhere to report them.
#[doc(hidden)]
pub fn _print(fd: u32, args: fmt::Arguments<'_>, newline: bool) {
    let mut out = Buffered { fd, len: 0, buf: [0; LINE_BUFFER] };
    let _ = out.write_fmt(args);
    if newline {
        let _ = out.write_str("\n");
    }
    let _ = out.flush();
}

/// Prints to standard output (fd 1).
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::io::_print($crate::io::STDOUT, ::core::format_args!($($arg)*), false)
    };
}

/// Prints to standard output (fd 1), with a newline.
#[macro_export]
macro_rules! println {
    () => {
        $crate::io::_print($crate::io::STDOUT, ::core::format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::io::_print($crate::io::STDOUT, ::core::format_args!($($arg)*), true)
    };
}

/// Prints to standard error (fd 2).
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::io::_print($crate::io::STDERR, ::core::format_args!($($arg)*), false)
    };
}

/// Prints to standard error (fd 2), with a newline.
#[macro_export]
macro_rules! eprintln {
    () => {
        $crate::io::_print($crate::io::STDERR, ::core::format_args!(""), true)
    };
    ($($arg:tt)*) => {
        $crate::io::_print($crate::io::STDERR, ::core::format_args!($($arg)*), true)
    };
}
