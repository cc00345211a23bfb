#![doc = include_str!("../README.md")]

pub mod ai_evm;
pub mod axiom;
pub mod blob;
pub mod chain;
pub mod contracts;
pub mod demo;
pub mod deploy;
pub mod driver;
pub mod error;
pub mod game;
pub mod guest;
pub mod lying;
pub mod oracle;
pub mod output;
pub mod persist;
pub mod player;
pub mod position;
pub mod setup;
pub mod solver;
pub mod split;
pub mod trace;

pub use error::{Error, Result};

/// Every contract interface whose reverts the toolkit names: the core contracts' and each
/// application's (`dispute/tests/abi.rs` checks that together they cover every error in
/// forge's artifacts of the contracts the toolkit calls).
pub const REVERT_DECODERS: &[&[contracts::RevertDecoder]] =
    &[contracts::CORE_REVERTS, axiom::claims::REVERTS, ai_evm::results::REVERTS];
pub use player::{Player, Progress, Strategy};
pub use position::{Position, MAX_SUPPORTED_DEPTH};
pub use trace::{GameTrace, TraceProvider, VmTraceProvider};
