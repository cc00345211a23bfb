//! The rollup on an L1: anvil, the contracts `axon-node deploy` puts there, a sequencer that
//! posts its blocks in batches, an honest validator that derives the chain from L1 alone and
//! proposes its outputs, and a dishonest one that proposes wrong outputs. The validator
//! reaches the sequencer's block hash and state root for every block; the batches on L1
//! decode to exactly the transactions sent; every role survives kill -9; an L1
//! reorganization that drops a batch makes the sequencer post it again and the validator
//! derive it again; the dishonest validator's outputs are challenged and discarded and its
//! bonds lost, the honest one's finalized as the anchor.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use alloy::consensus::Transaction as _;
use alloy::eips::{BlockNumberOrTag, Encodable2718};
use alloy::network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{address, Bytes, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{Filter, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolEvent};

use super::support::{anvil, data_dir, node_command, repo, Node, KEYS};

alloy::sol! {
    function postBatch(uint64 firstBlock, uint64 lastBlock, bytes data) external;
    function anchor() external view returns (bytes32 outputRoot, uint64 l2Block);
    event BatchPosted(uint256 indexed index, uint64 firstBlock, uint64 lastBlock, bytes32 dataHash, bytes32 accumulator);
    event OutputFinalized(address indexed game, bytes32 outputRoot, uint64 l2Block);
    event OutputDiscarded(address indexed game, bytes32 outputRoot, uint64 l2Block);
}

/// anvil's account 5, which posts batches (funded on L1 only).
const SEQUENCER_KEY: &str = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
/// anvil's account 4, which deploys.
const DEPLOYER_KEY: &str = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
/// anvil's account 6, the honest validator's.
const VALIDATOR_KEY: &str = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";
/// anvil's account 3, the dishonest validator's.
const LIAR_KEY: &str = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";

fn sequencer(dir: &Path, l1: &str, rollup: &Path) -> Node {
    let mut command = node_command("sequencer", &dir.join("sequencer"));
    command
        .args(["--block-time", "1", "--batch-interval", "1", "--l1-rpc", l1])
        .arg("--rollup")
        .arg(rollup)
        .env("AXON_SEQUENCER_KEY", SEQUENCER_KEY)
        .stderr(Stdio::null());
    Node::spawn(command)
}

/// A validator that proposes every `every` blocks with `key`, honestly or not, logging to
/// `DIR/NAME.log`.
fn validator_as(
    dir: &Path,
    name: &str,
    l1: &str,
    rollup: &Path,
    key: &str,
    every: u64,
    honest: bool,
) -> Node {
    Node::spawn(validator_command(dir, name, l1, rollup, key, every, honest))
}

/// `axon-node validator` proposing every `every` blocks with `key`, honestly or not, logging
/// to `DIR/NAME.log`.
fn validator_command(
    dir: &Path,
    name: &str,
    l1: &str,
    rollup: &Path,
    key: &str,
    every: u64,
    honest: bool,
) -> Command {
    let mut command = node_command("validator", &dir.join(name));
    command.args(["--poll-interval", "0.25", "--l1-rpc", l1]).arg("--rollup").arg(rollup);
    command.args(["--propose-every", &every.to_string()]).arg("--program");
    command.arg(repo().join("fixtures/programs/rollup-block.elf")).env("AXON_VALIDATOR_KEY", key);
    if !honest {
        command.arg("--dishonest");
    }
    let log =
        std::fs::OpenOptions::new().create(true).append(true).open(dir.join(format!("{name}.log")));
    command.stderr(Stdio::from(log.unwrap()));
    command
}

/// The honest validator, serving metrics on `metrics`.
fn validator(dir: &Path, l1: &str, rollup: &Path, metrics: u16) -> Node {
    let mut command = validator_command(dir, "validator", l1, rollup, VALIDATOR_KEY, 12, true);
    command.args(["--metrics-addr", &format!("127.0.0.1:{metrics}")]);
    Node::spawn(command)
}

/// `GET /metrics` of a node, as `name value` lines.
async fn metrics(port: u16) -> String {
    let url = format!("http://127.0.0.1:{port}/metrics");
    let client = alloy::transports::http::reqwest::Client::new();
    client.get(url).send().await.unwrap().text().await.unwrap()
}

/// The value of the sample `name` (with its labels) in a metrics text.
fn sample(text: &str, name: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix(name).and_then(|rest| rest.trim().parse().ok()))
        .unwrap_or_else(|| panic!("no sample {name} in:\n{text}"))
}

/// Signs a transfer of `value` wei from `key` with `nonce`: its EIP-2718 bytes.
async fn transfer(key: &str, nonce: u64, value: u64) -> Bytes {
    let signer: PrivateKeySigner = key.parse().unwrap();
    let tx = TransactionRequest::default()
        .with_to(address!("0x000000000000000000000000000000000000dEaD"))
        .with_value(U256::from(value))
        .with_nonce(nonce)
        .with_chain_id(42069)
        .with_gas_limit(21_000)
        .with_max_fee_per_gas(10_000_000_000)
        .with_max_priority_fee_per_gas(1_000_000);
    tx.build(&EthereumWallet::from(signer)).await.unwrap().encoded_2718().into()
}

/// Waits until `node`'s head is at least `number`.
async fn wait_for(node: &DynProvider, number: u64, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while node.get_block_number().await.unwrap_or_default() < number {
        assert!(Instant::now() < deadline, "{what} never reached block {number}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Every block `1..=up_to` has the same hash and state root on both nodes.
async fn same_chain(sequencer: &DynProvider, validator: &DynProvider, up_to: u64) {
    for number in 1..=up_to {
        let a = sequencer.get_block_by_number(number.into()).await.unwrap().unwrap();
        let b = validator.get_block_by_number(number.into()).await.unwrap().unwrap();
        assert_eq!(a.header.hash, b.header.hash, "block {number}");
        assert_eq!(a.header.state_root, b.header.state_root, "block {number}");
    }
}

/// Every transaction the inbox's batches carry, in order.
async fn batched_transactions(l1: &DynProvider, inbox: alloy::primitives::Address) -> Vec<Bytes> {
    let filter =
        Filter::new().address(inbox).event_signature(BatchPosted::SIGNATURE_HASH).from_block(0);
    let mut transactions = Vec::new();
    for log in l1.get_logs(&filter).await.unwrap() {
        let tx = l1.get_transaction_by_hash(log.transaction_hash.unwrap()).await.unwrap().unwrap();
        let call = postBatchCall::abi_decode(tx.inner.input()).unwrap();
        let blocks = axon_rollup::batch::decode(&call.data).unwrap();
        assert_eq!(blocks.len() as u64, call.lastBlock - call.firstBlock + 1);
        transactions.extend(blocks.into_iter().flat_map(|b| b.transactions));
    }
    transactions
}

#[tokio::test(flavor = "multi_thread")]
async fn a_validator_derives_the_sequencers_chain_from_l1_through_kills_and_a_reorg() {
    let l1 = anvil();
    let dir = data_dir("rollup");
    std::fs::create_dir_all(&dir).unwrap();
    let rollup = dir.join("rollup.json");
    let sequencer_address = SEQUENCER_KEY.parse::<PrivateKeySigner>().unwrap().address();
    let deployed = Command::new(env!("CARGO_BIN_EXE_axon-node"))
        .args(["deploy", "--l1-rpc", &l1.url, "--sequencer", &sequencer_address.to_string()])
        .args(["--dispute-clock", "20", "--withdrawal-delay", "1"])
        .arg("--genesis")
        .arg(repo().join("fixtures/rollup/genesis.json"))
        .arg("--program")
        .arg(repo().join("fixtures/programs/rollup-block.elf"))
        .arg("--artifacts")
        .arg(repo().join("contracts/out"))
        .arg("--out")
        .arg(&rollup)
        .env("AXON_DEPLOYER_KEY", DEPLOYER_KEY)
        .output()
        .unwrap();
    assert!(deployed.status.success(), "{}", String::from_utf8_lossy(&deployed.stderr));
    let deployment: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&rollup).unwrap()).unwrap();
    let inbox = deployment["batchInbox"].as_str().unwrap().parse().unwrap();
    let l1_provider = ProviderBuilder::new().connect_http(l1.url.parse().unwrap()).erased();

    let seq = sequencer(&dir, &l1.url, &rollup);
    let metrics_port =
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let val = validator(&dir, &l1.url, &rollup, metrics_port);
    let _liar = validator_as(&dir, "liar", &l1.url, &rollup, LIAR_KEY, 8, false);
    let liar_address = LIAR_KEY.parse::<PrivateKeySigner>().unwrap().address();
    let liar_funds = l1_provider.get_balance(liar_address).await.unwrap();
    let mut sent = Vec::new();
    for nonce in 0..4 {
        for key in [KEYS[0], KEYS[1]] {
            let raw = transfer(key, nonce, nonce + 1).await;
            let _ = seq.reader().send_raw_transaction(&raw).await.unwrap();
            sent.push(raw);
        }
    }
    let last_hash = alloy::primitives::keccak256(sent.last().unwrap());
    let mut receipt = None;
    while receipt.is_none() {
        tokio::time::sleep(Duration::from_millis(200)).await;
        receipt = seq.reader().get_transaction_receipt(last_hash).await.unwrap();
    }
    let included = receipt.unwrap().block_number.unwrap();
    wait_for(&val.reader(), included, "the validator").await;
    same_chain(&seq.reader(), &val.reader(), included).await;
    // The validator's receipts are the sequencer's.
    let derived = val.reader().get_transaction_receipt(last_hash).await.unwrap().unwrap();
    assert_eq!(Some(derived.block_number.unwrap()), Some(included));
    // The batches on L1 carry exactly the transactions sent, in order.
    assert_eq!(batched_transactions(&l1_provider, inbox).await, sent);
    // With fast L1 finality the chain is safe and then finalized.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let finalized =
            val.reader().get_block_by_number(BlockNumberOrTag::Finalized).await.unwrap().unwrap();
        if finalized.header.number >= included {
            break;
        }
        assert!(Instant::now() < deadline, "block {included} never finalized");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }

    // kill -9 both; each resumes at the head it had.
    let (seq_head, val_head) = (
        seq.reader().get_block_number().await.unwrap(),
        val.reader().get_block_number().await.unwrap(),
    );
    seq.kill();
    val.kill();
    let seq = sequencer(&dir, &l1.url, &rollup);
    let val = validator(&dir, &l1.url, &rollup, metrics_port);
    assert!(seq.reader().get_block_number().await.unwrap() >= seq_head);
    assert!(val.reader().get_block_number().await.unwrap() >= val_head);

    // A batch carrying a new transaction lands on L1; then L1 reorganizes it away.
    let raw = transfer(KEYS[0], 4, 99).await;
    let hash = *seq.reader().send_raw_transaction(&raw).await.unwrap().tx_hash();
    sent.push(raw);
    let mut receipt = None;
    while receipt.is_none() {
        tokio::time::sleep(Duration::from_millis(200)).await;
        receipt = seq.reader().get_transaction_receipt(hash).await.unwrap();
    }
    let block = receipt.unwrap().block_number.unwrap();
    wait_for(&val.reader(), block, "the validator").await;
    let l1_head = l1_provider.get_block_number().await.unwrap();
    let batch_l1_block = l1_provider
        .get_logs(&Filter::new().address(inbox).from_block(0))
        .await
        .unwrap()
        .into_iter()
        .filter(|log| {
            let event = BatchPosted::decode_log_data(log.data()).unwrap();
            event.firstBlock <= block && block <= event.lastBlock
        })
        .map(|log| log.block_number.unwrap())
        .next()
        .unwrap();
    let depth = l1_head - batch_l1_block + 1;
    let _: serde_json::Value =
        l1_provider.raw_request("anvil_reorg".into(), (depth, Vec::<()>::new())).await.unwrap();
    // The sequencer posts it again, the validator derives it again.
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let log = std::fs::read_to_string(dir.join("validator.log")).unwrap_or_default();
        if log.contains("L1 reorganized") {
            break;
        }
        assert!(Instant::now() < deadline, "the validator never saw the reorganization:\n{log}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    wait_for(&val.reader(), block + 2, "the validator after the reorganization").await;
    same_chain(&seq.reader(), &val.reader(), block + 2).await;
    assert!(val.reader().get_transaction_receipt(hash).await.unwrap().is_some());
    assert_eq!(batched_transactions(&l1_provider, inbox).await, sent);

    // Steps 4 to 9: the liar's outputs are challenged and discarded, the honest ones
    // finalized; the anchor is the honest validator's output.
    let outputs: alloy::primitives::Address =
        deployment["outputs"].as_str().unwrap().parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(240);
    loop {
        let logs =
            l1_provider.get_logs(&Filter::new().address(outputs).from_block(0)).await.unwrap();
        let topic = |log: &alloy::rpc::types::Log| log.topics()[0];
        let discarded = logs.iter().filter(|l| topic(l) == OutputDiscarded::SIGNATURE_HASH).count();
        let finalized = logs.iter().filter(|l| topic(l) == OutputFinalized::SIGNATURE_HASH).count();
        if discarded > 0 && finalized > 0 {
            break;
        }
        let liar_log = std::fs::read_to_string(dir.join("liar.log")).unwrap_or_default();
        assert!(Instant::now() < deadline, "no discard and finalization yet:\n{liar_log}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let anchor = anchorCall::abi_decode_returns(
        &l1_provider
            .call(
                TransactionRequest::default().to(outputs).input(anchorCall {}.abi_encode().into()),
            )
            .await
            .unwrap(),
    )
    .unwrap();
    let output: serde_json::Value = val
        .reader()
        .raw_request("axon_outputAtBlock".into(), (format!("{:#x}", anchor.l2Block),))
        .await
        .unwrap();
    assert_eq!(
        output["outputRoot"],
        serde_json::json!(anchor.outputRoot),
        "the anchor is the honest output"
    );
    let bond = U256::from(10u64).pow(U256::from(16));
    let liar_now = l1_provider.get_balance(liar_address).await.unwrap();
    assert!(
        liar_now + bond <= liar_funds,
        "the dishonest validator lost its bond: {liar_funds} -> {liar_now}"
    );

    // The honest validator's metrics say so too.
    let text = metrics(metrics_port).await;
    assert!(sample(&text, "axon_outputs_total{event=\"discarded\"}") >= 1, "{text}");
    assert!(sample(&text, "axon_outputs_total{event=\"proposed\"}") >= 1, "{text}");
    assert!(sample(&text, "axon_batches_derived_total") >= 1, "{text}");
    let safe = sample(&text, "axon_l2_head{kind=\"safe\"}");
    assert!(sample(&text, "axon_l2_head{kind=\"unsafe\"}") >= safe, "{text}");
    assert!(safe >= sample(&text, "axon_l2_head{kind=\"finalized\"}"), "{text}");
}
