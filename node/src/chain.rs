//! The chain's rules beyond one block's execution: how block `n + 1`'s input follows from
//! block `n` (its base fee, its ancestors, its randomness) and how a header is made from an
//! executed block. The sequencer builds with them and a validator will check with them, so a
//! block is a function of its parent and its transactions alone.

use alloy::consensus::{proofs, Header, ReceiptEnvelope, TxEnvelope, EMPTY_OMMER_ROOT_HASH};
use alloy::eips::eip1559::BaseFeeParams;
use alloy::eips::Encodable2718;
use alloy::primitives::{Address, Bloom, Bytes, B256};
use axon_ai_evm::block::{BlockInput, Executed};

use crate::genesis::Genesis;
use crate::store::StoredBlock;

/// How many ancestors' hashes `BLOCKHASH` can see.
pub const BLOCKHASH_WINDOW: usize = 256;

/// The base fee's EIP-1559 parameters: the OP Stack's since Canyon (elasticity 6,
/// denominator 250), an L2's smoother price.
pub const BASE_FEE_PARAMS: BaseFeeParams = BaseFeeParams::optimism_canyon();

/// The newest block and the hashes `BLOCKHASH` needs after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Its header.
    pub header: Header,
    /// Its hash.
    pub hash: B256,
    /// The hashes of the blocks before the next one, newest (this one) first, at most 256.
    pub ancestors: Vec<B256>,
}

impl Head {
    /// The head after `block`, whose parent was `self`.
    pub fn advance(&self, block: &Header) -> Self {
        let hash = block.hash_slow();
        let mut ancestors = Vec::with_capacity(BLOCKHASH_WINDOW);
        ancestors.push(hash);
        ancestors.extend(self.ancestors.iter().take(BLOCKHASH_WINDOW - 1));
        Self { header: block.clone(), hash, ancestors }
    }

    /// The base fee of the next block.
    pub fn next_base_fee(&self) -> u64 {
        self.header.next_block_base_fee(BASE_FEE_PARAMS).unwrap_or_default()
    }

    /// The input of the block after this one, at `timestamp`, with `transactions`.
    ///
    /// `prevRandao` is the parent's hash: known in advance, as on every rollup (the OP Stack
    /// copies its L1 origin's, which is as public); contracts must not use it as a secret.
    pub fn next_input(
        &self,
        genesis: &Genesis,
        timestamp: u64,
        transactions: Vec<Bytes>,
    ) -> BlockInput {
        BlockInput {
            chainId: genesis.chain_id,
            parentStateRoot: self.header.state_root,
            ancestorHashes: self.ancestors.clone(),
            number: self.header.number + 1,
            timestamp,
            gasLimit: genesis.gas_limit,
            baseFee: self.next_base_fee(),
            coinbase: genesis.fee_recipient,
            prevRandao: self.hash,
            models: genesis.models.clone(),
            transactions,
        }
    }
}

/// Block `input` as stored, once executed: its header, senders, transactions and receipts.
pub fn seal(
    input: &BlockInput,
    parent: B256,
    senders: Vec<Address>,
    transactions: &[TxEnvelope],
    executed: &Executed,
) -> StoredBlock {
    let logs_bloom = executed.receipts.iter().fold(Bloom::ZERO, |mut bloom, receipt| {
        bloom.accrue_bloom(receipt.logs_bloom());
        bloom
    });
    let header = Header {
        parent_hash: parent,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        beneficiary: input.coinbase,
        state_root: executed.output.stateRoot,
        transactions_root: proofs::calculate_transaction_root(transactions),
        receipts_root: executed.output.receiptsRoot,
        logs_bloom,
        number: input.number,
        gas_limit: input.gasLimit,
        gas_used: executed.output.gasUsed,
        timestamp: input.timestamp,
        mix_hash: input.prevRandao,
        base_fee_per_gas: Some(input.baseFee),
        ..Default::default()
    };
    StoredBlock {
        header,
        senders,
        transactions: input.transactions.clone(),
        receipts: executed
            .receipts
            .iter()
            .map(|r: &ReceiptEnvelope| r.encoded_2718().into())
            .collect(),
    }
}
