//! The Optimistic Axiom header-chain guest in the VM against `axon-axiom` on the host: the same
//! V0 group claim from the same headers, committed in the final state, and provable exits for
//! bad input.

use std::path::PathBuf;

use alloy_primitives::{keccak256, B256};
use axon_axiom::chain::verify_chain;
use axon_axiom::group::GroupClaim;
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
    let elf =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/programs/header-chain.elf");
    let program = Program::parse(&std::fs::read(elf).expect("header-chain.elf")).expect("parses");
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

#[test]
fn a_header_the_host_lacks_is_a_host_error() {
    let mut headers = headers();
    let anchor = keccak256(&headers[1030 - FIRST as usize]);
    headers.remove(1028 - FIRST as usize);
    let missing = run(store(&headers, anchor.as_slice()));
    assert!(matches!(missing, Err(axon_vm::Error::MissingPreimage(_))), "{:?}", missing.err());
}
