//! Pending transactions: those acknowledged and not yet in a block, in arrival order, one per
//! sender and nonce. The pool only indexes them; the database holds them ([`crate::store`]),
//! and a restarted node rebuilds the pool from it.

use std::collections::{BTreeMap, HashMap};

use alloy::consensus::{Transaction, TxEnvelope};
use alloy::primitives::{Address, Bytes, B256};

/// A pending transaction.
#[derive(Debug, Clone)]
pub struct Pending {
    /// Its place in arrival order (its key in the database).
    pub seq: u64,
    /// Its hash.
    pub hash: B256,
    /// Who signed it.
    pub sender: Address,
    /// The decoded transaction.
    pub tx: TxEnvelope,
    /// Its EIP-2718 bytes.
    pub raw: Bytes,
}

/// The pending transactions, indexed.
#[derive(Debug, Default)]
pub struct Pool {
    by_seq: BTreeMap<u64, Pending>,
    /// How many blocks refused each transaction (not kept across restarts).
    refusals: HashMap<u64, u32>,
    by_hash: HashMap<B256, u64>,
    by_nonce: HashMap<(Address, u64), u64>,
    next_seq: u64,
}

impl Pool {
    /// How many transactions are pending.
    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    /// Whether none is.
    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }

    /// The sequence number the next arrival gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// The pending transaction `hash`.
    pub fn get(&self, hash: &B256) -> Option<&Pending> {
        self.by_hash.get(hash).and_then(|seq| self.by_seq.get(seq))
    }

    /// The pending transaction of `sender` with `nonce`.
    pub fn by_nonce(&self, sender: Address, nonce: u64) -> Option<&Pending> {
        self.by_nonce.get(&(sender, nonce)).and_then(|seq| self.by_seq.get(seq))
    }

    /// The next nonce `sender` would use after its pending transactions that follow
    /// `state_nonce` without a gap.
    pub fn next_nonce(&self, sender: Address, state_nonce: u64) -> u64 {
        let mut nonce = state_nonce;
        while self.by_nonce.contains_key(&(sender, nonce)) {
            nonce += 1;
        }
        nonce
    }

    /// Adds `pending`, replacing the transaction with its sender and nonce if any.
    pub fn insert(&mut self, pending: Pending) {
        let key = (pending.sender, pending.tx.nonce());
        if let Some(old) = self.by_nonce.get(&key).copied() {
            self.remove(old);
        }
        self.next_seq = self.next_seq.max(pending.seq + 1);
        self.by_hash.insert(pending.hash, pending.seq);
        self.by_nonce.insert(key, pending.seq);
        self.by_seq.insert(pending.seq, pending);
    }

    /// Counts one more block that refused transaction `seq`; returns the count.
    pub fn refused(&mut self, seq: u64) -> u32 {
        let count = self.refusals.entry(seq).or_default();
        *count += 1;
        *count
    }

    /// Removes the transaction `seq`.
    pub fn remove(&mut self, seq: u64) -> Option<Pending> {
        self.refusals.remove(&seq);
        let pending = self.by_seq.remove(&seq)?;
        self.by_hash.remove(&pending.hash);
        self.by_nonce.remove(&(pending.sender, pending.tx.nonce()));
        Some(pending)
    }

    /// Every pending transaction, in arrival order.
    pub fn iter(&self) -> impl Iterator<Item = &Pending> {
        self.by_seq.values()
    }
}
