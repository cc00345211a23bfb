//! Writes `link.x` (from `link.x.in` and the `axon-abi` memory map) into `OUT_DIR` and puts
//! `OUT_DIR` on the link search path, so `-C link-arg=-Tlink.x` finds it.

use std::{env, fs, path::PathBuf};

use axon_abi::memory::{HEAP_END, PROGRAM_BASE};

fn main() {
    let out = PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let script = include_str!("link.x.in")
        .replace("@PROGRAM_BASE@", &format!("{PROGRAM_BASE:#010x}"))
        .replace("@HEAP_END@", &format!("{HEAP_END:#010x}"));
    fs::write(out.join("link.x"), script).expect("write link.x");
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=link.x.in");
}
