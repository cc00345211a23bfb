//! An in-process chain: revm with Prague rules over an in-memory state, one block per
//! transaction, time moved only by [`Chain::advance_time`]. Gas is metered as on a real
//! chain but priced at zero, so balances change only by the value transfers (bonds).
//!
//! It is the project's one in-process EVM for contracts: the demos and tests play games on
//! it, and the cross-crate tests run the verifier and the AI contracts on it, with revm's
//! whole [`ExecutionResult`] ([`EmbeddedChain::execute`], [`EmbeddedChain::simulate`]) and,
//! for the AI EVM, its own precompiles ([`EmbeddedChain::with_precompiles`]).

pub use revm::context::result::ExecutionResult;
use revm::context::result::Output;
use revm::context::{BlockEnv, CfgEnv, Context, Evm, Journal, TxEnv};
use revm::context_interface::{Block as _, ContextTr};
use revm::database::{CacheDB, EmptyDB};
use revm::handler::instructions::EthInstructions;
use revm::handler::{EthFrame, EthPrecompiles, PrecompileProvider};
use revm::interpreter::interpreter::EthInterpreter;
use revm::interpreter::InterpreterResult;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, TxKind, B256, U256};
use revm::{Database, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext};

use super::{Chain, Receipt, Tx};
use crate::{Error, Result};

type Db = CacheDB<EmptyDB>;
/// The context every embedded chain runs in, whatever its precompiles.
pub type EmbeddedContext = Context<BlockEnv, TxEnv, CfgEnv, Db, Journal<Db>, ()>;
type Machine<P> =
    Evm<EmbeddedContext, (), EthInstructions<EthInterpreter, EmbeddedContext>, P, EthFrame>;

/// The block gas limit, and the gas limit of every transaction.
const GAS_LIMIT: u64 = 30_000_000;

/// The embedded chain's first block timestamp (an arbitrary, realistic time).
const GENESIS_TIMESTAMP: u64 = 1_767_225_600;

/// An in-memory EVM chain (see the module docs), with Ethereum's precompiles unless built
/// [`EmbeddedChain::with_precompiles`].
pub struct EmbeddedChain<P = EthPrecompiles> {
    evm: Machine<P>,
    /// The versioned hashes of the blobs every transaction carries ([`Self::carry_blobs`]).
    blob_hashes: Vec<B256>,
}

impl<P> std::fmt::Debug for EmbeddedChain<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let block = &self.evm.ctx.block;
        f.debug_struct("EmbeddedChain")
            .field("number", &block.number)
            .field("timestamp", &block.timestamp)
            .finish()
    }
}

impl Default for EmbeddedChain {
    fn default() -> Self {
        Self::new()
    }
}

impl EmbeddedChain {
    /// An empty chain at block 1.
    pub fn new() -> Self {
        let ctx: EmbeddedContext = Context::mainnet()
            .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(SpecId::PRAGUE))
            .modify_block_chained(|block| {
                block.number = U256::from(1);
                block.timestamp = U256::from(GENESIS_TIMESTAMP);
                block.gas_limit = GAS_LIMIT;
                block.basefee = 0;
            })
            .with_db(CacheDB::new(EmptyDB::default()));
        Self { evm: ctx.build_mainnet(), blob_hashes: Vec::new() }
    }

    /// The same chain (state, block) with `precompiles` in place of Ethereum's: the AI EVM's
    /// `inference` precompile, for one.
    pub fn with_precompiles<Q>(self, precompiles: Q) -> EmbeddedChain<Q> {
        EmbeddedChain { evm: self.evm.with_precompiles(precompiles), blob_hashes: self.blob_hashes }
    }
}

impl<P> EmbeddedChain<P> {
    /// Gives `account` a balance of `wei` (the chain's faucet).
    pub fn fund(&mut self, account: Address, wei: U256) {
        let db = self.evm.ctx.db_mut();
        let mut info = db.basic(account).ok().flatten().unwrap_or_default();
        info.balance = wei;
        db.insert_account_info(account, info);
    }

    /// Sets storage slot `slot` of `account` to `value`, as a genesis allocation would.
    pub fn set_storage(&mut self, account: Address, slot: U256, value: U256) {
        // An in-memory database cannot fail.
        let _ = self.evm.ctx.db_mut().insert_account_storage(account, slot, value);
    }

    /// Makes the transactions that follow carry blobs with these versioned hashes (what
    /// `BLOBHASH` reads), as an EIP-4844 transaction does; none again with an empty list. The
    /// blobs themselves are not the chain's business: L1 keeps only their hashes. A blob
    /// transaction cannot create a contract.
    pub fn carry_blobs(&mut self, hashes: Vec<B256>) {
        self.blob_hashes = hashes;
    }

    fn nonce(&mut self, account: Address) -> u64 {
        self.evm.ctx.db_mut().basic(account).ok().flatten().map_or(0, |info| info.nonce)
    }

    fn tx_env(&mut self, tx: Tx, gas_limit: u64) -> Result<TxEnv> {
        let nonce = self.nonce(tx.from);
        let blob_fee = self.evm.ctx.block.blob_gasprice().unwrap_or(1);
        TxEnv::builder()
            .blob_hashes(self.blob_hashes.clone())
            .max_fee_per_blob_gas(if self.blob_hashes.is_empty() { 0 } else { blob_fee })
            .caller(tx.from)
            .kind(tx.to.map_or(TxKind::Create, TxKind::Call))
            .value(tx.value)
            .data(tx.data.into())
            .nonce(nonce)
            .gas_limit(gas_limit)
            .gas_price(0)
            .build()
            .map_err(|e| Error::Chain(format!("transaction: {e:?}")))
    }
}

impl<P: PrecompileProvider<EmbeddedContext, Output = InterpreterResult>> EmbeddedChain<P> {
    /// Executes `tx` with at most `gas_limit` gas in a block of its own and commits it,
    /// returning revm's whole result (reverts and halts included: they are results here).
    pub fn execute(&mut self, tx: Tx, gas_limit: u64) -> Result<ExecutionResult> {
        let env = self.tx_env(tx, gas_limit)?;
        let result = self.evm.transact_commit(env).map_err(|e| Error::Chain(format!("{e:?}")))?;
        self.evm.ctx.block.number += U256::from(1);
        Ok(result)
    }

    /// Executes `tx` at the head and drops its state changes, returning revm's whole result.
    pub fn simulate(&mut self, tx: Tx) -> Result<ExecutionResult> {
        let env = self.tx_env(tx, GAS_LIMIT)?;
        Ok(self.evm.transact(env).map_err(|e| Error::Chain(format!("{e:?}")))?.result)
    }
}

/// The output of a successful execution, or the error its failure is.
fn outcome(result: ExecutionResult) -> Result<(Output, u64)> {
    match result {
        ExecutionResult::Success { output, gas, .. } => Ok((output, gas.tx_gas_used())),
        ExecutionResult::Revert { output, .. } => Err(Error::Reverted(output.to_vec())),
        ExecutionResult::Halt { reason, .. } => Err(Error::Chain(format!("halted: {reason:?}"))),
    }
}

impl<P: PrecompileProvider<EmbeddedContext, Output = InterpreterResult>> Chain
    for EmbeddedChain<P>
{
    fn call(&mut self, to: Address, data: Vec<u8>) -> Result<Vec<u8>> {
        let tx = Tx { from: Address::ZERO, to: Some(to), value: U256::ZERO, data };
        Ok(outcome(self.simulate(tx)?)?.0.into_data().to_vec())
    }

    fn send(&mut self, tx: Tx) -> Result<Receipt> {
        let (output, gas_used) = outcome(self.execute(tx, GAS_LIMIT)?)?;
        let created = match output {
            Output::Create(_, address) => address,
            Output::Call(_) => None,
        };
        Ok(Receipt { gas_used, created })
    }

    fn timestamp(&mut self) -> Result<u64> {
        Ok(self.evm.ctx.block.timestamp.to())
    }

    fn balance(&mut self, account: Address) -> Result<U256> {
        let info = self.evm.ctx.db_mut().basic(account).map_err(|e| Error::Chain(e.to_string()))?;
        Ok(info.map_or(U256::ZERO, |info| info.balance))
    }

    fn nonce(&mut self, account: Address) -> Result<u64> {
        let info = self.evm.ctx.db_mut().basic(account).map_err(|e| Error::Chain(e.to_string()))?;
        Ok(info.map_or(0, |info| info.nonce))
    }

    fn code(&mut self, account: Address) -> Result<Vec<u8>> {
        let db = self.evm.ctx.db_mut();
        let info = db.basic(account).map_err(|e| Error::Chain(e.to_string()))?.unwrap_or_default();
        let code = match info.code {
            Some(code) => code,
            None => db.code_by_hash(info.code_hash).map_err(|e| Error::Chain(e.to_string()))?,
        };
        Ok(code.original_bytes().to_vec())
    }

    fn advance_time(&mut self, seconds: u64) -> Result<()> {
        let block = &mut self.evm.ctx.block;
        block.timestamp += U256::from(seconds);
        block.number += U256::from(1);
        Ok(())
    }

    fn can_advance_time(&self) -> bool {
        true
    }
}
