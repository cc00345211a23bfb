//! `_start`, the Rust-side start-up and the panic handler.
//!
//! At boot every register is zero and `pc` is the ELF entry (`_start`). `_start` sets `sp` to
//! [`STACK_TOP`](axon_abi::memory::STACK_TOP), zeroes `.bss` (already zero in the VM; kept so
//! the ELF is correct on any loader) and calls [`axon_start`], which runs the program's
//! `entry!` function and exits with code 0. The heap needs no set-up: it is claimed on the
//! first allocation.

use core::{arch::global_asm, panic::PanicInfo};

use crate::{io, syscall::exit};

/// The exit code of a panicking program (Rust's own, as `std` uses on a panicking thread).
pub const PANIC_EXIT_CODE: u32 = 101;

/// Emits `_start`: the optional `sp` set-up, then `.bss` zeroing and the call into Rust.
macro_rules! start {
    ($($set_sp:literal,)* ; $($operands:tt)*) => {
        global_asm!(
            ".section .text._start, \"ax\", @progbits",
            ".globl _start",
            ".type _start, @function",
            "_start:",
            $($set_sp,)*
            "    la t0, __bss_start",
            "    la t1, __bss_end",
            "    j 2f",
            "1:  sw zero, 0(t0)",
            "    addi t0, t0, 4",
            "2:  bltu t0, t1, 1b",
            "    call {start}",
            // Not reached: `axon_start` exits. A Breakpoint fault if it ever is.
            "    ebreak",
            start = sym axon_start,
            $($operands)*
        );
    };
}

#[cfg(not(feature = "qemu"))]
start!("    li sp, {stack_top}", ; stack_top = const axon_abi::memory::STACK_TOP);

// qemu-user maps nothing at STACK_TOP: keep the stack the kernel set up.
#[cfg(feature = "qemu")]
start!(;);

extern "Rust" {
    /// The program's entry point, defined by [`entry!`](crate::entry).
    fn __axon_main();
}

/// Runs the program and exits with code 0 when it returns.
extern "C" fn axon_start() -> ! {
    // SAFETY: `entry!` defines `__axon_main` as a safe `fn()`; a program without `entry!`
    // fails to link.
    unsafe { __axon_main() };
    exit(0)
}

/// Prints the panic message and location to stderr and exits with [`PANIC_EXIT_CODE`].
#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    io::_print(io::STDERR, format_args!("guest {info}"), true);
    exit(PANIC_EXIT_CODE)
}
