//! The toolkit's one JSON-RPC client: an alloy provider over HTTP and the runtime that drives
//! it, with the retry policy every caller shares. Transport failures are retried with
//! exponential backoff; answers — reverts and errors the node returns — are not.
//!
//! [`super::RpcChain`] adds local signers and time travel on top of it to play games;
//! [`crate::axiom::Node`] reads headers, proofs and logs through it.

use std::future::Future;
use std::time::Duration;

use alloy::network::EthereumWallet;
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::transports::http::reqwest::Url;
use alloy::transports::{RpcError, TransportErrorKind};

use crate::{Error, Result};

/// How many times a request that failed in transport is tried in all.
const ATTEMPTS: u32 = 6;
/// The wait before the first retry; it doubles with each retry.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);

/// A connection to one JSON-RPC endpoint (see the module docs).
pub struct RpcClient {
    runtime: tokio::runtime::Runtime,
    provider: DynProvider,
    url: String,
}

impl std::fmt::Debug for RpcClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcClient").field("url", &self.url).finish()
    }
}

/// Whether an RPC failure is worth retrying: the transport failed, not the request.
fn transient(error: &RpcError<TransportErrorKind>) -> bool {
    match error {
        RpcError::Transport(kind) => {
            kind.is_retry_err() || matches!(kind, TransportErrorKind::Custom(_))
        }
        RpcError::NullResp => true,
        _ => false,
    }
}

/// The revert data an RPC error carries, if it is a revert.
fn revert_data(error: &RpcError<TransportErrorKind>) -> Option<Vec<u8>> {
    let payload = error.as_error_resp()?;
    if let Some(data) = payload.as_revert_data() {
        return Some(data.to_vec());
    }
    payload.message.contains("revert").then(Vec::new)
}

impl RpcClient {
    /// A client of the endpoint at `url`, signing with `wallet` when given. Sends nothing.
    ///
    /// Signed transactions take the node's pending nonce before each one, not a locally
    /// cached counter: a transaction whose gas estimation reverts (another player resolved
    /// first) would otherwise burn a nonce and leave every later one queued behind the gap,
    /// and a restarted player must continue after its dead predecessor's pending
    /// transactions.
    pub fn new(url: &str, wallet: Option<EthereumWallet>) -> Result<Self> {
        let bad = |reason: String| Error::BadUrl { url: url.to_owned(), reason };
        let parsed = Url::parse(url).map_err(|e| bad(e.to_string()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad(format!(
                "the scheme must be http or https, not {} (no WebSocket or IPC transport)",
                parsed.scheme()
            )));
        }
        let builder = ProviderBuilder::new()
            .disable_recommended_fillers()
            .with_gas_estimation()
            .with_simple_nonce_management()
            .fetch_chain_id();
        let provider = match wallet {
            Some(wallet) => builder.wallet(wallet).connect_http(parsed).erased(),
            None => builder.connect_http(parsed).erased(),
        };
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Chain(format!("async runtime: {e}")))?;
        Ok(Self { runtime, provider, url: url.to_owned() })
    }

    /// The endpoint's URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The provider, for requests that must not be retried (sending a transaction).
    pub fn provider(&self) -> &DynProvider {
        &self.provider
    }

    /// Runs `future` to completion once.
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    /// The error of request `method` failing with `source`: its revert data if it reverted.
    pub fn error(&self, method: &str, source: RpcError<TransportErrorKind>) -> Error {
        match revert_data(&source) {
            Some(data) => Error::Reverted(data),
            None => Error::Rpc { method: method.to_owned(), url: self.url.clone(), source },
        }
    }

    /// Runs `request` to completion, retrying transport failures with backoff. A revert is
    /// [`Error::Reverted`]; any other failure names `what` and the endpoint.
    pub fn request<T, F, Fut>(&self, what: &str, request: F) -> Result<T>
    where
        F: Fn(DynProvider) -> Fut,
        Fut: Future<Output = std::result::Result<T, RpcError<TransportErrorKind>>>,
    {
        self.runtime.block_on(self.request_async(what, request))
    }

    /// [`RpcClient::request`] as a future, for requests kept in flight together.
    pub async fn request_async<T, F, Fut>(&self, what: &str, request: F) -> Result<T>
    where
        F: Fn(DynProvider) -> Fut,
        Fut: Future<Output = std::result::Result<T, RpcError<TransportErrorKind>>>,
    {
        let mut backoff = FIRST_BACKOFF;
        let mut attempt = 1;
        loop {
            match request(self.provider.clone()).await {
                Ok(value) => return Ok(value),
                Err(e) => {
                    if !transient(&e) || attempt == ATTEMPTS {
                        return Err(self.error(what, e));
                    }
                    tokio::time::sleep(backoff).await;
                    backoff *= 2;
                    attempt += 1;
                }
            }
        }
    }
}
