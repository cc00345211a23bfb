//! A chain behind an Ethereum JSON-RPC endpoint (`--rpc-url`), through alloy: transactions
//! are signed locally by the keys given, calls and receipts go over HTTP. Transport failures
//! are retried with exponential backoff; reverts are not (they are answers). Time can be moved
//! on development nodes (anvil's `evm_increaseTime`); elsewhere players wait for the chain.

use std::future::Future;
use std::time::Duration;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{BlockNumberOrTag, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::transports::{RpcError, TransportErrorKind};

use super::{Chain, Receipt, Tx};
use crate::{Error, Result};

/// How many times a request that failed in transport is tried in all.
const ATTEMPTS: u32 = 6;
/// The wait before the first retry; it doubles with each retry.
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
/// The wait between polls for a receipt.
const RECEIPT_POLL: Duration = Duration::from_millis(100);

/// A JSON-RPC chain with local signers (see the module docs).
pub struct RpcChain {
    runtime: tokio::runtime::Runtime,
    provider: DynProvider,
    url: String,
    accounts: Vec<Address>,
    time_travel: bool,
}

impl std::fmt::Debug for RpcChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcChain")
            .field("url", &self.url)
            .field("accounts", &self.accounts)
            .finish()
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

impl RpcChain {
    /// Connects to `url` with signers for `private_keys` (hex, `0x` optional). `time_travel`
    /// says whether the node accepts `evm_increaseTime` (anvil does); it is probed once.
    pub fn connect(url: &str, private_keys: &[String]) -> Result<Self> {
        let parsed: alloy::transports::http::reqwest::Url =
            url.parse().map_err(|e| Error::Chain(format!("RPC URL {url:?}: {e}")))?;
        let mut wallet: Option<EthereumWallet> = None;
        let mut accounts = Vec::new();
        for key in private_keys {
            let signer: PrivateKeySigner =
                key.trim().parse().map_err(|e| Error::Chain(format!("private key: {e}")))?;
            accounts.push(signer.address());
            match wallet.as_mut() {
                Some(w) => w.register_signer(signer),
                None => wallet = Some(EthereumWallet::new(signer)),
            }
        }
        // The node's pending nonce before every transaction, not a locally cached counter: a
        // transaction whose gas estimation reverts (another player resolved first) would
        // otherwise burn a nonce and leave every later one queued behind the gap, and a
        // restarted player must continue after its dead predecessor's pending transactions.
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
        let mut chain =
            Self { runtime, provider, url: url.to_owned(), accounts, time_travel: false };
        chain.block_on_retry("eth_chainId", |p| async move { p.get_chain_id().await })?;
        chain.time_travel = chain
            .block_on_retry("anvil_nodeInfo", |p| async move {
                p.raw_request::<_, serde_json::Value>("anvil_nodeInfo".into(), ()).await
            })
            .is_ok();
        Ok(chain)
    }

    /// This chain with time travel turned off: players wait for the node's own clock.
    pub fn without_time_travel(mut self) -> Self {
        self.time_travel = false;
        self
    }

    /// The accounts this chain signs for, in the order their keys were given.
    pub fn accounts(&self) -> &[Address] {
        &self.accounts
    }

    /// Runs `request` to completion, retrying transport failures with backoff.
    fn block_on_retry<T, F, Fut>(&self, what: &str, request: F) -> Result<T>
    where
        F: Fn(DynProvider) -> Fut,
        Fut: Future<Output = std::result::Result<T, RpcError<TransportErrorKind>>>,
    {
        let mut backoff = FIRST_BACKOFF;
        for attempt in 1..=ATTEMPTS {
            match self.runtime.block_on(request(self.provider.clone())) {
                Ok(value) => return Ok(value),
                Err(e) => {
                    if let Some(data) = revert_data(&e) {
                        return Err(Error::Reverted(data));
                    }
                    if !transient(&e) || attempt == ATTEMPTS {
                        return Err(Error::Chain(format!("{what} at {}: {e}", self.url)));
                    }
                    std::thread::sleep(backoff);
                    backoff *= 2;
                }
            }
        }
        unreachable!("the last attempt returns")
    }
}

impl Chain for RpcChain {
    fn call(&mut self, to: Address, data: Vec<u8>) -> Result<Vec<u8>> {
        let request = TransactionRequest::default().with_to(to).with_input(Bytes::from(data));
        let out = self.block_on_retry("eth_call", |p| {
            let request = request.clone();
            async move { p.call(request).await }
        })?;
        Ok(out.to_vec())
    }

    fn send(&mut self, tx: Tx) -> Result<Receipt> {
        let mut request = TransactionRequest::default()
            .with_from(tx.from)
            .with_value(tx.value)
            .with_input(Bytes::from(tx.data));
        request = match tx.to {
            Some(to) => request.with_to(to),
            None => request.into_create(),
        };
        // Sent once: a resent transaction could land twice (a second bonded claim). Only the
        // receipt poll, which cannot change anything, is retried.
        let pending =
            self.runtime.block_on(self.provider.send_transaction(request)).map_err(|e| {
                match revert_data(&e) {
                    Some(data) => Error::Reverted(data),
                    None => Error::Chain(format!("eth_sendTransaction at {}: {e}", self.url)),
                }
            })?;
        let hash = *pending.tx_hash();
        let receipt = loop {
            let receipt = self.block_on_retry("eth_getTransactionReceipt", |p| async move {
                p.get_transaction_receipt(hash).await
            })?;
            match receipt {
                Some(receipt) => break receipt,
                None => std::thread::sleep(RECEIPT_POLL),
            }
        };
        if !receipt.status() {
            return Err(Error::Reverted(Vec::new()));
        }
        Ok(Receipt { gas_used: receipt.gas_used, created: receipt.contract_address })
    }

    fn timestamp(&mut self) -> Result<u64> {
        let block = self.block_on_retry("eth_getBlockByNumber", |p| async move {
            p.get_block_by_number(BlockNumberOrTag::Latest).await
        })?;
        block.map(|b| b.header.timestamp).ok_or_else(|| Error::Chain("no latest block".into()))
    }

    fn balance(&mut self, account: Address) -> Result<U256> {
        self.block_on_retry("eth_getBalance", |p| async move { p.get_balance(account).await })
    }

    fn advance_time(&mut self, seconds: u64) -> Result<()> {
        if !self.time_travel {
            return Err(Error::CannotAdvanceTime);
        }
        self.block_on_retry("evm_increaseTime", |p| async move {
            p.raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (seconds,)).await
        })?;
        self.block_on_retry("evm_mine", |p| async move {
            p.raw_request::<_, serde_json::Value>("evm_mine".into(), ()).await
        })?;
        Ok(())
    }

    fn can_advance_time(&self) -> bool {
        self.time_travel
    }
}
