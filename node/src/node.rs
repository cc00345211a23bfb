//! The node: its chain in the database, its head, its pool; admitting transactions and
//! building blocks.
//!
//! A block is built from the pool in arrival order, each sender's transactions in nonce
//! order, and run natively by `axon_ai_evm::block` — the state transition the fraud-proof
//! VM runs too. A transaction the run refuses (its sender can no longer pay, say) leaves the
//! block and the block is run again without it; it stays pending while its nonce can still
//! be used.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, RwLock};

use alloy::consensus::{Transaction, TxEnvelope};
use alloy::primitives::{Address, Bytes, B256, U256};
use axon_ai_evm::block::state::TrieState;
use axon_ai_evm::block::witness::{execute_recorded, InvalidBlock, NodeStore, RecordedBlock};
use axon_ai_evm::block::{
    transaction, BlockError, BlockInput, Credit, Executed, Native, Offloaded, Preimages, SPEC,
};
use revm::context_interface::cfg::gas::calculate_initial_tx_gas_for_tx;
use revm::database_interface::Database;

use crate::batcher::MAX_BATCH_BYTES;
use crate::error::{NodeError, Result};
use crate::genesis::Genesis;
use crate::group::GroupCommit;
use crate::pool::{Pending, Pool};
use crate::store::{BatchRecord, PoolWrite, Snapshot, Store, StoredBlock};
use alloy::eips::Encodable2718;
use axon_rollup::batch::{decode_blob, encode, BatchBlock};
use axon_rollup::chain::{derive, seal, Head, BLOCKHASH_WINDOW};
use axon_rollup::deposit::DepositEntry;
use axon_rollup::output::{Output, MESSAGE_PASSER};

/// The most transactions the pool holds.
pub const MAX_POOL: usize = 50_000;
/// How far ahead of its account's nonce a pending transaction may be.
pub const MAX_NONCE_GAP: u64 = 64;
/// The fee bump, in percent, a replacement must offer (geth's default).
pub const REPLACEMENT_BUMP: u128 = 10;
/// The largest transaction the pool takes, in bytes: any block of one transaction then fits
/// a batch (`batcher::MAX_BATCH_BYTES`), whatever it compresses to.
pub const MAX_TX_BYTES: usize = 100_000;
/// How many blocks may refuse a pending transaction before the pool drops it (its sender
/// cannot pay any more, say): a transaction the state transition keeps refusing would
/// otherwise make every block run twice.
pub const MAX_REFUSALS: u32 = 3;

/// Why a transaction is refused: geth's messages, which wallets and libraries match on.
#[derive(Debug, thiserror::Error)]
pub enum TxError {
    /// Not a transaction the chain accepts (not decodable, a type it does not run, no
    /// chain id, a signature that recovers no sender).
    #[error("invalid transaction: {0}")]
    Invalid(String),
    /// Larger than a block may carry.
    #[error("oversized data: transaction size {size}, limit {limit}")]
    Oversized {
        /// Its size in bytes.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Signed for another chain.
    #[error("invalid chain id for signer: have {have} want {want}")]
    WrongChain {
        /// The transaction's chain id.
        have: u64,
        /// This chain's.
        want: u64,
    },
    /// Already pending or included.
    #[error("already known")]
    AlreadyKnown,
    /// Its nonce was used.
    #[error("nonce too low: next nonce {next}, tx nonce {nonce}")]
    NonceTooLow {
        /// The account's nonce.
        next: u64,
        /// The transaction's.
        nonce: u64,
    },
    /// Its nonce is too far ahead of the account's.
    #[error("nonce too high: next nonce {next}, tx nonce {nonce}")]
    NonceTooHigh {
        /// The account's nonce.
        next: u64,
        /// The transaction's.
        nonce: u64,
    },
    /// Its gas limit is over a block's.
    #[error("exceeds block gas limit")]
    GasLimit,
    /// Its gas limit does not cover its intrinsic gas.
    #[error("intrinsic gas too low: gas {gas}, minimum needed {needed}")]
    IntrinsicGas {
        /// The transaction's gas limit.
        gas: u64,
        /// Its intrinsic gas.
        needed: u64,
    },
    /// Its sender cannot pay for it.
    #[error("insufficient funds for gas * price + value: balance {balance}, tx cost {cost}")]
    InsufficientFunds {
        /// The sender's balance.
        balance: U256,
        /// `gas limit × max fee + value`.
        cost: U256,
    },
    /// Its fee cap is under the next block's base fee.
    #[error(
        "max fee per gas less than block base fee: maxFeePerGas: {max_fee}, baseFee: {base_fee}"
    )]
    FeeCapTooLow {
        /// The transaction's fee cap.
        max_fee: u128,
        /// The next block's base fee.
        base_fee: u64,
    },
    /// Its priority fee is above its fee cap.
    #[error("max priority fee per gas higher than max fee per gas")]
    TipAboveFeeCap,
    /// It replaces a pending transaction without paying enough more.
    #[error("replacement transaction underpriced")]
    ReplacementUnderpriced,
    /// The pool is full.
    #[error("txpool is full")]
    PoolFull,
    /// This node does not take transactions.
    #[error("this node is a validator: send transactions to the sequencer")]
    NotSequencer,
    /// The node failed.
    #[error(transparent)]
    Node(#[from] NodeError),
}

/// What a block's production did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Produced {
    /// The new head's number.
    pub number: u64,
    /// Its hash.
    pub hash: B256,
    /// How many transactions it includes.
    pub transactions: usize,
    /// How many pending transactions it dropped (their nonce was used).
    pub dropped: usize,
}

/// What a node does with its chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// It takes transactions and builds blocks.
    Sequencer,
    /// It derives blocks from L1.
    Validator,
}

/// An L2 node.
#[derive(Debug)]
pub struct Node {
    genesis: Genesis,
    role: Role,
    store: Store,
    head: RwLock<Head>,
    pool: Mutex<Pool>,
    /// The newest block L1 has in a batch (the safe head), and the newest in a batch of a
    /// finalized L1 block.
    safe: AtomicU64,
    finalized: AtomicU64,
    metrics: crate::metrics::Metrics,
    writes: GroupCommit,
    /// Held by whatever extends or cuts the chain (block production, derivation, rollbacks):
    /// one writer of the chain at a time.
    writer: Mutex<()>,
    /// The inference requests of the newest blocks, at most [`RECENT_REQUESTS`].
    recent_requests: Mutex<std::collections::VecDeque<Vec<u8>>>,
}

/// How many of the newest blocks' inference requests [`Node::take_requests`] keeps.
pub const RECENT_REQUESTS: usize = 64;

impl Node {
    /// Opens the node's database at `path` (creating it with `genesis`'s block 0), its head
    /// and its pool as the database has them.
    pub fn open(genesis: Genesis, role: Role, path: &Path) -> Result<Self> {
        let store = Store::open(path)?;
        let snapshot = store.read()?;
        if snapshot.head_number()?.is_none() {
            drop(snapshot);
            let block = StoredBlock {
                header: genesis.header.clone(),
                senders: vec![],
                transactions: vec![],
                receipts: vec![],
            };
            store.commit_block(&block, &genesis.state, &[], None)?;
        }
        let snapshot = store.read()?;
        let stored = snapshot.hashes_back(0, 1)?.first().copied().unwrap_or_default();
        if stored != genesis.hash() {
            return Err(NodeError::OtherChain { stored, configured: genesis.hash() });
        }
        let head = head_at(&snapshot, snapshot.head_number()?.unwrap_or_default())?;
        let mut pool = Pool::default();
        for (seq, raw) in snapshot.pool()? {
            let (tx, env) =
                transaction(&raw, 0, &mut Native::new(&genesis.model_files)).map_err(|e| {
                    NodeError::Corrupt {
                        what: format!("pending transaction {seq}"),
                        reason: e.to_string(),
                    }
                })?;
            pool.insert(Pending { seq, hash: *tx.hash(), sender: env.caller, tx, raw });
        }
        Ok(Self {
            genesis,
            role,
            store,
            head: RwLock::new(head),
            pool: Mutex::new(pool),
            safe: AtomicU64::new(0),
            finalized: AtomicU64::new(0),
            metrics: crate::metrics::Metrics::default(),
            writes: GroupCommit::default(),
            writer: Mutex::new(()),
            recent_requests: Mutex::default(),
        })
    }

    /// The node's metrics.
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }

    /// What the node does.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The safe and finalized heads' numbers.
    pub fn l1_heads(&self) -> (u64, u64) {
        (self.safe.load(Ordering::Relaxed), self.finalized.load(Ordering::Relaxed))
    }

    /// Records the safe and finalized heads L1 shows (never past the head).
    pub fn set_l1_heads(&self, safe: u64, finalized: u64) {
        let head = self.head().header.number;
        self.safe.store(safe.min(head), Ordering::Relaxed);
        self.finalized.store(finalized.min(safe).min(head), Ordering::Relaxed);
    }

    /// The chain's configuration.
    pub fn genesis(&self) -> &Genesis {
        &self.genesis
    }

    /// The newest block.
    pub fn head(&self) -> Head {
        self.head.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn set_head(&self, head: Head) {
        *self.head.write().unwrap_or_else(|e| e.into_inner()) = head;
    }

    /// The output root of block `number`, which the chain must have.
    pub fn output_root(&self, number: u64) -> Result<B256> {
        let snapshot = self.snapshot()?;
        Ok(output(&snapshot, &block_or_corrupt(&snapshot, number)?)?.root())
    }

    /// A consistent read of the database.
    pub fn snapshot(&self) -> Result<Snapshot> {
        self.store.read()
    }

    /// The pending transactions.
    pub fn pool(&self) -> MutexGuard<'_, Pool> {
        self.pool.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits `raw` to the pool, durably, and returns its hash; or says why not, as geth
    /// would.
    pub fn submit(&self, raw: Bytes) -> Result<B256, TxError> {
        if self.role != Role::Sequencer {
            return Err(TxError::NotSequencer);
        }
        if raw.len() > MAX_TX_BYTES {
            return Err(TxError::Oversized { size: raw.len(), limit: MAX_TX_BYTES });
        }
        let (tx, env) = transaction(&raw, 0, &mut Native::new(&self.genesis.model_files))
            .map_err(|e| TxError::Invalid(without_index(&e)))?;
        let hash = *tx.hash();
        if let Some(have) = tx.chain_id() {
            if have != self.genesis.config.chainId {
                return Err(TxError::WrongChain { have, want: self.genesis.config.chainId });
            }
        }
        if tx.gas_limit() > self.genesis.config.gasLimit {
            return Err(TxError::GasLimit);
        }
        let intrinsic = calculate_initial_tx_gas_for_tx(&env, SPEC, None);
        let needed =
            (intrinsic.initial_regular_gas + intrinsic.initial_state_gas).max(intrinsic.floor_gas);
        if tx.gas_limit() < needed {
            return Err(TxError::IntrinsicGas { gas: tx.gas_limit(), needed });
        }
        if tx.max_priority_fee_per_gas().is_some_and(|tip| tip > tx.max_fee_per_gas()) {
            return Err(TxError::TipAboveFeeCap);
        }
        // The pool's lock first: a block's production updates the pool and the head under it,
        // so the account read here is the state the pool's nonces follow.
        let mut pool = self.pool();
        let head = self.head();
        let base_fee = head.next_base_fee();
        if tx.max_fee_per_gas() < u128::from(base_fee) {
            return Err(TxError::FeeCapTooLow { max_fee: tx.max_fee_per_gas(), base_fee });
        }
        let snapshot = self.snapshot()?;
        if snapshot.transaction(hash)?.is_some() {
            return Err(TxError::AlreadyKnown);
        }
        let account = account(&snapshot, &head, env.caller)?;
        let cost = U256::from(tx.gas_limit())
            .checked_mul(U256::from(tx.max_fee_per_gas()))
            .and_then(|fees| fees.checked_add(tx.value()));
        match cost {
            Some(cost) if cost <= account.balance => {}
            cost => {
                let cost = cost.unwrap_or(U256::MAX);
                return Err(TxError::InsufficientFunds { balance: account.balance, cost });
            }
        }

        if pool.get(&hash).is_some() {
            return Err(TxError::AlreadyKnown);
        }
        let (next, nonce) = (account.nonce, tx.nonce());
        if nonce < next {
            return Err(TxError::NonceTooLow { next, nonce });
        }
        if nonce > pool.next_nonce(env.caller, next) + MAX_NONCE_GAP {
            return Err(TxError::NonceTooHigh { next, nonce });
        }
        let replaced = match pool.by_nonce(env.caller, nonce) {
            Some(old) if !outbids(&tx, &old.tx) => return Err(TxError::ReplacementUnderpriced),
            Some(old) => Some(old.seq),
            None if pool.len() >= MAX_POOL => return Err(TxError::PoolFull),
            None => None,
        };
        let seq = pool.next_seq();
        let ticket = self.writes.enqueue(PoolWrite { seq, raw: raw.clone(), replaced });
        pool.insert(Pending { seq, hash, sender: env.caller, tx, raw });
        drop(pool);
        // Acknowledged only once durable. Meanwhile the transaction may already be in a
        // block (durable too); its pool entry is then stale, and dropped as such.
        if let Err(e) = self.writes.wait(ticket, &self.store) {
            self.pool().remove(seq);
            return Err(e.into());
        }
        Ok(hash)
    }

    /// Builds the next block at `timestamp` from the pool, crediting `deposits` (the L1
    /// deposits after the head's), commits it and makes it the head.
    pub fn produce(&self, timestamp: u64, deposits: &[DepositEntry]) -> Result<Produced> {
        let _writer = self.writer();
        let head = self.head();
        let snapshot = self.snapshot()?;
        let base_fee = head.next_base_fee();
        let (mut chosen, mut settled) = self.choose(&snapshot, &head, base_fee)?;
        let dropped = settled.len();
        let credits: Vec<Credit> = deposits.iter().map(DepositEntry::credit).collect();
        let deposit_count = head.deposits() + deposits.len() as u64;
        // Every block must fit one batch: shed the newest transactions (each sender's latest
        // nonces, so the rest stays in order) until its compressed data does.
        while chosen.len() > 1 && batch_bytes(timestamp, deposit_count, &chosen) > MAX_BATCH_BYTES {
            chosen.truncate(chosen.len() * 9 / 10);
        }
        let (input, recorded) = loop {
            let raw = chosen.iter().map(|p| p.raw.clone()).collect();
            let input = head.next_input(&self.genesis.config, timestamp, raw);
            match execute_recorded(&input, &credits, &snapshot, &self.genesis.model_files) {
                Ok(recorded) => break (input, recorded),
                Err(InvalidBlock { error, .. }) => {
                    snapshot.check()?;
                    let (index, permanent) = refused(&error)?;
                    let out = chosen.remove(index);
                    // The sender's later transactions cannot run without this one.
                    chosen.retain(|p| p.sender != out.sender || p.tx.nonce() < out.tx.nonce());
                    if permanent || self.pool().refused(out.seq) >= MAX_REFUSALS {
                        settled.push(out.seq);
                    }
                }
            }
        };
        snapshot.check()?;
        drop(snapshot);
        let RecordedBlock { executed, mut new_nodes, offloaded, .. } = recorded;
        // The deposits' entries, which proofs of the block walk.
        for deposit in deposits {
            new_nodes.insert(deposit.encode().to_vec());
        }
        self.keep_requests(&mut new_nodes, &offloaded);
        let senders = chosen.iter().map(|p| p.sender).collect();
        let block = stored_block(input, head.hash, senders, &executed, deposit_count);
        settled.extend(chosen.iter().map(|p| p.seq));
        self.store.commit_block(&block, &new_nodes, &settled, None)?;

        let next = head.advance(&block.header);
        let produced = Produced {
            number: next.header.number,
            hash: next.hash,
            transactions: chosen.len(),
            dropped,
        };
        let mut pool = self.pool();
        for seq in &settled {
            pool.remove(*seq);
        }
        self.set_head(next);
        Ok(produced)
    }

    /// Derives the blocks of batch `record` (whose accumulator entry chains from `previous`)
    /// from its `blob` (a blob that does not decode replaces every block by the empty one) and
    /// `deposits` (the entries of the deposits it credits) and commits each; the last commits
    /// the record and the blob with it. Blocks the node already has (a restart inside a batch)
    /// are skipped. Returns how many blocks were replaced.
    pub fn derive_batch(
        &self,
        record: &BatchRecord,
        previous: B256,
        blob: &[u8],
        deposits: &[DepositEntry],
    ) -> Result<usize> {
        let _writer = self.writer();
        let blocks = decode_blob(blob).unwrap_or_default();
        let batch = record.entry(previous);
        let mut fresh = NodeStore::default();
        for deposit in deposits {
            fresh.insert(deposit.encode().to_vec());
        }
        let mut replaced = 0;
        let from = record.first_block.max(self.head().header.number + 1);
        for number in from..=record.last_block {
            let head = self.head();
            let snapshot = self.snapshot()?;
            let entry =
                usize::try_from(number - record.first_block).ok().and_then(|i| blocks.get(i));
            let models = &self.genesis.model_files;
            let derived = derive(
                &self.genesis.config,
                &head,
                entry,
                &batch,
                |hash| fresh.preimage(hash).or_else(|| snapshot.preimage(hash)).map(Into::into),
                |input, credits| {
                    execute_recorded(input, credits, &snapshot, models)
                        .map_err(|invalid| invalid.error)
                },
            );
            snapshot.check()?;
            let derived = derived.map_err(|e| node_failure(&e))?;
            replaced += usize::from(derived.replaced);
            let deposit_count = derived.deposits.end;
            let (input, RecordedBlock { executed, mut new_nodes, offloaded, .. }) =
                (derived.input, derived.run);
            // The deposits' entries go in once, with the batch's first block derived here.
            if number == from {
                for (_, bytes) in fresh.iter() {
                    new_nodes.insert(bytes.clone());
                }
            }
            self.keep_requests(&mut new_nodes, &offloaded);
            let mut senders = Vec::with_capacity(input.transactions.len());
            let mut oracle = Native::new(models);
            for (index, raw) in input.transactions.iter().enumerate() {
                let (_, env) = transaction(raw, index, &mut oracle)
                    .map_err(|e| NodeError::Execution(format!("block {number}: {e}")))?;
                senders.push(env.caller);
            }
            let block = stored_block(input, head.hash, senders, &executed, deposit_count);
            let completes = (number == record.last_block).then_some((record, blob));
            drop(snapshot);
            self.store.commit_block(&block, &new_nodes, &[], completes)?;
            self.set_head(head.advance(&block.header));
        }
        Ok(replaced)
    }

    /// Drops every block after `number` and the batch records from `batch` on (L1 reorganized
    /// them away), and makes block `number` the head.
    pub fn rollback(&self, number: u64, batch: u64) -> Result<()> {
        let _writer = self.writer();
        self.store.truncate(number, batch, &[])?;
        self.set_head(head_at(&self.snapshot()?, number)?);
        let (safe, finalized) = self.l1_heads();
        self.set_l1_heads(safe, finalized);
        Ok(())
    }

    /// A sequencer's rollback: drops its blocks after `number` — L1 holds other blocks there
    /// (a forced inclusion) — and the batch records from `batch` on, and returns the dropped
    /// blocks' transactions to the pool, in one write: no acknowledged transaction is lost.
    /// Returns how many transactions went back to the pool.
    pub fn drop_unposted(&self, number: u64, batch: u64) -> Result<usize> {
        let _writer = self.writer();
        let mut pool = self.pool();
        let snapshot = self.snapshot()?;
        let head = self.head().header.number;
        let mut writes = Vec::new();
        let mut pending = Vec::new();
        let mut seq = pool.next_seq();
        let mut oracle = Native::new(&self.genesis.model_files);
        for n in number + 1..=head {
            for raw in block_or_corrupt(&snapshot, n)?.transactions {
                let (tx, env) = transaction(&raw, 0, &mut oracle).map_err(|e| {
                    NodeError::Corrupt { what: format!("block {n}"), reason: e.to_string() }
                })?;
                writes.push(PoolWrite { seq, raw: raw.clone(), replaced: None });
                pending.push(Pending { seq, hash: *tx.hash(), sender: env.caller, tx, raw });
                seq += 1;
            }
        }
        drop(snapshot);
        self.store.truncate(number, batch, &writes)?;
        for p in pending {
            pool.insert(p);
        }
        self.set_head(head_at(&self.snapshot()?, number)?);
        Ok(writes.len())
    }

    /// Records batch `record`, whose blocks the node has, and its `blob`: a sequencer's own
    /// batch seen on L1 (what a proof of its blocks reads).
    pub fn record_batch(&self, record: &BatchRecord, blob: &[u8]) -> Result<()> {
        let _writer = self.writer();
        self.store.record_batch(record, blob)
    }

    /// Forgets the batch records from `batch` on (L1 reorganized them away), keeping the
    /// blocks: a sequencer posts them again.
    pub fn forget_batches(&self, batch: u64) -> Result<()> {
        let _writer = self.writer();
        self.store.truncate(self.head().header.number, batch, &[])
    }

    /// Adds the inference requests of a block's run to its new preimages — a validator plays
    /// the claims of their results (`crate::results`), finding each request by its hash —
    /// and to the recent ones.
    fn keep_requests(&self, new_nodes: &mut NodeStore, offloaded: &Offloaded) {
        let mut recent = self.recent_requests.lock().unwrap_or_else(|e| e.into_inner());
        for request in offloaded.requests() {
            new_nodes.insert(request.to_vec());
            if recent.len() == RECENT_REQUESTS {
                recent.pop_front();
            }
            recent.push_back(request.to_vec());
        }
    }

    /// The inference requests of the blocks made or derived since the last call (at most
    /// [`RECENT_REQUESTS`]), oldest first.
    pub fn take_requests(&self) -> Vec<Vec<u8>> {
        let mut recent = self.recent_requests.lock().unwrap_or_else(|e| e.into_inner());
        recent.drain(..).collect()
    }

    fn writer(&self) -> MutexGuard<'_, ()> {
        self.writer.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The transactions the next block tries, in arrival order with each sender's nonces in
    /// sequence and their gas within the block's, and the pending ones whose nonce is used.
    fn choose(
        &self,
        snapshot: &Snapshot,
        head: &Head,
        base_fee: u64,
    ) -> Result<(Vec<Pending>, Vec<u64>)> {
        let pool = self.pool();
        let mut nonces: HashMap<Address, u64> = HashMap::new();
        let mut chosen = Vec::new();
        let mut taken = std::collections::HashSet::new();
        let mut stale = Vec::new();
        let mut gas = 0u64;
        loop {
            let mut progress = false;
            for pending in pool.iter() {
                if taken.contains(&pending.seq) {
                    continue;
                }
                let next = match nonces.get(&pending.sender) {
                    Some(next) => *next,
                    None => {
                        let nonce = account(snapshot, head, pending.sender)?.nonce;
                        *nonces.entry(pending.sender).or_insert(nonce)
                    }
                };
                let nonce = pending.tx.nonce();
                if nonce < next {
                    taken.insert(pending.seq);
                    stale.push(pending.seq);
                } else if nonce == next
                    && pending.tx.max_fee_per_gas() >= u128::from(base_fee)
                    && gas + pending.tx.gas_limit() <= self.genesis.config.gasLimit
                {
                    gas += pending.tx.gas_limit();
                    nonces.insert(pending.sender, next + 1);
                    taken.insert(pending.seq);
                    chosen.push(pending.clone());
                    progress = true;
                }
            }
            if !progress {
                return Ok((chosen, stale));
            }
        }
    }
}

/// The account `address` at `head`'s state: its nonce and balance (zero if it has none).
pub(crate) fn account(snapshot: &Snapshot, head: &Head, address: Address) -> Result<Account> {
    let mut state = TrieState::new(snapshot, head.header.state_root, head.header.number, vec![]);
    let info = state.basic(address);
    snapshot.check()?;
    let info = info?.unwrap_or_default();
    Ok(Account { nonce: info.nonce, balance: info.balance })
}

/// Block `input`, child of `parent` and run as `executed`, the chain having credited
/// `deposits` L1 deposits up to it, as the database keeps it.
fn stored_block(
    input: BlockInput,
    parent: B256,
    senders: Vec<Address>,
    executed: &Executed,
    deposits: u64,
) -> StoredBlock {
    StoredBlock {
        header: seal(&input, parent, executed, deposits),
        senders,
        receipts: executed.receipts.iter().map(|r| r.encoded_2718().into()).collect(),
        transactions: input.transactions,
    }
}

/// The output of `block` (its output root's preimage), read from the database.
pub fn output(snapshot: &Snapshot, block: &StoredBlock) -> Result<Output> {
    let header = &block.header;
    let mut state = TrieState::new(snapshot, header.state_root, header.number, vec![]);
    let withdrawal_storage_root = state.storage_root_of(MESSAGE_PASSER);
    snapshot.check()?;
    Ok(Output {
        state_root: header.state_root,
        withdrawal_storage_root: withdrawal_storage_root?,
        block_hash: header.hash_slow(),
    })
}

/// An account's nonce and balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Account {
    pub(crate) nonce: u64,
    pub(crate) balance: U256,
}

/// The size of a batch carrying one block of `chosen` at `timestamp`.
fn batch_bytes(timestamp: u64, deposits: u64, chosen: &[Pending]) -> usize {
    let transactions = chosen.iter().map(|p| p.raw.clone()).collect();
    encode(&[BatchBlock { timestamp, deposits, transactions }]).len()
}

/// The head at block `number`, which the database must have.
pub(crate) fn head_at(snapshot: &Snapshot, number: u64) -> Result<Head> {
    let block = block_or_corrupt(snapshot, number)?;
    let ancestors = snapshot.hashes_back(number, BLOCKHASH_WINDOW)?;
    Ok(Head { hash: block.header.hash_slow(), header: block.header, ancestors })
}

/// Block `number`, which the database must have.
pub(crate) fn block_or_corrupt(snapshot: &Snapshot, number: u64) -> Result<StoredBlock> {
    snapshot.block(number)?.ok_or_else(|| NodeError::Corrupt {
        what: format!("block {number}"),
        reason: "missing below the head".into(),
    })
}

/// Which transaction a block run refused, and whether it can never run (else it may once
/// its sender can pay); an error that is not a transaction's is the node's.
fn refused(error: &BlockError) -> Result<(usize, bool)> {
    match *error {
        BlockError::InvalidTransaction { index, .. } | BlockError::BlockGasExceeded { index } => {
            Ok((index, false))
        }
        BlockError::MalformedTransaction { index, .. }
        | BlockError::UnsupportedType { index, .. }
        | BlockError::UnprotectedTransaction { index }
        | BlockError::BadSignature { index } => Ok((index, true)),
        BlockError::State(_) | BlockError::Unavailable(_) => Err(node_failure(error)),
    }
}

/// A block error that is not a transaction's: the node's own failure (its state or its
/// models lack data).
fn node_failure(error: &BlockError) -> NodeError {
    match error {
        BlockError::State(e) => NodeError::State(e.clone()),
        other => NodeError::Execution(other.to_string()),
    }
}

/// Whether `new` pays enough more than `old` to replace it: both its fee cap and its tip by
/// [`REPLACEMENT_BUMP`] percent.
fn outbids(new: &TxEnvelope, old: &TxEnvelope) -> bool {
    let bumped = |fee: u128| fee.saturating_mul(100 + REPLACEMENT_BUMP) / 100;
    let tip = |tx: &TxEnvelope| tx.max_priority_fee_per_gas().unwrap_or(tx.max_fee_per_gas());
    new.max_fee_per_gas() >= bumped(old.max_fee_per_gas()) && tip(new) >= bumped(tip(old))
}

/// A block error's message about "transaction 0", without the index: a submitted
/// transaction is alone.
fn without_index(error: &BlockError) -> String {
    let message = error.to_string();
    message.strip_prefix("transaction 0: ").map(str::to_owned).unwrap_or(message)
}
