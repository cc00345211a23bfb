//! `eth_getProof` (EIP-1186): an account's Merkle proof in a block's state trie and its
//! storage slots' in its storage trie — what L1's `Portal` verifies to pay a withdrawal.
//!
//! A proof is the trie nodes on the key's path, root first, nodes embedded in their parent
//! left out. kona-mpt opens the path over the node's database; the nodes it fetches on the way
//! are, in order, exactly those.

use std::cell::RefCell;

use alloy::primitives::{keccak256, Address, Bytes, B256, U256};
use alloy::rpc::types::{EIP1186AccountProofResponse, EIP1186StorageProof};
use alloy::serde::JsonStorageKey;
use alloy_rlp::Decodable;
use alloy_trie::{TrieAccount, EMPTY_ROOT_HASH, KECCAK_EMPTY};
use axon_ai_evm::block::{Preimages, StateError};
use kona_mpt::{Nibbles, TrieNode, TrieProvider};

use crate::error::Result;
use crate::store::Snapshot;

/// The nodes fetched from the database, in the order fetched.
struct PathNodes<'a> {
    snapshot: &'a Snapshot,
    fetched: RefCell<Vec<Bytes>>,
}

impl TrieProvider for PathNodes<'_> {
    type Error = StateError;

    fn trie_node_by_hash(&self, hash: B256) -> std::result::Result<TrieNode, StateError> {
        let bytes = self.snapshot.preimage(hash).ok_or(StateError::MissingPreimage(hash))?;
        let node = TrieNode::decode(&mut bytes.as_ref())
            .map_err(|e| StateError::Malformed(e.to_string()))?;
        self.fetched.borrow_mut().push(bytes);
        Ok(node)
    }
}

/// The proof of `key` (hashed already) in the trie under `root`, and its value if it has one.
fn prove(snapshot: &Snapshot, root: B256, key: B256) -> Result<(Vec<Bytes>, Option<Bytes>)> {
    let nodes = PathNodes { snapshot, fetched: RefCell::default() };
    let mut trie = TrieNode::new_blinded(root);
    let value = trie
        .open(&Nibbles::unpack(key), &nodes)
        .map_err(|e| StateError::Trie(e.to_string()))?
        .cloned();
    snapshot.check()?;
    Ok((nodes.fetched.into_inner(), value))
}

/// `eth_getProof`'s answer for `address` and `slots` in the state under `state_root`.
pub(super) fn account_proof(
    snapshot: &Snapshot,
    state_root: B256,
    address: Address,
    slots: Vec<JsonStorageKey>,
) -> Result<EIP1186AccountProofResponse> {
    let malformed = |e: alloy_rlp::Error| StateError::Malformed(e.to_string());
    let (account_proof, leaf) = prove(snapshot, state_root, keccak256(address))?;
    let account = leaf
        .map(|rlp| TrieAccount::decode(&mut rlp.as_ref()))
        .transpose()
        .map_err(malformed)?
        .unwrap_or(TrieAccount {
            nonce: 0,
            balance: U256::ZERO,
            storage_root: EMPTY_ROOT_HASH,
            code_hash: KECCAK_EMPTY,
        });
    let mut storage_proof = Vec::with_capacity(slots.len());
    for key in slots {
        let slot = key.as_b256();
        let (proof, value) = prove(snapshot, account.storage_root, keccak256(slot))?;
        let value =
            value.map(|rlp| U256::decode(&mut rlp.as_ref())).transpose().map_err(malformed)?;
        storage_proof.push(EIP1186StorageProof { key, value: value.unwrap_or_default(), proof });
    }
    Ok(EIP1186AccountProofResponse {
        address,
        balance: account.balance,
        code_hash: account.code_hash,
        nonce: account.nonce,
        storage_hash: account.storage_root,
        account_proof,
        storage_proof,
    })
}
