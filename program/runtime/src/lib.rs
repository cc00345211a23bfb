#![doc = include_str!("../README.md")]
#![no_std]

extern crate alloc;

pub use axon_abi as abi;

pub mod atomic;
pub mod commitment;
mod heap;
pub mod io;
pub mod keccak;
pub mod oracle;
mod start;
pub mod syscall;

pub use start::PANIC_EXIT_CODE;
pub use syscall::exit;

/// Declares the program's entry point: `axon_runtime::entry!(main);` with `fn main()`.
///
/// `_start` sets up the stack, zeroes `.bss` and calls the function; when it returns the
/// program exits with code 0. A panic exits with code 101 (see [`syscall::exit`] for other
/// codes).
#[macro_export]
macro_rules! entry {
    ($path:path) => {
        #[doc(hidden)]
        #[export_name = "__axon_main"]
        pub extern "Rust" fn __axon_main() {
            let main: fn() = $path;
            main()
        }
    };
}
