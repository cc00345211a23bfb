//! The rollup on an L1: anvil, the contracts `axon-node deploy` puts there, a sequencer that
//! posts its blocks in batches (EIP-4844 blobs) and serves its models (model DA), an honest
//! validator that reads its models from there, derives the chain from L1 alone, proposes its
//! outputs and forwards transactions sent to it, and a dishonest one that proposes wrong
//! outputs. The validator reaches the sequencer's block hash and state root for every block;
//! the batches' blobs, read from L1's beacon API, decode to exactly the transactions sent; a
//! validator refuses a model-DA endpoint without its models; every role survives kill -9; an L1
//! reorganization that drops a batch makes the sequencer post it again and the validator
//! derive it again; the dishonest validator's outputs are challenged and discarded and its
//! bonds lost, the honest one's finalized as the anchor. Through the bridge, an L1 deposit is
//! credited on the L2 by derivation, and a withdrawal from the L2 is paid on L1 once, on a
//! storage proof (`eth_getProof`) against a finalized output. An `AIContract` inference runs
//! on the L2; a wrong result claimed for its request at the `InferenceOracle` is challenged by
//! the honest validator (an opML game) and lost. Last, a sequencer that withholds
//! a deposit has its batches refused once the deposit is overdue; anyone forces the deposit
//! in, the validator credits it, and the sequencer adopts the forced batch and goes on.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use alloy::consensus::Transaction as _;
use alloy::eips::{BlockNumberOrTag, Encodable2718};
use alloy::network::{EthereumWallet, NetworkTransactionBuilder, TransactionBuilder};
use alloy::primitives::{address, keccak256, Address, Bytes, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{Filter, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolError, SolEvent, SolValue};

use super::support::{anvil, data_dir, node_command, repo, Node, KEYS};

use axon_dispute::ai_evm::results::IInferenceOracle;
use axon_node::l1::beacon_blob;
use axon_node::l1::IBatchInbox::{self, BatchPosted};
use axon_node::l1::IOutputs::{anchorCall, OutputDiscarded, OutputFinalized};
use axon_node::l1::IPortal;
use axon_rollup::output::MESSAGE_PASSER;

/// anvil's account 5, which posts batches (funded on L1 only).
const SEQUENCER_KEY: &str = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
/// anvil's account 4, which deploys.
const DEPLOYER_KEY: &str = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
/// anvil's account 6, the honest validator's.
const VALIDATOR_KEY: &str = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";
/// anvil's account 3, the dishonest validator's.
const LIAR_KEY: &str = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
/// The bridge's user: an account with nothing on L1 or L2 until its deposit.
const BRIDGE_KEY: &str = "0x00000000000000000000000000000000000000000000000000000000b41d6e01";
/// What the bridge's user deposits, and withdraws of it.
const DEPOSIT: u128 = 1_000_000_000_000_000_000;
const WITHDRAWAL: u128 = 250_000_000_000_000_000;
/// Seconds within which a deposit must be batched.
const DEPOSIT_BOUND: u64 = 30;

/// The digits model's address (fixtures/models/addresses.json).
const DIGITS: B256 =
    alloy::primitives::b256!("0x811da4f174aabaf56d9ab117627310813e6774ae301adba59ca8896bba9d298a");

alloy::sol! {
    function inference(bytes32 model_address, bytes input_data, uint256 output_size);
}

/// Signs, from `KEYS[2]` with `nonce`, a transaction to `to` (a creation without one) of
/// `input`: its EIP-2718 bytes.
async fn signed(nonce: u64, to: Option<Address>, input: Vec<u8>) -> Bytes {
    let signer: PrivateKeySigner = KEYS[2].parse().unwrap();
    let tx = TransactionRequest::default()
        .with_input(input)
        .with_nonce(nonce)
        .with_chain_id(42069)
        .with_gas_limit(2_000_000)
        .with_max_fee_per_gas(10_000_000_000)
        .with_max_priority_fee_per_gas(1_000_000);
    let tx = match to {
        Some(to) => tx.with_to(to),
        None => tx.into_create(),
    };
    tx.build(&EthereumWallet::from(signer)).await.unwrap().encoded_2718().into()
}

/// Sends `raw` to the sequencer and waits for its receipt.
async fn included(seq: &DynProvider, raw: &Bytes) -> alloy::rpc::types::TransactionReceipt {
    let hash = *seq.send_raw_transaction(raw).await.unwrap().tx_hash();
    loop {
        if let Some(receipt) = seq.get_transaction_receipt(hash).await.unwrap() {
            return receipt;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// Deploys `AIContract` and calls its inference on the digits model on the L2: the raw
/// transactions and the request the `inference` precompile served.
async fn inference_on_l2(seq: &DynProvider) -> (Vec<Bytes>, Vec<u8>) {
    let code = axon_dispute::contracts::creation_code(
        &repo().join("contracts/out"),
        "AIContract.sol",
        "AIContract",
    )
    .unwrap();
    let deploy = signed(0, None, code).await;
    let contract = included(seq, &deploy).await.contract_address.unwrap();
    let (pixels, _) = super::support::digits_sample();
    let call = inferenceCall {
        model_address: DIGITS,
        input_data: pixels.clone().into(),
        output_size: U256::from(10),
    };
    let raw = signed(1, Some(contract), call.abi_encode()).await;
    assert!(included(seq, &raw).await.status(), "the inference ran");
    // The precompile's request: model ‖ uint256 output size ‖ input.
    let mut request = DIGITS.to_vec();
    request.extend(U256::from(10).to_be_bytes::<32>());
    request.extend(pixels);
    (vec![deploy, raw], request)
}

/// The game of the dishonest validator's claim of a result of `request` at the
/// `InferenceOracle`, once L1 has it.
async fn liars_claim(l1: &DynProvider, deployment: &serde_json::Value, request: &[u8]) -> Address {
    let oracle: Address = deployment["inferenceOracle"].as_str().unwrap().parse().unwrap();
    let liar = LIAR_KEY.parse::<PrivateKeySigner>().unwrap().address();
    let filter = Filter::new()
        .address(oracle)
        .event_signature(IInferenceOracle::ResultClaimed::SIGNATURE_HASH)
        .from_block(0);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        for log in l1.get_logs(&filter).await.unwrap() {
            let claim = log.log_decode::<IInferenceOracle::ResultClaimed>().unwrap().inner.data;
            if claim.claimant == liar && claim.request == keccak256(request) {
                return claim.game;
            }
        }
        assert!(Instant::now() < deadline, "the dishonest validator claimed no result");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

alloy::sol! {
    function status() external view returns (uint8);
}

/// An L1 provider sending from `key`.
fn l1_wallet(url: &str, key: &str) -> DynProvider {
    let signer: PrivateKeySigner = key.parse().unwrap();
    ProviderBuilder::new()
        .wallet(EthereumWallet::from(signer))
        .connect_http(url.parse().unwrap())
        .erased()
}

/// Deposits [`DEPOSIT`] to the bridge's user through the portal and waits until both nodes
/// have credited it; then the user withdraws [`WITHDRAWAL`] through the message passer and
/// the withdrawal's hash, its L2 block and its raw transaction are returned.
async fn deposit_and_withdraw(
    l1: &str,
    portal: Address,
    seq: &DynProvider,
    val: &DynProvider,
) -> (IPortal::Withdrawal, u64, Bytes) {
    let user = BRIDGE_KEY.parse::<PrivateKeySigner>().unwrap().address();
    let call = IPortal::depositCall { to: user };
    let request = TransactionRequest::default()
        .to(portal)
        .value(U256::from(DEPOSIT))
        .input(call.abi_encode().into());
    let receipt = l1_wallet(l1, DEPLOYER_KEY)
        .send_transaction(request)
        .await
        .unwrap()
        .get_receipt()
        .await
        .unwrap();
    assert!(receipt.status(), "the deposit went through");
    let deadline = Instant::now() + Duration::from_secs(60);
    for node in [seq, val] {
        while node.get_balance(user).await.unwrap() != U256::from(DEPOSIT) {
            assert!(Instant::now() < deadline, "the deposit was never credited");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    let signer: PrivateKeySigner = BRIDGE_KEY.parse().unwrap();
    let tx = TransactionRequest::default()
        .with_to(MESSAGE_PASSER)
        .with_value(U256::from(WITHDRAWAL))
        .with_nonce(0)
        .with_chain_id(42069)
        .with_gas_limit(200_000)
        .with_max_fee_per_gas(10_000_000_000)
        .with_max_priority_fee_per_gas(1_000_000);
    let raw: Bytes = tx.build(&EthereumWallet::from(signer)).await.unwrap().encoded_2718().into();
    let hash = *seq.send_raw_transaction(&raw).await.unwrap().tx_hash();
    let mut receipt = None;
    while receipt.is_none() {
        tokio::time::sleep(Duration::from_millis(200)).await;
        receipt = seq.get_transaction_receipt(hash).await.unwrap();
    }
    let receipt = receipt.unwrap();
    assert!(receipt.status(), "the withdrawal was initiated");
    let withdrawal = IPortal::Withdrawal {
        nonce: U256::ZERO,
        sender: user,
        target: user,
        value: U256::from(WITHDRAWAL),
    };
    (withdrawal, receipt.block_number.unwrap(), raw)
}

/// Pays `withdrawal`, initiated in L2 block `block`, on L1 once a finalized output covers
/// it: its proof from the validator's `eth_getProof`. Returns the L1 gas it took.
async fn finalize_withdrawal(
    l1: &str,
    deployment: &serde_json::Value,
    val: &DynProvider,
    withdrawal: &IPortal::Withdrawal,
    block: u64,
) -> u64 {
    let address = |name: &str| deployment[name].as_str().unwrap().parse::<Address>().unwrap();
    let (outputs, portal) = (address("outputs"), address("portal"));
    let reader = ProviderBuilder::new().connect_http(l1.parse().unwrap()).erased();
    let deadline = Instant::now() + Duration::from_secs(120);
    let (game, l2_block) = loop {
        let filter = Filter::new()
            .address(outputs)
            .event_signature(OutputFinalized::SIGNATURE_HASH)
            .from_block(0);
        let finalized = reader.get_logs(&filter).await.unwrap().into_iter().find_map(|log| {
            let event = OutputFinalized::decode_log_data(log.data()).unwrap();
            (event.l2Block >= block).then_some((event.game, event.l2Block))
        });
        if let Some(found) = finalized {
            break found;
        }
        assert!(Instant::now() < deadline, "no finalized output covers L2 block {block}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let hash = keccak256(
        (withdrawal.nonce, withdrawal.sender, withdrawal.target, withdrawal.value)
            .abi_encode_params(),
    );
    let slot = keccak256((hash, U256::ZERO).abi_encode_params());
    let proof = val.get_proof(MESSAGE_PASSER, vec![slot]).number(l2_block).await.unwrap();
    assert_eq!(proof.storage_proof[0].value, U256::from(1), "the message passer holds it");
    let header = val.get_block_by_number(l2_block.into()).await.unwrap().unwrap().header;
    let call = IPortal::finalizeWithdrawalCall {
        withdrawal: withdrawal.clone(),
        game,
        outputRootProof: IPortal::OutputRootProof {
            stateRoot: header.state_root,
            messagePasserStorageRoot: proof.storage_hash,
            blockHash: header.hash,
        },
        withdrawalProof: proof.storage_proof[0].proof.clone(),
    };
    let request =
        TransactionRequest::default().to(portal).input(call.abi_encode().into()).gas_limit(500_000);
    let wallet = l1_wallet(l1, DEPLOYER_KEY);
    let receipt =
        wallet.send_transaction(request.clone()).await.unwrap().get_receipt().await.unwrap();
    assert!(receipt.status(), "the withdrawal was paid");
    assert_eq!(reader.get_balance(withdrawal.target).await.unwrap(), U256::from(WITHDRAWAL));
    // Paying it again reverts, with the bridge's error.
    let again = wallet.call(request).await.unwrap_err();
    let data = again.as_error_resp().and_then(|e| e.as_revert_data()).unwrap();
    assert_eq!(data[..4], IPortal::WithdrawalAlreadyFinalized::SELECTOR);
    receipt.gas_used
}

fn sequencer(dir: &Path, l1: &str, rollup: &Path, model_da: u16) -> Node {
    Node::spawn(sequencer_command(dir, l1, rollup, model_da))
}

/// `axon-node sequencer`, serving its models on port `model_da`, logging to
/// `DIR/sequencer.log`.
fn sequencer_command(dir: &Path, l1: &str, rollup: &Path, model_da: u16) -> Command {
    let mut command = node_command("sequencer", &dir.join("sequencer"));
    command
        .args(["--block-time", "1", "--batch-interval", "1", "--l1-rpc", l1])
        .args(["--model-da-addr", &format!("127.0.0.1:{model_da}")])
        .arg("--rollup")
        .arg(rollup)
        .env("AXON_SEQUENCER_KEY", SEQUENCER_KEY)
        .stderr(Stdio::from(log(dir, "sequencer")));
    command
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
    command.arg("--inference-program").arg(repo().join("fixtures/programs/inference.elf"));
    if !honest {
        command.arg("--dishonest");
    }
    command.stderr(Stdio::from(log(dir, name)));
    command
}

/// `DIR/NAME.log`, appended to.
fn log(dir: &Path, name: &str) -> std::fs::File {
    let path = dir.join(format!("{name}.log"));
    std::fs::OpenOptions::new().create(true).append(true).open(path).unwrap()
}

/// The honest validator, serving metrics on `metrics`, reading its models from the model-DA
/// endpoint on port `model_da` and forwarding transactions to `sequencer` (the sequencer's).
fn validator(
    dir: &Path,
    l1: &str,
    rollup: &Path,
    metrics: u16,
    model_da: u16,
    sequencer: &Node,
) -> Node {
    let mut command = validator_command(dir, "validator", l1, rollup, VALIDATOR_KEY, 12, true);
    command.args(["--metrics-addr", &format!("127.0.0.1:{metrics}")]);
    command.args(["--model-da", &format!("http://127.0.0.1:{model_da}")]);
    command.args(["--sequencer-rpc", &sequencer.url]);
    Node::spawn(command)
}

/// A validator refuses to start from a model-DA endpoint that lacks a model of its genesis.
fn validator_refuses_a_model_da_without_the_models(
    dir: &Path,
    l1: &str,
    rollup: &Path,
    endpoint: u16,
) {
    let mut command = validator_command(dir, "no-models", l1, rollup, VALIDATOR_KEY, 12, true);
    command.args(["--model-da", &format!("http://127.0.0.1:{endpoint}")]);
    let out = command.stderr(Stdio::piped()).output().unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("does not have this model"), "{stderr}");
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

/// Waits until `DIR/NAME.log` says `needle`.
async fn wait_for_log(dir: &Path, name: &str, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let log = std::fs::read_to_string(dir.join(format!("{name}.log"))).unwrap_or_default();
        if log.contains(needle) {
            return;
        }
        assert!(Instant::now() < deadline, "{name}.log never said {needle:?}:\n{log}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
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

/// Every transaction the inbox's batches carry, in order: their blobs read from the L1 at
/// `url`'s beacon API, each checked against its versioned hash.
async fn batched_transactions(
    l1: &DynProvider,
    url: &str,
    inbox: alloy::primitives::Address,
) -> Vec<Bytes> {
    let filter =
        Filter::new().address(inbox).event_signature(BatchPosted::SIGNATURE_HASH).from_block(0);
    let mut transactions = Vec::new();
    for log in l1.get_logs(&filter).await.unwrap() {
        let event = BatchPosted::decode_log_data(log.data()).unwrap();
        if event.blobHash == B256::ZERO {
            continue; // a forced batch: no data
        }
        let tx = l1.get_transaction_by_hash(log.transaction_hash.unwrap()).await.unwrap().unwrap();
        assert_eq!(tx.inner.blob_versioned_hashes(), Some(&[event.blobHash][..]));
        let blob = beacon_blob(url, log.block_number.unwrap(), event.blobHash).await.unwrap();
        let blocks = axon_rollup::batch::decode_blob(&blob).unwrap();
        assert_eq!(blocks.len() as u64, event.lastBlock - event.firstBlock + 1);
        transactions.extend(blocks.into_iter().flat_map(|b| b.transactions));
    }
    transactions
}

#[tokio::test(flavor = "multi_thread")]
async fn the_rollup_runs_end_to_end_on_anvil() {
    let l1 = anvil();
    let dir = data_dir("rollup");
    std::fs::create_dir_all(&dir).unwrap();
    let rollup = dir.join("rollup.json");
    let sequencer_address = SEQUENCER_KEY.parse::<PrivateKeySigner>().unwrap().address();
    let deployed = Command::new(env!("CARGO_BIN_EXE_axon-node"))
        .args(["deploy", "--l1-rpc", &l1.url, "--sequencer", &sequencer_address.to_string()])
        .args(["--dispute-clock", "20", "--withdrawal-delay", "1"])
        .args(["--deposit-bound", &DEPOSIT_BOUND.to_string()])
        .arg("--genesis")
        .arg(repo().join("fixtures/rollup/genesis.json"))
        .arg("--program")
        .arg(repo().join("fixtures/programs/rollup-block.elf"))
        .arg("--inference-program")
        .arg(repo().join("fixtures/programs/inference.elf"))
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

    let free_port =
        || std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (metrics_port, model_da) = (free_port(), free_port());
    let seq = sequencer(&dir, &l1.url, &rollup, model_da);
    let val = validator(&dir, &l1.url, &rollup, metrics_port, model_da, &seq);
    // The validator read its models from the sequencer's model DA; an endpoint without them
    // (the validator's metrics server answers 404) is refused.
    validator_refuses_a_model_da_without_the_models(&dir, &l1.url, &rollup, metrics_port);
    let _liar = validator_as(&dir, "liar", &l1.url, &rollup, LIAR_KEY, 8, false);
    let liar_address = LIAR_KEY.parse::<PrivateKeySigner>().unwrap().address();
    let liar_funds = l1_provider.get_balance(liar_address).await.unwrap();
    let portal = deployment["portal"].as_str().unwrap().parse().unwrap();
    let (withdrawal, withdrawn_in, raw) =
        deposit_and_withdraw(&l1.url, portal, &seq.reader(), &val.reader()).await;
    let mut sent = vec![raw];
    let (ai_transactions, request) = inference_on_l2(&seq.reader()).await;
    sent.extend(ai_transactions);
    for nonce in 0..4 {
        for key in [KEYS[0], KEYS[1]] {
            let raw = transfer(key, nonce, nonce + 1).await;
            let _ = seq.reader().send_raw_transaction(&raw).await.unwrap();
            sent.push(raw);
        }
    }
    // A transaction sent to the validator is forwarded to the sequencer, and the sequencer's
    // refusal of one it has comes back as it gave it.
    let raw = transfer(KEYS[0], 4, 5).await;
    let _ = val.reader().send_raw_transaction(&raw).await.unwrap();
    let again = val.reader().send_raw_transaction(&raw).await.unwrap_err().to_string();
    let direct = seq.reader().send_raw_transaction(&raw).await.unwrap_err().to_string();
    assert_eq!(again, direct);
    sent.push(raw);
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
    assert_eq!(batched_transactions(&l1_provider, &l1.url, inbox).await, sent);
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
    let seq = sequencer(&dir, &l1.url, &rollup, model_da);
    let val = validator(&dir, &l1.url, &rollup, metrics_port, model_da, &seq);
    assert!(seq.reader().get_block_number().await.unwrap() >= seq_head);
    assert!(val.reader().get_block_number().await.unwrap() >= val_head);

    // A batch carrying a new transaction lands on L1; then L1 reorganizes it away.
    let raw = transfer(KEYS[0], 5, 99).await;
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
    wait_for_log(&dir, "validator", "L1 reorganized").await;
    wait_for(&val.reader(), block + 2, "the validator after the reorganization").await;
    same_chain(&seq.reader(), &val.reader(), block + 2).await;
    assert!(val.reader().get_transaction_receipt(hash).await.unwrap().is_some());
    assert_eq!(batched_transactions(&l1_provider, &l1.url, inbox).await, sent);

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

    // The dishonest validator claimed a wrong result of the inference's request and defends
    // it; the honest validator bisects the `inference` guest's run down to one step, and the
    // claim loses.
    let wrong_claim = liars_claim(&l1_provider, &deployment, &request).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let input = statusCall {}.abi_encode().into();
        let out = l1_provider.call(TransactionRequest::default().to(wrong_claim).input(input));
        if statusCall::abi_decode_returns(&out.await.unwrap()).unwrap() == 1 {
            break;
        }
        let log = std::fs::read_to_string(dir.join("validator.log")).unwrap_or_default();
        assert!(Instant::now() < deadline, "the wrong result's claim still stands:\n{log}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    let log = std::fs::read_to_string(dir.join("validator.log")).unwrap();
    assert!(log.contains("challenging it"), "{log}");

    // The withdrawal is paid on L1, once.
    let reader = val.reader();
    let gas = finalize_withdrawal(&l1.url, &deployment, &reader, &withdrawal, withdrawn_in).await;
    eprintln!("finalizeWithdrawal: {gas} L1 gas");

    // The honest validator's metrics say so too (counted since its restart: the liar goes on
    // proposing, and losing).
    let deadline = Instant::now() + Duration::from_secs(120);
    let text = loop {
        let text = metrics(metrics_port).await;
        if sample(&text, "axon_outputs_total{event=\"discarded\"}") >= 1 {
            break text;
        }
        assert!(Instant::now() < deadline, "no discard counted since the restart:\n{text}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    assert!(sample(&text, "axon_outputs_total{event=\"proposed\"}") >= 1, "{text}");
    assert!(sample(&text, "axon_batches_derived_total") >= 1, "{text}");
    let safe = sample(&text, "axon_l2_head{kind=\"safe\"}");
    assert!(sample(&text, "axon_l2_head{kind=\"unsafe\"}") >= safe, "{text}");
    assert!(safe >= sample(&text, "axon_l2_head{kind=\"finalized\"}"), "{text}");

    // A sequencer that withholds a deposit cannot batch past its bound; anyone forces it in.
    seq.kill();
    let seq = Node::spawn({
        let mut command = sequencer_command(&dir, &l1.url, &rollup, model_da);
        command.arg("--withhold-deposits");
        command
    });
    forced_inclusion(&l1.url, &deployment, &dir, &seq.reader(), &val.reader()).await;
}

/// Deposits to a fresh account while the sequencer withholds deposits, lets the deposit fall
/// overdue (L1's clock moved past the bound), and checks that the sequencer's batches are
/// refused, that anyone can force the deposit in, that the validator credits it, and that the
/// sequencer adopts the forced batch and batches again.
async fn forced_inclusion(
    l1: &str,
    deployment: &serde_json::Value,
    dir: &Path,
    seq: &DynProvider,
    val: &DynProvider,
) {
    let address = |name: &str| deployment[name].as_str().unwrap().parse::<Address>().unwrap();
    let wallet = l1_wallet(l1, DEPLOYER_KEY);
    let send = |to: Address, value: u128, input: Vec<u8>| {
        let request =
            TransactionRequest::default().to(to).value(U256::from(value)).input(input.into());
        let wallet = wallet.clone();
        async move {
            let receipt =
                wallet.send_transaction(request).await.unwrap().get_receipt().await.unwrap();
            assert!(receipt.status());
            receipt
        }
    };
    let user = address!("0x00000000000000000000000000000000000000d2");
    send(address("portal"), DEPOSIT, IPortal::depositCall { to: user }.abi_encode()).await;
    let _: serde_json::Value =
        wallet.raw_request("evm_increaseTime".into(), (DEPOSIT_BOUND + 1,)).await.unwrap();
    let _: serde_json::Value = wallet.raw_request("evm_mine".into(), ()).await.unwrap();

    wait_for_log(dir, "sequencer", "DepositWithheld").await;
    assert_eq!(seq.get_balance(user).await.unwrap(), U256::ZERO, "the sequencer withholds it");
    // A transaction the sequencer includes in a block that will never be batched.
    let sender = KEYS[1].parse::<PrivateKeySigner>().unwrap().address();
    let nonce = seq.get_transaction_count(sender).await.unwrap();
    let raw = transfer(KEYS[1], nonce, 7).await;
    let hash = *seq.send_raw_transaction(&raw).await.unwrap().tx_hash();
    while seq.get_transaction_receipt(hash).await.unwrap().is_none() {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    let receipt = send(address("batchInbox"), 0, IBatchInbox::forceIncludeCall {}.abi_encode());
    let forced = receipt.await;
    let log =
        forced.inner.logs().iter().find_map(|log| BatchPosted::decode_log_data(log.data()).ok());
    let forced_block = log.unwrap().firstBlock;
    let deadline = Instant::now() + Duration::from_secs(60);
    for node in [val, seq] {
        while node.get_balance(user).await.unwrap() != U256::from(DEPOSIT) {
            assert!(Instant::now() < deadline, "the forced deposit was never credited");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    // The sequencer adopted the forced block, then batches its own again on top of it; the
    // transaction of its dropped block went back to its pool and into a later block.
    let deadline = Instant::now() + Duration::from_secs(60);
    let included = loop {
        if let Some(receipt) = val.get_transaction_receipt(hash).await.unwrap() {
            break receipt.block_number.unwrap();
        }
        assert!(Instant::now() < deadline, "the dropped block's transaction was lost");
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert!(included > forced_block);
    wait_for(val, included, "the validator past the forced block").await;
    same_chain(seq, val, included).await;
    let log = std::fs::read_to_string(dir.join("sequencer.log")).unwrap();
    assert!(log.contains("adopted 1 batches"), "{log}");
}
