#![doc = include_str!("../README.md")]

pub mod ai_evm;
pub mod axiom;
pub mod chain;
pub mod contracts;
pub mod demo;
pub mod deploy;
pub mod driver;
pub mod error;
pub mod game;
pub mod lying;
pub mod oracle;
pub mod persist;
pub mod player;
pub mod position;
pub mod setup;
pub mod solver;
pub mod trace;

pub use error::{Error, Result};
pub use player::{Player, Progress, Strategy};
pub use position::{Position, MAX_SUPPORTED_DEPTH};
pub use trace::{TraceProvider, VmTraceProvider};
