#![doc = include_str!("../README.md")]

pub mod error;
pub mod position;
pub mod trace;

pub use error::{Error, Result};
pub use position::{Position, MAX_SUPPORTED_DEPTH};
pub use trace::{TraceProvider, VmTraceProvider};
