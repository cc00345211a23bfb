//! The rollup's figures, each beside its baseline in one run (`make bench`):
//!
//! - **L2 throughput through JSON-RPC**: a load generator sends pre-signed plain transfers
//!   from 64 accounts, 64 requests in flight, to `axon-node sequencer` (1 s blocks) and, as
//!   the baseline, to anvil (`--block-time 1`, what a developer runs locally); transfers per
//!   second from the first send to the last inclusion, and the p50/p99 time from
//!   `eth_sendRawTransaction` to the block that holds it. Then `AIContract.inference` calls on
//!   the digits model, which anvil cannot run.
//! - **L1 gas per L2 transaction**: the sequencer posts the transfers to a `BatchInbox` on
//!   anvil, in blobs; the L1 execution gas and blob gas of the batches per transfer, beside
//!   the baselines: the same compressed data posted as calldata (Prague's calldata floor,
//!   what a data-heavy transaction pays), and uncompressed.
//!
//! Run with `cargo bench -p axon-node --bench throughput`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use alloy::consensus::{SignableTransaction, TxEip1559, TxEnvelope};
use alloy::eips::Encodable2718;
use alloy::primitives::{keccak256, Address, Bytes, TxKind, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::Filter;
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync;
use alloy::sol_types::{SolCall, SolEvent};

alloy::sol! {
    function inference(bytes32 model_address, bytes input_data, uint256 output_size);
    event BatchPosted(uint256 indexed index, uint64 firstBlock, uint64 lastBlock, bytes32 blobHash, uint64 depositCount, bytes32 depositAccumulator, bytes32 accumulator);
}

const SENDERS: usize = 64;
const TRANSFERS_PER_SENDER: u64 = 60;
const INFERENCES_PER_SENDER: u64 = 4;
const L2_CHAIN_ID: u64 = 42069;
const ANVIL_CHAIN_ID: u64 = 31337;
const DIGITS: B256 =
    alloy::primitives::b256!("0x811da4f174aabaf56d9ab117627310813e6774ae301adba59ca8896bba9d298a");
/// anvil's account 0: deploys on L1; account 5 posts batches.
const DEPLOYER: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const SEQUENCER: &str = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Processes killed on drop.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn anvil(block_time: Option<u32>) -> (Process, String) {
    let port = free_port();
    let mut command = Command::new(repo().join("contracts/tools/foundry"));
    command.args(["anvil", "--host", "127.0.0.1", "--port", &port.to_string(), "--silent"]);
    command.args(["--slots-in-an-epoch", "1", "--gas-limit", "30000000"]);
    if let Some(seconds) = block_time {
        command.args(["--block-time", &seconds.to_string()]);
    }
    let child = command.stdout(Stdio::null()).spawn().expect("anvil (make setup installs it)");
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        std::thread::sleep(Duration::from_millis(100));
    }
    (Process(child), format!("http://127.0.0.1:{port}"))
}

/// The bench's senders: deterministic keys.
fn senders() -> Vec<PrivateKeySigner> {
    (0..SENDERS)
        .map(|i| {
            PrivateKeySigner::from_bytes(&keccak256(format!("axon bench sender {i}"))).unwrap()
        })
        .collect()
}

/// A genesis funding the senders, with the digits model, in `dir`.
fn genesis(dir: &Path, senders: &[PrivateKeySigner]) -> PathBuf {
    let mut alloc = serde_json::Map::new();
    for sender in senders {
        alloc.insert(
            sender.address().to_string(),
            serde_json::json!({ "balance": "0x21e19e0c9bab2400000" }),
        );
    }
    let genesis = serde_json::json!({
        "chainId": L2_CHAIN_ID,
        "alloc": alloc,
        "models": [{ "file": repo().join("fixtures/models/digits.axml"), "gas": 20000 }],
    });
    let path = dir.join("genesis.json");
    std::fs::write(&path, serde_json::to_vec(&genesis).unwrap()).unwrap();
    path
}

fn sequencer(genesis: &Path, datadir: &Path, l1: Option<(&str, &Path)>) -> (Process, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_axon-node"));
    command.arg("sequencer").arg("--genesis").arg(genesis).arg("--datadir").arg(datadir);
    command.args(["--rpc-addr", "127.0.0.1:0", "--block-time", "1"]);
    if let Some((url, rollup)) = l1 {
        command.args(["--l1-rpc", url, "--batch-interval", "3"]).arg("--rollup").arg(rollup);
        command.env("AXON_SEQUENCER_KEY", SEQUENCER);
    }
    let mut child = command.stdout(Stdio::piped()).stderr(Stdio::null()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("JSON-RPC on ").unwrap().to_owned();
    (Process(child), url)
}

fn provider(url: &str) -> DynProvider {
    ProviderBuilder::new().connect_http(url.parse().unwrap()).erased()
}

/// A signed EIP-1559 transaction of `sender` with `nonce`.
fn sign(
    sender: &PrivateKeySigner,
    chain_id: u64,
    nonce: u64,
    to: TxKind,
    input: Bytes,
    gas: u64,
) -> Bytes {
    let tx = TxEip1559 {
        chain_id,
        nonce,
        gas_limit: gas,
        max_fee_per_gas: 20_000_000_000,
        max_priority_fee_per_gas: 1_000_000,
        to,
        value: U256::from(1),
        access_list: Default::default(),
        input,
    };
    let signature = sender.sign_hash_sync(&tx.signature_hash()).unwrap();
    TxEnvelope::from(tx.into_signed(signature)).encoded_2718().into()
}

/// What a load did.
struct Load {
    count: usize,
    seconds: f64,
    latencies: Vec<Duration>,
    first_block: u64,
    last_block: u64,
}

impl Load {
    fn per_second(&self) -> f64 {
        self.count as f64 / self.seconds
    }

    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        sorted[((sorted.len() - 1) as f64 * p) as usize]
    }
}

/// Sends every sender's transactions (in nonce order per sender, all senders at once) and
/// waits until every one is in a block.
async fn load(url: &str, batches: Vec<Vec<Bytes>>) -> Load {
    let client = provider(url);
    let start_block = client.get_block_number().await.unwrap();
    let sent: Arc<std::sync::Mutex<HashMap<B256, Instant>>> = Arc::default();
    let count = batches.iter().map(Vec::len).sum();
    let start = Instant::now();
    let mut tasks = Vec::new();
    for txs in batches {
        let (client, sent) = (client.clone(), sent.clone());
        tasks.push(tokio::spawn(async move {
            for raw in txs {
                let at = Instant::now();
                let hash = *client.send_raw_transaction(&raw).await.expect("accepted").tx_hash();
                sent.lock().unwrap().insert(hash, at);
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    // Watch the blocks until every transaction is in one.
    let mut latencies = Vec::with_capacity(count);
    let mut next = start_block + 1;
    let mut last_block = start_block;
    while latencies.len() < count {
        let Some(block) = client.get_block_by_number(next.into()).await.unwrap() else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let seen = Instant::now();
        let sent = sent.lock().unwrap();
        for hash in block.transactions.hashes() {
            if let Some(at) = sent.get(&hash) {
                latencies.push(seen - *at);
                last_block = next;
            }
        }
        next += 1;
    }
    Load {
        count,
        seconds: start.elapsed().as_secs_f64(),
        latencies,
        first_block: start_block + 1,
        last_block,
    }
}

fn transfers(chain_id: u64, senders: &[PrivateKeySigner], first_nonce: u64) -> Vec<Vec<Bytes>> {
    let to = TxKind::Call(Address::repeat_byte(0xee));
    senders
        .iter()
        .map(|s| {
            (0..TRANSFERS_PER_SENDER)
                .map(|n| sign(s, chain_id, first_nonce + n, to, Bytes::new(), 21_000))
                .collect()
        })
        .collect()
}

fn print_load(what: &str, load: &Load) {
    println!(
        "  {what:<34} {:>8.0} tx/s   p50 {:>6.0} ms   p99 {:>6.0} ms   ({} transactions, {:.1} s)",
        load.per_second(),
        load.percentile(0.5).as_secs_f64() * 1000.0,
        load.percentile(0.99).as_secs_f64() * 1000.0,
        load.count,
        load.seconds
    );
}

/// The calldata gas of `data` (EIP-2028: 16 a non-zero byte, 4 a zero byte), the way a
/// transaction carrying it pays before the EIP-7623 floor.
/// What a transaction posting `data` as calldata costs under Prague's floor (EIP-7623),
/// which a batch's size makes the binding price: 21,000 and 10 gas a token, a zero byte one
/// token and any other four.
fn calldata_tx_gas(data: &[u8]) -> u64 {
    21_000 + data.iter().map(|b| if *b == 0 { 10 } else { 40 }).sum::<u64>()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let dir = std::env::temp_dir().join(format!("axon-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let senders = senders();
    let genesis = genesis(&dir, &senders);
    println!("rollup throughput: {SENDERS} senders x {TRANSFERS_PER_SENDER} transfers, 1 s blocks, 2 cores");

    // The baseline: anvil.
    let (_anvil, anvil_url) = anvil(Some(1));
    let anvil_client = provider(&anvil_url);
    for sender in &senders {
        let balance = U256::from(10).pow(U256::from(22));
        let _: serde_json::Value = anvil_client
            .raw_request("anvil_setBalance".into(), (sender.address(), balance))
            .await
            .unwrap();
    }
    let baseline = load(&anvil_url, transfers(ANVIL_CHAIN_ID, &senders, 0)).await;
    drop(_anvil);

    // Axon, posting batches to an L1 anvil.
    let (_l1, l1_url) = anvil(None);
    let rollup = dir.join("rollup.json");
    let sequencer_address = SEQUENCER.parse::<PrivateKeySigner>().unwrap().address();
    let deployed = Command::new(env!("CARGO_BIN_EXE_axon-node"))
        .args(["deploy", "--l1-rpc", &l1_url, "--sequencer", &sequencer_address.to_string()])
        .arg("--genesis")
        .arg(&genesis)
        .arg("--program")
        .arg(repo().join("fixtures/programs/rollup-block.elf"))
        .arg("--inference-program")
        .arg(repo().join("fixtures/programs/inference.elf"))
        .arg("--artifacts")
        .arg(repo().join("contracts/out"))
        .arg("--out")
        .arg(&rollup)
        .env("AXON_DEPLOYER_KEY", DEPLOYER)
        .output()
        .unwrap();
    assert!(deployed.status.success(), "{}", String::from_utf8_lossy(&deployed.stderr));
    let (_node, url) = sequencer(&genesis, &dir.join("sequencer"), Some((&l1_url, &rollup)));
    let axon = load(&url, transfers(L2_CHAIN_ID, &senders, 0)).await;

    // Inference calls: AIContract deployed by the first sender.
    let client = provider(&url);
    let code = axon_dispute::contracts::creation_code(
        &repo().join("contracts/out"),
        "AIContract.sol",
        "AIContract",
    )
    .unwrap();
    let deployer = &senders[0];
    let deploy =
        sign(deployer, L2_CHAIN_ID, TRANSFERS_PER_SENDER, TxKind::Create, code.into(), 1_000_000);
    let hash = *client.send_raw_transaction(&deploy).await.unwrap().tx_hash();
    let contract = loop {
        if let Some(receipt) = client.get_transaction_receipt(hash).await.unwrap() {
            break receipt.contract_address.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let samples: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("fixtures/models/digits-test.json")).unwrap(),
    )
    .unwrap();
    let pixels: Vec<u8> = samples["samples"][0]["input"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap() as i8 as u8)
        .collect();
    let call: Bytes = inferenceCall {
        model_address: DIGITS,
        input_data: pixels.into(),
        output_size: U256::from(10),
    }
    .abi_encode()
    .into();
    let inferences = senders
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let first = TRANSFERS_PER_SENDER + u64::from(i == 0);
            (0..INFERENCES_PER_SENDER)
                .map(|n| {
                    sign(s, L2_CHAIN_ID, first + n, TxKind::Call(contract), call.clone(), 200_000)
                })
                .collect()
        })
        .collect();
    let inference = load(&url, inferences).await;

    // L1 gas of the batches that carry the transfers.
    let l1 = provider(&l1_url);
    let deployment: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&rollup).unwrap()).unwrap();
    let inbox: Address = deployment["batchInbox"].as_str().unwrap().parse().unwrap();
    let (mut gas, mut blob_gas, mut blobs) = (0u64, 0u64, 0usize);
    let (mut compressed, mut raw, mut covered) = (0u64, 0u64, 0usize);
    let deadline = Instant::now() + Duration::from_secs(120);
    while covered < axon.count {
        assert!(Instant::now() < deadline, "the transfers were not all batched");
        tokio::time::sleep(Duration::from_secs(1)).await;
        (gas, blob_gas, blobs, compressed, raw, covered) = (0, 0, 0, 0, 0, 0);
        let filter =
            Filter::new().address(inbox).event_signature(BatchPosted::SIGNATURE_HASH).from_block(0);
        for log in l1.get_logs(&filter).await.unwrap() {
            let event = BatchPosted::decode_log_data(log.data()).unwrap();
            if event.lastBlock < axon.first_block || event.firstBlock > axon.last_block {
                continue;
            }
            let receipt =
                l1.get_transaction_receipt(log.transaction_hash.unwrap()).await.unwrap().unwrap();
            let blob =
                axon_node::l1::beacon_blob(&l1_url, log.block_number.unwrap(), event.blobHash)
                    .await
                    .unwrap();
            let data = axon_rollup::blob::decode_blob(&blob).unwrap();
            let blocks = axon_rollup::batch::decode(&data).unwrap();
            let mut rlp = Vec::new();
            alloy_rlp::encode_list(&blocks, &mut rlp);
            gas += receipt.gas_used;
            blob_gas += receipt.blob_gas_used.unwrap_or_default();
            blobs += 1;
            compressed += calldata_tx_gas(&data);
            raw += calldata_tx_gas(&rlp);
            covered += blocks.iter().map(|b| b.transactions.len()).sum::<usize>();
        }
    }

    println!();
    print_load("anvil (baseline), transfers", &baseline);
    print_load("axon-node sequencer, transfers", &axon);
    print_load("axon-node sequencer, inferences", &inference);
    println!(
        "  throughput ratio (axon / anvil): {:.2}x",
        axon.per_second() / baseline.per_second()
    );
    println!();
    let per = |g: u64| g as f64 / covered as f64;
    println!(
        "  L1 gas per transfer in batches: {:.0} execution gas + {:.0} blob gas ({blobs} blobs over {covered} transfers)",
        per(gas),
        per(blob_gas)
    );
    println!(
        "  baselines: the same batches as calldata transactions (Prague's floor): {:.0} gas per transfer compressed, {:.0} uncompressed; blobs: {:.1}x less L1 gas than compressed calldata",
        per(compressed),
        per(raw),
        compressed as f64 / gas as f64
    );
    let _ = std::fs::remove_dir_all(&dir);
}
