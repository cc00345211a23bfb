//! Optimistic Axiom claims from Ethereum data, and the Axiom guests run on them.
//!
//! A claim starts from data any node serves: the raw headers of a block range
//! (`eth_getBlockByNumber`) for a block-hash group, and a block header plus an `eth_getProof`
//! response for a storage attestation. This module fetches them over JSON-RPC (or takes them
//! from files), builds the guests' inputs, and runs `header-chain` or `storage-proof` in the
//! VM, giving the result a claim would state and the final state a dispute would bisect to.
//! [`claims`] takes them on chain; [`client`] is what a proposer and a challenger of claims
//! do with a node and a chain; [`historical`] is `updateHistorical`'s split-game claim.

pub mod claims;
pub mod client;
pub mod historical;

use std::path::Path;

use alloy::eips::BlockNumberOrTag;
use alloy::primitives::{keccak256, Address, B256};
use alloy::providers::Provider;
use alloy::rpc::types::EIP1186AccountProofResponse;
use alloy_consensus::Header;
use axon_axiom::attest::StorageClaim;
use axon_axiom::group::GROUP_SIZE;
use axon_axiom::storage::AccountClaim;
use axon_vm::abi::local;
use axon_vm::{Halt, PreimageStore};
use futures::{StreamExt, TryStreamExt};

use crate::chain::RpcClient;
use crate::guest::{hashed_input_store, run_guest, GuestRun};
use crate::{Error, Result};

/// The claim an `eth_getProof` response makes about the block whose header is `header` (see
/// `AccountClaim`'s `From` impl: an empty account is claimed absent).
pub fn storage_claim(header: &Header, response: EIP1186AccountProofResponse) -> StorageClaim {
    StorageClaim::new(header.hash_slow(), &AccountClaim::from(response))
}

/// How many requests [`Node::headers`] keeps in flight.
pub const CONCURRENT_REQUESTS: usize = 16;

/// A read-only JSON-RPC connection (the toolkit's [`RpcClient`], retrying transport
/// failures).
#[derive(Debug)]
pub struct Node {
    client: RpcClient,
}

impl Node {
    /// Connects to the node at `url` (sends nothing yet).
    pub fn connect(url: &str) -> Result<Self> {
        Ok(Self { client: RpcClient::new(url, None)? })
    }

    /// The number of the node's latest block.
    pub fn latest_number(&self) -> Result<u64> {
        self.client.request("eth_blockNumber", |p| async move { p.get_block_number().await })
    }

    /// The header of block `number`.
    pub fn header(&self, number: u64) -> Result<Header> {
        self.client.block_on(self.fetch_header(number))
    }

    /// The headers of blocks `numbers`, in order, fetched [`CONCURRENT_REQUESTS`] at a time
    /// (a group is 1024 headers: one by one, a remote node's round trips add up to minutes).
    pub fn headers(&self, numbers: impl IntoIterator<Item = u64>) -> Result<Vec<Header>> {
        let requests = futures::stream::iter(numbers).map(|n| self.fetch_header(n));
        self.client.block_on(requests.buffered(CONCURRENT_REQUESTS).try_collect())
    }

    async fn fetch_header(&self, number: u64) -> Result<Header> {
        let block = self
            .client
            .request_async("eth_getBlockByNumber", |p| async move {
                p.get_block_by_number(BlockNumberOrTag::Number(number)).await
            })
            .await?
            .ok_or_else(|| Error::NoBlock(number.to_string()))?;
        Ok(block.header.inner)
    }

    /// The header of the block whose hash is `hash`.
    pub fn header_by_hash(&self, hash: B256) -> Result<Header> {
        let block = self
            .client
            .request("eth_getBlockByHash", |p| async move { p.get_block_by_hash(hash).await })?
            .ok_or_else(|| Error::NoBlock(hash.to_string()))?;
        Ok(block.header.inner)
    }

    /// The logs `filter` selects.
    pub fn logs(&self, filter: &alloy::rpc::types::Filter) -> Result<Vec<alloy::rpc::types::Log>> {
        self.client.request("eth_getLogs", |p| {
            let filter = filter.clone();
            async move { p.get_logs(&filter).await }
        })
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
        let response = self.client.request("eth_getProof", |p| {
            let slots = slots.clone();
            async move { p.get_proof(address, slots).number(number).await }
        })?;
        Ok((alloy_rlp::encode(&header), storage_claim(&header, response)))
    }
}

/// The header-chain guest's preimages: every header by its keccak key, and the hash of the
/// last one (the anchor) as the program input.
pub fn header_chain_store(headers: &[Vec<u8>]) -> Result<PreimageStore> {
    let last = headers.last().ok_or_else(|| Error::BadInput {
        what: "the headers of a group".into(),
        reason: "there are none".into(),
    })?;
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
