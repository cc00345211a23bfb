//! Optimistic Axiom benchmarks: each guest in the VM against the same `axon-axiom` check run
//! natively, on the workloads of `tests/tests/axiom.rs`.
//!
//! | workload | VM | native |
//! |---|---|---|
//! | a whole 1024-header group (synthetic headers of every fork's form) | `header-chain.elf` from the anchor | `verify_chain` + `GroupClaim::from_chain` (which re-hashes every header) |
//! | the beacon deposit contract's account and slot 0 at mainnet block 21,925,176 (when `../shared/ethereum/` is present) | `storage-proof.elf` | `StorageClaim::attest` |
//! | statistics of 365 attested slots | `slot-stats.elf` | `compute::stats` |
//!
//! Run with `cargo bench -p axon-tests --bench axiom` (or `make bench`); the summary comes last.

use std::time::Duration;

use alloy_consensus::Header;
use alloy_primitives::{keccak256, B256};
use alloy_rpc_types_eth::EIP1186AccountProofResponse;
use alloy_sol_types::SolValue;
use axon_axiom::attest::StorageClaim;
use axon_axiom::chain::verify_chain;
use axon_axiom::compute::stats;
use axon_axiom::group::GroupClaim;
use axon_axiom::header::BlockHeader;
use axon_axiom::storage::AccountClaim;
use axon_axiom::synthetic;
use axon_tests::bench::print_vm_vs_native;
use axon_tests::{daily_slot_values, repo, shared_ethereum};
use axon_vm::abi::local;
use axon_vm::{Halt, OutputMode, PreimageStore, Program, StdHost, Vm};
use criterion::{black_box, Criterion};

/// A guest, what it reads, and the same check natively.
struct Workload {
    name: &'static str,
    program: Program,
    store: PreimageStore,
    native: Box<dyn Fn() -> Vec<u8>>,
}

impl Workload {
    fn new(
        name: &'static str,
        elf: &str,
        store: PreimageStore,
        native: Box<dyn Fn() -> Vec<u8>>,
    ) -> Self {
        let bytes = std::fs::read(repo().join("fixtures/programs").join(elf)).expect("the ELF");
        Self { name, program: Program::parse(&bytes).expect("parses"), store, native }
    }

    /// Runs the guest to its end and returns its steps (`tests/tests/axiom.rs` checks the output).
    fn run_vm(&self) -> u64 {
        let mut vm = Vm::new(&self.program).expect("load");
        let mut host = StdHost::new(self.store.clone(), OutputMode::Capture);
        vm.run(&mut host, u64::MAX).expect("run");
        assert_eq!(vm.cpu().halt, Halt::Exited(0), "{}", String::from_utf8_lossy(&host.stderr));
        vm.cpu().step
    }
}

fn group_workload() -> Workload {
    let headers = synthetic::chain(1023, 1025, B256::repeat_byte(0x33));
    let anchor = keccak256(headers.last().expect("headers"));
    let mut store = PreimageStore::new();
    for header in &headers {
        store.insert_keccak(header.clone());
    }
    store.insert_local(local::INPUT, anchor.to_vec());
    let group = headers[1..].to_vec();
    let native = Box::new(move || {
        let chain = verify_chain(&group, anchor).expect("valid");
        GroupClaim::from_chain(&chain).expect("a group").abi_encode()
    });
    Workload::new("group-1024", "header-chain.elf", store, native)
}

fn storage_workload() -> Option<Workload> {
    let block = shared_ethereum("mainnet-block-21925176.json")?;
    let proof = shared_ethereum("mainnet-proof-21925176-deposit-contract.json")?;
    let header: Header = serde_json::from_value(block).expect("header fields");
    let response: EIP1186AccountProofResponse =
        serde_json::from_value(proof).expect("eth_getProof");
    let claim = AccountClaim::from(response);
    let raw = alloy_rlp::encode(&header);
    let claim = StorageClaim::new(header.hash_slow(), &claim);
    let mut store = PreimageStore::new();
    store.insert_keccak(raw.clone());
    store.insert_local(local::INPUT, keccak256(claim.abi_encode()).to_vec());
    store.insert_keccak(claim.abi_encode());
    let native = Box::new(move || {
        let header = BlockHeader::decode(&raw, 0).expect("decodes");
        claim.attest(&header).expect("holds").encode()
    });
    Some(Workload::new("storage-proof", "storage-proof.elf", store, native))
}

fn stats_workload() -> Workload {
    let items = daily_slot_values();
    let mut store = PreimageStore::new();
    store.insert_local(local::INPUT, keccak256(items.abi_encode()).to_vec());
    store.insert_keccak(items.abi_encode());
    let native = Box::new(move || stats(&items).expect("stats").abi_encode());
    Workload::new("slot-stats-365", "slot-stats.elf", store, native)
}

fn main() {
    let workloads: Vec<Workload> =
        [Some(group_workload()), storage_workload(), Some(stats_workload())]
            .into_iter()
            .flatten()
            .collect();
    let mut criterion = Criterion::default().configure_from_args();
    let mut steps = Vec::new();
    for workload in &workloads {
        steps.push(workload.run_vm());
        let mut group = criterion.benchmark_group(workload.name);
        group.sample_size(10).measurement_time(Duration::from_secs(8));
        group.bench_function("vm", |b| b.iter(|| workload.run_vm()));
        group.bench_function("native", |b| b.iter(|| black_box((workload.native)())));
        group.finish();
    }
    criterion.final_summary();

    println!("\n== Optimistic Axiom benchmark summary ==");
    for (workload, steps) in workloads.iter().zip(steps) {
        print_vm_vs_native(workload.name, steps);
    }
}
