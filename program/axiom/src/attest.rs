//! Storage attestations: the storage-proof guest's input and output, ABI-encoded so that the
//! host, the guest and the contracts read the same bytes.
//!
//! Input: a [`StorageClaim`] — a block hash, the account's claimed state (or its absence),
//! the account proof, and slots with claimed values and proofs. The guest fetches the block's
//! header by its hash (the preimage oracle binds it), checks the proofs against its
//! `stateRoot` ([`AccountClaim::verify`]) and outputs a [`StorageAttestation`]: what is now
//! proven about the account at that block. V0's `slotAttestations` keys,
//! `keccak(blockNumber ‖ addr ‖ slot ‖ value)`, follow from it ([`slot_attestation_key`]).

use alloc::vec::Vec;

use alloy_primitives::{keccak256, Address, B256, U256};
use alloy_sol_types::SolValue;
use alloy_trie::TrieAccount;

use crate::header::BlockHeader;
use crate::storage::{AccountClaim, SlotClaim};
use crate::{Error, Result};

pub use crate::abi::{ClaimedSlot, SlotValue, StorageAttestation, StorageClaim};

impl StorageClaim {
    /// The claim that `claim` holds at the block whose hash is `block_hash`.
    pub fn new(block_hash: B256, claim: &AccountClaim) -> Self {
        let account = claim.account.unwrap_or_default();
        Self {
            blockHash: block_hash,
            account: claim.address,
            exists: claim.account.is_some(),
            nonce: account.nonce,
            balance: account.balance,
            storageRoot: account.storage_root,
            codeHash: account.code_hash,
            accountProof: claim.proof.clone(),
            slots: claim
                .slots
                .iter()
                .map(|s| ClaimedSlot { slot: s.slot, value: s.value, proof: s.proof.clone() })
                .collect(),
        }
    }

    /// Decodes the ABI encoding of a claim.
    pub fn decode(bytes: &[u8]) -> Result<Self> {
        Self::abi_decode(bytes).map_err(|_| Error::InvalidInput("not an ABI-encoded StorageClaim"))
    }

    /// The account claim inside.
    pub fn account_claim(&self) -> AccountClaim {
        let account = self.exists.then_some(TrieAccount {
            nonce: self.nonce,
            balance: self.balance,
            storage_root: self.storageRoot,
            code_hash: self.codeHash,
        });
        let slots = self
            .slots
            .iter()
            .map(|s| SlotClaim { slot: s.slot, value: s.value, proof: s.proof.clone() })
            .collect();
        AccountClaim { address: self.account, account, proof: self.accountProof.clone(), slots }
    }

    /// Checks the claim against `header` (the block `blockHash` names) and returns what it
    /// proves.
    pub fn attest(&self, header: &BlockHeader) -> Result<StorageAttestation> {
        if header.hash != self.blockHash {
            return Err(Error::AnchorMismatch { anchor: self.blockHash, actual: header.hash });
        }
        self.account_claim().verify(header.header.state_root)?;
        let block_number = u32::try_from(header.number())
            .map_err(|_| Error::InvalidInput("the block number does not fit V0's uint32"))?;
        Ok(StorageAttestation {
            blockHash: self.blockHash,
            blockNumber: block_number,
            account: self.account,
            exists: self.exists,
            nonce: self.nonce,
            balance: self.balance,
            storageRoot: self.storageRoot,
            codeHash: self.codeHash,
            slots: self.slots.iter().map(|s| SlotValue { slot: s.slot, value: s.value }).collect(),
        })
    }
}

impl StorageAttestation {
    /// The ABI encoding (the guest's output).
    pub fn encode(&self) -> Vec<u8> {
        self.abi_encode()
    }
}

/// V0's key in `slotAttestations`: `keccak(uint32 blockNumber ‖ address ‖ bytes32 slot ‖
/// uint256 value)`, packed.
pub fn slot_attestation_key(block_number: u32, address: Address, slot: B256, value: U256) -> B256 {
    keccak256((block_number, address, slot, value).abi_encode_packed())
}
