//! The `eth_`, `net_` and `web3_` methods.

use std::sync::Arc;

use alloy::eips::{BlockId, BlockNumberOrTag};
use alloy::primitives::{Address, Bytes, TxKind, B256, U256, U64};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::{
    Block, FeeHistory, Filter, FilterBlockOption, Log, Transaction, TransactionReceipt,
    TransactionRequest,
};
use alloy::serde::JsonStorageKey;
use alloy::sol_types::decode_revert_reason;
use axon_ai_evm::block::state::TrieState;
use axon_ai_evm::block::{simulate, BlockError, BlockInput, Native};
use jsonrpsee::types::{ErrorObjectOwned, Params};
use jsonrpsee::RpcModule;
use revm::context::result::{ExecutionResult, HaltReason, Output};
use revm::context::TxEnv;
use revm::database_interface::Database;

use super::account_proof::account_proof;
use super::convert::{rpc_block, rpc_logs, rpc_receipt, rpc_transaction, tips};
use super::{code, error, register, Limits, RpcResult};
use crate::node::{account, Node, TxError};
use crate::store::{Snapshot, StoredBlock};
use axon_rollup::chain::{Head, BASE_FEE_PARAMS, BLOCKHASH_WINDOW};

/// The tip `eth_maxPriorityFeePerGas` suggests: 0.001 gwei, what OP Stack chains suggest
/// when blocks are not full.
pub(super) const SUGGESTED_TIP: u64 = 1_000_000;
/// The most blocks one `eth_feeHistory` covers (geth's bound).
pub(super) const MAX_FEE_HISTORY: u64 = 1024;
/// How long forwarding a transaction to the sequencer may take.
const FORWARD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
/// The most storage keys one `eth_getProof` proves.
pub(super) const MAX_PROOF_SLOTS: usize = 1024;

/// `axon_outputAtBlock`'s answer, the shape of the OP Stack's `optimism_outputAtBlock`.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutputAtBlock {
    /// The output root's version.
    pub version: B256,
    /// The output root.
    pub output_root: B256,
    /// The block's state root.
    pub state_root: B256,
    /// The message passer's storage root.
    pub withdrawal_storage_root: B256,
    /// The block.
    pub block_ref: BlockRef,
}

/// A block's name.
#[derive(Debug, Clone, serde::Serialize)]
pub struct BlockRef {
    /// Its hash.
    pub hash: B256,
    /// Its number.
    #[serde(with = "alloy::serde::quantity")]
    pub number: u64,
    /// Its timestamp.
    #[serde(with = "alloy::serde::quantity")]
    pub timestamp: u64,
}

/// The methods' context: the node and the request limits.
#[derive(Debug, Clone)]
pub struct Eth {
    node: Arc<Node>,
    limits: Limits,
    /// Where a validator forwards transactions: its sequencer's JSON-RPC.
    sequencer: Option<DynProvider>,
}

impl Eth {
    /// Serves `node` within `limits`, forwarding transactions to `sequencer` if given.
    pub fn new(node: Arc<Node>, limits: Limits, sequencer: Option<DynProvider>) -> Self {
        Self { node, limits, sequencer }
    }

    /// Takes `raw` into the pool, or forwards it to the sequencer (a validator given one).
    fn send_raw_transaction(&self, raw: Bytes) -> RpcResult<B256> {
        match (self.node.submit(raw.clone()), &self.sequencer) {
            (Err(TxError::NotSequencer), Some(sequencer)) => forward(sequencer, &raw),
            (Ok(hash), _) => Ok(hash),
            (Err(TxError::Node(e)), _) => Err(e.into()),
            (Err(refused), _) => Err(error(code::SERVER, refused.to_string())),
        }
    }
}

/// Sends `raw` to the sequencer and answers what it answers (its error code and message
/// included: a wallet sees the sequencer's "nonce too low").
fn forward(sequencer: &DynProvider, raw: &Bytes) -> RpcResult<B256> {
    let sent = tokio::runtime::Handle::current()
        .block_on(tokio::time::timeout(FORWARD_TIMEOUT, sequencer.send_raw_transaction(raw)));
    match sent {
        Err(_) => Err(error(code::INTERNAL, "forwarding to the sequencer: timed out")),
        Ok(Ok(pending)) => Ok(*pending.tx_hash()),
        Ok(Err(e)) => Err(match e.as_error_resp() {
            Some(payload) => ErrorObjectOwned::owned(
                i32::try_from(payload.code).unwrap_or(code::SERVER),
                payload.message.to_string(),
                payload.data.clone(),
            ),
            None => error(code::INTERNAL, format!("forwarding to the sequencer: {e}")),
        }),
    }
}

/// Every method, registered.
pub(super) fn module(eth: Eth) -> Result<RpcModule<Eth>, jsonrpsee::core::RegisterMethodError> {
    let mut m = RpcModule::new(eth);
    register(&mut m, "eth_chainId", |e, _| Ok(U64::from(e.node.genesis().config.chainId)))?;
    register(&mut m, "net_version", |e, _| Ok(e.node.genesis().config.chainId.to_string()))?;
    register(&mut m, "web3_clientVersion", |_, _| {
        Ok(format!("axon-node/v{}", env!("CARGO_PKG_VERSION")))
    })?;
    register(&mut m, "eth_blockNumber", |e, _| Ok(U64::from(e.node.head().header.number)))?;
    register(&mut m, "eth_syncing", |_, _| Ok(false))?;
    register(&mut m, "eth_gasPrice", |e, _| {
        Ok(U256::from(e.node.head().next_base_fee()) + U256::from(SUGGESTED_TIP))
    })?;
    register(&mut m, "eth_maxPriorityFeePerGas", |_, _| Ok(U256::from(SUGGESTED_TIP)))?;
    register(&mut m, "eth_accounts", |_, _| Ok(Vec::<Address>::new()))?;
    register(&mut m, "eth_getBlockByNumber", |e, p| {
        let (tag, full): (BlockNumberOrTag, bool) = p.parse()?;
        e.block_by_id(BlockId::Number(tag), full)
    })?;
    register(&mut m, "eth_getBlockByHash", |e, p| {
        let (hash, full): (B256, bool) = p.parse()?;
        e.block_by_id(BlockId::hash(hash), full)
    })?;
    register(&mut m, "eth_getBalance", |e, p| {
        let (address, at) = address_at(p)?;
        let (snapshot, block) = e.state_block(at)?;
        Ok(e.account_at(&snapshot, &block, address)?.balance)
    })?;
    register(&mut m, "eth_getTransactionCount", |e, p| e.transaction_count(p))?;
    register(&mut m, "eth_getCode", |e, p| {
        let (address, at) = address_at(p)?;
        let (snapshot, block) = e.state_block(at)?;
        e.code(&snapshot, &block, address)
    })?;
    register(&mut m, "eth_getStorageAt", |e, p| {
        let mut seq = p.sequence();
        let address: Address = seq.next()?;
        let slot: U256 = seq.next()?;
        let at: Option<BlockId> = seq.optional_next()?;
        let (snapshot, block) = e.state_block(at)?;
        let mut state = state_of(&snapshot, &block);
        let value = state.storage(address, slot);
        snapshot.check()?;
        Ok(B256::from(value.map_err(crate::NodeError::from)?))
    })?;
    register(&mut m, "eth_getProof", |e, p| {
        let mut seq = p.sequence();
        let address: Address = seq.next()?;
        let slots: Vec<JsonStorageKey> = seq.next()?;
        let at: Option<BlockId> = seq.optional_next()?;
        if slots.len() > MAX_PROOF_SLOTS {
            let message = format!("{} storage keys, at most {MAX_PROOF_SLOTS}", slots.len());
            return Err(error(code::INVALID_PARAMS, message));
        }
        let (snapshot, block) = e.state_block(at)?;
        Ok(account_proof(&snapshot, block.header.state_root, address, slots)?)
    })?;
    register(&mut m, "eth_call", |e, p| {
        let (request, at) = call_params(p)?;
        let (gas, result) = e.call(&request, at, None)?;
        success(result, gas)
    })?;
    register(&mut m, "eth_estimateGas", |e, p| {
        let (request, at) = call_params(p)?;
        e.estimate_gas(&request, at).map(U64::from)
    })?;
    register(&mut m, "eth_feeHistory", |e, p| e.fee_history(p))?;
    register(&mut m, "eth_sendRawTransaction", |e, p| {
        let (raw,): (Bytes,) = p.parse()?;
        e.send_raw_transaction(raw)
    })?;
    register(&mut m, "eth_getTransactionByHash", |e, p| {
        let (hash,): (B256,) = p.parse()?;
        e.transaction(hash)
    })?;
    register(&mut m, "eth_getTransactionReceipt", |e, p| {
        let (hash,): (B256,) = p.parse()?;
        e.receipt(hash)
    })?;
    register(&mut m, "axon_outputAtBlock", |e, p| {
        let (tag,): (BlockNumberOrTag,) = p.parse()?;
        e.output_at(tag)
    })?;
    register(&mut m, "eth_getLogs", |e, p| {
        let (filter,): (Filter,) = p.parse()?;
        e.logs(&filter)
    })?;
    Ok(m)
}

fn address_at(p: Params<'_>) -> RpcResult<(Address, Option<BlockId>)> {
    let mut seq = p.sequence();
    Ok((seq.next()?, seq.optional_next()?))
}

fn call_params(p: Params<'_>) -> RpcResult<(TransactionRequest, Option<BlockId>)> {
    let mut seq = p.sequence();
    let request = seq.next()?;
    let at = seq.optional_next()?;
    if seq.optional_next::<serde_json::Value>()?.is_some_and(|v| !v.is_null()) {
        return Err(error(code::INVALID_PARAMS, "state overrides are not supported"));
    }
    Ok((request, at))
}

fn header_not_found() -> ErrorObjectOwned {
    error(code::SERVER, "header not found")
}

fn state_of<'a>(snapshot: &'a Snapshot, block: &StoredBlock) -> TrieState<&'a Snapshot> {
    TrieState::new(snapshot, block.header.state_root, block.header.number, vec![])
}

impl Eth {
    /// The number `id` names, if the chain has that block. `latest` and `pending` are the
    /// head (the node builds no pending block); `safe` is the newest block in a batch on L1,
    /// `finalized` the newest in a batch of a finalized L1 block (block 0 without an L1).
    fn resolve(&self, snapshot: &Snapshot, id: BlockId) -> RpcResult<Option<u64>> {
        // The snapshot's head, not the node's: a block committed since is not in it.
        let head = snapshot.head_number()?.unwrap_or_default();
        let (safe, finalized) = self.node.l1_heads();
        Ok(match id {
            BlockId::Hash(hash) => snapshot.block_number(hash.block_hash)?,
            BlockId::Number(tag) => match tag {
                BlockNumberOrTag::Latest | BlockNumberOrTag::Pending => Some(head),
                BlockNumberOrTag::Safe => Some(safe),
                BlockNumberOrTag::Finalized => Some(finalized),
                BlockNumberOrTag::Earliest => Some(0),
                BlockNumberOrTag::Number(n) => (n <= head).then_some(n),
            },
        })
    }

    fn block_by_id(&self, id: BlockId, full: bool) -> RpcResult<Option<Block>> {
        let snapshot = self.node.snapshot()?;
        let Some(number) = self.resolve(&snapshot, id)? else { return Ok(None) };
        let Some(block) = snapshot.block(number)? else { return Ok(None) };
        Ok(Some(rpc_block(&block, full)?))
    }

    /// The block whose state `at` names (the head if none), and a snapshot to read it in.
    fn state_block(&self, at: Option<BlockId>) -> RpcResult<(Snapshot, StoredBlock)> {
        let snapshot = self.node.snapshot()?;
        let number =
            self.resolve(&snapshot, at.unwrap_or_default())?.ok_or_else(header_not_found)?;
        let block = snapshot.block(number)?.ok_or_else(header_not_found)?;
        Ok((snapshot, block))
    }

    fn account_at(
        &self,
        snapshot: &Snapshot,
        block: &StoredBlock,
        address: Address,
    ) -> RpcResult<crate::node::Account> {
        let head = Head { header: block.header.clone(), hash: B256::ZERO, ancestors: vec![] };
        Ok(account(snapshot, &head, address)?)
    }

    fn transaction_count(&self, p: Params<'_>) -> RpcResult<U64> {
        let (address, at) = address_at(p)?;
        let (snapshot, block) = self.state_block(at)?;
        let nonce = self.account_at(&snapshot, &block, address)?.nonce;
        let pending = at == Some(BlockId::Number(BlockNumberOrTag::Pending));
        Ok(U64::from(if pending { self.node.pool().next_nonce(address, nonce) } else { nonce }))
    }

    fn code(&self, snapshot: &Snapshot, block: &StoredBlock, address: Address) -> RpcResult<Bytes> {
        let mut state = state_of(snapshot, block);
        let code = state.basic(address).and_then(|info| match info {
            Some(info) if info.code_hash != alloy_trie::KECCAK_EMPTY => {
                state.code_by_hash(info.code_hash).map(|c| c.original_bytes())
            }
            _ => Ok(Bytes::new()),
        });
        snapshot.check()?;
        Ok(code.map_err(crate::NodeError::from)?)
    }

    /// Runs `request` on the state `at` names, with at most `gas` (else the cap): the gas
    /// it was given and what it did.
    fn call(
        &self,
        request: &TransactionRequest,
        at: Option<BlockId>,
        gas: Option<u64>,
    ) -> RpcResult<(u64, ExecutionResult)> {
        let (snapshot, block) = self.state_block(at)?;
        let genesis = self.node.genesis();
        let cap = self.limits.gas_cap.min(genesis.config.gasLimit);
        let gas = gas.or(request.gas).unwrap_or(cap).min(cap);
        let price = request.max_fee_per_gas.or(request.gas_price).unwrap_or_default();
        let header = &block.header;
        let ancestors = match header.number.checked_sub(1) {
            Some(parent) => snapshot.hashes_back(parent, BLOCKHASH_WINDOW)?,
            None => vec![],
        };
        let input = BlockInput {
            chainId: genesis.config.chainId,
            parentStateRoot: header.state_root,
            ancestorHashes: ancestors,
            number: header.number,
            timestamp: header.timestamp,
            gasLimit: header.gas_limit,
            // A call that offers no price runs without a base fee, as geth's does.
            baseFee: if price == 0 { 0 } else { header.base_fee_per_gas.unwrap_or_default() },
            coinbase: header.beneficiary,
            prevRandao: header.mix_hash,
            models: genesis.config.models.clone(),
            transactions: vec![],
        };
        let eip1559 =
            request.max_fee_per_gas.is_some() || request.max_priority_fee_per_gas.is_some();
        let tx = TxEnv {
            tx_type: if eip1559 { 2 } else { 0 },
            caller: request.from.unwrap_or_default(),
            gas_limit: gas,
            gas_price: price,
            kind: request.to.unwrap_or(TxKind::Create),
            value: request.value.unwrap_or_default(),
            data: request.input.input().cloned().unwrap_or_default(),
            nonce: request.nonce.unwrap_or_default(),
            chain_id: Some(genesis.config.chainId),
            access_list: request.access_list.clone().unwrap_or_default(),
            gas_priority_fee: request.max_priority_fee_per_gas,
            ..Default::default()
        };
        let result = simulate(&input, &snapshot, Native::new(&genesis.model_files), tx);
        snapshot.check()?;
        match result {
            Ok(result) => Ok((gas, result)),
            Err(BlockError::InvalidTransaction { reason, .. }) => Err(error(code::SERVER, reason)),
            Err(other) => Err(crate::NodeError::Database(other.to_string()).into()),
        }
    }

    /// The least gas with which `request` succeeds, by bisection over calls (geth's way).
    fn estimate_gas(&self, request: &TransactionRequest, at: Option<BlockId>) -> RpcResult<u64> {
        let (cap, first) = self.call(request, at, None)?;
        let used = first.tx_gas_used();
        success(first, cap)?;
        let mut lo = used.saturating_sub(1);
        let mut hi = cap;
        // Many transactions need exactly the gas they use (a transfer: 21,000); most others
        // that plus what EIP-150 keeps back from calls and the stipend.
        for guess in [used, used.saturating_mul(64) / 63 + 2_300] {
            if guess <= lo || guess >= hi {
                continue;
            }
            let (_, result) = self.call(request, at, Some(guess))?;
            if result.is_success() {
                hi = guess;
                break;
            }
            lo = guess;
        }
        // Within 1.5% is close enough (geth's tolerance), and saves half the calls.
        while hi - lo > 1 && (hi - lo) * 1000 > hi * 15 {
            let mid = lo + (hi - lo) / 2;
            let (_, result) = self.call(request, at, Some(mid))?;
            if result.is_success() {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        Ok(hi)
    }

    fn fee_history(&self, p: Params<'_>) -> RpcResult<FeeHistory> {
        let mut seq = p.sequence();
        let count: U64 = seq.next()?;
        let newest: BlockNumberOrTag = seq.next()?;
        let percentiles: Option<Vec<f64>> = seq.optional_next()?;
        if let Some(p) = &percentiles {
            let ordered = p.windows(2).all(|w| w[0] <= w[1]);
            if !ordered || p.iter().any(|x| !(0.0..=100.0).contains(x)) {
                return Err(error(code::INVALID_PARAMS, "invalid reward percentiles"));
            }
        }
        let snapshot = self.node.snapshot()?;
        let newest =
            self.resolve(&snapshot, BlockId::Number(newest))?.ok_or_else(header_not_found)?;
        let count = count.to::<u64>().min(MAX_FEE_HISTORY).min(newest + 1);
        let oldest = newest + 1 - count;
        let mut history = FeeHistory { oldest_block: oldest, ..Default::default() };
        let mut rewards = Vec::new();
        let mut last = None;
        for number in oldest..=newest {
            let block = snapshot.block(number)?.ok_or_else(header_not_found)?;
            let header = &block.header;
            history.base_fee_per_gas.push(u128::from(header.base_fee_per_gas.unwrap_or_default()));
            history.gas_used_ratio.push(header.gas_used as f64 / header.gas_limit.max(1) as f64);
            history.base_fee_per_blob_gas.push(0);
            history.blob_gas_used_ratio.push(0.0);
            if let Some(p) = &percentiles {
                rewards.push(reward(tips(&block)?, header.gas_used, p));
            }
            last = Some(block);
        }
        if let Some(block) = last {
            let next = block.header.next_block_base_fee(BASE_FEE_PARAMS).unwrap_or_default();
            history.base_fee_per_gas.push(u128::from(next));
            history.base_fee_per_blob_gas.push(0);
        }
        history.reward = percentiles.map(|_| rewards);
        Ok(history)
    }

    fn output_at(&self, tag: BlockNumberOrTag) -> RpcResult<OutputAtBlock> {
        let (snapshot, block) = self.state_block(Some(BlockId::Number(tag)))?;
        let output = crate::node::output(&snapshot, &block)?;
        Ok(OutputAtBlock {
            version: axon_rollup::output::OUTPUT_VERSION,
            output_root: output.root(),
            state_root: output.state_root,
            withdrawal_storage_root: output.withdrawal_storage_root,
            block_ref: BlockRef {
                hash: output.block_hash,
                number: block.header.number,
                timestamp: block.header.timestamp,
            },
        })
    }

    fn transaction(&self, hash: B256) -> RpcResult<Option<Transaction>> {
        let snapshot = self.node.snapshot()?;
        if let Some((number, index)) = snapshot.transaction(hash)? {
            let block = crate::node::block_or_corrupt(&snapshot, number)?;
            return Ok(Some(rpc_transaction(&block, block.header.hash_slow(), index)?));
        }
        let pool = self.node.pool();
        Ok(pool.get(&hash).map(|p| Transaction {
            inner: alloy::consensus::transaction::Recovered::new_unchecked(p.tx.clone(), p.sender),
            block_hash: None,
            block_number: None,
            transaction_index: None,
            effective_gas_price: None,
            block_timestamp: None,
        }))
    }

    fn receipt(&self, hash: B256) -> RpcResult<Option<TransactionReceipt>> {
        let snapshot = self.node.snapshot()?;
        let Some((number, index)) = snapshot.transaction(hash)? else { return Ok(None) };
        let block = crate::node::block_or_corrupt(&snapshot, number)?;
        Ok(Some(rpc_receipt(&block, index)?))
    }

    fn logs(&self, filter: &Filter) -> RpcResult<Vec<Log>> {
        let snapshot = self.node.snapshot()?;
        let latest = || BlockId::Number(BlockNumberOrTag::Latest);
        let (from, to) = match filter.block_option {
            FilterBlockOption::AtBlockHash(hash) => {
                let n = snapshot.block_number(hash)?.ok_or_else(header_not_found)?;
                (n, n)
            }
            FilterBlockOption::Range { from_block, to_block } => {
                let at = |b: Option<BlockNumberOrTag>| {
                    let id = b.map(BlockId::Number).unwrap_or_else(latest);
                    self.resolve(&snapshot, id)
                };
                let head = snapshot.head_number()?.unwrap_or_default();
                (at(from_block)?.unwrap_or(head + 1), at(to_block)?.unwrap_or(head))
            }
        };
        if from > to {
            return Ok(vec![]);
        }
        if to - from >= self.limits.logs_range {
            return Err(error(
                code::LIMIT_EXCEEDED,
                format!("query exceeds max block range {}", self.limits.logs_range),
            ));
        }
        let mut logs = Vec::new();
        for number in from..=to {
            let Some(block) = snapshot.block(number)? else { break };
            if !filter.matches_bloom(block.header.logs_bloom) {
                continue;
            }
            let hash = block.header.hash_slow();
            logs.extend(
                rpc_logs(&block, hash)?.into_iter().filter(|log| filter.matches(&log.inner)),
            );
            if logs.len() > self.limits.max_logs {
                return Err(error(
                    code::LIMIT_EXCEEDED,
                    format!("query returned more than {} results", self.limits.max_logs),
                ));
            }
        }
        Ok(logs)
    }
}

/// A call's output, or its failure as geth reports it: a revert is code 3 with the revert
/// data (and its reason in the message), a halt is -32000.
fn success(result: ExecutionResult, gas: u64) -> RpcResult<Bytes> {
    match result {
        ExecutionResult::Success { output: Output::Call(bytes), .. } => Ok(bytes),
        ExecutionResult::Success { output: Output::Create(bytes, _), .. } => Ok(bytes),
        ExecutionResult::Revert { output, .. } => {
            let message = match decode_revert_reason(&output) {
                Some(reason) => format!("execution reverted: {reason}"),
                None => "execution reverted".to_owned(),
            };
            Err(ErrorObjectOwned::owned(code::EXECUTION_REVERTED, message, Some(output)))
        }
        ExecutionResult::Halt { reason: HaltReason::OutOfGas(_), .. } => {
            Err(error(code::SERVER, format!("gas required exceeds allowance ({gas})")))
        }
        ExecutionResult::Halt { reason, .. } => Err(error(code::SERVER, format!("{reason:?}"))),
    }
}

/// The tips at `percentiles` of a block's gas, its transactions sorted by tip (geth's rule).
fn reward(mut tips: Vec<(u128, u64)>, gas_used: u64, percentiles: &[f64]) -> Vec<u128> {
    if tips.is_empty() {
        return vec![0; percentiles.len()];
    }
    tips.sort_by_key(|(tip, _)| *tip);
    let mut out = Vec::with_capacity(percentiles.len());
    let (mut i, mut sum) = (0, tips[0].1);
    for p in percentiles {
        let threshold = (gas_used as f64 * p / 100.0) as u64;
        while sum < threshold && i < tips.len() - 1 {
            i += 1;
            sum += tips[i].1;
        }
        out.push(tips[i].0);
    }
    out
}
