#![doc = include_str!("../README.md")]

mod background;
pub mod check;
pub mod checkpoint;
pub mod decode;
pub mod elf;
pub mod error;
mod exec;
pub mod host;
mod jit;
pub mod memory;
pub mod merkle;
pub mod preimage;
mod roots;
pub mod snapshot;
pub mod state;
pub mod stateless;
mod tree;
mod vm;
pub mod witness;
mod zeroed;

pub use axon_abi as abi;
pub use checkpoint::{CheckpointStore, Checkpoints};
pub use elf::Program;
pub use error::{Error, Result};
pub use exec::{keccak_permute, Width};
pub use host::{Host, OutputMode, StdHost};
pub use merkle::Hash;
pub use preimage::{PreimagePart, PreimageStore};
pub use state::{Cpu, EncodedState, Halt};
pub use stateless::verify_step;
pub use vm::{Vm, VmConfig};
pub use witness::StepWitness;
