//! An in-process chain: revm with Prague rules over an in-memory state, one block per
//! transaction, time moved only by [`Chain::advance_time`]. Gas is metered as on a real
//! chain but priced at zero, so balances change only by the value transfers (bonds).

use revm::context::result::{ExecutionResult, Output};
use revm::context::{BlockEnv, CfgEnv, Context, Evm, Journal, TxEnv};
use revm::context_interface::ContextTr;
use revm::database::{CacheDB, EmptyDB};
use revm::handler::instructions::EthInstructions;
use revm::handler::{EthFrame, EthPrecompiles};
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, TxKind, U256};
use revm::{Database, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext};

use super::{Chain, Receipt, Tx};
use crate::{Error, Result};

type Db = CacheDB<EmptyDB>;
type Ctx = Context<BlockEnv, TxEnv, CfgEnv, Db, Journal<Db>, ()>;
type Machine = Evm<Ctx, (), EthInstructions<EthInterpreter, Ctx>, EthPrecompiles, EthFrame>;

/// The block gas limit, and the gas limit of every transaction.
const GAS_LIMIT: u64 = 30_000_000;

/// The embedded chain's first block timestamp (an arbitrary, realistic time).
const GENESIS_TIMESTAMP: u64 = 1_767_225_600;

/// An in-memory EVM chain (see the module docs).
pub struct EmbeddedChain {
    evm: Machine,
}

impl std::fmt::Debug for EmbeddedChain {
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
        let ctx: Ctx = Context::mainnet()
            .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(SpecId::PRAGUE))
            .modify_block_chained(|block| {
                block.number = U256::from(1);
                block.timestamp = U256::from(GENESIS_TIMESTAMP);
                block.gas_limit = GAS_LIMIT;
                block.basefee = 0;
            })
            .with_db(CacheDB::new(EmptyDB::default()));
        Self { evm: ctx.build_mainnet() }
    }

    /// Gives `account` a balance of `wei` (the chain's faucet).
    pub fn fund(&mut self, account: Address, wei: U256) {
        let db = self.evm.ctx.db_mut();
        let mut info = db.basic(account).ok().flatten().unwrap_or_default();
        info.balance = wei;
        db.insert_account_info(account, info);
    }

    fn nonce(&mut self, account: Address) -> u64 {
        self.evm.ctx.db_mut().basic(account).ok().flatten().map_or(0, |info| info.nonce)
    }

    fn tx_env(&mut self, from: Address, kind: TxKind, value: U256, data: Vec<u8>) -> Result<TxEnv> {
        let nonce = self.nonce(from);
        TxEnv::builder()
            .caller(from)
            .kind(kind)
            .value(value)
            .data(data.into())
            .nonce(nonce)
            .gas_limit(GAS_LIMIT)
            .gas_price(0)
            .build()
            .map_err(|e| Error::Chain(format!("transaction: {e:?}")))
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

impl Chain for EmbeddedChain {
    fn call(&mut self, to: Address, data: Vec<u8>) -> Result<Vec<u8>> {
        let tx = self.tx_env(Address::ZERO, TxKind::Call(to), U256::ZERO, data)?;
        let result = self.evm.transact(tx).map_err(|e| Error::Chain(format!("{e:?}")))?.result;
        Ok(outcome(result)?.0.into_data().to_vec())
    }

    fn send(&mut self, tx: Tx) -> Result<Receipt> {
        let kind = tx.to.map_or(TxKind::Create, TxKind::Call);
        let env = self.tx_env(tx.from, kind, tx.value, tx.data)?;
        let result = self.evm.transact_commit(env).map_err(|e| Error::Chain(format!("{e:?}")))?;
        self.evm.ctx.block.number += U256::from(1);
        let (output, gas_used) = outcome(result)?;
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
