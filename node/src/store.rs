//! The node's database: one redb file (pure Rust, ACID, crash-safe) holding the chain.
//!
//! | table | key → value |
//! |---|---|
//! | `preimages` | keccak-256 → trie node or code (every state the chain had: an archive) |
//! | `blocks` | number → [`StoredBlock`] (RLP) |
//! | `block_numbers` | block hash → number |
//! | `block_hashes` | number → block hash |
//! | `transactions` | transaction hash → (block number, index) |
//! | `pool` | arrival sequence → pending transaction (EIP-2718) |
//! | `l1_batches` | batch index → [`BatchRecord`] (RLP): the derivation cursor of a validator |
//! | `batch_data` | batch index → the batch's blob, which fraud proofs read, its zero tail cut |
//!
//! A block is written in one write transaction with every trie node it created, its
//! transactions' locations, the removal of its transactions from the pool and, for the last
//! block a validator derives from a batch, the batch's record: after a crash
//! the database holds the block whole or not at all, and a transaction is in a block or in
//! the pool, never neither. A transaction enters the pool in a committed (fsynced) write
//! before `eth_sendRawTransaction` acknowledges it.

use std::cell::RefCell;
use std::path::Path;

use alloy::consensus::Header;
use alloy::primitives::{Address, Bytes, B256};
use alloy_rlp::{Decodable, RlpDecodable, RlpEncodable};
use axon_ai_evm::block::witness::NodeStore;
use axon_ai_evm::block::Preimages;
use axon_rollup::boot::AccumulatorEntry;
use redb::{Database, ReadOnlyTable, ReadableDatabase, ReadableTable, TableDefinition};

use crate::error::{NodeError, Result};

const PREIMAGES: TableDefinition<'_, &[u8; 32], &[u8]> = TableDefinition::new("preimages");
const BLOCKS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("blocks");
const BLOCK_NUMBERS: TableDefinition<'_, &[u8; 32], u64> = TableDefinition::new("block_numbers");
const BLOCK_HASHES: TableDefinition<'_, u64, &[u8; 32]> = TableDefinition::new("block_hashes");
const TRANSACTIONS: TableDefinition<'_, &[u8; 32], (u64, u32)> =
    TableDefinition::new("transactions");
const POOL: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("pool");
const L1_BATCHES: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("l1_batches");
const BATCH_DATA: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("batch_data");

/// `blob` without its trailing zero bytes: most of a batch's blob is padding, which
/// [`Snapshot::batch_data`] puts back.
fn without_zero_tail(blob: &[u8]) -> &[u8] {
    let end = blob.iter().rposition(|byte| *byte != 0).map_or(0, |last| last + 1);
    &blob[..end]
}

/// A block as the database keeps it.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct StoredBlock {
    /// Its header.
    pub header: Header,
    /// Each transaction's sender, in order.
    pub senders: Vec<Address>,
    /// The transactions, EIP-2718 encoded.
    pub transactions: Vec<Bytes>,
    /// Their receipts, EIP-2718 encoded.
    pub receipts: Vec<Bytes>,
}

/// A batch a validator derived, as the derivation cursor keeps it: where it is on L1, so
/// that an L1 reorganization that drops it is seen, and what the inbox's accumulator
/// chained for it, which the fraud proof walks.
#[derive(Debug, Clone, PartialEq, Eq, RlpEncodable, RlpDecodable)]
pub struct BatchRecord {
    /// Its index in the inbox.
    pub index: u64,
    /// The L1 block it was posted in.
    pub l1_block: u64,
    /// That block's hash.
    pub l1_hash: B256,
    /// Its first L2 block.
    pub first_block: u64,
    /// Its last L2 block.
    pub last_block: u64,
    /// The versioned hash of its blob (zero for a forced batch).
    pub blob_hash: B256,
    /// The L1 time it was posted at.
    pub timestamp: u64,
    /// How many L1 deposits the L2 has credited by its last block.
    pub deposit_count: u64,
    /// The portal's deposit accumulator after that many.
    pub deposit_accumulator: B256,
    /// The inbox's accumulator after it.
    pub accumulator: B256,
}

impl BatchRecord {
    /// Its entry in the inbox's accumulator, which chains it to the accumulator `previous`.
    pub fn entry(&self, previous: B256) -> AccumulatorEntry {
        AccumulatorEntry {
            previous,
            blob_hash: self.blob_hash,
            first_block: self.first_block,
            last_block: self.last_block,
            timestamp: self.timestamp,
            deposit_count: self.deposit_count,
            deposit_accumulator: self.deposit_accumulator,
        }
    }
}

/// A pending transaction to write to the pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolWrite {
    /// Its sequence number.
    pub seq: u64,
    /// Its EIP-2718 bytes.
    pub raw: Bytes,
    /// The entry it replaces (same sender and nonce), if any.
    pub replaced: Option<u64>,
}

/// The node's database.
#[derive(Debug)]
pub struct Store {
    db: Database,
}

impl Store {
    /// Opens (or creates) the database at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        let db = Database::create(path)?;
        let tx = db.begin_write()?;
        tx.open_table(PREIMAGES)?;
        tx.open_table(BLOCKS)?;
        tx.open_table(BLOCK_NUMBERS)?;
        tx.open_table(BLOCK_HASHES)?;
        tx.open_table(TRANSACTIONS)?;
        tx.open_table(POOL)?;
        tx.open_table(L1_BATCHES)?;
        tx.open_table(BATCH_DATA)?;
        tx.commit()?;
        Ok(Self { db })
    }

    /// A consistent view of the database as it is now.
    pub fn read(&self) -> Result<Snapshot> {
        let tx = self.db.begin_read()?;
        Ok(Snapshot {
            preimages: tx.open_table(PREIMAGES)?,
            blocks: tx.open_table(BLOCKS)?,
            block_numbers: tx.open_table(BLOCK_NUMBERS)?,
            block_hashes: tx.open_table(BLOCK_HASHES)?,
            transactions: tx.open_table(TRANSACTIONS)?,
            pool: tx.open_table(POOL)?,
            l1_batches: tx.open_table(L1_BATCHES)?,
            batch_data: tx.open_table(BATCH_DATA)?,
            failure: RefCell::new(None),
        })
    }

    /// Writes block `block` with the trie nodes and codes it created, removes the pool
    /// entries `settled` (its transactions, and those it made invalid) and records `batch`
    /// (the batch it completes), in one transaction.
    pub fn commit_block(
        &self,
        block: &StoredBlock,
        new_nodes: &NodeStore,
        settled: &[u64],
        batch: Option<(&BatchRecord, &[u8])>,
    ) -> Result<()> {
        let number = block.header.number;
        let hash = block.header.hash_slow();
        let tx = self.db.begin_write()?;
        {
            let mut preimages = tx.open_table(PREIMAGES)?;
            for (key, bytes) in new_nodes.iter() {
                preimages.insert(&key.0, bytes.as_ref())?;
            }
            tx.open_table(BLOCKS)?.insert(number, alloy_rlp::encode(block).as_slice())?;
            tx.open_table(BLOCK_NUMBERS)?.insert(&hash.0, number)?;
            tx.open_table(BLOCK_HASHES)?.insert(number, &hash.0)?;
            let mut transactions = tx.open_table(TRANSACTIONS)?;
            for (index, raw) in block.transactions.iter().enumerate() {
                let hash = alloy::primitives::keccak256(raw);
                transactions.insert(&hash.0, (number, index as u32))?;
            }
            let mut pool = tx.open_table(POOL)?;
            for seq in settled {
                pool.remove(seq)?;
            }
            if let Some((batch, data)) = batch {
                tx.open_table(L1_BATCHES)?
                    .insert(batch.index, alloy_rlp::encode(batch).as_slice())?;
                tx.open_table(BATCH_DATA)?.insert(batch.index, without_zero_tail(data))?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Removes every block after `number` and every batch record from `batch` on (an L1
    /// reorganization took them away), and adds `repool` to the pool (the removed blocks'
    /// transactions, on a sequencer), in one transaction. Trie nodes stay: they are named by
    /// their hash, and the blocks that derive again will mostly need them.
    pub fn truncate(&self, number: u64, batch: u64, repool: &[PoolWrite]) -> Result<()> {
        let tx = self.db.begin_write()?;
        {
            let mut pool = tx.open_table(POOL)?;
            for entry in repool {
                pool.insert(entry.seq, entry.raw.as_ref())?;
            }
            let mut blocks = tx.open_table(BLOCKS)?;
            let mut numbers = tx.open_table(BLOCK_NUMBERS)?;
            let mut hashes = tx.open_table(BLOCK_HASHES)?;
            let mut transactions = tx.open_table(TRANSACTIONS)?;
            let removed: Vec<(u64, Vec<u8>)> = blocks
                .range(number + 1..)?
                .map(|entry| entry.map(|(n, bytes)| (n.value(), bytes.value().to_vec())))
                .collect::<std::result::Result<_, _>>()?;
            for (n, bytes) in removed {
                let block = StoredBlock::decode(&mut bytes.as_slice()).map_err(|e| {
                    NodeError::Corrupt { what: format!("block {n}"), reason: e.to_string() }
                })?;
                for raw in &block.transactions {
                    transactions.remove(&alloy::primitives::keccak256(raw).0)?;
                }
                numbers.remove(&block.header.hash_slow().0)?;
                hashes.remove(n)?;
                blocks.remove(n)?;
            }
            tx.open_table(L1_BATCHES)?.retain(|index, _| index < batch)?;
            tx.open_table(BATCH_DATA)?.retain(|index, _| index < batch)?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Records batch `record` and its `data` (a sequencer's own batch, seen on L1).
    pub fn record_batch(&self, record: &BatchRecord, data: &[u8]) -> Result<()> {
        let tx = self.db.begin_write()?;
        {
            tx.open_table(L1_BATCHES)?
                .insert(record.index, alloy_rlp::encode(record).as_slice())?;
            tx.open_table(BATCH_DATA)?.insert(record.index, without_zero_tail(data))?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds each entry's transaction to the pool under its sequence number, replacing the
    /// entry it names if any, durably, in one transaction (one fsync for them all).
    pub fn pool_insert(&self, entries: &[PoolWrite]) -> Result<()> {
        let tx = self.db.begin_write()?;
        {
            let mut pool = tx.open_table(POOL)?;
            for entry in entries {
                if let Some(old) = entry.replaced {
                    pool.remove(old)?;
                }
                pool.insert(entry.seq, entry.raw.as_ref())?;
            }
        }
        tx.commit()?;
        Ok(())
    }
}

/// A read transaction over the database: the blocks, the pool and the trie nodes as one
/// consistent snapshot. As [`Preimages`] it reads the state of any block.
pub struct Snapshot {
    preimages: ReadOnlyTable<&'static [u8; 32], &'static [u8]>,
    blocks: ReadOnlyTable<u64, &'static [u8]>,
    block_numbers: ReadOnlyTable<&'static [u8; 32], u64>,
    block_hashes: ReadOnlyTable<u64, &'static [u8; 32]>,
    transactions: ReadOnlyTable<&'static [u8; 32], (u64, u32)>,
    pool: ReadOnlyTable<u64, &'static [u8]>,
    l1_batches: ReadOnlyTable<u64, &'static [u8]>,
    batch_data: ReadOnlyTable<u64, &'static [u8]>,
    /// The first storage error a preimage read met (the trait can only answer "none").
    failure: RefCell<Option<redb::StorageError>>,
}

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Snapshot").finish_non_exhaustive()
    }
}

impl Snapshot {
    /// Block `number`, if the chain has it.
    pub fn block(&self, number: u64) -> Result<Option<StoredBlock>> {
        let Some(bytes) = self.blocks.get(number)? else { return Ok(None) };
        StoredBlock::decode(&mut bytes.value()).map(Some).map_err(|e| NodeError::Corrupt {
            what: format!("block {number}"),
            reason: e.to_string(),
        })
    }

    /// The number of the newest block.
    pub fn head_number(&self) -> Result<Option<u64>> {
        Ok(self.blocks.last()?.map(|(number, _)| number.value()))
    }

    /// The number of the block named `hash`.
    pub fn block_number(&self, hash: B256) -> Result<Option<u64>> {
        Ok(self.block_numbers.get(&hash.0)?.map(|n| n.value()))
    }

    /// The hashes of blocks `number` and older, newest first, at most `count`.
    pub fn hashes_back(&self, number: u64, count: usize) -> Result<Vec<B256>> {
        let mut hashes = Vec::with_capacity(count);
        for entry in self.block_hashes.range(..=number)?.rev().take(count) {
            hashes.push(B256::from(*entry?.1.value()));
        }
        Ok(hashes)
    }

    /// Where the transaction `hash` is: its block's number and its index there.
    pub fn transaction(&self, hash: B256) -> Result<Option<(u64, usize)>> {
        Ok(self.transactions.get(&hash.0)?.map(|at| {
            let (number, index) = at.value();
            (number, index as usize)
        }))
    }

    /// Every pending transaction, in arrival order.
    pub fn pool(&self) -> Result<Vec<(u64, Bytes)>> {
        let mut entries = Vec::new();
        for entry in self.pool.iter()? {
            let (seq, raw) = entry?;
            entries.push((seq.value(), Bytes::copy_from_slice(raw.value())));
        }
        Ok(entries)
    }

    /// The newest batch record whose accumulator is `accumulator`, and the records before it,
    /// newest first.
    pub fn batches_back(&self, accumulator: B256) -> Result<Vec<BatchRecord>> {
        let mut records = Vec::new();
        for entry in self.l1_batches.iter()?.rev() {
            let (index, bytes) = entry?;
            let index = index.value();
            let record = BatchRecord::decode(&mut bytes.value()).map_err(|e| {
                NodeError::Corrupt { what: format!("batch record {index}"), reason: e.to_string() }
            })?;
            if records.is_empty() && record.accumulator != accumulator {
                continue;
            }
            records.push(record);
        }
        Ok(records)
    }

    /// The newest batch record, if any.
    pub fn last_batch(&self) -> Result<Option<BatchRecord>> {
        let Some((index, bytes)) = self.l1_batches.last()? else { return Ok(None) };
        let index = index.value();
        BatchRecord::decode(&mut bytes.value()).map(Some).map_err(|e| NodeError::Corrupt {
            what: format!("batch record {index}"),
            reason: e.to_string(),
        })
    }

    /// Batch record `index`, if any.
    pub fn batch(&self, index: u64) -> Result<Option<BatchRecord>> {
        let Some(bytes) = self.l1_batches.get(index)? else { return Ok(None) };
        BatchRecord::decode(&mut bytes.value()).map(Some).map_err(|e| NodeError::Corrupt {
            what: format!("batch record {index}"),
            reason: e.to_string(),
        })
    }

    /// The blob of batch `record`, if the node derived it (empty for a forced batch).
    pub fn batch_data(&self, record: &BatchRecord) -> Result<Option<Vec<u8>>> {
        let Some(data) = self.batch_data.get(record.index)? else { return Ok(None) };
        let mut blob = data.value().to_vec();
        if record.blob_hash != B256::ZERO {
            blob.resize(axon_vm::preimage::BLOB_BYTES, 0);
        }
        Ok(Some(blob))
    }

    /// The storage error a preimage read met, if any: a missing preimage is then the
    /// database's failure, not the state's.
    pub fn check(&self) -> Result<()> {
        match self.failure.borrow_mut().take() {
            Some(e) => Err(e.into()),
            None => Ok(()),
        }
    }
}

impl Preimages for Snapshot {
    fn preimage(&self, hash: B256) -> Option<Bytes> {
        match self.preimages.get(&hash.0) {
            Ok(bytes) => bytes.map(|b| Bytes::copy_from_slice(b.value())),
            Err(e) => {
                self.failure.borrow_mut().get_or_insert(e);
                None
            }
        }
    }
}
