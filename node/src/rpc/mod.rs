//! The node's Ethereum JSON-RPC (HTTP and WebSocket on one port), served by jsonrpsee: the
//! `eth_`, `net_` and `web3_` methods a wallet, `cast`, `forge` and alloy's provider use,
//! with geth's error codes and messages.
//!
//! Requests are bounded: the body size, `eth_getLogs`' block range and result count, and the
//! gas of `eth_call` and `eth_estimateGas` ([`Limits`]). A malformed request is a JSON-RPC
//! error (jsonrpsee answers malformed JSON with -32700 and unknown methods with -32601), and
//! a node failure is -32603 with its message, never a panic.
//!
//! A validator given its sequencer's JSON-RPC forwards `eth_sendRawTransaction` there (as
//! op-geth's `--rollup.sequencerhttp` does), answering what the sequencer answers, so that a
//! wallet may use any node of the chain.

mod account_proof;
mod convert;
mod eth;

use std::net::SocketAddr;
use std::sync::Arc;

use alloy::providers::{Provider, ProviderBuilder};
use jsonrpsee::server::{Server, ServerConfig, ServerHandle};
use jsonrpsee::types::ErrorObjectOwned;
use jsonrpsee::RpcModule;

use crate::error::{NodeError, Result};
use crate::node::Node;

pub use eth::{BlockRef, Eth, OutputAtBlock};

/// What one request may ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest request body, in bytes.
    pub max_body: u32,
    /// The most blocks one `eth_getLogs` may scan.
    pub logs_range: u64,
    /// The most logs one `eth_getLogs` may return.
    pub max_logs: usize,
    /// The most gas one `eth_call` or `eth_estimateGas` may use.
    pub gas_cap: u64,
}

impl Default for Limits {
    /// geth's defaults where geth has one: 5 MiB bodies, 50M gas for calls; and 10,000
    /// blocks and logs per `eth_getLogs` (a public RPC provider's usual bound).
    fn default() -> Self {
        Self { max_body: 5 << 20, logs_range: 10_000, max_logs: 10_000, gas_cap: 50_000_000 }
    }
}

/// Serves `node` on `addr` until the handle is stopped, forwarding transactions to the
/// sequencer's JSON-RPC at `sequencer` if given (a validator).
pub async fn serve(
    node: Arc<Node>,
    addr: SocketAddr,
    limits: Limits,
    sequencer: Option<&str>,
) -> Result<(SocketAddr, ServerHandle)> {
    let rpc_error = |e: &dyn std::fmt::Display| NodeError::Rpc { addr, reason: e.to_string() };
    let sequencer = sequencer
        .map(|url| {
            let parsed = url.parse().map_err(|e| NodeError::Rpc {
                addr,
                reason: format!("the sequencer's JSON-RPC {url}: {e}"),
            })?;
            Ok::<_, NodeError>(
                ProviderBuilder::new().disable_recommended_fillers().connect_http(parsed).erased(),
            )
        })
        .transpose()?;
    let config = ServerConfig::builder().max_request_body_size(limits.max_body).build();
    let server =
        Server::builder().set_config(config).build(addr).await.map_err(|e| rpc_error(&e))?;
    let local = server.local_addr().map_err(|e| rpc_error(&e))?;
    let module = eth::module(Eth::new(node, limits, sequencer)).map_err(|e| rpc_error(&e))?;
    Ok((local, server.start(module)))
}

/// JSON-RPC's error codes, as geth uses them.
pub mod code {
    /// The parameters are not what the method takes.
    pub const INVALID_PARAMS: i32 = -32602;
    /// The node failed.
    pub const INTERNAL: i32 = -32603;
    /// A server error: a refused transaction, an unknown block.
    pub const SERVER: i32 = -32000;
    /// The query asks more than the node serves (EIP-1474's "limit exceeded").
    pub const LIMIT_EXCEEDED: i32 = -32005;
    /// The call reverted; the data is the revert's.
    pub const EXECUTION_REVERTED: i32 = 3;
}

pub(crate) fn error(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
    ErrorObjectOwned::owned(code, message.into(), None::<()>)
}

impl From<NodeError> for ErrorObjectOwned {
    fn from(e: NodeError) -> Self {
        error(code::INTERNAL, e.to_string())
    }
}

pub(crate) type RpcResult<T> = std::result::Result<T, ErrorObjectOwned>;

/// Registers `f` as a method run on the blocking pool (it reads the database).
pub(crate) fn register<T, F>(
    module: &mut RpcModule<Eth>,
    name: &'static str,
    f: F,
) -> std::result::Result<(), jsonrpsee::core::RegisterMethodError>
where
    T: serde::Serialize + Clone + Send + 'static,
    F: Fn(&Eth, jsonrpsee::types::Params<'_>) -> RpcResult<T> + Clone + Send + Sync + 'static,
{
    module.register_blocking_method(name, move |params, eth, _| f(&eth, params))?;
    Ok(())
}
