//! The chain's records as Ethereum's JSON-RPC types (alloy's): blocks, transactions,
//! receipts and logs, with the positions (block, index, log index) a client expects.

use alloy::consensus::{
    Eip658Value, Receipt, ReceiptEnvelope, ReceiptWithBloom, Transaction as _, TxEnvelope,
};
use alloy::eips::eip2718::Decodable2718;
use alloy::primitives::{Log as PrimitiveLog, B256, U256};
use alloy::rpc::types::{Block, BlockTransactions, Header, Log, Transaction, TransactionReceipt};
use alloy_rlp::Encodable;

use crate::error::{NodeError, Result};
use crate::store::StoredBlock;

/// Transaction `index` of `block`, decoded.
pub(crate) fn transaction(block: &StoredBlock, index: usize) -> Result<TxEnvelope> {
    let raw = block.transactions.get(index).ok_or_else(|| corrupt(block, "a transaction"))?;
    TxEnvelope::decode_2718_exact(raw).map_err(|e| corrupt(block, &e.to_string()))
}

/// Receipt `index` of `block`, decoded.
fn receipt(block: &StoredBlock, index: usize) -> Result<ReceiptEnvelope> {
    let raw = block.receipts.get(index).ok_or_else(|| corrupt(block, "a receipt"))?;
    ReceiptEnvelope::decode_2718(&mut raw.as_ref()).map_err(|e| corrupt(block, &e.to_string()))
}

fn corrupt(block: &StoredBlock, reason: &str) -> NodeError {
    NodeError::Corrupt { what: format!("block {}", block.header.number), reason: reason.into() }
}

/// Transaction `index` of `block` as `eth_getTransactionByHash` answers it.
pub(crate) fn rpc_transaction(
    block: &StoredBlock,
    hash: B256,
    index: usize,
) -> Result<Transaction> {
    let tx = transaction(block, index)?;
    let sender = *block.senders.get(index).ok_or_else(|| corrupt(block, "a sender"))?;
    let effective_gas_price = tx.effective_gas_price(block.header.base_fee_per_gas);
    Ok(Transaction {
        inner: alloy::consensus::transaction::Recovered::new_unchecked(tx, sender),
        block_hash: Some(hash),
        block_number: Some(block.header.number),
        transaction_index: Some(index as u64),
        effective_gas_price: Some(effective_gas_price),
        block_timestamp: Some(block.header.timestamp),
    })
}

/// `block` as `eth_getBlockBy*` answers it: with its transactions whole or by hash.
pub(crate) fn rpc_block(block: &StoredBlock, full: bool) -> Result<Block> {
    let hash = block.header.hash_slow();
    let transactions = if full {
        let txs = (0..block.transactions.len())
            .map(|i| rpc_transaction(block, hash, i))
            .collect::<Result<_>>()?;
        BlockTransactions::Full(txs)
    } else {
        BlockTransactions::Hashes(
            block.transactions.iter().map(alloy::primitives::keccak256).collect(),
        )
    };
    let size =
        block.header.length() + block.transactions.iter().map(|t| t.len()).sum::<usize>() + 16;
    Ok(Block {
        header: Header {
            hash,
            inner: block.header.clone(),
            total_difficulty: Some(U256::ZERO),
            size: Some(U256::from(size)),
        },
        uncles: vec![],
        transactions,
        withdrawals: None,
    })
}

/// The logs of `block`, with their positions, in order.
pub(crate) fn rpc_logs(block: &StoredBlock, hash: B256) -> Result<Vec<Log>> {
    let mut logs = Vec::new();
    for index in 0..block.receipts.len() {
        let tx_hash = alloy::primitives::keccak256(&block.transactions[index]);
        let first = logs.len() as u64;
        logs.extend(positioned(block, hash, tx_hash, index, first, receipt(block, index)?.logs()));
    }
    Ok(logs)
}

fn positioned<'a>(
    block: &'a StoredBlock,
    hash: B256,
    tx_hash: B256,
    index: usize,
    first: u64,
    logs: &'a [PrimitiveLog],
) -> impl Iterator<Item = Log> + 'a {
    logs.iter().enumerate().map(move |(i, inner)| Log {
        inner: inner.clone(),
        block_hash: Some(hash),
        block_number: Some(block.header.number),
        block_timestamp: Some(block.header.timestamp),
        transaction_hash: Some(tx_hash),
        transaction_index: Some(index as u64),
        log_index: Some(first + i as u64),
        removed: false,
    })
}

/// Receipt `index` of `block` as `eth_getTransactionReceipt` answers it.
pub(crate) fn rpc_receipt(block: &StoredBlock, index: usize) -> Result<TransactionReceipt> {
    let hash = block.header.hash_slow();
    let tx = transaction(block, index)?;
    let sender = *block.senders.get(index).ok_or_else(|| corrupt(block, "a sender"))?;
    let mut first_log = 0u64;
    let mut before = 0u64;
    for earlier in 0..index {
        let r = receipt(block, earlier)?;
        first_log += r.logs().len() as u64;
        before = r.cumulative_gas_used();
    }
    let envelope = receipt(block, index)?;
    let logs = positioned(block, hash, *tx.hash(), index, first_log, envelope.logs()).collect();
    let with_bloom = ReceiptWithBloom {
        receipt: Receipt {
            status: Eip658Value::Eip658(envelope.status()),
            cumulative_gas_used: envelope.cumulative_gas_used(),
            logs,
        },
        logs_bloom: *envelope.logs_bloom(),
    };
    let contract_address = tx.kind().is_create().then(|| sender.create(tx.nonce()));
    Ok(TransactionReceipt {
        inner: ReceiptEnvelope::from_typed(tx.tx_type(), with_bloom),
        transaction_hash: *tx.hash(),
        transaction_index: Some(index as u64),
        block_hash: Some(hash),
        block_number: Some(block.header.number),
        gas_used: envelope.cumulative_gas_used() - before,
        effective_gas_price: tx.effective_gas_price(block.header.base_fee_per_gas),
        blob_gas_used: None,
        blob_gas_price: None,
        from: sender,
        to: tx.to(),
        contract_address,
    })
}

/// The effective tips (price over the base fee) of `block`'s transactions with the gas each
/// used, for `eth_feeHistory`'s rewards.
pub(crate) fn tips(block: &StoredBlock) -> Result<Vec<(u128, u64)>> {
    let base_fee = block.header.base_fee_per_gas.unwrap_or_default();
    let mut before = 0;
    let mut tips = Vec::with_capacity(block.transactions.len());
    for index in 0..block.transactions.len() {
        let tx = transaction(block, index)?;
        let cumulative = receipt(block, index)?.cumulative_gas_used();
        let tip = tx.effective_tip_per_gas(base_fee).unwrap_or_default();
        tips.push((tip, cumulative - before));
        before = cumulative;
    }
    Ok(tips)
}
