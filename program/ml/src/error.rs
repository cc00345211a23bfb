//! The engine's errors: malformed models and requests. Arithmetic never fails.

/// Why a model or an inference request was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The model file ends before a header, table or tensor it declares.
    #[error("model file truncated: {what} needs {needed} bytes, the file has {available}")]
    Truncated {
        /// What was being read.
        what: &'static str,
        /// Bytes needed up to the end of it.
        needed: u64,
        /// Bytes in the file.
        available: usize,
    },
    /// The model file is not in a format the engine reads.
    #[error("unknown model format: {0}")]
    UnknownFormat(&'static str),
    /// A field of the model file is out of range or inconsistent.
    #[error("invalid model: {0}")]
    InvalidModel(&'static str),
    /// The input does not fit the model.
    #[error("invalid input: {0}")]
    InvalidInput(&'static str),
    /// The requested output size is not what the model produces.
    #[error(
        "output size mismatch: the request asks for {requested} bytes, the model gives {actual}"
    )]
    OutputSize {
        /// Bytes requested.
        requested: u64,
        /// Bytes the model produces for this input.
        actual: u64,
    },
}

/// The engine's result type.
pub type Result<T, E = Error> = core::result::Result<T, E>;
