//! The node's errors: what stops it (a bad genesis, a database that cannot be opened or
//! written) as opposed to what a request did wrong, which [`crate::rpc`] answers as JSON-RPC
//! errors.

use std::path::PathBuf;

/// Why the node cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    /// A file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The system's error.
        source: std::io::Error,
    },
    /// The genesis file is not valid.
    #[error("genesis {path}: {reason}")]
    Genesis {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// A model could not be had from a model-DA endpoint, or was not the model named.
    #[error("model DA {url}: {reason}")]
    ModelDa {
        /// What was fetched.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The database already holds another chain.
    #[error(
        "the database holds the chain of genesis {stored}, not of this genesis ({configured}): \
         use another --datadir"
    )]
    OtherChain {
        /// The genesis hash the database holds.
        stored: alloy::primitives::B256,
        /// The genesis hash of the configuration.
        configured: alloy::primitives::B256,
    },
    /// The embedded database failed.
    #[error("database: {0}")]
    Database(String),
    /// The database holds data the node cannot read (written by another version, or damaged).
    #[error("database: corrupt {what}: {reason}")]
    Corrupt {
        /// The record.
        what: String,
        /// Why it cannot be read.
        reason: String,
    },
    /// The head's state lacks a trie node or code: the database is incomplete.
    #[error("state: {0}")]
    State(#[from] axon_ai_evm::block::StateError),
    /// A block could not be run for want of data the node should have.
    #[error("execution: {0}")]
    Execution(String),
    /// A fraud proof's data cannot be gathered.
    #[error("proof: {0}")]
    Proof(String),
    /// L1 did not answer as expected (a transport failure, a revert, a missing batch).
    #[error("L1: {0}")]
    L1(String),
    /// A key could not be read.
    #[error("key: {0}")]
    Key(String),
    /// The JSON-RPC server could not start.
    #[error("JSON-RPC server on {addr}: {reason}")]
    Rpc {
        /// The address it was to bind.
        addr: std::net::SocketAddr,
        /// Why it did not.
        reason: String,
    },
}

/// The node's results.
pub type Result<T, E = NodeError> = std::result::Result<T, E>;

macro_rules! database_error {
    ($($t:ty),*) => {$(
        impl From<$t> for NodeError {
            fn from(e: $t) -> Self {
                NodeError::Database(e.to_string())
            }
        }
    )*};
}

/// The dispute toolkit's errors are L1's: its client, its contracts' answers, its games.
impl From<axon_dispute::Error> for NodeError {
    fn from(e: axon_dispute::Error) -> Self {
        NodeError::L1(e.to_string())
    }
}

database_error!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);
