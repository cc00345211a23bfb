//! A chain behind an Ethereum JSON-RPC endpoint (`--rpc-url`), through the toolkit's
//! [`RpcClient`]: transactions are signed locally by the keys given, calls and receipts go
//! over HTTP. Transport failures are retried with exponential backoff; reverts are not (they
//! are answers). Time can be moved on development nodes (anvil's `evm_increaseTime`);
//! elsewhere players wait for the chain.

use std::time::Duration;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, Bytes, U256};
use alloy::providers::Provider;
use alloy::rpc::types::{BlockNumberOrTag, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;

use super::{Chain, Receipt, RpcClient, Tx};
use crate::{Error, Result};

/// The wait between polls for a receipt.
const RECEIPT_POLL: Duration = Duration::from_millis(100);

/// A JSON-RPC chain with local signers (see the module docs).
pub struct RpcChain {
    client: RpcClient,
    accounts: Vec<Address>,
    time_travel: bool,
}

impl std::fmt::Debug for RpcChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcChain")
            .field("url", &self.client.url())
            .field("accounts", &self.accounts)
            .finish()
    }
}

impl RpcChain {
    /// Connects to `url` with signers for `private_keys` (hex, `0x` optional). `time_travel`
    /// says whether the node accepts `evm_increaseTime` (anvil does); it is probed once.
    pub fn connect(url: &str, private_keys: &[String]) -> Result<Self> {
        let mut wallet: Option<EthereumWallet> = None;
        let mut accounts = Vec::new();
        for key in private_keys {
            let signer: PrivateKeySigner = key.trim().parse().map_err(|e| Error::BadInput {
                what: "a private key".into(),
                reason: format!("{e}"),
            })?;
            accounts.push(signer.address());
            match wallet.as_mut() {
                Some(w) => w.register_signer(signer),
                None => wallet = Some(EthereumWallet::new(signer)),
            }
        }
        let mut chain = Self { client: RpcClient::new(url, wallet)?, accounts, time_travel: false };
        chain.client.request("eth_chainId", |p| async move { p.get_chain_id().await })?;
        chain.time_travel = chain
            .client
            .request("anvil_nodeInfo", |p| async move {
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
}

impl Chain for RpcChain {
    fn call(&mut self, to: Address, data: Vec<u8>) -> Result<Vec<u8>> {
        let request = TransactionRequest::default().with_to(to).with_input(Bytes::from(data));
        let out = self.client.request("eth_call", |p| {
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
        let pending = self
            .client
            .block_on(self.client.provider().send_transaction(request))
            .map_err(|e| self.client.error("eth_sendTransaction", e))?;
        let hash = *pending.tx_hash();
        let receipt = loop {
            let receipt = self.client.request("eth_getTransactionReceipt", |p| async move {
                p.get_transaction_receipt(hash).await
            })?;
            if let Some(receipt) = receipt {
                break receipt;
            }
            // A transaction the node no longer knows was dropped (an L1 reorganization took
            // its block, say) and will never have a receipt: the caller reads the chain again
            // and decides anew rather than wait forever.
            let known = self.client.request("eth_getTransactionByHash", |p| async move {
                p.get_transaction_by_hash(hash).await
            })?;
            if known.is_none() {
                return Err(Error::Chain(format!("transaction {hash} was dropped by L1")));
            }
            std::thread::sleep(RECEIPT_POLL);
        };
        if !receipt.status() {
            return Err(Error::Reverted(Vec::new()));
        }
        Ok(Receipt { gas_used: receipt.gas_used, created: receipt.contract_address })
    }

    fn timestamp(&mut self) -> Result<u64> {
        let block = self.client.request("eth_getBlockByNumber", |p| async move {
            p.get_block_by_number(BlockNumberOrTag::Latest).await
        })?;
        block.map(|b| b.header.timestamp).ok_or_else(|| Error::Chain("no latest block".into()))
    }

    fn balance(&mut self, account: Address) -> Result<U256> {
        self.client.request("eth_getBalance", |p| async move { p.get_balance(account).await })
    }

    fn nonce(&mut self, account: Address) -> Result<u64> {
        self.client.request("eth_getTransactionCount", |p| async move {
            p.get_transaction_count(account).pending().await
        })
    }

    fn code(&mut self, account: Address) -> Result<Vec<u8>> {
        let code =
            self.client.request("eth_getCode", |p| async move { p.get_code_at(account).await })?;
        Ok(code.to_vec())
    }

    fn advance_time(&mut self, seconds: u64) -> Result<()> {
        if !self.time_travel {
            return Err(Error::CannotAdvanceTime);
        }
        self.client.request("evm_increaseTime", |p| async move {
            p.raw_request::<_, serde_json::Value>("evm_increaseTime".into(), (seconds,)).await
        })?;
        self.client.request("evm_mine", |p| async move {
            p.raw_request::<_, serde_json::Value>("evm_mine".into(), ()).await
        })?;
        Ok(())
    }

    fn can_advance_time(&self) -> bool {
        self.time_travel
    }
}
