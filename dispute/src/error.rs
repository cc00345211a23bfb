//! The crate's error type: one variant per kind of failure, each carrying its source error
//! where there is one (kona's error enums are the model), so a caller can tell a revert from a
//! transport failure from bad input without reading strings.

use alloy::primitives::Address;
use alloy::transports::{RpcError, TransportErrorKind};
use axon_vm::{Halt, Hash};

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
    /// The chain layer failed below the protocol (not a revert, not a request's answer): the
    /// in-process EVM refused a transaction, an async runtime could not start, a node returned
    /// no latest block.
    #[error("chain: {0}")]
    Chain(String),
    /// A JSON-RPC request failed: the endpoint is unreachable (after retries), or it answered
    /// with an error that is not a revert. The message names every cause.
    #[error("{method} at {url}: {}", causes(.source))]
    Rpc {
        /// The request, e.g. `eth_call`.
        method: String,
        /// The endpoint.
        url: String,
        /// What failed.
        source: RpcError<TransportErrorKind>,
    },
    /// A URL that is not one.
    #[error("RPC URL {url:?}: {reason}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Data that does not decode as its ABI says: a call's answer, an event, a guest's
    /// output.
    #[error("{what} does not decode: {source}")]
    AbiDecode {
        /// What was decoded.
        what: String,
        /// The decoder's complaint.
        source: alloy_sol_types::Error,
    },
    /// An Optimistic Axiom datum that fails `axon-axiom`'s checks (a header, a storage claim).
    #[error("{what}: {source}")]
    Axiom {
        /// The datum.
        what: String,
        /// The check that failed.
        source: axon_axiom::Error,
    },
    /// JSON that does not encode or decode.
    #[error("{what}: JSON: {source}")]
    Json {
        /// What was (de)serialized.
        what: String,
        /// The complaint.
        source: serde_json::Error,
    },
    /// No dispute game at an address: an account without code, or another contract.
    #[error("no game at {address}: {reason}")]
    NoGame {
        /// The address given.
        address: Address,
        /// What is there instead.
        reason: &'static str,
    },
    /// A claim index past the game's claims.
    #[error("the game at {game} has {count} claims, no claim {index}")]
    NoClaim {
        /// The game.
        game: Address,
        /// The index asked for.
        index: usize,
        /// How many claims it has.
        count: usize,
    },
    /// A claim whose counter's clock has run out: it can no longer be countered.
    #[error("claim {index}'s clock has run out")]
    ClockRanOut {
        /// The claim's index.
        index: usize,
    },
    /// The factory has no implementation for a game type.
    #[error("the factory at {factory} has no game type {game_type}")]
    NoGameType {
        /// The factory.
        factory: Address,
        /// The game type.
        game_type: u32,
    },
    /// A game type that is not over the program, input or depth given: a game of it could
    /// not be defended with this trace.
    #[error("game type {game_type} of the factory at {factory} does not fit: {reason}")]
    WrongGameType {
        /// The factory.
        factory: Address,
        /// The game type.
        game_type: u32,
        /// What differs.
        reason: String,
    },
    /// A transaction that was to create something (a contract, a game) created nothing.
    #[error("{0}: the transaction created nothing")]
    NothingCreated(String),
    /// A move or step the game refused (no transaction landed), with the game's reason.
    #[error("{0}")]
    Refused(String),
    /// Every player waits for another.
    #[error("every player waits for another: the game is stuck")]
    Stuck,
    /// A guest run that did not exit 0 where a successful run is needed (a claim's output).
    #[error("the guest ended {halt:?}: {stderr}")]
    GuestFailed {
        /// How it ended.
        halt: Halt,
        /// What it wrote to stderr.
        stderr: String,
    },
    /// A game that is not a claim of the given Optimistic Axiom contracts.
    #[error("game {game} is not a claim of these contracts: {reason}")]
    NotAClaim {
        /// The game.
        game: Address,
        /// Why.
        reason: String,
    },
    /// Input data that is not what it must be: headers, a storage claim, a model, a block,
    /// test data, a key.
    #[error("{what}: {reason}")]
    BadInput {
        /// The datum.
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A split game's execution starts from a commitment this side cannot open: no state it
    /// computed has it (a liar's), so the unit program could not read it, and nobody could
    /// prove a step that does.
    #[error("no known state has commitment {} (after {unit} units)", hex::encode(commitment))]
    UnknownState {
        /// The agreed commitment of the execution.
        commitment: axon_vm::Hash,
        /// The units before it.
        unit: u64,
    },
    /// A node that does not have a block asked for.
    #[error("the node has no block {0}")]
    NoBlock(String),
    /// A preimage key of a type no oracle load exists for.
    #[error("no oracle load for key type {0:#04x}")]
    UnknownKeyType(u8),
    /// The preimage of a precompile key is shorter than `address ‖ u64_be(gas)`.
    #[error("the call behind precompile key {} is not address ‖ gas ‖ input", hex::encode(.0))]
    BadPrecompileCall(Hash),
    /// The preimage of a blob element key is not `versioned_hash ‖ u64_be(index)`.
    #[error("the source of blob element key {} is not versioned hash ‖ index", hex::encode(.0))]
    BadBlobElementKey(Hash),
    /// A KZG commitment or opening could not be computed (a blob that is not one).
    #[error("KZG: {0}")]
    Kzg(String),
    /// A blob element key whose blob the store lacks.
    #[error("no blob {} for its element's on-chain load", hex::encode(.0))]
    MissingBlob(Hash),
    /// A command line that asks for something that cannot be done as asked.
    #[error("{0}")]
    Usage(String),
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

/// `error` and each of its sources, joined by ": " (a transport error's own message often
/// hides the cause: "error sending request" over "Connection refused").
fn causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
