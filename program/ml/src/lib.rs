//! Axon's deterministic ML inference engine: the "opML" part of the project.
//!
//! The same code runs inside the VM (the `inference` guest, RV32IM with soft-float) and natively
//! on the host, and gives the same bits on both: that is what makes an inference disputable.
//! `docs/ml.md` specifies the model formats and why the arithmetic is deterministic:
//!
//! - [`axml`]: int8 sequential models (dense, conv2d, maxpool) with i32 accumulators and the
//!   fixed-point requantization of [`quant`];
//! - [`llama`]: llama2.c checkpoints (Llama 2: RMSNorm, RoPE, grouped-query attention, SwiGLU)
//!   in f32, transcendentals from `libm`;
//! - [`model`]: one entry point over both, used by the guest and by the host;
//! - [`result`]: a request served end to end and its result as a value (output or refusal),
//!   what the `inference` guest commits to and the AI EVM's block proof reads;
//! - [`units`]: one inference unit by unit (a layer, an operator at a position), and the
//!   committed state between units, for multi-phase disputes.
//!
//! Operators report their boundaries and outputs to a [`probe::Probe`]: the guest turns them
//! into hints (profiles, per-operator commitments), the host into the same commitments.
#![no_std]

extern crate alloc;

pub mod axml;
pub mod error;
pub mod float;
pub mod int8;
pub mod llama;
pub mod model;
pub mod probe;
pub mod quant;
pub mod result;
pub mod units;

pub use error::{Error, Result};
pub use model::Model;
pub use probe::{NoProbe, Output, Probe};
pub use result::{serve, InferenceResult};
