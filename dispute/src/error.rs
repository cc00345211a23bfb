//! The crate's error type.

/// Everything that stops the dispute toolkit.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The VM failed to run the program (bad ELF, missing preimage, host limit).
    #[error(transparent)]
    Vm(#[from] axon_vm::Error),
    /// A depth or index outside the game tree.
    #[error("no position at depth {depth}, index {index_at_depth} (the deepest tree supported has depth {})", crate::position::MAX_SUPPORTED_DEPTH)]
    InvalidPosition {
        /// The depth asked for.
        depth: u8,
        /// The index at that depth asked for.
        index_at_depth: u64,
    },
    /// A generalized index that is not a position of a supported tree.
    #[error("{0} is not a game-tree position")]
    InvalidRawPosition(u64),
    /// A trace provider was asked for a game deeper than it supports.
    #[error("game depth {0} is outside 1..={max}", max = crate::position::MAX_SUPPORTED_DEPTH)]
    InvalidGameDepth(u8),
    /// A checkpoint interval of zero.
    #[error("the checkpoint interval must be positive")]
    ZeroCheckpointInterval,
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
