//! The Optimistic Axiom guests in the VM against `axon-axiom` on the host: the same V0 group
//! claim from the same headers, the same storage attestation from the same mainnet proofs,
//! each committed in the final state, and provable exits for bad input.

use axon_tests::shared_ethereum;

use alloy_consensus::Header;
use alloy_primitives::{keccak256, B256, U256};
use alloy_rpc_types_eth::EIP1186AccountProofResponse;
use alloy_sol_types::SolValue;
use axon_axiom::attest::StorageClaim;
use axon_axiom::chain::verify_chain;
use axon_axiom::group::GroupClaim;
use axon_axiom::header::BlockHeader;
use axon_axiom::storage::AccountClaim;
use axon_axiom::synthetic;
use axon_vm::abi::{local, memory::OUTPUT_COMMITMENT};
use axon_vm::{Halt, OutputMode, PreimageStore, Program, StdHost, Vm};

/// The parent of the synthetic chains' first block.
const GENESIS_PARENT: B256 = B256::repeat_byte(0x33);
/// The synthetic chains start here: one block before a group boundary.
const FIRST: u64 = 1023;

fn headers() -> Vec<Vec<u8>> {
    synthetic::chain(FIRST, 1026, GENESIS_PARENT)
}

/// A store with every header under its keccak key and `input` as the program input.
fn store(headers: &[Vec<u8>], input: &[u8]) -> PreimageStore {
    let mut store = PreimageStore::new();
    for header in headers {
        store.insert_keccak(header.clone());
    }
    store.insert_local(local::INPUT, input.to_vec());
    store
}

fn run(store: PreimageStore) -> Result<(Vm, StdHost), axon_vm::Error> {
    run_program("header-chain.elf", store)
}

/// Runs the guest `fixtures/programs/<elf>` to its end on `store`.
fn run_program(elf: &str, store: PreimageStore) -> Result<(Vm, StdHost), axon_vm::Error> {
    let path = axon_tests::repo().join("fixtures/programs").join(elf);
    let program = Program::parse(&std::fs::read(path).expect("the ELF")).expect("parses");
    let mut vm = Vm::new(&program).expect("load");
    let mut host = StdHost::new(store, OutputMode::Capture);
    vm.run(&mut host, u64::MAX)?;
    Ok((vm, host))
}

/// The guest's claim for the group of block `anchor` equals the host's over the same headers.
fn agree(anchor: u64, first: u64, num_final: u32) {
    let headers = headers();
    let index = |number: u64| (number - FIRST) as usize;
    let anchor_hash = keccak256(&headers[index(anchor)]);
    let chain = verify_chain(&headers[index(first)..=index(anchor)], anchor_hash).expect("valid");
    let expected = GroupClaim::from_chain(&chain).expect("a group prefix");
    assert_eq!((u64::from(expected.start), expected.num_final), (first, num_final));

    let (vm, host) = run(store(&headers, anchor_hash.as_slice())).expect("runs");
    assert_eq!(vm.cpu().halt, Halt::Exited(0), "{}", String::from_utf8_lossy(&host.stderr));
    assert_eq!(host.stdout, expected.abi_encode());
    let commitment = vm.memory().load_bytes(OUTPUT_COMMITMENT, 32);
    assert_eq!(commitment, keccak256(&host.stdout).to_vec());
    eprintln!("group of block {anchor}: {num_final} headers in {} steps", vm.cpu().step);
}

#[test]
fn a_whole_group_gives_the_hosts_claim() {
    agree(2047, 1024, 1024);
}

#[test]
fn a_recent_anchor_gives_a_partial_group() {
    agree(1030, 1024, 7);
}

#[test]
fn bad_input_is_a_provable_invalid_exit() {
    let headers = headers();
    let (vm, host) = run(store(&headers, &[0; 31])).expect("runs");
    assert_eq!(vm.cpu().halt, Halt::Exited(1));
    assert!(String::from_utf8_lossy(&host.stderr).contains("one 32-byte block hash"));

    let mut junk = store(&headers, &[]);
    let key = junk.insert_keccak(b"not a header".to_vec());
    let hash = keccak256(b"not a header");
    assert_eq!(key[1..], hash[1..]);
    junk.insert_local(local::INPUT, hash.to_vec());
    let (vm, host) = run(junk).expect("runs");
    assert_eq!(vm.cpu().halt, Halt::Exited(1));
    assert!(
        String::from_utf8_lossy(&host.stderr).contains("invalid RLP"),
        "{}",
        String::from_utf8_lossy(&host.stderr)
    );
}

/// An anchor that differs from a real block hash in byte 0 alone — the byte a preimage key's
/// type replaces — fetches the real header; the guest hashes it and exits 1 (a provable
/// refusal), so no claim can be made for a hash that is not the block's.
#[test]
fn an_anchor_off_in_its_key_type_byte_is_refused() {
    let headers = headers();
    let mut anchor = keccak256(&headers[(1030 - FIRST) as usize]);
    anchor.0[0] ^= 0x01;
    let (vm, host) = run(store(&headers, anchor.as_slice())).expect("runs");
    assert_eq!(vm.cpu().halt, Halt::Exited(1));
    let stderr = String::from_utf8_lossy(&host.stderr);
    assert!(stderr.contains("not the anchor"), "{stderr}");
}

#[test]
fn a_header_the_host_lacks_is_a_host_error() {
    let mut headers = headers();
    let anchor = keccak256(&headers[1030 - FIRST as usize]);
    headers.remove(1028 - FIRST as usize);
    let missing = run(store(&headers, anchor.as_slice()));
    assert!(matches!(missing, Err(axon_vm::Error::MissingPreimage(_))), "{:?}", missing.err());
}

/// A block's raw header and an `eth_getProof` response as the storage-proof guest's claim.
fn storage_claim(block: &str, proof: &str) -> Option<(Vec<u8>, StorageClaim)> {
    let header: Header = serde_json::from_value(shared_ethereum(block)?).expect("header fields");
    let response: EIP1186AccountProofResponse =
        serde_json::from_value(shared_ethereum(proof)?).expect("an eth_getProof response");
    let claim = AccountClaim::from(response);
    assert!(claim.account.is_some(), "the shared proofs are of existing accounts");
    Some((alloy_rlp::encode(&header), StorageClaim::new(header.hash_slow(), &claim)))
}

fn run_storage_proof(raw_header: &[u8], claim: &StorageClaim) -> (Vm, StdHost) {
    let mut store = PreimageStore::new();
    store.insert_keccak(raw_header.to_vec());
    store_hashed_input(&mut store, claim.abi_encode());
    run_program("storage-proof.elf", store).expect("runs")
}

/// Makes `input` the program input the way the hashed-input guests read it: its keccak-256 as
/// local key 1, the bytes under their keccak key.
fn store_hashed_input(store: &mut PreimageStore, input: Vec<u8>) {
    store.insert_local(local::INPUT, keccak256(&input).to_vec());
    store.insert_keccak(input);
}

#[test]
fn mainnet_storage_proofs_attest_in_the_vm_as_on_the_host() {
    for (block, proof) in [
        ("mainnet-block-21925176.json", "mainnet-proof-21925176-deposit-contract.json"),
        ("mainnet-block-16329190.json", "mainnet-proof-16329190-cryptopunks-slot0-absent.json"),
    ] {
        let Some((raw, claim)) = storage_claim(block, proof) else { return };
        let header = BlockHeader::decode(&raw, 0).expect("decodes");
        let expected = claim.attest(&header).expect("holds on the host").encode();
        let (vm, host) = run_storage_proof(&raw, &claim);
        assert_eq!(vm.cpu().halt, Halt::Exited(0), "{}", String::from_utf8_lossy(&host.stderr));
        assert_eq!(host.stdout, expected, "{proof}");
        let commitment = vm.memory().load_bytes(OUTPUT_COMMITMENT, 32);
        assert_eq!(commitment, keccak256(&host.stdout).to_vec());
        eprintln!("{proof}: attested in {} steps", vm.cpu().step);

        let mut lie = claim.clone();
        lie.slots[0].value += U256::from(1);
        let (vm, host) = run_storage_proof(&raw, &lie);
        assert_eq!(vm.cpu().halt, Halt::Exited(1), "a wrong value is a provable invalid exit");
        assert!(String::from_utf8_lossy(&host.stderr).contains("slot"), "{proof}");
    }
}

#[test]
fn slot_statistics_agree_with_the_host() {
    use axon_axiom::compute::{stats, AttestedSlot};
    let items = axon_tests::daily_slot_values();
    let expected = stats(&items).expect("stats").abi_encode();
    let mut store = PreimageStore::new();
    store_hashed_input(&mut store, items.abi_encode());
    let (vm, host) = run_program("slot-stats.elf", store).expect("runs");
    assert_eq!(vm.cpu().halt, Halt::Exited(0), "{}", String::from_utf8_lossy(&host.stderr));
    assert_eq!(host.stdout, expected);
    assert_eq!(vm.memory().load_bytes(OUTPUT_COMMITMENT, 32), keccak256(&host.stdout).to_vec());
    eprintln!("slot-stats over {} items: {} steps", items.len(), vm.cpu().step);

    let mut empty = PreimageStore::new();
    store_hashed_input(&mut empty, Vec::<AttestedSlot>::new().abi_encode());
    let (vm, host) = run_program("slot-stats.elf", empty).expect("runs");
    assert_eq!(vm.cpu().halt, Halt::Exited(1));
    assert!(String::from_utf8_lossy(&host.stderr).contains("no attested slots"));

    // The items themselves as the local input: not a hash.
    for elf in ["slot-stats.elf", "storage-proof.elf"] {
        let mut unhashed = PreimageStore::new();
        unhashed.insert_local(local::INPUT, items.abi_encode());
        let (vm, host) = run_program(elf, unhashed).expect("runs");
        assert_eq!(vm.cpu().halt, Halt::Exited(1), "{elf}");
        assert!(String::from_utf8_lossy(&host.stderr).contains("32-byte keccak-256 hash"), "{elf}");
    }
}
