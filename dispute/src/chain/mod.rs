//! The chains a game is played on: an embedded in-process EVM ([`EmbeddedChain`]), the
//! default, which needs nothing running, and any Ethereum JSON-RPC node ([`RpcChain`]).
//!
//! Both sit behind [`Chain`]: read-only calls, transactions from one of the accounts the chain
//! can sign for, the head block's timestamp, and, where the chain allows it (the embedded one,
//! anvil), moving time forward so that clocks run out without waiting.

mod client;
mod embedded;
mod rpc;

pub use client::RpcClient;
pub use embedded::{EmbeddedChain, EmbeddedContext, ExecutionResult};
pub use revm::primitives::{Address, U256};
pub use rpc::RpcChain;

use alloy_sol_types::SolCall;

use crate::{Error, Result};

/// A transaction to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tx {
    /// The sending account (one the chain can sign for).
    pub from: Address,
    /// The callee, or `None` to create a contract from `data`.
    pub to: Option<Address>,
    /// The wei sent along.
    pub value: U256,
    /// The calldata (creation code when `to` is `None`).
    pub data: Vec<u8>,
}

/// What a successful transaction did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The gas the transaction used, as its receipt records it.
    pub gas_used: u64,
    /// The address of the created contract, for a creation.
    pub created: Option<Address>,
}

/// A chain the toolkit can read and transact on.
pub trait Chain {
    /// Runs a read-only call at the head and returns its output; a revert is
    /// [`crate::Error::Reverted`].
    fn call(&mut self, to: Address, data: Vec<u8>) -> Result<Vec<u8>>;

    /// Sends a transaction and waits for its receipt; a revert is [`crate::Error::Reverted`].
    fn send(&mut self, tx: Tx) -> Result<Receipt>;

    /// The head block's timestamp.
    fn timestamp(&mut self) -> Result<u64>;

    /// The balance of `account`.
    fn balance(&mut self, account: Address) -> Result<U256>;

    /// The code at `account` (empty for an account without code).
    fn code(&mut self, account: Address) -> Result<Vec<u8>>;

    /// The nonce of `account`: the next transaction's, and what the address of the next
    /// contract it creates follows from.
    fn nonce(&mut self, account: Address) -> Result<u64>;

    /// Moves the chain's time forward by `seconds` (and mines a block), where the chain
    /// allows it; elsewhere [`crate::Error::CannotAdvanceTime`].
    fn advance_time(&mut self, seconds: u64) -> Result<()>;

    /// Whether [`Chain::advance_time`] works: a player then skips waiting for clocks.
    fn can_advance_time(&self) -> bool;
}

/// What is at `account` when it did not answer as the contract expected: "an account without
/// code", or `instead` (e.g. "a contract that is not a game"). Read only on that error path.
pub fn what_is_at(
    chain: &mut dyn Chain,
    account: Address,
    instead: &'static str,
) -> Result<&'static str> {
    Ok(if chain.code(account)?.is_empty() { "an account without code" } else { instead })
}

/// Calls `call` on the contract at `to` (read-only) and decodes its answer.
pub fn view<C: SolCall>(chain: &mut dyn Chain, to: Address, call: C) -> Result<C::Return> {
    let out = chain.call(to, call.abi_encode())?;
    C::abi_decode_returns(&out).map_err(|source| Error::AbiDecode {
        what: format!("the answer to {}", C::SIGNATURE),
        source,
    })
}

/// Sends `call` to the contract at `to` from `from` with `value` wei.
pub fn send<C: SolCall>(
    chain: &mut dyn Chain,
    from: Address,
    to: Address,
    value: U256,
    call: C,
) -> Result<Receipt> {
    chain.send(Tx { from, to: Some(to), value, data: call.abi_encode() })
}
