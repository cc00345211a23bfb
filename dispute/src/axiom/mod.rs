//! Optimistic Axiom claims from Ethereum data, and the Axiom guests run on them.
//!
//! A claim starts from data any node serves: the raw headers of a block range
//! (`eth_getBlockByNumber`) for a block-hash group, and a block header plus an `eth_getProof`
//! response for a storage attestation. This module fetches them over JSON-RPC (or takes them
//! from files), builds the guests' inputs, and runs `header-chain` or `storage-proof` in the
//! VM, giving the result a claim would state and the final state a dispute would bisect to.
//! [`claims`] takes them on chain; [`client`] is what a proposer and a challenger of claims
//! do with a node and a chain.

pub mod claims;
pub mod client;

use std::future::IntoFuture;
use std::path::Path;

use alloy::eips::BlockNumberOrTag;
use alloy::primitives::{keccak256, Address, B256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::EIP1186AccountProofResponse;
use alloy_consensus::Header;
use axon_axiom::attest::StorageClaim;
use axon_axiom::group::GROUP_SIZE;
use axon_axiom::storage::AccountClaim;
use axon_vm::abi::local;
use axon_vm::{Halt, OutputMode, PreimageStore, Program, StdHost, Vm};
use futures::{StreamExt, TryStreamExt};

use crate::{Error, Result};

/// The claim an `eth_getProof` response makes about the block whose header is `header` (see
/// `AccountClaim`'s `From` impl: an empty account is claimed absent).
pub fn storage_claim(header: &Header, response: EIP1186AccountProofResponse) -> StorageClaim {
    StorageClaim::new(header.hash_slow(), &AccountClaim::from(response))
}

/// How many requests [`Node::headers`] keeps in flight.
pub const CONCURRENT_REQUESTS: usize = 16;

/// A read-only JSON-RPC connection.
pub struct Node {
    runtime: tokio::runtime::Runtime,
    provider: DynProvider,
}

impl Node {
    /// Connects to the node at `url` (http).
    pub fn connect(url: &str) -> Result<Self> {
        let parsed = url.parse().map_err(|e| Error::Chain(format!("{url}: {e}")))?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Chain(format!("async runtime: {e}")))?;
        let provider = ProviderBuilder::new().connect_http(parsed).erased();
        Ok(Self { runtime, provider })
    }

    /// The number of the node's latest block.
    pub fn latest_number(&self) -> Result<u64> {
        self.runtime
            .block_on(self.provider.get_block_number().into_future())
            .map_err(|e| Error::Chain(format!("eth_blockNumber: {e}")))
    }

    /// The header of block `number`.
    pub fn header(&self, number: u64) -> Result<Header> {
        self.runtime.block_on(self.fetch_header(number))
    }

    /// The headers of blocks `numbers`, in order, fetched [`CONCURRENT_REQUESTS`] at a time
    /// (a group is 1024 headers: one by one, a remote node's round trips add up to minutes).
    pub fn headers(&self, numbers: impl IntoIterator<Item = u64>) -> Result<Vec<Header>> {
        let requests = futures::stream::iter(numbers).map(|n| self.fetch_header(n));
        self.runtime.block_on(requests.buffered(CONCURRENT_REQUESTS).try_collect())
    }

    async fn fetch_header(&self, number: u64) -> Result<Header> {
        let block = self
            .provider
            .get_block_by_number(BlockNumberOrTag::Number(number))
            .await
            .map_err(|e| Error::Chain(format!("eth_getBlockByNumber {number}: {e}")))?
            .ok_or_else(|| Error::Chain(format!("the node has no block {number}")))?;
        Ok(block.header.inner)
    }

    /// The header of the block whose hash is `hash`.
    pub fn header_by_hash(&self, hash: B256) -> Result<Header> {
        let block = self
            .runtime
            .block_on(self.provider.get_block_by_hash(hash).into_future())
            .map_err(|e| Error::Chain(format!("eth_getBlockByHash {hash}: {e}")))?
            .ok_or_else(|| Error::Chain(format!("the node has no block {hash}")))?;
        Ok(block.header.inner)
    }

    /// The logs `filter` selects.
    pub fn logs(&self, filter: &alloy::rpc::types::Filter) -> Result<Vec<alloy::rpc::types::Log>> {
        self.runtime
            .block_on(self.provider.get_logs(filter))
            .map_err(|e| Error::Chain(format!("eth_getLogs: {e}")))
    }

    /// The raw headers from the first block of `anchor`'s 1024-block group to `anchor`.
    pub fn group_headers(&self, anchor: u64) -> Result<Vec<Vec<u8>>> {
        let start = anchor - anchor % GROUP_SIZE;
        Ok(self.headers(start..=anchor)?.iter().map(alloy_rlp::encode).collect())
    }

    /// The storage claim for `address` and `slots` at block `number`, with its raw header.
    pub fn storage_claim(
        &self,
        number: u64,
        address: Address,
        slots: Vec<B256>,
    ) -> Result<(Vec<u8>, StorageClaim)> {
        let header = self.header(number)?;
        let request = self.provider.get_proof(address, slots).number(number);
        let response = self
            .runtime
            .block_on(request.into_future())
            .map_err(|e| Error::Chain(format!("eth_getProof {address} at {number}: {e}")))?;
        Ok((alloy_rlp::encode(&header), storage_claim(&header, response)))
    }
}

/// How a guest run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuestRun {
    /// The halt status.
    pub halt: Halt,
    /// The steps executed.
    pub steps: u64,
    /// The final state's hash: what a claim of this run would state.
    pub state_hash: B256,
    /// The guest's stdout (its result).
    pub stdout: Vec<u8>,
    /// The guest's stderr (the reason of a failure).
    pub stderr: Vec<u8>,
}

/// The guest `elf`, parsed.
pub fn load_guest(elf: &Path) -> Result<Program> {
    let bytes = std::fs::read(elf).map_err(|e| axon_vm::Error::io(elf, e))?;
    Ok(Program::parse(&bytes).map_err(axon_vm::Error::from)?)
}

/// Runs `program` to its end on `store`: the final VM and the host with its output.
pub fn finish_guest(program: &Program, store: PreimageStore) -> Result<(Vm, StdHost)> {
    let mut vm = Vm::new(program)?;
    let mut host = StdHost::new(store, OutputMode::Capture);
    vm.run(&mut host, u64::MAX)?;
    Ok((vm, host))
}

/// Runs the guest `elf` to its end on `store`.
pub fn run_guest(elf: &Path, store: PreimageStore) -> Result<GuestRun> {
    let (mut vm, host) = finish_guest(&load_guest(elf)?, store)?;
    Ok(GuestRun {
        halt: vm.cpu().halt,
        steps: vm.cpu().step,
        state_hash: B256::from(vm.state_hash()),
        stdout: host.stdout,
        stderr: host.stderr,
    })
}

/// The header-chain guest's preimages: every header by its keccak key, and the hash of the
/// last one (the anchor) as the program input.
pub fn header_chain_store(headers: &[Vec<u8>]) -> Result<PreimageStore> {
    let last = headers.last().ok_or_else(|| Error::Chain("no headers".into()))?;
    let mut store = PreimageStore::new();
    store.insert_local(local::INPUT, keccak256(last).to_vec());
    for header in headers {
        store.insert_keccak(header.clone());
    }
    Ok(store)
}

/// The storage-proof guest's preimages: the header by its keccak key, and the claim passed by
/// hash.
pub fn storage_proof_store(raw_header: &[u8], claim: &StorageClaim) -> PreimageStore {
    use alloy::sol_types::SolValue;
    let mut store = hashed_input_store(claim.abi_encode());
    store.insert_keccak(raw_header.to_vec());
    store
}

/// The preimages of a guest reading `input` by hash (`read_hashed_input`: the slot-stats
/// guest's items, the storage-proof guest's claim): its keccak-256 as the program input, the
/// bytes under their keccak key.
pub fn hashed_input_store(input: Vec<u8>) -> PreimageStore {
    let mut store = PreimageStore::new();
    store.insert_local(local::INPUT, keccak256(&input).to_vec());
    store.insert_keccak(input);
    store
}

/// The JSON report of a guest run whose output decodes as `T` (`output` in the report).
fn report<T: std::fmt::Debug>(
    run: &GuestRun,
    decode: impl Fn(&[u8]) -> Option<T>,
) -> serde_json::Value {
    let status = match run.halt {
        Halt::Exited(0) => "valid".to_string(),
        Halt::Exited(code) => format!("invalid (exit code {code})"),
        Halt::Faulted(fault) => format!("faulted ({fault:?})"),
        Halt::Running => "running".to_string(),
    };
    serde_json::json!({
        "status": status,
        "steps": run.steps,
        "state_hash": run.state_hash.to_string(),
        "output": format!("0x{}", hex::encode(&run.stdout)),
        "decoded": decode(&run.stdout).map(|v| format!("{v:?}")),
        "stderr": String::from_utf8_lossy(&run.stderr),
    })
}

/// Fetches the headers of block `anchor`'s group from `node`, runs the header-chain guest
/// `elf` on them and reports the group claim it makes.
pub fn group_report(node: &Node, anchor: u64, elf: &Path) -> Result<serde_json::Value> {
    group_report_from_headers(&node.group_headers(anchor)?, elf)
}

/// Runs the header-chain guest `elf` on `headers` (raw RLP, oldest first, the last one the
/// anchor) and reports the group claim it makes.
pub fn group_report_from_headers(headers: &[Vec<u8>], elf: &Path) -> Result<serde_json::Value> {
    use alloy::sol_types::SolValue;
    let run = run_guest(elf, header_chain_store(headers)?)?;
    Ok(report(&run, |out| axon_axiom::group::GroupClaimAbi::abi_decode(out).ok()))
}

/// Fetches the storage claim for `address` and `slots` at block `number` from `node`, runs
/// the storage-proof guest `elf` on it and reports the attestation.
pub fn attest_report(
    node: &Node,
    number: u64,
    address: Address,
    slots: Vec<B256>,
    elf: &Path,
) -> Result<serde_json::Value> {
    let (raw_header, claim) = node.storage_claim(number, address, slots)?;
    attest_report_from_claim(&raw_header, &claim, elf)
}

/// Runs the storage-proof guest `elf` on `claim` about the block whose raw header is
/// `raw_header` and reports the attestation.
pub fn attest_report_from_claim(
    raw_header: &[u8],
    claim: &StorageClaim,
    elf: &Path,
) -> Result<serde_json::Value> {
    use alloy::sol_types::SolValue;
    let run = run_guest(elf, storage_proof_store(raw_header, claim))?;
    Ok(report(&run, |out| axon_axiom::attest::StorageAttestation::abi_decode(out).ok()))
}

/// Raw headers from a JSON file: an array of hex strings (oldest first).
pub fn read_headers(path: &Path) -> Result<Vec<Vec<u8>>> {
    let hex: Vec<alloy::primitives::Bytes> = read_json(path)?;
    Ok(hex.into_iter().map(|h| h.to_vec()).collect())
}

/// A storage claim from an `eth_getBlockByNumber` result and an `eth_getProof` result saved
/// as JSON files, with the block's raw header.
pub fn read_storage_claim(block: &Path, proof: &Path) -> Result<(Vec<u8>, StorageClaim)> {
    let header: alloy::rpc::types::Header = read_json(block)?;
    let response: EIP1186AccountProofResponse = read_json(proof)?;
    let claim = storage_claim(&header.inner, response);
    Ok((alloy_rlp::encode(&header.inner), claim))
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| axon_vm::Error::io(path, e))?;
    serde_json::from_slice(&bytes)
        .map_err(|e| Error::BadState { path: path.to_path_buf(), reason: format!("JSON: {e}") })
}
