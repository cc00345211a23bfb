//! How the L2 chain grows: block `n + 1` is a function of block `n` (its header and the
//! hashes before it), the chain's configuration, its batch entry, and its batch's L1 time and
//! deposits. The sequencer builds blocks by these rules, validators re-derive them from L1,
//! and the fraud proof re-derives the one block in dispute in the VM.
//!
//! - Deposits are credited before a block's transactions ([`crate::deposit`]). The header's
//!   `nonce` (unused since the merge) counts the deposits credited up to the block; an entry
//!   names its own count, between its parent's and its batch's, and a batch's last block
//!   always credits up to the batch's count — the count L1 checked when the batch was posted,
//!   so no deposit is left out for longer than the portal's bound.
//! - The base fee follows EIP-1559 with the OP Stack's parameters since Canyon.
//! - `prevRandao` is the parent's hash: known in advance, as on every rollup (the OP Stack
//!   copies its L1 origin's, which is as public); contracts must not use it as a secret.
//! - A batch entry is valid when its timestamp is after its parent's and at most
//!   [`MAX_SEQUENCER_DRIFT`] after the L1 time of its batch, and its transactions run as a
//!   block, and its deposit count is within bounds. Anything else — a missing entry, a batch
//!   that does not decode, a transaction the state transition refuses — derives the **empty
//!   block** one second after its parent (still crediting the batch's deposits if it is the
//!   batch's last): the chain always has a block `n + 1`, and a sequencer gains nothing by
//!   posting garbage.

use alloc::string::ToString;
use alloc::vec::Vec;
use core::ops::Range;

use alloy_consensus::{proofs, Header, EMPTY_OMMER_ROOT_HASH};
use alloy_eips::eip1559::BaseFeeParams;
use alloy_primitives::{Bloom, Bytes, B256, B64};
use axon_ai_evm::block::{BlockError, BlockInput, Credit, Executed, ModelEntry};

use crate::batch::BatchBlock;
use crate::boot::AccumulatorEntry;
use crate::deposit::credits;

/// How many ancestors' hashes `BLOCKHASH` can see.
pub const BLOCKHASH_WINDOW: usize = 256;

/// The base fee's EIP-1559 parameters: the OP Stack's since Canyon (elasticity 6,
/// denominator 250), an L2's smoother price.
pub const BASE_FEE_PARAMS: BaseFeeParams = BaseFeeParams::optimism_canyon();

/// How far past its batch's L1 time a block's timestamp may be, in seconds (the OP Stack's
/// `max_sequencer_drift`).
pub const MAX_SEQUENCER_DRIFT: u64 = 600;

alloy_sol_types::sol! {
    /// What every block of a chain shares: its id, gas limit, fee recipient and the models
    /// `inference` can run with their gas. ABI-encoded, its keccak-256 names the chain to the
    /// fraud proof (`crate::boot`).
    #[derive(Debug, PartialEq, Eq)]
    struct ChainConfig {
        uint64 chainId;
        uint64 gasLimit;
        address feeRecipient;
        ModelEntry[] models;
    }
}

/// The newest block and the hashes `BLOCKHASH` needs after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Head {
    /// Its header.
    pub header: Header,
    /// Its hash.
    pub hash: B256,
    /// The hashes of the blocks up to it, newest (this one) first, at most 256.
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

    /// How many L1 deposits the chain has credited up to this block.
    pub fn deposits(&self) -> u64 {
        deposit_count(&self.header)
    }

    /// The base fee of the next block.
    pub fn next_base_fee(&self) -> u64 {
        self.header.next_block_base_fee(BASE_FEE_PARAMS).unwrap_or_default()
    }

    /// The input of the block after this one, at `timestamp`, with `transactions`.
    pub fn next_input(
        &self,
        config: &ChainConfig,
        timestamp: u64,
        transactions: Vec<Bytes>,
    ) -> BlockInput {
        BlockInput {
            chainId: config.chainId,
            parentStateRoot: self.header.state_root,
            ancestorHashes: self.ancestors.clone(),
            number: self.header.number + 1,
            timestamp,
            gasLimit: config.gasLimit,
            baseFee: self.next_base_fee(),
            coinbase: config.feeRecipient,
            prevRandao: self.hash,
            models: config.models.clone(),
            transactions,
        }
    }
}

/// How many L1 deposits the chain has credited up to block `header`: its `nonce`.
pub fn deposit_count(header: &Header) -> u64 {
    u64::from_be_bytes(header.nonce.0)
}

/// The header of block `input`, child of `parent`, once run, the chain having credited
/// `deposits` L1 deposits up to it.
pub fn seal(input: &BlockInput, parent: B256, executed: &Executed, deposits: u64) -> Header {
    let logs_bloom = executed.receipts.iter().fold(Bloom::ZERO, |mut bloom, receipt| {
        bloom.accrue_bloom(receipt.logs_bloom());
        bloom
    });
    let transactions_root =
        proofs::ordered_trie_root_with_encoder(&input.transactions, |tx: &Bytes, buf| {
            buf.extend_from_slice(tx)
        });
    Header {
        parent_hash: parent,
        ommers_hash: EMPTY_OMMER_ROOT_HASH,
        beneficiary: input.coinbase,
        state_root: executed.output.stateRoot,
        transactions_root,
        receipts_root: executed.output.receiptsRoot,
        logs_bloom,
        number: input.number,
        gas_limit: input.gasLimit,
        gas_used: executed.output.gasUsed,
        timestamp: input.timestamp,
        mix_hash: input.prevRandao,
        nonce: B64::new(deposits.to_be_bytes()),
        base_fee_per_gas: Some(input.baseFee),
        ..Default::default()
    }
}

/// A block derived from its batch entry.
#[derive(Debug)]
pub struct Derived<R> {
    /// What the state transition ran.
    pub input: BlockInput,
    /// The deposits it credited, by index: the chain has credited `deposits.end` after it.
    pub deposits: Range<u64>,
    /// What `run` returned for it.
    pub run: R,
    /// Whether the entry was invalid and the empty block replaced it.
    pub replaced: bool,
}

/// Derives the block after `head` from `entry` (none: the batch had no valid entry for it) of
/// `batch`, running its input after its credits with `run` (natively, or in the VM). The
/// credits are found by walking the batch's deposit accumulator back, `preimage` answering
/// each accumulator's entry. An error of the state, the oracle or the deposits' preimages ends
/// derivation: the block cannot be known without the data.
pub fn derive<R>(
    config: &ChainConfig,
    head: &Head,
    entry: Option<&BatchBlock>,
    batch: &AccumulatorEntry,
    mut preimage: impl FnMut(B256) -> Option<Vec<u8>>,
    mut run: impl FnMut(&BlockInput, &[Credit]) -> Result<R, BlockError>,
) -> Result<Derived<R>, BlockError> {
    let parent = head.header.timestamp;
    let credited = head.deposits();
    let last = head.header.number + 1 == batch.last_block;
    let mut credits_of = |deposits: &Range<u64>| {
        credits(batch.deposit_accumulator, batch.deposit_count, deposits.clone(), &mut preimage)
            .map_err(|e| BlockError::Unavailable(e.to_string()))
    };
    if let Some(entry) = entry {
        let on_time = entry.timestamp > parent
            && entry.timestamp <= batch.timestamp.saturating_add(MAX_SEQUENCER_DRIFT);
        let counted = credited <= entry.deposits && entry.deposits <= batch.deposit_count;
        if on_time && counted {
            let deposits = credited..if last { batch.deposit_count } else { entry.deposits };
            let input = head.next_input(config, entry.timestamp, entry.transactions.clone());
            match run(&input, &credits_of(&deposits)?) {
                Ok(result) => return Ok(Derived { input, deposits, run: result, replaced: false }),
                Err(e @ (BlockError::State(_) | BlockError::Unavailable(_))) => return Err(e),
                Err(_) => {}
            }
        }
    }
    let deposits = credited..if last { batch.deposit_count.max(credited) } else { credited };
    let input = head.next_input(config, parent + 1, Vec::new());
    let result = run(&input, &credits_of(&deposits)?)?;
    Ok(Derived { input, deposits, run: result, replaced: true })
}
