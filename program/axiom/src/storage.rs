//! Account and storage proofs in the shape of `eth_getProof`: the state trie's path to
//! `keccak(address)` and, under the account's storage root, each slot's path to
//! `keccak(slot)`. A claim states the account (or that it does not exist) and each slot's
//! value (zero, meaning absent from the trie); the proofs must show exactly that, so
//! exclusion is proven like inclusion. A proof that stops short of a leaf or of a
//! proven absence (a truncated proof) proves nothing and fails.

use alloc::boxed::Box;
use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, Bytes, B256, U256};
use alloy_trie::{Nibbles, TrieAccount, EMPTY_ROOT_HASH};

use crate::{Error, Result};

/// One slot's claimed value and its proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotClaim {
    /// The storage slot (the trie key is its keccak-256).
    pub slot: B256,
    /// The claimed value; zero means the slot is absent from the trie.
    pub value: U256,
    /// The storage trie's nodes from the storage root down, RLP.
    pub proof: Vec<Bytes>,
}

/// An account's claimed state, with proofs for it and for some of its slots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountClaim {
    /// The account.
    pub address: Address,
    /// Its nonce, balance, storage root and code hash, or `None` if it does not exist.
    pub account: Option<TrieAccount>,
    /// The state trie's nodes from the state root down, RLP.
    pub proof: Vec<Bytes>,
    /// Claimed slots.
    pub slots: Vec<SlotClaim>,
}

impl AccountClaim {
    /// Checks the account and every slot against `state_root`.
    pub fn verify(&self, state_root: B256) -> Result<()> {
        if self.account.is_none() {
            if let Some(slot) = self.slots.iter().find(|s| !s.value.is_zero()) {
                return Err(Error::SlotOfAbsentAccount { address: self.address, slot: slot.slot });
            }
        }
        let key = Nibbles::unpack(keccak256(self.address));
        let expected = self.account.as_ref().map(alloy_rlp::encode);
        alloy_trie::proof::verify_proof(state_root, key, expected, &self.proof)
            .map_err(|e| Error::AccountProof { address: self.address, source: Box::new(e) })?;
        let storage_root = self.account.map_or(EMPTY_ROOT_HASH, |a| a.storage_root);
        for slot in &self.slots {
            let key = Nibbles::unpack(keccak256(slot.slot));
            let expected = (!slot.value.is_zero()).then(|| alloy_rlp::encode(slot.value));
            alloy_trie::proof::verify_proof(storage_root, key, expected, &slot.proof).map_err(
                |e| Error::StorageProof {
                    address: self.address,
                    slot: slot.slot,
                    source: Box::new(e),
                },
            )?;
        }
        Ok(())
    }
}

#[cfg(feature = "rpc")]
impl From<alloy_rpc_types_eth::EIP1186AccountProofResponse> for AccountClaim {
    /// The claim an `eth_getProof` response makes: an account that is empty in the response
    /// (no nonce, balance, code or storage) is claimed absent, and the proof must then show
    /// its absence.
    fn from(response: alloy_rpc_types_eth::EIP1186AccountProofResponse) -> Self {
        let account = (!response.is_empty()).then_some(TrieAccount {
            nonce: response.nonce,
            balance: response.balance,
            storage_root: response.storage_hash,
            code_hash: response.code_hash,
        });
        let slots = response
            .storage_proof
            .into_iter()
            .map(|s| SlotClaim { slot: s.key.as_b256(), value: s.value, proof: s.proof })
            .collect();
        Self { address: response.address, account, proof: response.account_proof, slots }
    }
}
