//! The AI EVM (`docs/ai-evm.md`): Axonum's EVM with an `inference` precompile.
//!
//! [`inference`] is the precompile itself — request parsing, the gas schedule and the answer
//! or revert — as a plain function that asks an [`Oracle`] for the result, and
//! [`precompiles`] prices Ethereum's costly precompiles and asks the same oracle for their
//! answers. In the state-transition guest the oracle is the preimage oracle (results an opML
//! game settled, answers L1 computes); natively it is the engine and revm's own precompiles.
//! Both sides run the very same code and charge the very same gas, so the block proof never
//! runs a model or a signature recovery, and its post-state is the native one bit for bit.
#![no_std]

extern crate alloc;

#[cfg(feature = "revm")]
pub mod block;
#[cfg(feature = "revm")]
pub mod evm;
pub mod inference;
pub mod oracle;
#[cfg(feature = "revm")]
pub mod precompiles;

pub use inference::{run, GasSchedule, ModelGas, ModelRegistry, Outcome, INFERENCE_ADDRESS};
pub use oracle::{Oracle, PrecompileCall};
