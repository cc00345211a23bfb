//! The atomic libcalls of the guest target.
//!
//! RV32IM has no A extension, yet crates the guests need (revm's `bytes`, `once_cell`, the
//! allocator's lock) use compare-and-swap. The target `riscv32im-axon-none-elf.json` declares
//! `atomic-cas` and keeps LLVM's `forced-atomics`: atomic loads and stores up to 32 bits are
//! plain loads and stores, and every read-modify-write becomes a call to one of the functions
//! below; 64-bit atomics become `__atomic_*_8` calls. The VM runs one hart and has no
//! interrupts, so nothing can run between a function's read and its write: a plain
//! read-modify-write is atomic, under every memory ordering.
//!
//! The bodies use volatile accesses only, never an atomic type, so they cannot call
//! themselves.

use core::ptr::{read_volatile, write_volatile};

/// `__sync_*` read-modify-writes of one width: `fetch_and_<op>` return the old value,
/// `val_compare_and_swap` the old value (the swap happened iff it equals `expected`),
/// `lock_test_and_set` swaps and returns the old value.
macro_rules! sync_libcalls {
    ($ty:ty, $add:ident, $sub:ident, $and:ident, $or:ident, $xor:ident, $nand:ident,
     $max:ident, $min:ident, $umax:ident, $umin:ident, $cas:ident, $swap:ident) => {
        sync_libcalls!(@rmw $ty, $add, |old: $ty, v: $ty| old.wrapping_add(v));
        sync_libcalls!(@rmw $ty, $sub, |old: $ty, v: $ty| old.wrapping_sub(v));
        sync_libcalls!(@rmw $ty, $and, |old: $ty, v: $ty| old & v);
        sync_libcalls!(@rmw $ty, $or, |old: $ty, v: $ty| old | v);
        sync_libcalls!(@rmw $ty, $xor, |old: $ty, v: $ty| old ^ v);
        sync_libcalls!(@rmw $ty, $nand, |old: $ty, v: $ty| !(old & v));
        sync_libcalls!(@rmw $ty, $max, |old: $ty, v: $ty| (old as <$ty as Signed>::S).max(v as <$ty as Signed>::S) as $ty);
        sync_libcalls!(@rmw $ty, $min, |old: $ty, v: $ty| (old as <$ty as Signed>::S).min(v as <$ty as Signed>::S) as $ty);
        sync_libcalls!(@rmw $ty, $umax, |old: $ty, v: $ty| old.max(v));
        sync_libcalls!(@rmw $ty, $umin, |old: $ty, v: $ty| old.min(v));
        sync_libcalls!(@rmw $ty, $swap, |_old: $ty, v: $ty| v);

        #[doc = concat!("`", stringify!($cas), "`: compare-and-swap, returning the old value.")]
        ///
        /// # Safety
        /// `ptr` must be valid and aligned for reads and writes.
        #[no_mangle]
        pub unsafe extern "C" fn $cas(ptr: *mut $ty, expected: $ty, desired: $ty) -> $ty {
            // SAFETY: the caller's contract; one hart, so nothing intervenes.
            unsafe {
                let old = read_volatile(ptr);
                if old == expected {
                    write_volatile(ptr, desired);
                }
                old
            }
        }
    };
    (@rmw $ty:ty, $name:ident, $op:expr) => {
        #[doc = concat!("`", stringify!($name), "`: read-modify-write, returning the old value.")]
        ///
        /// # Safety
        /// `ptr` must be valid and aligned for reads and writes.
        #[no_mangle]
        pub unsafe extern "C" fn $name(ptr: *mut $ty, value: $ty) -> $ty {
            // SAFETY: the caller's contract; one hart, so nothing intervenes.
            unsafe {
                let old = read_volatile(ptr);
                write_volatile(ptr, $op(old, value));
                old
            }
        }
    };
}

/// The signed type of the same width, for `max`/`min`.
trait Signed {
    type S;
}
impl Signed for u8 {
    type S = i8;
}
impl Signed for u16 {
    type S = i16;
}
impl Signed for u32 {
    type S = i32;
}

sync_libcalls!(
    u8,
    __sync_fetch_and_add_1,
    __sync_fetch_and_sub_1,
    __sync_fetch_and_and_1,
    __sync_fetch_and_or_1,
    __sync_fetch_and_xor_1,
    __sync_fetch_and_nand_1,
    __sync_fetch_and_max_1,
    __sync_fetch_and_min_1,
    __sync_fetch_and_umax_1,
    __sync_fetch_and_umin_1,
    __sync_val_compare_and_swap_1,
    __sync_lock_test_and_set_1
);
sync_libcalls!(
    u16,
    __sync_fetch_and_add_2,
    __sync_fetch_and_sub_2,
    __sync_fetch_and_and_2,
    __sync_fetch_and_or_2,
    __sync_fetch_and_xor_2,
    __sync_fetch_and_nand_2,
    __sync_fetch_and_max_2,
    __sync_fetch_and_min_2,
    __sync_fetch_and_umax_2,
    __sync_fetch_and_umin_2,
    __sync_val_compare_and_swap_2,
    __sync_lock_test_and_set_2
);
sync_libcalls!(
    u32,
    __sync_fetch_and_add_4,
    __sync_fetch_and_sub_4,
    __sync_fetch_and_and_4,
    __sync_fetch_and_or_4,
    __sync_fetch_and_xor_4,
    __sync_fetch_and_nand_4,
    __sync_fetch_and_max_4,
    __sync_fetch_and_min_4,
    __sync_fetch_and_umax_4,
    __sync_fetch_and_umin_4,
    __sync_val_compare_and_swap_4,
    __sync_lock_test_and_set_4
);

/// 64-bit atomics (`__atomic_*_8`, the generic libatomic interface; orderings are ignored:
/// one hart makes every one of them hold).
pub mod wide {
    use core::ptr::{read_volatile, write_volatile};

    /// # Safety
    /// `ptr` must be valid and 8-byte aligned for reads.
    #[no_mangle]
    pub unsafe extern "C" fn __atomic_load_8(ptr: *const u64, _order: i32) -> u64 {
        // SAFETY: the caller's contract.
        unsafe { read_volatile(ptr) }
    }

    /// # Safety
    /// `ptr` must be valid and 8-byte aligned for writes.
    #[no_mangle]
    pub unsafe extern "C" fn __atomic_store_8(ptr: *mut u64, value: u64, _order: i32) {
        // SAFETY: the caller's contract.
        unsafe { write_volatile(ptr, value) }
    }

    /// Writes `desired` iff `*ptr == *expected`; otherwise stores the current value in
    /// `*expected`. Returns whether it swapped.
    ///
    /// # Safety
    /// `ptr` and `expected` must be valid and 8-byte aligned for reads and writes.
    #[no_mangle]
    pub unsafe extern "C" fn __atomic_compare_exchange_8(
        ptr: *mut u64,
        expected: *mut u64,
        desired: u64,
        _success: i32,
        _failure: i32,
    ) -> bool {
        // SAFETY: the caller's contract; one hart, so nothing intervenes.
        unsafe {
            let old = read_volatile(ptr);
            if old == read_volatile(expected) {
                write_volatile(ptr, desired);
                true
            } else {
                write_volatile(expected, old);
                false
            }
        }
    }

    macro_rules! wide_rmw {
        ($($name:ident => $op:expr;)*) => {$(
            #[doc = concat!("`", stringify!($name), "`: read-modify-write, returning the old value.")]
            ///
            /// # Safety
            /// `ptr` must be valid and 8-byte aligned for reads and writes.
            #[no_mangle]
            pub unsafe extern "C" fn $name(ptr: *mut u64, value: u64, _order: i32) -> u64 {
                // SAFETY: the caller's contract; one hart, so nothing intervenes.
                unsafe {
                    let old = read_volatile(ptr);
                    write_volatile(ptr, $op(old, value));
                    old
                }
            }
        )*};
    }

    wide_rmw! {
        __atomic_exchange_8 => |_old: u64, v: u64| v;
        __atomic_fetch_add_8 => |old: u64, v: u64| old.wrapping_add(v);
        __atomic_fetch_sub_8 => |old: u64, v: u64| old.wrapping_sub(v);
        __atomic_fetch_and_8 => |old: u64, v: u64| old & v;
        __atomic_fetch_or_8 => |old: u64, v: u64| old | v;
        __atomic_fetch_xor_8 => |old: u64, v: u64| old ^ v;
        __atomic_fetch_nand_8 => |old: u64, v: u64| !(old & v);
    }
}
