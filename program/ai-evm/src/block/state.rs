//! revm's database over Merkle-Patricia tries known only by their root: accounts, storage
//! slots and code are read by walking the tries, node by node, from preimages by keccak hash;
//! a transaction's changes are kept aside and written into the tries by
//! [`TrieState::state_root`], which hashes them into the post-state root.
//!
//! Writes are deferred because revm's `commit` cannot fail and a trie write can (deleting a
//! key may need a sibling's node). They are applied in address and slot order, so that the
//! nodes a run fetches are the same on every machine: the witness a native run records is
//! exactly what the VM's run reads.

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cell::Cell;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_rlp::{Decodable, Encodable};
use alloy_trie::{TrieAccount, EMPTY_ROOT_HASH, KECCAK_EMPTY};
use kona_mpt::{Nibbles, NoopTrieHinter, TrieNode, TrieProvider};
use revm::bytecode::Bytecode;
use revm::database_interface::{DBErrorMarker, Database, DatabaseCommit};
use revm::primitives::{AddressMap, StorageKey, StorageValue};
use revm::state::{Account, AccountInfo};

/// Preimages by keccak-256 hash: trie nodes and contract code.
///
/// An implementation answers only with bytes that hash to the key — the preimage oracle
/// binds keccak keys so, and [`NodeStore`](super::witness::NodeStore) stores by hash — so the
/// state does not hash them again (a keccak-256 costs the VM ≈18,000 steps a node).
pub trait Preimages {
    /// The bytes whose keccak-256 is `hash`, if known.
    fn preimage(&self, hash: B256) -> Option<Bytes>;
}

impl<P: Preimages + ?Sized> Preimages for &P {
    fn preimage(&self, hash: B256) -> Option<Bytes> {
        (**self).preimage(hash)
    }
}

/// Why the state could not be read or written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// A trie node or a code the block needs has no preimage.
    #[error("no preimage for {0}")]
    MissingPreimage(B256),
    /// A trie node, an account or a slot value is not valid RLP.
    #[error("malformed trie data: {0}")]
    Malformed(String),
    /// The trie walk failed.
    #[error("trie: {0}")]
    Trie(String),
    /// `BLOCKHASH` asked for an ancestor the block input does not carry.
    #[error("BLOCKHASH of block {0}: the block input carries no such ancestor")]
    MissingAncestor(u64),
}

impl DBErrorMarker for StateError {}

/// The trie nodes of `P`, as `kona-mpt` fetches them. kona turns a provider's error into a
/// string; the first one is kept here too, so that [`Nodes::error`] can return it typed.
struct Nodes<'a, P> {
    preimages: &'a P,
    failure: Cell<Option<StateError>>,
}

impl<'a, P: Preimages> Nodes<'a, P> {
    fn new(preimages: &'a P) -> Self {
        Self { preimages, failure: Cell::new(None) }
    }

    /// The error of a failed trie operation: the provider's own if it failed, else kona's.
    fn error(&self, err: kona_mpt::TrieNodeError) -> StateError {
        self.failure.take().unwrap_or_else(|| StateError::Trie(err.to_string()))
    }
}

impl<P: Preimages> TrieProvider for Nodes<'_, P> {
    type Error = StateError;

    fn trie_node_by_hash(&self, hash: B256) -> Result<TrieNode, StateError> {
        let node = fetch(self.preimages, hash)
            .and_then(|bytes| TrieNode::decode(&mut bytes.as_ref()).map_err(malformed));
        if let Err(err) = &node {
            let first = self.failure.take().unwrap_or_else(|| err.clone());
            self.failure.set(Some(first));
        }
        node
    }
}

fn malformed(err: alloy_rlp::Error) -> StateError {
    StateError::Malformed(err.to_string())
}

fn fetch(preimages: &impl Preimages, hash: B256) -> Result<Bytes, StateError> {
    preimages.preimage(hash).ok_or(StateError::MissingPreimage(hash))
}

/// An account the block has read or written.
#[derive(Debug)]
struct LoadedAccount {
    /// Its state now; `None` if it does not exist.
    info: Option<AccountInfo>,
    /// Its storage trie as of the block's start (opened as far as read).
    storage: TrieNode,
    /// Whether its storage was wiped in the block (created or destroyed): the trie no longer
    /// counts, only `written`.
    storage_cleared: bool,
    /// Slots written in the block, their present values.
    written: BTreeMap<U256, U256>,
    /// Whether the block changed it.
    dirty: bool,
}

/// revm's database over the tries under one state root.
#[derive(Debug)]
pub struct TrieState<P> {
    preimages: P,
    accounts_trie: TrieNode,
    accounts: BTreeMap<Address, LoadedAccount>,
    codes: BTreeMap<B256, Bytecode>,
    /// The block's number and its ancestors' hashes, the parent's first.
    number: u64,
    ancestors: Vec<B256>,
    /// The first read that failed inside `commit`, which cannot return it.
    commit_error: Option<StateError>,
}

impl<P: Preimages> TrieState<P> {
    /// The state under `root`, in block `number`, whose ancestors' hashes are `ancestors`.
    pub fn new(preimages: P, root: B256, number: u64, ancestors: Vec<B256>) -> Self {
        Self {
            preimages,
            accounts_trie: TrieNode::new_blinded(root),
            accounts: BTreeMap::new(),
            codes: BTreeMap::new(),
            number,
            ancestors,
            commit_error: None,
        }
    }

    fn load(&mut self, address: Address) -> Result<&mut LoadedAccount, StateError> {
        if !self.accounts.contains_key(&address) {
            let nodes = Nodes::new(&self.preimages);
            let path = Nibbles::unpack(keccak256(address));
            let leaf = self.accounts_trie.open(&path, &nodes).map_err(|e| nodes.error(e))?;
            let account = match leaf {
                None => None,
                Some(rlp) => Some(TrieAccount::decode(&mut rlp.as_ref()).map_err(malformed)?),
            };
            let loaded = LoadedAccount {
                storage: TrieNode::new_blinded(
                    account.as_ref().map_or(EMPTY_ROOT_HASH, |a| a.storage_root),
                ),
                info: account.map(|a| AccountInfo {
                    balance: a.balance,
                    nonce: a.nonce,
                    code_hash: a.code_hash,
                    // revm asks `code_by_hash` for a contract's code when it needs it.
                    code: (a.code_hash == KECCAK_EMPTY).then(Bytecode::default),
                    ..Default::default()
                }),
                storage_cleared: false,
                written: BTreeMap::new(),
                dirty: false,
            };
            self.accounts.insert(address, loaded);
        }
        Ok(self.accounts.get_mut(&address).expect("inserted above"))
    }

    /// Writes the block's changes into the tries and returns the post-state root.
    pub fn state_root(&mut self) -> Result<B256, StateError> {
        if let Some(err) = self.commit_error.take() {
            return Err(err);
        }
        let nodes = Nodes::new(&self.preimages);
        for (address, account) in self.accounts.iter_mut().filter(|(_, a)| a.dirty) {
            let path = Nibbles::unpack(keccak256(address));
            let leaf = match account.info.clone() {
                Some(info) if !info.is_empty() => {
                    Some(trie_account(&info, storage_root(account, &nodes)?))
                }
                // EIP-161: a touched account left empty is removed, like a destroyed one.
                _ => None,
            };
            write(&mut self.accounts_trie, &path, leaf, &nodes)?;
        }
        Ok(self.accounts_trie.blind())
    }
}

impl<P: Preimages> TrieState<P> {
    /// Adds `value` to the balance of `to` (creating the account if it has none), outside
    /// any transaction: a rollup's deposit. The balance saturates; no supply of ETH reaches it.
    pub fn credit(&mut self, to: Address, value: U256) -> Result<(), StateError> {
        let account = self.load(to)?;
        let mut info = account.info.clone().unwrap_or_default();
        info.balance = info.balance.saturating_add(value);
        account.info = Some(info);
        account.dirty = true;
        Ok(())
    }

    /// The storage root of `address` (the empty trie's for an account that does not exist):
    /// the post-state's once [`TrieState::state_root`] has run, the pre-state's before.
    pub fn storage_root_of(&mut self, address: Address) -> Result<B256, StateError> {
        let account = self.load(address)?;
        Ok(if account.info.is_none() { EMPTY_ROOT_HASH } else { account.storage.blind() })
    }
}

impl<P> TrieState<P> {
    /// The trie nodes and codes the block read or wrote, after [`TrieState::state_root`]:
    /// with a store of the pre-state they make the post-state's.
    pub fn new_nodes(&self) -> super::witness::NodeStore {
        let mut nodes = super::witness::NodeStore::default();
        nodes.insert_trie(&self.accounts_trie);
        for account in self.accounts.values() {
            nodes.insert_trie(&account.storage);
        }
        for code in self.codes.values() {
            nodes.insert(code.original_bytes());
        }
        nodes
    }
}

/// Applies `account`'s written slots to its storage trie and returns its root.
fn storage_root<P: Preimages>(
    account: &mut LoadedAccount,
    nodes: &Nodes<'_, P>,
) -> Result<B256, StateError> {
    if account.storage_cleared {
        account.storage = TrieNode::Empty;
    }
    for (slot, value) in &account.written {
        let path = Nibbles::unpack(keccak256(slot.to_be_bytes::<32>()));
        let leaf = (!value.is_zero()).then(|| alloy_rlp::encode(value));
        write(&mut account.storage, &path, leaf, nodes)?;
    }
    Ok(account.storage.blind())
}

fn trie_account(info: &AccountInfo, storage_root: B256) -> Vec<u8> {
    let account = TrieAccount::new(info.nonce, info.balance, storage_root, info.code_hash);
    let mut rlp = Vec::with_capacity(account.length());
    account.encode(&mut rlp);
    rlp
}

/// Sets `path` to `leaf` in `trie`, or removes it (if present) for `None`.
fn write<P: Preimages>(
    trie: &mut TrieNode,
    path: &Nibbles,
    leaf: Option<Vec<u8>>,
    nodes: &Nodes<'_, P>,
) -> Result<(), StateError> {
    match leaf {
        Some(leaf) => trie.insert(path, leaf.into(), nodes).map_err(|e| nodes.error(e)),
        None if trie.open(path, nodes).map_err(|e| nodes.error(e))?.is_some() => {
            trie.delete(path, nodes, &NoopTrieHinter).map_err(|e| nodes.error(e))
        }
        None => Ok(()),
    }
}

impl<P: Preimages> Database for TrieState<P> {
    type Error = StateError;

    fn basic(&mut self, address: Address) -> Result<Option<AccountInfo>, StateError> {
        Ok(self.load(address)?.info.clone())
    }

    fn code_by_hash(&mut self, code_hash: B256) -> Result<Bytecode, StateError> {
        if code_hash == KECCAK_EMPTY {
            return Ok(Bytecode::default());
        }
        if let Some(code) = self.codes.get(&code_hash) {
            return Ok(code.clone());
        }
        let code = Bytecode::new_raw_checked(fetch(&self.preimages, code_hash)?)
            .map_err(|e| StateError::Malformed(format!("code {code_hash}: {e}")))?;
        self.codes.insert(code_hash, code.clone());
        Ok(code)
    }

    fn storage(&mut self, address: Address, index: StorageKey) -> Result<StorageValue, StateError> {
        let nodes = Nodes::new(&self.preimages);
        let Some(account) = self.accounts.get_mut(&address) else {
            // revm loads an account before its storage; read it first if it has not.
            self.load(address)?;
            return self.storage(address, index);
        };
        if let Some(value) = account.written.get(&index) {
            return Ok(*value);
        }
        if account.storage_cleared || account.info.is_none() {
            return Ok(U256::ZERO);
        }
        let path = Nibbles::unpack(keccak256(index.to_be_bytes::<32>()));
        match account.storage.open(&path, &nodes).map_err(|e| nodes.error(e))? {
            None => Ok(U256::ZERO),
            Some(rlp) => U256::decode(&mut rlp.as_ref()).map_err(malformed),
        }
    }

    fn block_hash(&mut self, number: u64) -> Result<B256, StateError> {
        // revm answers zero itself outside the 256 previous blocks.
        let back = self.number.checked_sub(number).and_then(|n| n.checked_sub(1));
        back.and_then(|back| usize::try_from(back).ok())
            .and_then(|back| self.ancestors.get(back).copied())
            .ok_or(StateError::MissingAncestor(number))
    }
}

impl<P: Preimages> DatabaseCommit for TrieState<P> {
    fn commit(&mut self, changes: AddressMap<Account>) {
        let mut changes: Vec<(Address, Account)> =
            changes.into_iter().filter(|(_, account)| account.is_touched()).collect();
        changes.sort_unstable_by_key(|(address, _)| *address);
        for (address, change) in changes {
            if let Some(code) = change.info.code.as_ref().filter(|code| !code.is_empty()) {
                self.codes.insert(change.info.code_hash, code.clone());
            }
            // revm loads every account it changes, so this reads nothing new; should a read
            // fail all the same, `state_root` reports it.
            let account = match self.load(address) {
                Ok(account) => account,
                Err(err) => {
                    self.commit_error.get_or_insert(err);
                    continue;
                }
            };
            account.dirty = true;
            if change.is_selfdestructed() {
                account.info = None;
                account.storage_cleared = true;
                account.written.clear();
                continue;
            }
            if change.is_created() {
                account.storage_cleared = true;
                account.written.clear();
            }
            account.info = Some(AccountInfo { code: None, ..change.info.clone() });
            for (slot, value) in change.storage {
                if value.is_changed() || account.storage_cleared {
                    account.written.insert(slot, value.present_value());
                }
            }
        }
    }
}
