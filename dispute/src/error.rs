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
    /// A game too shallow for the traces it must cover.
    #[error("game depth {depth} is too small: {what} needs at least {min} (2^{min} steps)")]
    DepthTooSmall {
        /// The depth asked for.
        depth: u8,
        /// The least depth.
        min: u8,
        /// What the game is over.
        what: &'static str,
    },
    /// A checkpoint interval of zero.
    #[error("the checkpoint interval must be positive")]
    ZeroCheckpointInterval,
    /// Forge's build output is missing or unreadable.
    #[error("contract artifact {}: {reason}", path.display())]
    Artifact {
        /// The artifact file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A call or transaction reverted, with this revert data.
    #[error("reverted: {}", crate::contracts::describe_revert(.0))]
    Reverted(Vec<u8>),
    /// The chain failed (transport, node or EVM error) or answered nonsense.
    #[error("chain: {0}")]
    Chain(String),
    /// Time was to be moved on a chain that does not allow it.
    #[error("this chain's time cannot be moved (only the embedded chain's and anvil's can)")]
    CannotAdvanceTime,
    /// The game is not one this program and input produce.
    #[error("the game at {game} is not over this program: {reason}")]
    WrongGame {
        /// The game's address.
        game: alloy::primitives::Address,
        /// What differs.
        reason: String,
    },
    /// Local data that cannot go on chain (the oracle takes at most 32 bytes per key).
    #[error("local datum {ident} is {len} bytes; on chain a local datum holds at most 32 (pass larger inputs by keccak hash)")]
    LocalDataTooLarge {
        /// The local index.
        ident: u32,
        /// Its length.
        len: usize,
    },
    /// A file the toolkit reads or writes (program, input, persisted state).
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: std::path::PathBuf,
        /// What failed.
        source: std::io::Error,
    },
    /// Persisted player state that does not parse.
    #[error("{}: {reason}", path.display())]
    BadState {
        /// The file.
        path: std::path::PathBuf,
        /// What is wrong with it.
        reason: String,
    },
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
