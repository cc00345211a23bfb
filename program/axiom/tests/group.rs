//! V0 block-hash groups: Merkle roots against an independent recursive definition, V0's
//! zero-subtree constants, every Merkle path, and the `historicalRoots` packing.

use alloy_primitives::{keccak256, B256};
use alloy_sol_types::SolValue;
use axon_axiom::chain::verify_chain;
use axon_axiom::group::{self, GroupClaim, GROUP_SIZE, TREE_DEPTH};
use axon_axiom::Error;

/// The root of `leaves` (a power of two of them) by recursion over halves.
fn recursive_root(leaves: &[B256]) -> B256 {
    if leaves.len() == 1 {
        return leaves[0];
    }
    let (left, right) = leaves.split_at(leaves.len() / 2);
    keccak256([recursive_root(left).0, recursive_root(right).0].concat())
}

fn padded(hashes: &[B256]) -> Vec<B256> {
    let mut leaves = hashes.to_vec();
    leaves.resize(GROUP_SIZE as usize, B256::ZERO);
    leaves
}

fn hashes(count: u64) -> Vec<B256> {
    (0..count).map(|i| keccak256(i.to_le_bytes())).collect()
}

#[test]
fn roots_match_the_recursive_definition_for_every_kind_of_fill() {
    for count in [0, 1, 2, 3, 511, 512, 513, 1000, 1023, 1024] {
        let hashes = hashes(count);
        assert_eq!(group::root(&hashes), recursive_root(&padded(&hashes)), "{count}");
    }
}

#[test]
fn empty_subtrees_hash_to_v0s_zero_constants() {
    // keccak(0 ‖ 0), the first of V0's zero-subtree hashes.
    let first: B256 =
        "0xad3228b676f7d3cd4284a5443f17f1962b36e491b30a40b2405849e597ba5fb5".parse().expect("hex");
    assert_eq!(group::hash_pair(&B256::ZERO, &B256::ZERO), first);
    let mut zero = B256::ZERO;
    for _ in 0..TREE_DEPTH {
        zero = group::hash_pair(&zero, &zero);
    }
    assert_eq!(group::root(&[]), zero);
    // Half a group: the right half is the depth-9 zero subtree.
    let half = hashes(512);
    let mut zero9 = B256::ZERO;
    for _ in 0..TREE_DEPTH - 1 {
        zero9 = group::hash_pair(&zero9, &zero9);
    }
    assert_eq!(group::root(&half), group::hash_pair(&recursive_root(&half), &zero9));
}

#[test]
fn every_merkle_path_leads_to_the_root_and_no_other_leaf_does() {
    let hashes = hashes(700);
    let root = group::root(&hashes);
    for index in 0..GROUP_SIZE as usize {
        let path = group::proof(&hashes, index);
        let leaf = hashes.get(index).copied().unwrap_or(B256::ZERO);
        assert_eq!(group::root_from_proof(leaf, index, &path), root, "{index}");
        assert_ne!(group::root_from_proof(B256::repeat_byte(1), index, &path), root);
        if path[0] != leaf {
            // At the sibling's place, the same leaf gives another root (two zero leaves
            // past numFinal are interchangeable).
            assert_ne!(group::root_from_proof(leaf, index ^ 1, &path), root, "{index}");
        }
    }
}

#[test]
fn a_group_claim_from_a_chain_packs_like_v0() {
    let headers = axon_axiom::synthetic::chain(2048, 300, B256::repeat_byte(0x77));
    let anchor = keccak256(headers.last().expect("headers"));
    let chain = verify_chain(&headers, anchor).expect("valid");
    let claim = GroupClaim::from_chain(&chain).expect("a group prefix");
    assert_eq!(
        (claim.start, claim.num_final, claim.prev_hash),
        (2048, 300, B256::repeat_byte(0x77))
    );
    let block_hashes: Vec<B256> = chain.iter().map(|h| h.hash).collect();
    assert_eq!(claim.root, recursive_root(&padded(&block_hashes)));
    let packed = (claim.prev_hash, claim.root, claim.num_final).abi_encode_packed();
    assert_eq!(packed.len(), 68);
    assert_eq!(claim.historical_root(), keccak256(packed));
}

#[test]
fn chains_that_are_not_group_prefixes_are_refused() {
    let headers = axon_axiom::synthetic::chain(2049, 10, B256::ZERO);
    let chain = verify_chain(&headers, keccak256(headers.last().expect("h"))).expect("valid");
    assert!(matches!(GroupClaim::from_chain(&chain), Err(Error::Group(_))));
    let headers = axon_axiom::synthetic::chain(1024, 1025, B256::ZERO);
    let chain = verify_chain(&headers, keccak256(headers.last().expect("h"))).expect("valid");
    assert!(matches!(GroupClaim::from_chain(&chain), Err(Error::Group(_))));
    assert_eq!(GroupClaim::from_chain(&[]), Err(Error::EmptyChain));
}

#[test]
fn walking_back_from_an_anchor_finds_its_group() {
    use std::collections::HashMap;
    let headers = axon_axiom::synthetic::chain(1000, 1100, B256::repeat_byte(0x55));
    let by_hash: HashMap<B256, Vec<u8>> =
        headers.iter().map(|h| (keccak256(h), h.clone())).collect();
    let fetch = |hash: &B256| by_hash.get(hash).cloned().unwrap_or_default();
    let hash_of = |number: u64| keccak256(&headers[(number - 1000) as usize]);
    let slice = |from: u64, to: u64| &headers[(from - 1000) as usize..=(to - 1000) as usize];
    for (anchor, first, num_final) in [(2047, 1024, 1024), (1030, 1024, 7), (1024, 1024, 1)] {
        let walked = axon_axiom::chain::walk_back_to_group_start(hash_of(anchor), fetch)
            .expect("the group's headers are all there");
        let checked = verify_chain(slice(first, anchor), hash_of(anchor)).expect("valid");
        assert_eq!(walked, checked, "anchor {anchor}");
        let claim = GroupClaim::from_chain(&walked).expect("a group prefix");
        assert_eq!((claim.start, claim.num_final), (first as u32, num_final), "anchor {anchor}");
        assert_eq!(claim.prev_hash, hash_of(first - 1));
        assert_eq!(claim.abi_encode().len(), 128);
        assert_eq!(&claim.abi_encode()[28..32], &claim.start.to_be_bytes());
    }
    // An anchor that differs from a real hash in byte 0 alone (the byte an oracle key's type
    // replaces) fetches the same header, which does not hash to it.
    let mut forged = hash_of(1030);
    forged.0[0] ^= 0x01;
    let fetch_by_key = |hash: &B256| {
        let key = |h: &B256| h.0[1..].to_vec();
        by_hash
            .iter()
            .find(|(h, _)| key(h) == key(hash))
            .map(|(_, raw)| raw.clone())
            .unwrap_or_default()
    };
    let forged_walk = axon_axiom::chain::walk_back_to_group_start(forged, fetch_by_key);
    assert!(
        matches!(forged_walk, Err(Error::AnchorMismatch { anchor, actual }) if anchor == forged && actual == hash_of(1030)),
        "{forged_walk:?}"
    );
    // Block 1000's parent is not there: the walk from 1020 back to 0 runs out of headers.
    let missing = axon_axiom::chain::walk_back_to_group_start(hash_of(1020), fetch);
    assert!(matches!(missing, Err(Error::HeaderRlp { index: 21, .. })), "{missing:?}");
}
