//! Builds the Optimistic Axiom fixture: real runs of the header-chain, storage-proof and
//! slot-stats guests on a synthetic chain, with what the contracts take from each won claim.
//!
//! The chain is blocks 0 to 1500 of the Prague form (`axon_axiom::synthetic`), except that
//! block 1100's `stateRoot` is the root of a real state trie: a few accounts, one of them a
//! token contract whose storage holds a few slots. The fixture holds
//! - `recent`: the header-chain run from block 1500 (group 1024, 477 blocks) — a
//!   `claimRecent` / `updateRecent` claim;
//! - `old`: the run from block 1023, the hash group 1024 names as its `prevHash` (group 0, all
//!   1024 blocks) — a `claimOld` / `updateOld` claim;
//! - `witnesses`: `BlockHashWitness`es of blocks 1100 and 1500 against the recent group;
//! - `storage`: the storage-proof run on a claim of two slots of a token contract at block
//!   1100 — a holder's balance, and an unset slot (an exclusion proof) — and the attestation
//!   it outputs;
//! - `stats`: the slot-stats run over the two attested slots (their count, sum, min, max).
//!
//! Each run has its prestate, its final state, the state's hash and the memory proof of its
//! output commitment; every byte string is 0x-hex.

use alloy::primitives::{keccak256, Address, B256, U256};
use alloy_rlp::Encodable;
use alloy_sol_types::SolValue;
use alloy_trie::proof::ProofRetainer;
use alloy_trie::{HashBuilder, Nibbles, TrieAccount};
use axon_axiom::attest::StorageClaim;
use axon_axiom::compute::AttestedSlot;
use axon_axiom::storage::{AccountClaim, SlotClaim};
use axon_axiom::synthetic::{header_of, Fork};
use axon_dispute::axiom::claims::{block_hash_witness, OutputWitness};
use axon_dispute::axiom::{header_chain_store, storage_proof_store};
use axon_dispute::guest::{finish_guest, hashed_input_store, load_guest};
use axon_vm::{Halt, PreimageStore, Program, Vm};
use serde_json::{json, Value};

type Error = Box<dyn std::error::Error>;

/// The last block of the chain.
const HEAD: u64 = 1500;
/// The block whose state is proven.
const STATE_BLOCK: u64 = 1100;
/// The contract whose slots are attested: a token with its balances mapping at slot 0.
const CONTRACT: Address = Address::repeat_byte(0xc0);
/// The token holder whose balance is attested.
const HOLDER: Address = Address::repeat_byte(0x4b);
/// The holder's balance.
const BALANCE: u64 = 1_000;

fn hex(bytes: impl AsRef<[u8]>) -> String {
    format!("0x{}", alloy::primitives::hex::encode(bytes))
}

/// A trie's root and the proof of each of `targets` (keys before hashing), from
/// `(key, value)` leaves: keys are keccak-hashed, as in Ethereum's secure tries.
fn trie(leaves: &[(Vec<u8>, Vec<u8>)], targets: &[Vec<u8>]) -> (B256, Vec<Vec<Vec<u8>>>) {
    let paths: Vec<Nibbles> = targets.iter().map(|t| Nibbles::unpack(keccak256(t))).collect();
    let mut hashed: Vec<(Nibbles, &[u8])> =
        leaves.iter().map(|(k, v)| (Nibbles::unpack(keccak256(k)), v.as_slice())).collect();
    hashed.sort_by_key(|(path, _)| *path);
    let mut builder = HashBuilder::default().with_proof_retainer(ProofRetainer::new(paths.clone()));
    for (path, value) in &hashed {
        builder.add_leaf(*path, value);
    }
    let root = builder.root();
    let nodes = builder.take_proof_nodes();
    let proofs = paths
        .iter()
        .map(|p| nodes.matching_nodes_sorted(p).into_iter().map(|(_, n)| n.to_vec()).collect())
        .collect();
    (root, proofs)
}

fn rlp(value: &impl Encodable) -> Vec<u8> {
    alloy_rlp::encode(value)
}

/// The storage slot of `holder`'s balance: `keccak256(abi.encode(holder, 0))`.
fn balance_slot(holder: Address) -> B256 {
    keccak256((holder, U256::ZERO).abi_encode())
}

/// The state at block 1100 and the claim about two of the token's slots in it: its state
/// root and the claim.
fn state() -> (B256, StorageClaim) {
    let slot = |n: u8| B256::with_last_byte(n);
    let stored = [
        (balance_slot(HOLDER), U256::from(BALANCE)),
        (balance_slot(Address::repeat_byte(0x4c)), U256::from(77u64)),
        (slot(3), U256::MAX),
    ];
    let storage_leaves: Vec<_> = stored.iter().map(|(k, v)| (k.to_vec(), rlp(v))).collect();
    // The holder's balance is set, slot 2 is not (its proof shows the absence).
    let claimed = [(balance_slot(HOLDER), U256::from(BALANCE)), (slot(2), U256::ZERO)];
    let targets: Vec<Vec<u8>> = claimed.iter().map(|(k, _)| k.to_vec()).collect();
    let (storage_root, storage_proofs) = trie(&storage_leaves, &targets);
    let contract = TrieAccount {
        nonce: 1,
        balance: U256::from(5u64),
        storage_root,
        code_hash: keccak256(b"the contract's code"),
    };
    let mut accounts = vec![(CONTRACT.to_vec(), rlp(&contract))];
    for n in 1..=20u8 {
        let account =
            TrieAccount { nonce: u64::from(n), balance: U256::from(n), ..Default::default() };
        accounts.push((Address::repeat_byte(n).to_vec(), rlp(&account)));
    }
    let (state_root, account_proofs) = trie(&accounts, &[CONTRACT.to_vec()]);
    let slots = claimed
        .iter()
        .zip(storage_proofs)
        .map(|((slot, value), proof)| SlotClaim {
            slot: *slot,
            value: *value,
            proof: proof.into_iter().map(Into::into).collect(),
        })
        .collect();
    let claim = AccountClaim {
        address: CONTRACT,
        account: Some(contract),
        proof: account_proofs[0].iter().cloned().map(Into::into).collect(),
        slots,
    };
    (state_root, StorageClaim::new(B256::ZERO, &claim))
}

/// Blocks 0 to `HEAD`, raw, with block 1100's state root `state_root`.
fn chain(state_root: B256) -> Vec<Vec<u8>> {
    let mut parent = B256::ZERO;
    (0..=HEAD)
        .map(|number| {
            let mut header = header_of(Fork::Prague, number, parent);
            if number == STATE_BLOCK {
                header.state_root = state_root;
            }
            let raw = rlp(&header);
            parent = keccak256(&raw);
            raw
        })
        .collect()
}

/// A guest run for the fixture: `program` on `store` to a successful end.
fn run(program: &Program, store: PreimageStore) -> Result<Value, Error> {
    let prestate = Vm::new(program)?.state_hash();
    let (vm, host) = finish_guest(program, store)?;
    if vm.cpu().halt != Halt::Exited(0) {
        return Err(
            format!("{:?}: {}", vm.cpu().halt, String::from_utf8_lossy(&host.stderr)).into()
        );
    }
    let witness = OutputWitness::of(&vm);
    Ok(json!({
        "prestate": hex(prestate),
        "steps": vm.cpu().step,
        "finalState": hex(&witness.final_state),
        "stateHash": hex(witness.state_hash),
        "commitmentProof": hex(&witness.commitment_proof),
        "output": hex(&host.stdout),
    }))
}

fn witness_json(hashes: &[B256], prev_hash: B256, number: u64) -> Result<Value, Error> {
    let w = block_hash_witness(hashes, prev_hash, number)?;
    Ok(json!({
        "blockNumber": w.blockNumber,
        "claimedBlockHash": hex(w.claimedBlockHash),
        "prevHash": hex(w.prevHash),
        "numFinal": w.numFinal,
        "merkleProof": w.merkleProof.iter().map(hex).collect::<Vec<_>>(),
    }))
}

/// The whole fixture.
pub(crate) fn fixture(repo: &std::path::Path) -> Result<Value, Error> {
    let programs = repo.join("fixtures/programs");
    let header_chain = load_guest(&programs.join("header-chain.elf"))?;
    let storage_proof = load_guest(&programs.join("storage-proof.elf"))?;
    let (state_root, mut claim) = state();
    let headers = chain(state_root);
    let hashes: Vec<B256> = headers.iter().map(keccak256).collect();

    let recent = run(&header_chain, header_chain_store(&headers[1024..])?)?;
    let old = run(&header_chain, header_chain_store(&headers[..1024])?)?;
    let group = &hashes[1024..];
    let prev_hash = hashes[1023];
    let witnesses = [STATE_BLOCK, HEAD]
        .iter()
        .map(|&n| witness_json(group, prev_hash, n))
        .collect::<Result<Vec<_>, _>>()?;

    claim.blockHash = hashes[STATE_BLOCK as usize];
    let raw_header = &headers[STATE_BLOCK as usize];
    let mut storage = run(&storage_proof, storage_proof_store(raw_header, &claim))?;
    storage["storageClaim"] = json!(hex(claim.abi_encode()));
    storage["witness"] = witness_json(group, prev_hash, STATE_BLOCK)?;
    storage["token"] = json!(CONTRACT.to_string());
    storage["holder"] = json!(HOLDER.to_string());
    storage["balance"] = json!(BALANCE);

    let items: Vec<AttestedSlot> = claim
        .slots
        .iter()
        .map(|s| AttestedSlot {
            blockNumber: STATE_BLOCK as u32,
            account: CONTRACT,
            slot: s.slot,
            value: s.value,
        })
        .collect();
    let slot_stats = load_guest(&programs.join("slot-stats.elf"))?;
    let mut stats = run(&slot_stats, hashed_input_store(items.abi_encode()))?;
    stats["items"] = json!(hex(items.abi_encode()));

    Ok(json!({
        "recent": { "anchorNumber": HEAD, "anchor": hex(hashes[HEAD as usize]), "run": recent },
        "old": { "anchor": hex(prev_hash), "run": old },
        "witnesses": witnesses,
        "storage": storage,
        "stats": stats,
    }))
}
