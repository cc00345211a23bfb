//! The AI EVM (`docs/ai-evm.md`): Axonum's EVM with an `inference` precompile.
//!
//! [`inference`] is the precompile itself — request parsing, the gas schedule, the model run
//! by `axon-ml` and the answer or revert — as a plain function over a [`ModelSource`], so the
//! state-transition guest (models from the preimage oracle) and the native executor (models
//! from files) run the very same code and charge the very same gas.
#![no_std]

extern crate alloc;

#[cfg(feature = "revm")]
pub mod block;
#[cfg(feature = "revm")]
pub mod evm;
pub mod inference;

pub use inference::{
    run, GasSchedule, ModelRegistry, ModelSource, Outcome, RegisteredModel, INFERENCE_ADDRESS,
};
