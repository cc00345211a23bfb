//! Account and storage proofs from mainnet `eth_getProof` responses: inclusion, exclusion
//! (an absent slot, an absent account), and every way a proof can fail to match its claim.

mod common;

use alloy_primitives::{Address, B256, U256};
use alloy_trie::TrieAccount;
use axon_axiom::storage::{AccountClaim, SlotClaim};
use axon_axiom::Error;

/// A block's state root and one `eth_getProof` response as a claim of what it proves.
fn claim(block: &str, proof: &str) -> Option<(B256, AccountClaim)> {
    let block = common::shared(block)?;
    let proof = common::shared(proof)?;
    let state_root = block["stateRoot"].as_str().expect("stateRoot").parse().expect("hex");
    let quantity =
        |v: &serde_json::Value| -> U256 { v.as_str().expect("quantity").parse().expect("U256") };
    let word = |v: &serde_json::Value| -> B256 { v.as_str().expect("hash").parse().expect("hex") };
    let list =
        |v: &serde_json::Value| v.as_array().expect("array").iter().map(common::bytes).collect();
    let account = TrieAccount {
        nonce: quantity(&proof["nonce"]).to::<u64>(),
        balance: quantity(&proof["balance"]),
        storage_root: word(&proof["storageHash"]),
        code_hash: word(&proof["codeHash"]),
    };
    let slots = proof["storageProof"]
        .as_array()
        .expect("storageProof")
        .iter()
        .map(|s| SlotClaim {
            slot: B256::from(quantity(&s["key"])),
            value: quantity(&s["value"]),
            proof: list(&s["proof"]),
        })
        .collect();
    let address: Address = proof["address"].as_str().expect("address").parse().expect("hex");
    Some((
        state_root,
        AccountClaim {
            address,
            account: Some(account),
            proof: list(&proof["accountProof"]),
            slots,
        },
    ))
}

const CANCUN_BLOCK: &str = "mainnet-block-21925176.json";
const DEPOSIT: &str = "mainnet-proof-21925176-deposit-contract.json";
const FEE_RECIPIENT: &str = "mainnet-proof-21925176-fee-recipient.json";
const PUNKS_BLOCK: &str = "mainnet-block-16329190.json";
const PUNKS: &str = "mainnet-proof-16329190-cryptopunks-slot0-absent.json";

#[test]
fn mainnet_accounts_and_slots_verify() {
    for (block, proof) in
        [(CANCUN_BLOCK, DEPOSIT), (CANCUN_BLOCK, FEE_RECIPIENT), (PUNKS_BLOCK, PUNKS)]
    {
        let Some((root, claim)) = claim(block, proof) else { return };
        claim.verify(root).unwrap_or_else(|e| panic!("{proof}: {e}"));
    }
}

#[test]
fn the_absent_cryptopunks_slot_is_an_exclusion_proof() {
    let Some((root, claim)) = claim(PUNKS_BLOCK, PUNKS) else { return };
    assert_eq!(claim.slots.len(), 1);
    assert!(claim.slots[0].value.is_zero(), "slot 0 is absent");
    let mut lie = claim.clone();
    lie.slots[0].value = U256::from(1);
    assert!(matches!(lie.verify(root), Err(Error::StorageProof { .. })));
}

#[test]
fn wrong_values_accounts_and_roots_are_rejected() {
    let Some((root, claim)) = claim(CANCUN_BLOCK, DEPOSIT) else { return };
    assert!(!claim.slots[0].value.is_zero(), "a non-zero slot");

    let mut value = claim.clone();
    value.slots[0].value += U256::from(1);
    assert!(matches!(value.verify(root), Err(Error::StorageProof { .. })));

    let mut zero = claim.clone();
    zero.slots[0].value = U256::ZERO;
    assert!(matches!(zero.verify(root), Err(Error::StorageProof { .. })), "not an exclusion");

    let mut balance = claim.clone();
    if let Some(account) = &mut balance.account {
        account.balance += U256::from(1);
    }
    assert!(matches!(balance.verify(root), Err(Error::AccountProof { .. })));

    let mut absent = claim.clone();
    absent.account = None;
    absent.slots.clear();
    assert!(matches!(absent.verify(root), Err(Error::AccountProof { .. })), "it exists");

    let mut other = claim.clone();
    other.address = Address::repeat_byte(0x42);
    assert!(other.verify(root).is_err(), "the proof is for another account");

    assert!(claim.verify(B256::repeat_byte(1)).is_err(), "another state root");
}

#[test]
fn truncated_proofs_prove_nothing() {
    for (block, proof) in [(CANCUN_BLOCK, DEPOSIT), (PUNKS_BLOCK, PUNKS)] {
        let Some((root, claim)) = claim(block, proof) else { return };
        for keep in 0..claim.proof.len() {
            let mut cut = claim.clone();
            cut.proof.truncate(keep);
            assert!(cut.verify(root).is_err(), "{proof}: account proof cut to {keep} nodes");
        }
        for keep in 0..claim.slots[0].proof.len() {
            let mut cut = claim.clone();
            cut.slots[0].proof.truncate(keep);
            assert!(cut.verify(root).is_err(), "{proof}: storage proof cut to {keep} nodes");
        }
    }
}

#[test]
fn an_absent_account_has_only_zero_slots() {
    let absent = AccountClaim {
        address: Address::repeat_byte(0x42),
        account: None,
        proof: Vec::new(),
        slots: vec![SlotClaim { slot: B256::ZERO, value: U256::from(5), proof: Vec::new() }],
    };
    let result = absent.verify(B256::repeat_byte(1));
    assert!(matches!(result, Err(Error::SlotOfAbsentAccount { .. })), "{result:?}");
}

#[test]
fn an_empty_state_proves_every_account_absent() {
    // The empty trie's root: no nodes are needed to show that nothing is in it.
    let empty = AccountClaim {
        address: Address::repeat_byte(0x42),
        account: None,
        proof: Vec::new(),
        slots: vec![SlotClaim { slot: B256::ZERO, value: U256::ZERO, proof: Vec::new() }],
    };
    empty.verify(alloy_trie::EMPTY_ROOT_HASH).expect("absent from the empty state");
    let mut exists = empty.clone();
    exists.account = Some(TrieAccount::default());
    assert!(exists.verify(alloy_trie::EMPTY_ROOT_HASH).is_err());
}

#[test]
fn a_storage_claim_round_trips_and_attests_against_its_header() {
    use alloy_consensus::Header;
    use axon_axiom::attest::{slot_attestation_key, StorageClaim};
    use axon_axiom::header::BlockHeader;

    let Some((_, claim)) = claim(CANCUN_BLOCK, DEPOSIT) else { return };
    let Some(block) = common::shared(CANCUN_BLOCK) else { return };
    let header: Header = serde_json::from_value(block).expect("header fields");
    let header = BlockHeader::decode(&alloy_rlp::encode(&header), 0).expect("decodes");

    let input = StorageClaim::new(header.hash, &claim);
    let encoded = alloy_sol_types::SolValue::abi_encode(&input);
    let decoded = StorageClaim::decode(&encoded).expect("decodes");
    assert_eq!(decoded.account_claim(), claim);
    let attestation = decoded.attest(&header).expect("the mainnet proof holds");
    assert_eq!(u64::from(attestation.blockNumber), header.number());
    assert_eq!(attestation.slots.len(), 1);
    assert_eq!(attestation.slots[0].value, claim.slots[0].value);

    // V0's key: 4 + 20 + 32 + 32 packed bytes.
    let slot = &attestation.slots[0];
    let mut packed = attestation.blockNumber.to_be_bytes().to_vec();
    packed.extend_from_slice(attestation.account.as_slice());
    packed.extend_from_slice(slot.slot.as_slice());
    packed.extend_from_slice(&slot.value.to_be_bytes::<32>());
    assert_eq!(
        slot_attestation_key(attestation.blockNumber, attestation.account, slot.slot, slot.value),
        alloy_primitives::keccak256(packed)
    );

    let mut other_block = input.clone();
    other_block.blockHash = B256::repeat_byte(3);
    assert!(matches!(other_block.attest(&header), Err(Error::AnchorMismatch { .. })));
    assert!(matches!(StorageClaim::decode(&encoded[..100]), Err(Error::InvalidInput(_))));
}
