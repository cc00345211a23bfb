//! The host's side of a stateless block: a store of preimages by hash, the recorder that
//! turns a native run into the witness the VM's run needs, and genesis tries.
//!
//! A node keeps its state as a [`NodeStore`] of every trie node and code. It runs a block
//! natively with [`execute_recorded`], which reads the store through a [`Recorder`]: the
//! preimages the run asked for are the block's witness — all the guest will ask the oracle
//! for, since it runs the same code in the same order — and the run's new nodes extend the
//! store to the post-state.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use core::cell::RefCell;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_rlp::Encodable;
use alloy_trie::{TrieAccount, KECCAK_EMPTY};
use kona_mpt::{Nibbles, NoopTrieProvider, TrieNode};

use super::execute::{execute_with_state, BlockError, Credit, Executed};
use super::input::BlockInput;
use super::offloaded::{Native, Offloaded, Recording};
use super::state::Preimages;

/// Preimages held in memory, by their keccak-256.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeStore {
    preimages: BTreeMap<B256, Bytes>,
}

impl NodeStore {
    /// Stores `bytes` and returns their hash.
    pub fn insert(&mut self, bytes: impl Into<Bytes>) -> B256 {
        let bytes = bytes.into();
        let hash = keccak256(&bytes);
        self.preimages.insert(hash, bytes);
        hash
    }

    /// Every preimage, by hash.
    pub fn iter(&self) -> impl Iterator<Item = (&B256, &Bytes)> {
        self.preimages.iter()
    }

    /// How many preimages the store holds.
    pub fn len(&self) -> usize {
        self.preimages.len()
    }

    /// Whether the store is empty.
    pub fn is_empty(&self) -> bool {
        self.preimages.is_empty()
    }

    /// Adds every node of `trie` that is not blinded (the parts a run opened or wrote).
    pub fn insert_trie(&mut self, trie: &TrieNode) {
        match trie {
            TrieNode::Empty | TrieNode::Blinded { .. } => return,
            TrieNode::Leaf { .. } => {}
            TrieNode::Extension { node, .. } => self.insert_trie(node),
            TrieNode::Branch { stack } => stack.iter().for_each(|child| self.insert_trie(child)),
        }
        let mut rlp = Vec::with_capacity(trie.length());
        trie.encode(&mut rlp);
        self.insert(rlp);
    }
}

impl Preimages for NodeStore {
    fn preimage(&self, hash: B256) -> Option<Bytes> {
        self.preimages.get(&hash).cloned()
    }
}

/// Reads `P` and remembers every hash it was asked for.
#[derive(Debug)]
pub struct Recorder<P> {
    inner: P,
    asked: RefCell<BTreeSet<B256>>,
}

impl<P: Preimages> Recorder<P> {
    /// Records the reads of `inner`.
    pub fn new(inner: P) -> Self {
        Self { inner, asked: RefCell::default() }
    }

    /// The preimages read so far.
    pub fn witness(&self) -> NodeStore {
        let mut witness = NodeStore::default();
        for hash in self.asked.borrow().iter() {
            if let Some(bytes) = self.inner.preimage(*hash) {
                witness.preimages.insert(*hash, bytes);
            }
        }
        witness
    }
}

impl<P: Preimages> Preimages for Recorder<P> {
    fn preimage(&self, hash: B256) -> Option<Bytes> {
        self.asked.borrow_mut().insert(hash);
        self.inner.preimage(hash)
    }
}

/// A native run of a block: its result, the preimages it read (the witness), the answers it
/// read from the oracle, and the nodes of its post-state that the store did not have.
#[derive(Debug)]
pub struct RecordedBlock {
    /// The block's result.
    pub executed: Executed,
    /// Every trie node and code the run read.
    pub witness: NodeStore,
    /// Every precompile answer and inference result the run read.
    pub offloaded: Offloaded,
    /// The post-state's new trie nodes and codes.
    pub new_nodes: NodeStore,
}

/// A block that is invalid, with the preimages its run read up to the error: what the guest
/// needs to reach the same error (and exit 1) in the VM.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct InvalidBlock {
    /// Why the block is invalid.
    pub error: BlockError,
    /// Every trie node and code the run read.
    pub witness: NodeStore,
    /// Every precompile answer and inference result the run read.
    pub offloaded: Offloaded,
}

/// Runs `input` after `credits` over the state in `store` (a [`NodeStore`], or a node's
/// database), the models of `models` run by the engine, recording its witness and the answers
/// it read from the oracle.
pub fn execute_recorded<P: Preimages>(
    input: &BlockInput,
    credits: &[Credit],
    store: &P,
    models: &ModelFiles,
) -> Result<RecordedBlock, InvalidBlock> {
    let recorder = Recorder::new(store);
    let mut oracle = Recording::new(Native::new(models));
    match execute_with_state(input, credits, &recorder, &mut oracle) {
        Ok((executed, state)) => {
            let new_nodes = state.new_nodes();
            let offloaded = oracle.into_offloaded();
            Ok(RecordedBlock { executed, witness: recorder.witness(), offloaded, new_nodes })
        }
        Err(error) => Err(InvalidBlock {
            error,
            witness: recorder.witness(),
            offloaded: oracle.into_offloaded(),
        }),
    }
}

/// An account of a genesis state.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenesisAccount {
    /// Its balance.
    pub balance: U256,
    /// Its nonce.
    pub nonce: u64,
    /// Its code (empty for an externally owned account).
    pub code: Bytes,
    /// Its non-zero storage slots.
    pub storage: BTreeMap<U256, U256>,
}

/// The state root of `accounts`, and a store holding all its tries and codes.
pub fn genesis(accounts: &BTreeMap<Address, GenesisAccount>) -> (B256, NodeStore) {
    let mut store = NodeStore::default();
    let mut state = TrieNode::Empty;
    for (address, account) in accounts {
        let mut storage = TrieNode::Empty;
        for (slot, value) in account.storage.iter().filter(|(_, v)| !v.is_zero()) {
            let path = Nibbles::unpack(keccak256(slot.to_be_bytes::<32>()));
            insert_fresh(&mut storage, &path, alloy_rlp::encode(value));
        }
        store.insert_trie(&storage);
        let code_hash =
            if account.code.is_empty() { KECCAK_EMPTY } else { store.insert(account.code.clone()) };
        let leaf = TrieAccount::new(account.nonce, account.balance, storage.blind(), code_hash);
        insert_fresh(&mut state, &Nibbles::unpack(keccak256(address)), alloy_rlp::encode(leaf));
    }
    store.insert_trie(&state);
    (state.blind(), store)
}

/// Inserts into a trie built in memory, which never has a blinded node to fetch.
fn insert_fresh(trie: &mut TrieNode, path: &Nibbles, value: Vec<u8>) {
    trie.insert(path, value.into(), &NoopTrieProvider)
        .expect("a trie built in memory has no blinded node");
}

/// Model files by model-DA address, held in memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelFiles {
    files: BTreeMap<[u8; 32], Vec<u8>>,
}

impl ModelFiles {
    /// Stores `file` at `address` (its blob key).
    pub fn insert(&mut self, address: [u8; 32], file: Vec<u8>) {
        self.files.insert(address, file);
    }

    /// Every file, by address.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8; 32], &Vec<u8>)> {
        self.files.iter()
    }

    /// The file at `address`, if any.
    pub fn get(&self, address: &[u8; 32]) -> Option<&Vec<u8>> {
        self.files.get(address)
    }
}
