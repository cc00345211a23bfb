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
//!
//! A block is written in one write transaction with every trie node it created, its
//! transactions' locations and the removal of its transactions from the pool: after a crash
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
use redb::{Database, ReadOnlyTable, ReadableDatabase, ReadableTable, TableDefinition};

use crate::error::{NodeError, Result};

const PREIMAGES: TableDefinition<'_, &[u8; 32], &[u8]> = TableDefinition::new("preimages");
const BLOCKS: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("blocks");
const BLOCK_NUMBERS: TableDefinition<'_, &[u8; 32], u64> = TableDefinition::new("block_numbers");
const BLOCK_HASHES: TableDefinition<'_, u64, &[u8; 32]> = TableDefinition::new("block_hashes");
const TRANSACTIONS: TableDefinition<'_, &[u8; 32], (u64, u32)> =
    TableDefinition::new("transactions");
const POOL: TableDefinition<'_, u64, &[u8]> = TableDefinition::new("pool");

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
            failure: RefCell::new(None),
        })
    }

    /// Writes block `block` with the trie nodes and codes it created, and removes the pool
    /// entries `settled` (its transactions, and those it made invalid), in one transaction.
    pub fn commit_block(
        &self,
        block: &StoredBlock,
        new_nodes: &NodeStore,
        settled: &[u64],
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
        }
        tx.commit()?;
        Ok(())
    }

    /// Adds `raw` to the pool under `seq`, replacing the entry `replaced` if any, durably.
    pub fn pool_insert(&self, seq: u64, raw: &[u8], replaced: Option<u64>) -> Result<()> {
        let tx = self.db.begin_write()?;
        {
            let mut pool = tx.open_table(POOL)?;
            if let Some(old) = replaced {
                pool.remove(old)?;
            }
            pool.insert(seq, raw)?;
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
