//! Every atomic read-modify-write of 8, 16, 32 and 64 bits, through the libcalls of
//! `axon_runtime::atomic` (the target lowers them there: RV32IM has no A extension), checked
//! against the plain arithmetic. Exits 0 iff all agree; a mismatch panics (exit 101) and names
//! the operation on stderr.
#![no_std]
#![no_main]

use core::hint::black_box;
use core::sync::atomic::{AtomicI32, AtomicU16, AtomicU32, AtomicU64, AtomicU8, Ordering::SeqCst};

use axon_runtime::entry;

entry!(main);

/// Checks one width's operations, starting from `start` with operand `v`.
macro_rules! check_width {
    ($atomic:ty, $start:expr, $v:expr) => {{
        let (start, v) = (black_box($start), black_box($v));
        let a = <$atomic>::new(start);
        assert_eq!(a.fetch_add(v, SeqCst), start, "fetch_add");
        assert_eq!(a.load(SeqCst), start.wrapping_add(v), "fetch_add result");
        a.store(start, SeqCst);
        assert_eq!(a.fetch_sub(v, SeqCst), start, "fetch_sub");
        assert_eq!(a.load(SeqCst), start.wrapping_sub(v), "fetch_sub result");
        a.store(start, SeqCst);
        a.fetch_and(v, SeqCst);
        assert_eq!(a.load(SeqCst), start & v, "fetch_and");
        a.store(start, SeqCst);
        a.fetch_or(v, SeqCst);
        assert_eq!(a.load(SeqCst), start | v, "fetch_or");
        a.store(start, SeqCst);
        a.fetch_xor(v, SeqCst);
        assert_eq!(a.load(SeqCst), start ^ v, "fetch_xor");
        a.store(start, SeqCst);
        a.fetch_nand(v, SeqCst);
        assert_eq!(a.load(SeqCst), !(start & v), "fetch_nand");
        a.store(start, SeqCst);
        a.fetch_max(v, SeqCst);
        assert_eq!(a.load(SeqCst), start.max(v), "fetch_max");
        a.store(start, SeqCst);
        a.fetch_min(v, SeqCst);
        assert_eq!(a.load(SeqCst), start.min(v), "fetch_min");
        a.store(start, SeqCst);
        assert_eq!(a.swap(v, SeqCst), start, "swap");
        assert_eq!(a.load(SeqCst), v, "swap result");
        assert_eq!(a.compare_exchange(start, v, SeqCst, SeqCst), Err(v), "failing CAS");
        assert_eq!(a.compare_exchange(v, start, SeqCst, SeqCst), Ok(v), "CAS");
        assert_eq!(a.load(SeqCst), start, "CAS result");
    }};
}

fn main() {
    check_width!(AtomicU8, 0xf0u8, 0x3c);
    check_width!(AtomicU16, 0x8001u16, 0x7fff);
    check_width!(AtomicU32, 0xdead_beefu32, 0x1234_5678);
    check_width!(AtomicU64, 0xffff_ffff_0000_0001u64, 0x0000_0001_ffff_ffff);
    // Signed max/min: the libcalls must compare as signed.
    check_width!(AtomicI32, -5i32, 3);
}
