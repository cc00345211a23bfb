//! The node's L1: the contracts it reads and posts to over an Ethereum JSON-RPC endpoint,
//! through the dispute toolkit's client (alloy's provider on a runtime of its own, so that
//! the node's loops can be plain threads; transport failures retried with backoff; nonces
//! read from L1 for every transaction, so an L1 reorganization cannot leave one stuck).

use std::time::Duration;

use alloy::eips::eip4844::Blob;
use alloy::eips::eip7594::BlobTransactionSidecarEip7594;
use alloy::eips::BlockNumberOrTag;
use alloy::network::{EthereumWallet, TransactionBuilder, TransactionBuilder4844};
use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::providers::{DynProvider, Provider};
use alloy::rpc::types::{Filter, Log, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolEvent, SolInterface};
use alloy::transports::{RpcError, TransportErrorKind};
use axon_dispute::ai_evm::results::IInferenceOracle;
use axon_dispute::chain::RpcClient;

use crate::deployment::Deployment;
use crate::error::{NodeError, Result};

/// The beacon API's answer to `GET /eth/v1/beacon/blobs/{block_id}`.
#[derive(Debug, serde::Deserialize)]
struct BeaconBlobs {
    data: Vec<Bytes>,
}

alloy::sol! {
    #![sol(all_derives)]

    /// `contracts/src/rollup/BatchInbox.sol`.
    interface IBatchInbox {
        function postBatch(uint64 firstBlock, uint64 lastBlock, uint64 depositCount) external;
        function forceInclude() external;
        function nextBlock() external view returns (uint64);
        function batchCount() external view returns (uint256);

        event BatchPosted(uint256 indexed index, uint64 firstBlock, uint64 lastBlock, bytes32 blobHash, uint64 depositCount, bytes32 depositAccumulator, bytes32 accumulator);

        error NotSequencer(address caller);
        error NoBlob();
        error NotNextBlock(uint64 expected, uint64 given);
        error EmptyBatch(uint64 firstBlock, uint64 lastBlock);
        error TooManyBlocks(uint64 blocks, uint64 max);
        error DepositCountOutOfRange(uint64 given, uint64 min, uint256 max);
        error DepositWithheld(uint64 index, uint64 deadline);
        error NothingToForce(uint64 index);
    }
}

alloy::sol! {
    /// `contracts/src/rollup/Portal.sol`.
    interface IPortal {
        struct Withdrawal {
            uint256 nonce;
            address sender;
            address target;
            uint256 value;
        }
        struct OutputRootProof {
            bytes32 stateRoot;
            bytes32 messagePasserStorageRoot;
            bytes32 blockHash;
        }

        function deposit(address to) external payable;
        function depositCount() external view returns (uint256);
        function finalizeWithdrawal(Withdrawal withdrawal, address game, OutputRootProof outputRootProof, bytes[] withdrawalProof) external;
        function finalizedWithdrawals(bytes32 withdrawalHash) external view returns (bool);

        event Deposited(uint256 indexed index, address indexed from, address indexed to, uint256 value, uint64 timestamp, bytes32 accumulator);
        event WithdrawalFinalized(bytes32 indexed withdrawalHash, address indexed target, uint256 value, address game);

        error WithdrawalAlreadyFinalized(bytes32 withdrawalHash);
        error InvalidOutputRootProof(bytes32 outputRoot, bytes32 proven);
        error InvalidWithdrawalProof(bytes32 withdrawalHash);
    }
}

alloy::sol! {
    /// `contracts/src/rollup/Outputs.sol`.
    interface IOutputs {
        function propose(bytes32 outputRoot, uint64 l2Block) external payable returns (address game);
        function finalize(address game) external;
        function bootFor(uint64 l2Block) external view returns (bytes boot);
        function anchor() external view returns (bytes32 outputRoot, uint64 l2Block);
        function proposals(address game) external view returns (uint64 l2Block, uint8 fate);

        event OutputProposed(bytes32 indexed outputRoot, uint64 indexed l2Block, address indexed game, address proposer, bytes boot);
        event OutputFinalized(address indexed game, bytes32 outputRoot, uint64 l2Block);
        event OutputDiscarded(address indexed game, bytes32 outputRoot, uint64 l2Block);
    }
}

/// A proposal as L1 logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposed {
    /// Its game.
    pub game: Address,
    /// The output root it claims.
    pub output_root: B256,
    /// Its L2 block.
    pub l2_block: u64,
    /// Who proposed it.
    pub proposer: Address,
    /// The `RollupBoot` its game runs on (ABI).
    pub boot: Bytes,
}

/// How long a posted transaction may take to be included before the node gives up on it
/// (and retries on its next round).
const INCLUSION_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a request to the beacon API may take before it fails (and is retried on the
/// next round).
const HTTP_TIMEOUT: Duration = Duration::from_secs(30);
/// How often a transaction's receipt is asked for.
const RECEIPT_POLL: Duration = Duration::from_millis(200);

/// A batch as L1 logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedBatch {
    /// Its index in the inbox.
    pub index: u64,
    /// Its first L2 block.
    pub first_block: u64,
    /// Its last.
    pub last_block: u64,
    /// The versioned hash of its blob (zero for a forced batch, which has none).
    pub blob_hash: B256,
    /// How many L1 deposits the L2 has credited by its last block.
    pub deposit_count: u64,
    /// The portal's deposit accumulator after that many.
    pub deposit_accumulator: B256,
    /// The inbox's accumulator after it.
    pub accumulator: B256,
    /// The L1 block it is in.
    pub l1_block: u64,
    /// That block's hash.
    pub l1_hash: B256,
}

/// A claim of an inference result as L1 logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultClaim {
    /// The request's name (the opML game's input).
    pub request: B256,
    /// The claim's game.
    pub game: Address,
    /// Who claimed.
    pub claimant: Address,
}

/// A deposit as L1 logged it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositLog {
    /// Its index in the portal.
    pub index: u64,
    /// Who it credits on the L2.
    pub to: Address,
    /// The wei.
    pub value: U256,
    /// The L1 time it was made at.
    pub timestamp: u64,
    /// The portal's deposit accumulator after it.
    pub accumulator: B256,
    /// The L1 block it is in.
    pub l1_block: u64,
}

/// A connection to L1.
pub struct L1 {
    client: RpcClient,
    deployment: Deployment,
    sender: Option<Address>,
    /// The L1 beacon node's API, where blobs are read.
    beacon: String,
}

impl std::fmt::Debug for L1 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("L1").field("deployment", &self.deployment).finish_non_exhaustive()
    }
}

/// The blob `versioned_hash` of L1 block `l1_block`, read from the beacon node API at
/// `beacon` and checked against the hash (its KZG commitment recomputed): the node's one way
/// to read a batch's data.
pub async fn beacon_blob(
    beacon: &str,
    l1_block: u64,
    versioned_hash: B256,
) -> std::result::Result<Vec<u8>, String> {
    // The block id is the L1 block's number, as anvil's beacon API takes it (a consensus
    // client takes the slot: docs/rollup.md).
    let url = format!(
        "{}/eth/v1/beacon/blobs/{l1_block}?versioned_hashes={versioned_hash}",
        beacon.trim_end_matches('/')
    );
    let failed = |e: &dyn std::fmt::Display| format!("GET {url}: {e}");
    let client =
        reqwest::Client::builder().timeout(HTTP_TIMEOUT).build().map_err(|e| failed(&e))?;
    let response = client.get(&url).send().await.map_err(|e| failed(&e))?;
    let status = response.status();
    if !status.is_success() {
        let body = response.text().await.unwrap_or_default();
        return Err(failed(&format!("{status}: {body}")));
    }
    let answer: BeaconBlobs = response.json().await.map_err(|e| failed(&e))?;
    answer
        .data
        .into_iter()
        .find(|blob| axon_dispute::blob::versioned_hash(blob).ok() == Some(versioned_hash))
        .map(|blob| blob.to_vec())
        .ok_or_else(|| failed(&"no blob with the versioned hash"))
}

fn l1_error(what: &str) -> impl Fn(axon_dispute::Error) -> NodeError + '_ {
    move |e| NodeError::L1(format!("{what}: {e}"))
}

fn decode_error(what: &str) -> impl Fn(alloy::sol_types::Error) -> NodeError + '_ {
    move |e| NodeError::L1(format!("{what}: {e}"))
}

impl L1 {
    /// Connects to `url` for `deployment`, signing with `key` if given; checks the chain id.
    pub fn connect(
        url: &str,
        deployment: Deployment,
        key: Option<PrivateKeySigner>,
    ) -> Result<Self> {
        let sender = key.as_ref().map(|k| k.address());
        let client =
            RpcClient::new(url, key.map(EthereumWallet::from)).map_err(l1_error("--l1-rpc"))?;
        let l1 = Self { client, deployment, sender, beacon: url.to_owned() };
        let chain_id = l1.request("eth_chainId", |p| async move { p.get_chain_id().await })?;
        if chain_id != deployment.l1_chain_id {
            return Err(NodeError::L1(format!(
                "{url} is chain {chain_id}, the deployment's L1 is {}",
                deployment.l1_chain_id
            )));
        }
        Ok(l1)
    }

    /// Reads blobs from the beacon node API at `url` (by default the L1 RPC's own URL, where
    /// anvil serves it).
    pub fn with_beacon(mut self, url: &str) -> Self {
        url.clone_into(&mut self.beacon);
        self
    }

    /// Runs `request`, retrying transport failures.
    fn request<T, F, Fut>(&self, what: &str, request: F) -> Result<T>
    where
        F: Fn(DynProvider) -> Fut,
        Fut: std::future::Future<Output = std::result::Result<T, RpcError<TransportErrorKind>>>,
    {
        self.client.request(what, request).map_err(l1_error(what))
    }

    /// The deployment.
    pub fn deployment(&self) -> &Deployment {
        &self.deployment
    }

    /// The inbox's `nextBlock` as of L1 block `at`: one past the last batched L2 block. Zero
    /// when the inbox did not exist yet at `at`.
    pub fn next_block(&self, at: BlockNumberOrTag) -> Result<u64> {
        let call = IBatchInbox::nextBlockCall {}.abi_encode();
        let request = TransactionRequest::default()
            .with_to(self.deployment.batch_inbox)
            .with_input(Bytes::from(call));
        let out = self.request("BatchInbox.nextBlock", |p| {
            let request = request.clone();
            async move { p.call(request).block(at.into()).await }
        })?;
        if out.is_empty() {
            return Ok(0);
        }
        IBatchInbox::nextBlockCall::abi_decode_returns(&out)
            .map_err(decode_error("BatchInbox.nextBlock"))
    }

    /// Posts L2 blocks `first..=last`, which credit `deposits` L1 deposits, in the blob
    /// `blob` (EIP-7594 cell proofs: L1 after Osaka), and waits for its inclusion: the L1
    /// block.
    pub fn post_batch(&self, first: u64, last: u64, deposits: u64, blob: &[u8]) -> Result<u64> {
        let call = IBatchInbox::postBatchCall {
            firstBlock: first,
            lastBlock: last,
            depositCount: deposits,
        };
        let blob = Blob::try_from(blob)
            .map_err(|_| NodeError::L1(format!("a blob of {} bytes", blob.len())))?;
        let sidecar = BlobTransactionSidecarEip7594::try_from_blobs(vec![blob])
            .map_err(|e| NodeError::L1(format!("the batch's blob: {e:?}")))?;
        let blob_fee =
            self.request("eth_blobBaseFee", |p| async move { p.get_blob_base_fee().await })?;
        let request = TransactionRequest::default()
            .with_to(self.deployment.batch_inbox)
            .with_input(Bytes::from(call.abi_encode()))
            .with_blob_sidecar_7594(sidecar)
            .with_max_fee_per_blob_gas(blob_fee.saturating_mul(2).max(1));
        self.transact(request, "postBatch")
    }

    /// The blob of `batch` from the beacon node, checked against its versioned hash; empty
    /// for a forced batch (no blob).
    pub fn batch_blob(&self, batch: &PostedBatch) -> Result<Vec<u8>> {
        if batch.blob_hash == B256::ZERO {
            return Ok(Vec::new());
        }
        self.client
            .block_on(beacon_blob(&self.beacon, batch.l1_block, batch.blob_hash))
            .map_err(|e| NodeError::L1(format!("batch {}: its blob: {e}", batch.index)))
    }

    /// Sends `request` from the node's key, and waits for its inclusion: the L1 block. A
    /// revert is an error naming `what`, with L1's reason when the estimate gives one.
    fn transact(&self, request: TransactionRequest, what: &str) -> Result<u64> {
        let from =
            self.sender.ok_or_else(|| NodeError::L1(format!("{what} needs the node's key")))?;
        let request = request.with_from(from);
        let hash = self.client.block_on(async {
            let send = |e: RpcError<TransportErrorKind>| {
                let reason = e
                    .as_error_resp()
                    .and_then(|resp| resp.as_revert_data())
                    .and_then(|data| IBatchInbox::IBatchInboxErrors::abi_decode(&data).ok());
                match reason {
                    Some(reason) => NodeError::L1(format!("{what} reverted: {reason:?}")),
                    None => NodeError::L1(format!("{what}: {e}")),
                }
            };
            let pending = self.client.provider().send_transaction(request).await.map_err(send)?;
            Ok::<B256, NodeError>(*pending.tx_hash())
        })?;
        self.included(hash, what)
    }

    /// Waits for transaction `hash`'s inclusion: its L1 block. A transaction L1 no longer
    /// knows was dropped (an L1 reorganization took its block) and is an error at once, as is
    /// a revert and a wait past [`INCLUSION_TIMEOUT`]: the caller reads L1 again and retries.
    fn included(&self, hash: B256, what: &str) -> Result<u64> {
        let deadline = std::time::Instant::now() + INCLUSION_TIMEOUT;
        loop {
            let receipt = self.request("eth_getTransactionReceipt", |p| async move {
                p.get_transaction_receipt(hash).await
            })?;
            if let Some(receipt) = receipt {
                if !receipt.status() {
                    return Err(NodeError::L1(format!("{what} reverted")));
                }
                return Ok(receipt.block_number.unwrap_or_default());
            }
            let known = self.request("eth_getTransactionByHash", |p| async move {
                p.get_transaction_by_hash(hash).await
            })?;
            if known.is_none() {
                return Err(NodeError::L1(format!("{what}: transaction {hash} was dropped by L1")));
            }
            if std::time::Instant::now() > deadline {
                return Err(NodeError::L1(format!("{what}: transaction {hash} not included")));
            }
            std::thread::sleep(RECEIPT_POLL);
        }
    }

    /// The claims of inference results made in L1 blocks `from..=to`.
    pub fn result_claims(&self, from: u64, to: u64) -> Result<Vec<ResultClaim>> {
        let event = IInferenceOracle::ResultClaimed::SIGNATURE_HASH;
        let logs = self.logs(self.deployment.inference_oracle, event, from, to)?;
        logs.iter()
            .map(|log| {
                let event = log
                    .log_decode::<IInferenceOracle::ResultClaimed>()
                    .map_err(decode_error("a ResultClaimed log"))?;
                let event = event.inner.data;
                Ok(ResultClaim {
                    request: event.request,
                    game: event.game,
                    claimant: event.claimant,
                })
            })
            .collect()
    }

    /// The deposits made in L1 blocks `from..=to`, in order.
    pub fn deposits(&self, from: u64, to: u64) -> Result<Vec<DepositLog>> {
        let event = IPortal::Deposited::SIGNATURE_HASH;
        let logs = self.logs(self.deployment.portal, event, from, to)?;
        let mut deposits = logs
            .iter()
            .map(|log| {
                let event = IPortal::Deposited::decode_log_data(log.data())
                    .map_err(decode_error("a Deposited log"))?;
                let l1_block = log
                    .block_number
                    .ok_or_else(|| NodeError::L1("a Deposited log without its block".into()))?;
                Ok(DepositLog {
                    index: event.index.to(),
                    to: event.to,
                    value: event.value,
                    timestamp: event.timestamp,
                    accumulator: event.accumulator,
                    l1_block,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        deposits.sort_by_key(|d| d.index);
        Ok(deposits)
    }

    /// The newest L1 block number at `tag`.
    pub fn head(&self, tag: BlockNumberOrTag) -> Result<Option<u64>> {
        let block = self
            .request("eth_getBlockByNumber", |p| async move { p.get_block_by_number(tag).await })?;
        Ok(block.map(|b| b.header.number))
    }

    /// L1 block `number`'s hash and timestamp, if L1 has it.
    pub fn block(&self, number: u64) -> Result<Option<(B256, u64)>> {
        let block = self.request("eth_getBlockByNumber", |p| async move {
            p.get_block_by_number(number.into()).await
        })?;
        Ok(block.map(|b| (b.header.hash, b.header.timestamp)))
    }

    /// The logs of `event` that `address` emitted in L1 blocks `from..=to`.
    fn logs(&self, address: Address, event: B256, from: u64, to: u64) -> Result<Vec<Log>> {
        let filter =
            Filter::new().address(address).event_signature(event).from_block(from).to_block(to);
        self.request("eth_getLogs", |p| {
            let filter = filter.clone();
            async move { p.get_logs(&filter).await }
        })
    }

    /// The batches posted in L1 blocks `from..=to`, in order.
    pub fn batches(&self, from: u64, to: u64) -> Result<Vec<PostedBatch>> {
        let event = IBatchInbox::BatchPosted::SIGNATURE_HASH;
        let logs = self.logs(self.deployment.batch_inbox, event, from, to)?;
        let mut batches = Vec::with_capacity(logs.len());
        for log in logs {
            let event = IBatchInbox::BatchPosted::decode_log_data(log.data())
                .map_err(decode_error("a BatchPosted log"))?;
            let missing = || NodeError::L1("a BatchPosted log without its block".into());
            batches.push(PostedBatch {
                index: event.index.to(),
                first_block: event.firstBlock,
                last_block: event.lastBlock,
                blob_hash: event.blobHash,
                deposit_count: event.depositCount,
                deposit_accumulator: event.depositAccumulator,
                accumulator: event.accumulator,
                l1_block: log.block_number.ok_or_else(missing)?,
                l1_hash: log.block_hash.ok_or_else(missing)?,
            });
        }
        batches.sort_by_key(|b| b.index);
        Ok(batches)
    }

    /// The output proposals made in L1 blocks `from..=to`, in order.
    pub fn proposals(&self, from: u64, to: u64) -> Result<Vec<Proposed>> {
        let event = IOutputs::OutputProposed::SIGNATURE_HASH;
        let logs = self.logs(self.deployment.outputs, event, from, to)?;
        logs.iter()
            .map(|log| {
                let event = IOutputs::OutputProposed::decode_log_data(log.data())
                    .map_err(decode_error("an OutputProposed log"))?;
                Ok(Proposed {
                    game: event.game,
                    output_root: event.outputRoot,
                    l2_block: event.l2Block,
                    proposer: event.proposer,
                    boot: event.boot.clone(),
                })
            })
            .collect()
    }
}
