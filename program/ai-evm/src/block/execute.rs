//! One block, transaction by transaction: decode, recover the sender, run in revm with the
//! AI EVM's precompiles, commit; then the post-state root and the receipts root.
//!
//! Senders are recovered by the `ecrecover` precompile's answer from the [`Oracle`] (after
//! EIP-2's low-`s` check), like every other costly precompile: in the VM a signature
//! recovery is one oracle read, not eleven million instructions of elliptic-curve code.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use alloy_consensus::crypto::SECP256K1N_HALF;
use alloy_consensus::{Eip658Value, Receipt, ReceiptEnvelope, Transaction, TxEnvelope};
use alloy_eips::eip2718::Decodable2718;
use alloy_primitives::{Address, U256};
use revm::context::result::{EVMError, ExecutionResult};
use revm::context::{BlockEnv, Context, TxEnv};
use revm::context_interface::block::BlobExcessGasAndPrice;
use revm::handler::MainnetContext;
use revm::primitives::hardfork::SpecId;
use revm::{ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext};

use super::input::{BlockInput, BlockOutput, ModelEntry};
use super::state::{Preimages, StateError, TrieState};
use crate::evm::AiPrecompiles;
use crate::inference::ModelGas;
use crate::oracle::{Oracle, PrecompileCall};

/// The AI EVM's fork: Prague's EVM, with no blobs (an L2 has no blob transactions).
pub const SPEC: SpecId = SpecId::PRAGUE;

/// The block's registered models and their prices.
struct BlockModels<'a>(&'a [ModelEntry]);

impl ModelGas for BlockModels<'_> {
    fn gas(&self, address: &[u8; 32]) -> Option<u64> {
        self.0.iter().find(|m| m.modelAddress.0 == *address).map(|m| m.gas)
    }
}

/// Why a block is invalid (or could not be run).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlockError {
    /// A transaction is not a well-formed EIP-2718 transaction.
    #[error("transaction {index}: malformed: {reason}")]
    MalformedTransaction {
        /// Its index in the block.
        index: usize,
        /// The decoder's message.
        reason: String,
    },
    /// A transaction of a type the AI EVM does not accept.
    #[error(
        "transaction {index}: type {tx_type} is not accepted (legacy, EIP-2930 and EIP-1559 are)"
    )]
    UnsupportedType {
        /// Its index in the block.
        index: usize,
        /// Its EIP-2718 type.
        tx_type: u8,
    },
    /// A legacy transaction without a chain id (pre-EIP-155): it could be replayed from any
    /// chain.
    #[error("transaction {index}: a legacy transaction must name the chain (EIP-155)")]
    UnprotectedTransaction {
        /// Its index in the block.
        index: usize,
    },
    /// A transaction's signature does not recover a sender.
    #[error("transaction {index}: the signature recovers no sender")]
    BadSignature {
        /// Its index in the block.
        index: usize,
    },
    /// A transaction revm refuses to include (nonce, balance, fees, chain id, gas limit).
    #[error("transaction {index}: invalid: {reason}")]
    InvalidTransaction {
        /// Its index in the block.
        index: usize,
        /// revm's message.
        reason: String,
    },
    /// The transactions' gas limits exceed the block's.
    #[error("transaction {index}: its gas limit exceeds the block's remaining gas")]
    BlockGasExceeded {
        /// Its index in the block.
        index: usize,
    },
    /// The state could not be read or written.
    #[error(transparent)]
    State(#[from] StateError),
    /// The oracle could not answer (natively: an inference whose model file is missing).
    #[error("{0}")]
    Unavailable(String),
}

/// A balance credited before a block's transactions, outside any transaction: a rollup's
/// deposit from L1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Credit {
    /// The account credited.
    pub to: Address,
    /// The wei credited.
    pub value: U256,
}

/// A block's result: the committed output and the receipts behind its receipts root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Executed {
    /// The roots and the gas, as the guest commits to them.
    pub output: BlockOutput,
    /// One receipt per transaction.
    pub receipts: Vec<ReceiptEnvelope>,
    /// What each transaction did, in order.
    pub results: Vec<ExecutionResult>,
}

/// Runs `input` over the state its `parentStateRoot` names, trie nodes and code from
/// `preimages`, inference results and the costly precompiles' answers from `oracle`.
pub fn execute<P: Preimages>(
    input: &BlockInput,
    preimages: P,
    oracle: impl Oracle,
) -> Result<Executed, BlockError> {
    execute_with_state(input, &[], preimages, oracle).map(|(executed, _)| executed)
}

/// [`execute`] after crediting `credits` (a rollup's deposits), also returning the state with
/// the block's writes in its tries: what a rollup reads its post-state's storage roots from
/// (its withdrawals' root).
pub fn execute_with_state<P: Preimages, O: Oracle>(
    input: &BlockInput,
    credits: &[Credit],
    preimages: P,
    oracle: O,
) -> Result<(Executed, TrieState<P>), BlockError> {
    let mut state = parent_state(input, preimages);
    for credit in credits {
        state.credit(credit.to, credit.value)?;
    }
    let mut evm = context(input, state).build_mainnet().with_precompiles(AiPrecompiles::new(
        SPEC,
        BlockModels(&input.models),
        oracle,
    ));

    let mut gas_used = 0u64;
    let mut receipts = Vec::with_capacity(input.transactions.len());
    let mut results = Vec::with_capacity(input.transactions.len());
    for (index, raw) in input.transactions.iter().enumerate() {
        let (tx, tx_env) = transaction(raw, index, &mut evm.precompiles.oracle)?;
        if tx.gas_limit() > input.gasLimit.saturating_sub(gas_used) {
            return Err(BlockError::BlockGasExceeded { index });
        }
        let result = evm.transact_commit(tx_env).map_err(|e| evm_error(e, index))?;
        gas_used = gas_used.saturating_add(result.tx_gas_used());
        let receipt = Receipt {
            status: Eip658Value::Eip658(result.is_success()),
            cumulative_gas_used: gas_used,
            logs: result.logs().to_vec(),
        };
        receipts.push(ReceiptEnvelope::from_typed(tx.tx_type(), receipt.with_bloom()));
        results.push(result);
    }
    let mut state = evm.ctx.journaled_state.database;
    let state_root = state.state_root()?;
    let receipts_root = alloy_consensus::proofs::calculate_receipt_root(&receipts);
    let output =
        BlockOutput { stateRoot: state_root, receiptsRoot: receipts_root, gasUsed: gas_used };
    Ok((Executed { output, receipts, results }, state))
}

/// Runs `tx` alone on the state `input.parentStateRoot` names, in the block `input`
/// describes (its transactions are not run), and keeps none of its writes: what `eth_call`
/// and gas estimation ask. The sender's nonce is not checked; everything else is as in a
/// block, by the same EVM and precompiles.
pub fn simulate<P: Preimages>(
    input: &BlockInput,
    preimages: P,
    oracle: impl Oracle,
    tx: TxEnv,
) -> Result<ExecutionResult, BlockError> {
    let mut evm = context(input, parent_state(input, preimages))
        .modify_cfg_chained(|cfg| cfg.disable_nonce_check = true)
        .build_mainnet()
        .with_precompiles(AiPrecompiles::new(SPEC, BlockModels(&input.models), oracle));
    evm.transact(tx).map(|outcome| outcome.result).map_err(|e| evm_error(e, 0))
}

/// revm's error for transaction `index`, as a block's.
fn evm_error(error: EVMError<StateError>, index: usize) -> BlockError {
    match error {
        EVMError::Database(e) => BlockError::State(e),
        EVMError::Custom(reason) => BlockError::Unavailable(reason),
        other => BlockError::InvalidTransaction { index, reason: other.to_string() },
    }
}

/// The state block `input` starts from: its parent's.
fn parent_state<P: Preimages>(input: &BlockInput, preimages: P) -> TrieState<P> {
    TrieState::new(preimages, input.parentStateRoot, input.number, input.ancestorHashes.clone())
}

/// The EVM's context for a block `input` over `state`.
fn context<P: Preimages>(input: &BlockInput, state: TrieState<P>) -> MainnetContext<TrieState<P>> {
    Context::mainnet()
        .modify_cfg_chained(|cfg| {
            cfg.set_spec_and_mainnet_gas_params(SPEC);
            cfg.chain_id = input.chainId;
        })
        .with_block(block_env(input))
        .with_db(state)
}

fn block_env(input: &BlockInput) -> BlockEnv {
    BlockEnv {
        number: U256::from(input.number),
        beneficiary: input.coinbase,
        timestamp: U256::from(input.timestamp),
        gas_limit: input.gasLimit,
        basefee: input.baseFee,
        difficulty: U256::ZERO,
        prevrandao: Some(input.prevRandao),
        blob_excess_gas_and_price: Some(BlobExcessGasAndPrice::new(0, 1)),
        ..Default::default()
    }
}

/// Transaction `index` of a block, `raw` (EIP-2718): decoded, its sender recovered by the
/// `ecrecover` answer from `oracle`, and as revm runs it.
pub fn transaction(
    raw: &[u8],
    index: usize,
    oracle: &mut impl Oracle,
) -> Result<(TxEnvelope, TxEnv), BlockError> {
    let tx = TxEnvelope::decode_2718_exact(raw)
        .map_err(|e| BlockError::MalformedTransaction { index, reason: e.to_string() })?;
    let caller = recover_sender(&tx, oracle).ok_or(BlockError::BadSignature { index })?;
    let env = tx_env(&tx, caller, index)?;
    Ok((tx, env))
}

/// The sender of `tx`: EIP-2's low-`s` rule, then `ecrecover(hash, 27 + y_parity, r, s)`,
/// which answers the signer's address left-padded to 32 bytes, or nothing.
fn recover_sender(tx: &TxEnvelope, oracle: &mut impl Oracle) -> Option<Address> {
    let signature = tx.signature();
    if signature.s() > SECP256K1N_HALF {
        return None;
    }
    let mut input = [0u8; 128];
    input[..32].copy_from_slice(tx.signature_hash().as_slice());
    input[63] = 27 + u8::from(signature.v());
    input[64..96].copy_from_slice(&signature.r().to_be_bytes::<32>());
    input[96..].copy_from_slice(&signature.s().to_be_bytes::<32>());
    let call = PrecompileCall { address: ECRECOVER, gas: ECRECOVER_GAS, input: &input };
    let output = oracle.precompile(&call)?;
    let word: [u8; 32] = output.as_slice().try_into().ok()?;
    Some(Address::from_slice(&word[12..]))
}

/// `ecrecover`'s address and price.
const ECRECOVER: [u8; 20] = {
    let mut address = [0u8; 20];
    address[19] = 1;
    address
};
const ECRECOVER_GAS: u64 = 3_000;

/// The transaction as revm runs it, sent by `caller`.
fn tx_env(tx: &TxEnvelope, caller: Address, index: usize) -> Result<TxEnv, BlockError> {
    let access_list = match tx {
        TxEnvelope::Legacy(_) if tx.chain_id().is_none() => {
            return Err(BlockError::UnprotectedTransaction { index })
        }
        TxEnvelope::Legacy(_) => Default::default(),
        TxEnvelope::Eip2930(_) | TxEnvelope::Eip1559(_) => {
            tx.access_list().cloned().unwrap_or_default()
        }
        TxEnvelope::Eip4844(_) | TxEnvelope::Eip7702(_) => {
            return Err(BlockError::UnsupportedType { index, tx_type: tx.tx_type() as u8 })
        }
    };
    Ok(TxEnv {
        tx_type: tx.tx_type() as u8,
        caller,
        gas_limit: tx.gas_limit(),
        gas_price: tx.max_fee_per_gas(),
        kind: tx.kind(),
        value: tx.value(),
        data: tx.input().clone(),
        nonce: tx.nonce(),
        chain_id: tx.chain_id(),
        access_list,
        gas_priority_fee: tx.max_priority_fee_per_gas(),
        ..Default::default()
    })
}
