//! `rollup-demo` (`make demo`): the seed's workflow, steps 1 to 9, on a local anvil it starts
//! itself — an AI rollup with a sequencer, an honest validator and a dishonest one — printed
//! as it happens. Every process it starts is stopped when it ends, fails or gets Ctrl-C.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, Bytes, B256, U256};
use alloy::providers::{DynProvider, Provider, ProviderBuilder};
use alloy::rpc::types::{Filter, Log, TransactionRequest};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolEvent};
use axon_dispute::chain::RpcChain;
use axon_node::deployment::{deploy, DeployOptions};
use axon_node::Genesis;
use clap::Parser;

use axon_dispute::ai_evm::results::IInferenceOracle::ResultClaimed;
use axon_dispute::contracts::IDisputeGame::{claimDataLenCall, statusCall};
use axon_node::l1::IBatchInbox::BatchPosted;
use axon_node::l1::IOutputs::{anchorCall, OutputDiscarded, OutputProposed};

alloy::sol! {
    function inference(bytes32 model_address, bytes input_data, uint256 output_size);
    function mint(address to, uint256 amount);
    function transfer(address to, uint256 amount) returns (bool);
    event Inference(bytes32 model_address, bytes input_data, uint256 output_size, bytes output);
}

/// anvil's development keys: L2 users (funded by the genesis), then the L1 roles.
const ALICE: &str = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const DEPLOYER: &str = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
const SEQUENCER: &str = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
const HONEST: &str = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";
const DISHONEST: &str = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
/// anvil's chain id.
const ANVIL_CHAIN_ID: u64 = 31337;
/// `GameStatus.CHALLENGER_WINS`.
const CHALLENGER_WINS: u8 = 1;
/// Seconds within which a deposit must be batched: an hour, well past the demo.
const DEPOSIT_BOUND: u64 = 3_600;
/// The digits model's model-DA address.
const DIGITS: B256 =
    alloy::primitives::b256!("0x811da4f174aabaf56d9ab117627310813e6774ae301adba59ca8896bba9d298a");

#[derive(Debug, Parser)]
#[command(name = "rollup-demo", about = "The AI rollup's workflow, steps 1 to 9, on a local anvil")]
struct Args {
    /// The repository (for the genesis, the models, the contracts and the guest).
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// Seconds on each side's clock in an output game (the challenge window).
    #[arg(long, default_value_t = 20)]
    dispute_clock: u32,
}

type Result<T> = std::result::Result<T, String>;

/// Processes killed on drop.
#[derive(Default)]
struct Children(Vec<Child>);

impl Drop for Children {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let mut children = Children::default();
    let outcome = run(&args, &mut children);
    drop(children);
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rollup-demo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Deploys on a fresh anvil (the toolkit's synchronous client), then runs the workflow, or
/// stops at Ctrl-C.
fn run(args: &Args, children: &mut Children) -> Result<()> {
    let setup = setup(args, children)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(err)?;
    runtime.block_on(async {
        tokio::select! {
            result = demo(args, &setup, children) => result,
            _ = tokio::signal::ctrl_c() => Err("interrupted".into()),
        }
    })
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0").map_err(err)?.local_addr().map_err(err)?.port())
}

/// Starts anvil with fast finality on a free port.
fn anvil(repo: &Path, children: &mut Children) -> Result<String> {
    let port = free_port()?;
    let child = Command::new(repo.join("contracts/tools/foundry"))
        .args([
            "anvil",
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--silent",
            "--slots-in-an-epoch",
            "1",
        ])
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("anvil: {e} (`make setup` installs it)"))?;
    children.0.push(child);
    let deadline = Instant::now() + Duration::from_secs(30);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err("anvil did not start".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Ok(format!("http://127.0.0.1:{port}"))
}

/// Starts `axon-node ROLE ARGS` with `env`, logging to `log`; returns its JSON-RPC URL.
fn node(
    children: &mut Children,
    role: &str,
    args: &[&str],
    env: &[(&str, &str)],
    log: &Path,
) -> Result<String> {
    let binary = std::env::current_exe().map_err(err)?.with_file_name("axon-node");
    let mut command = Command::new(&binary);
    command.arg(role).args(args).args(["--rpc-addr", "127.0.0.1:0"]);
    for (key, value) in env {
        command.env(key, value);
    }
    let log = std::fs::File::create(log).map_err(err)?;
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .spawn()
        .map_err(|e| format!("{}: {e}", binary.display()))?;
    let mut line = String::new();
    let stdout = child.stdout.take().ok_or("no stdout")?;
    children.0.push(child);
    BufReader::new(stdout).read_line(&mut line).map_err(err)?;
    line.trim()
        .strip_prefix("JSON-RPC on ")
        .map(str::to_owned)
        .ok_or(format!("axon-node {role} said {line:?}"))
}

fn provider(url: &str, key: Option<&str>) -> Result<DynProvider> {
    let url = url.parse().map_err(err)?;
    Ok(match key {
        Some(key) => {
            let signer: PrivateKeySigner = key.parse().map_err(err)?;
            ProviderBuilder::new().wallet(EthereumWallet::from(signer)).connect_http(url).erased()
        }
        None => ProviderBuilder::new().connect_http(url).erased(),
    })
}

async fn send(
    l2: &DynProvider,
    tx: TransactionRequest,
) -> Result<alloy::rpc::types::TransactionReceipt> {
    let receipt = l2.send_transaction(tx).await.map_err(err)?.get_receipt().await.map_err(err)?;
    if !receipt.status() {
        return Err(format!("transaction {} reverted", receipt.transaction_hash));
    }
    Ok(receipt)
}

/// Waits (polling) until `check` gives something.
async fn until<T, F, Fut>(what: &str, limit: Duration, mut check: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<Option<T>>>,
{
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check().await? {
            return Ok(value);
        }
        if Instant::now() > deadline {
            return Err(format!("gave up waiting for {what}"));
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

async fn logs(l1: &DynProvider, address: Address, signature: B256) -> Result<Vec<Log>> {
    l1.get_logs(&Filter::new().address(address).event_signature(signature).from_block(0))
        .await
        .map_err(err)
}

/// What a wrong proposal cost L1, from its proposal to its discard.
struct DisputeCost {
    seconds: u64,
    transactions: usize,
    gas: u64,
    proposal_gas: u64,
}

/// The L1 time between the logs `proposed` and `discarded`, and the transactions and gas of
/// the proposal, of every transaction to `game` in between (moves, the step, resolutions,
/// credit claims) and of the discard.
async fn dispute_cost(
    l1: &DynProvider,
    game: Address,
    proposed: &Log,
    discarded: &Log,
) -> Result<DisputeCost> {
    let (from, to) = (proposed.block_number.unwrap_or(0), discarded.block_number.unwrap_or(0));
    let time = |n: u64| async move {
        let block = l1.get_block_by_number(n.into()).await.map_err(err)?;
        Ok::<u64, String>(block.ok_or("an L1 block vanished")?.header.timestamp)
    };
    let seconds = time(to).await?.saturating_sub(time(from).await?);
    let mut hashes: Vec<B256> = proposed.transaction_hash.into_iter().collect();
    for n in from..=to {
        let block = l1.get_block_by_number(n.into()).full().await.map_err(err)?;
        for tx in block.into_iter().flat_map(|b| b.transactions.into_transactions()) {
            if alloy::consensus::Transaction::to(&tx) == Some(game) {
                hashes.push(*tx.inner.tx_hash());
            }
        }
    }
    hashes.extend(discarded.transaction_hash);
    let mut gas = 0;
    let mut proposal_gas = 0;
    for (i, hash) in hashes.iter().enumerate() {
        let receipt = l1.get_transaction_receipt(*hash).await.map_err(err)?.ok_or("no receipt")?;
        gas += receipt.gas_used;
        if i == 0 {
            proposal_gas = receipt.gas_used;
        }
    }
    Ok(DisputeCost { seconds, transactions: hashes.len(), gas, proposal_gas })
}

fn short(hash: impl std::fmt::Display) -> String {
    let text = hash.to_string();
    format!("{}…", &text[..10])
}

/// What the demo runs on: anvil and the rollup's contracts on it.
struct Setup {
    repo: PathBuf,
    work: PathBuf,
    l1_url: String,
    deployment: axon_node::deployment::Deployment,
}

fn setup(args: &Args, children: &mut Children) -> Result<Setup> {
    let repo = args.repo.canonicalize().map_err(|e| format!("{}: {e}", args.repo.display()))?;
    let work = std::env::temp_dir().join(format!("axon-demo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).map_err(err)?;
    println!("== the Axon AI rollup on a local anvil (logs in {}) ==", work.display());
    let l1_url = anvil(&repo, children)?;
    let genesis = Genesis::load(&repo.join("fixtures/rollup/genesis.json")).map_err(err)?;
    let mut chain =
        RpcChain::connect(&l1_url, &[DEPLOYER.to_owned()]).map_err(err)?.without_time_travel();
    let options = DeployOptions {
        artifacts: &repo.join("contracts/out"),
        genesis: &genesis,
        program: &repo.join("fixtures/programs/rollup-block.elf"),
        inference_program: &repo.join("fixtures/programs/inference.elf"),
        sequencer: SEQUENCER.parse::<PrivateKeySigner>().map_err(err)?.address(),
        dispute_clock: args.dispute_clock,
        withdrawal_delay: 1,
        deposit_bound: DEPOSIT_BOUND,
    };
    let deployer = DEPLOYER.parse::<PrivateKeySigner>().map_err(err)?.address();
    let deployment = deploy(&mut chain, deployer, &options, ANVIL_CHAIN_ID, 0).map_err(err)?;
    deployment.save(&work.join("rollup.json")).map_err(err)?;
    println!(
        "L1: BatchInbox {}, Outputs {}, Portal {} (output games: 2^20 blocks above the split, 2^40 VM steps below, {} s clocks)",
        deployment.batch_inbox, deployment.outputs, deployment.portal, args.dispute_clock
    );
    Ok(Setup { repo, work, l1_url, deployment })
}

async fn demo(_args: &Args, setup: &Setup, children: &mut Children) -> Result<()> {
    let Setup { repo, work, l1_url, deployment } = setup;
    let (repo, work, l1_url, deployment) =
        (repo.as_path(), work.as_path(), l1_url.as_str(), *deployment);
    let genesis_path = repo.join("fixtures/rollup/genesis.json");
    let program = repo.join("fixtures/programs/rollup-block.elf");
    let rollup = work.join("rollup.json");
    let l1 = provider(l1_url, None)?;
    let genesis_arg = genesis_path.to_string_lossy().into_owned();
    let rollup_arg = rollup.to_string_lossy().into_owned();
    let program_arg = program.to_string_lossy().into_owned();
    let inference_arg = repo.join("fixtures/programs/inference.elf").to_string_lossy().into_owned();
    let common = |dir: &str| -> Vec<String> {
        let datadir = work.join(dir).to_string_lossy().into_owned();
        [
            "--genesis",
            &genesis_arg,
            "--datadir",
            &datadir,
            "--l1-rpc",
            l1_url,
            "--rollup",
            &rollup_arg,
        ]
        .map(str::to_owned)
        .to_vec()
    };
    fn refs(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let model_da = format!("127.0.0.1:{}", free_port()?);
    let mut sequencer_args = common("sequencer");
    sequencer_args
        .extend(["--batch-interval", "2", "--model-da-addr", &model_da].map(str::to_owned));
    let l2_url = node(
        children,
        "sequencer",
        &refs(&sequencer_args),
        &[("AXON_SEQUENCER_KEY", SEQUENCER)],
        &work.join("sequencer.log"),
    )?;
    let mut honest_args = common("honest");
    honest_args.extend(
        [
            "--poll-interval",
            "0.25",
            "--propose-every",
            "15",
            "--program",
            &program_arg,
            "--inference-program",
            &inference_arg,
            "--model-da",
            &format!("http://{model_da}"),
        ]
        .map(str::to_owned),
    );
    let honest_url = node(
        children,
        "validator",
        &refs(&honest_args),
        &[("AXON_VALIDATOR_KEY", HONEST)],
        &work.join("honest.log"),
    )?;
    let mut liar_args = common("dishonest");
    liar_args.extend(
        [
            "--poll-interval",
            "0.25",
            "--propose-every",
            "10",
            "--program",
            &program_arg,
            "--inference-program",
            &inference_arg,
            "--dishonest",
        ]
        .map(str::to_owned),
    );
    node(
        children,
        "validator",
        &refs(&liar_args),
        &[("AXON_VALIDATOR_KEY", DISHONEST)],
        &work.join("dishonest.log"),
    )?;
    let liar = DISHONEST.parse::<PrivateKeySigner>().map_err(err)?.address();
    let liar_funds = l1.get_balance(liar).await.map_err(err)?;
    println!("L2: sequencer {l2_url}; an honest validator {honest_url} and a dishonest one ({liar}) derive from L1");

    // Step 1.
    println!("\n[1] users send L2 transactions to the sequencer");
    let l2 = provider(&l2_url, Some(ALICE))?;
    let alice = ALICE.parse::<PrivateKeySigner>().map_err(err)?.address();
    let bob = Address::repeat_byte(0xb0);
    let receipt =
        send(&l2, TransactionRequest::default().with_to(bob).with_value(U256::from(10u64.pow(18))))
            .await?;
    println!(
        "    a transfer of 1 ether to {bob}: block {}, gas {}",
        receipt.block_number.unwrap_or_default(),
        receipt.gas_used
    );
    let code = |file: &str, name: &str| {
        axon_dispute::contracts::creation_code(&repo.join("contracts/out"), file, name).map_err(err)
    };
    let token = send(
        &l2,
        TransactionRequest::default()
            .with_deploy_code(Bytes::from(code("SnapshotToken.sol", "SnapshotToken")?)),
    )
    .await?;
    let token = token.contract_address.ok_or("no token address")?;
    send(
        &l2,
        TransactionRequest::default()
            .with_to(token)
            .with_input(mintCall { to: alice, amount: U256::from(1000) }.abi_encode()),
    )
    .await?;
    let receipt = send(
        &l2,
        TransactionRequest::default()
            .with_to(token)
            .with_input(transferCall { to: bob, amount: U256::from(250) }.abi_encode()),
    )
    .await?;
    println!(
        "    an ERC-20 transfer of 250 tokens ({token}): block {}, gas {}",
        receipt.block_number.unwrap_or_default(),
        receipt.gas_used
    );
    let ai = send(
        &l2,
        TransactionRequest::default()
            .with_deploy_code(Bytes::from(code("AIContract.sol", "AIContract")?)),
    )
    .await?;
    let ai = ai.contract_address.ok_or("no AIContract address")?;
    let samples: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo.join("fixtures/models/digits-test.json")).map_err(err)?,
    )
    .map_err(err)?;
    let pixels: Vec<u8> = samples["samples"][0]["input"]
        .as_array()
        .ok_or("no sample")?
        .iter()
        .map(|v| v.as_i64().unwrap_or_default() as i8 as u8)
        .collect();
    let call = inferenceCall {
        model_address: DIGITS,
        input_data: pixels.into(),
        output_size: U256::from(10),
    };
    let receipt =
        send(&l2, TransactionRequest::default().with_to(ai).with_input(call.abi_encode())).await?;
    let event = receipt
        .inner
        .logs()
        .iter()
        .find_map(|log| Inference::decode_log_data(log.data()).ok())
        .ok_or("no Inference event")?;
    let logits: Vec<i8> = event.output.iter().map(|b| *b as i8).collect();
    let class =
        logits.iter().enumerate().max_by_key(|(_, l)| **l).map(|(i, _)| i).unwrap_or_default();
    println!("    AIContract.inference on the digits model: block {}, gas {}, logits {logits:?}: a {class}", receipt.block_number.unwrap_or_default(), receipt.gas_used);
    let last_block = receipt.block_number.unwrap_or_default();

    // Step 2.
    println!("\n[2] the sequencer posts them to L1 as a batch, in an EIP-4844 blob");
    let batch = until("the batch", Duration::from_secs(60), || async {
        for log in logs(&l1, deployment.batch_inbox, BatchPosted::SIGNATURE_HASH).await? {
            let event = BatchPosted::decode_log_data(log.data()).map_err(err)?;
            if event.lastBlock >= last_block {
                return Ok(Some((event, log.transaction_hash.unwrap_or_default())));
            }
        }
        Ok(None)
    })
    .await?;
    let posted =
        l1.get_transaction_receipt(batch.1).await.map_err(err)?.ok_or("no batch receipt")?;
    println!(
        "    batch {}: L2 blocks {}..={} in a blob ({}), L1 block {}, {} L1 gas and {} blob gas",
        batch.0.index,
        batch.0.firstBlock,
        batch.0.lastBlock,
        short(batch.0.blobHash),
        posted.block_number.unwrap_or_default(),
        posted.gas_used,
        posted.blob_gas_used.unwrap_or_default()
    );

    // Step 3.
    println!("\n[3] validators derive the blocks from L1 alone and execute them (the honest one fetched the models from the sequencer's model DA, each checked against its address)");
    let honest = provider(&honest_url, None)?;
    let derived = until("the honest validator", Duration::from_secs(60), || async {
        let head = honest.get_block_number().await.map_err(err)?;
        Ok((head >= last_block).then_some(head))
    })
    .await?;
    let ours = l2.get_block_by_number(last_block.into()).await.map_err(err)?.ok_or("no block")?;
    let theirs =
        honest.get_block_by_number(last_block.into()).await.map_err(err)?.ok_or("no block")?;
    if ours.header.hash != theirs.header.hash {
        return Err(format!(
            "block {last_block}: the validator derived {}, the sequencer has {}",
            theirs.header.hash, ours.header.hash
        ));
    }
    println!("    the honest validator is at block {derived}; block {last_block} is {} on both, state root {}", short(ours.header.hash), short(ours.header.state_root));

    // Steps 4 to 6.
    println!("\n[4-6] validators post output roots to L1, bonded; the others compare with theirs");
    let (liar_game, liar_block, liar_root, proposed_in) = until("a dishonest proposal", Duration::from_secs(120), || async {
        for log in logs(&l1, deployment.outputs, OutputProposed::SIGNATURE_HASH).await? {
            let event = OutputProposed::decode_log_data(log.data()).map_err(err)?;
            let output: serde_json::Value = honest.raw_request("axon_outputAtBlock".into(), (format!("{:#x}", event.l2Block),)).await.map_err(err)?;
            let computed: B256 = output["outputRoot"].as_str().unwrap_or_default().parse().map_err(err)?;
            let who = if event.proposer == liar { "the dishonest validator" } else { "the honest validator" };
            if event.proposer == liar && computed != event.outputRoot {
                println!("    {who} proposed {} for block {}; the honest validator computes {}: they differ", short(event.outputRoot), event.l2Block, short(computed));
                return Ok(Some((event.game, event.l2Block, event.outputRoot, log.clone())));
            }
        }
        Ok(None)
    }).await?;

    // Steps 7 and 8.
    println!("\n[7-8] the honest validator challenges: a split game over the block's derivation (the block proof; inference results come from opML's)");
    let claims = |game: Address| {
        let l1 = l1.clone();
        async move {
            let out = l1
                .call(
                    TransactionRequest::default()
                        .with_to(game)
                        .with_input(claimDataLenCall {}.abi_encode()),
                )
                .await
                .map_err(err)?;
            claimDataLenCall::abi_decode_returns(&out).map_err(err)
        }
    };
    let reported = std::cell::Cell::new(0u64);
    let started = Instant::now();
    let (discarded, discarded_in) = until("the game's end", Duration::from_secs(600), || async {
        let count: u64 = claims(liar_game).await?.to();
        if count >= reported.get() + 20 || (count > reported.get() && count >= 61) {
            println!(
                "    game {}: {count} claims ({} s)",
                short(liar_game),
                started.elapsed().as_secs()
            );
            reported.set(count);
        }
        for log in logs(&l1, deployment.outputs, OutputDiscarded::SIGNATURE_HASH).await? {
            let event = OutputDiscarded::decode_log_data(log.data()).map_err(err)?;
            if event.game == liar_game {
                return Ok(Some((event, log)));
            }
        }
        Ok(None)
    })
    .await?;
    println!(
        "    the bisection ran through the outputs per block to block {liar_block}, then through its derivation's VM trace to one RISC-V instruction, which L1's verifier runs"
    );

    // Step 9.
    println!("\n[9] the dishonest validator loses: its output is discarded, its bond slashed");
    let liar_now = l1.get_balance(liar).await.map_err(err)?;
    let lost = liar_funds.saturating_sub(liar_now);
    println!(
        "    output {} of block {} discarded; the dishonest validator lost {} ether of bonds and gas on L1",
        short(discarded.outputRoot),
        discarded.l2Block,
        alloy::primitives::utils::format_ether(lost)
    );
    let cost = dispute_cost(&l1, liar_game, &proposed_in, &discarded_in).await?;
    println!(
        "    from the proposal to its discard: {} s of L1 time, {} L1 transactions, {} L1 gas (the proposal {} gas)",
        cost.seconds, cost.transactions, cost.gas, cost.proposal_gas
    );
    let opml = until("the wrong inference result's game", Duration::from_secs(300), || async {
        for log in logs(&l1, deployment.inference_oracle, ResultClaimed::SIGNATURE_HASH).await? {
            let claim = log.log_decode::<ResultClaimed>().map_err(err)?.inner.data;
            if claim.claimant != liar {
                continue;
            }
            let input = statusCall {}.abi_encode();
            let call = TransactionRequest::default().with_to(claim.game).with_input(input);
            let status = statusCall::abi_decode_returns(&l1.call(call).await.map_err(err)?);
            if status.map_err(err)? == CHALLENGER_WINS {
                return Ok(Some(claim));
            }
        }
        Ok(None)
    })
    .await?;
    println!(
        "    its wrong result of the inference (request {}) lost its opML game {} too: the inference guest's run bisected to one step",
        short(opml.request),
        short(opml.game)
    );
    let anchor = until("an honest output finalized", Duration::from_secs(600), || async {
        let out = l1
            .call(
                TransactionRequest::default()
                    .with_to(deployment.outputs)
                    .with_input(anchorCall {}.abi_encode()),
            )
            .await
            .map_err(err)?;
        let anchor = anchorCall::abi_decode_returns(&out).map_err(err)?;
        Ok((anchor.l2Block > 0).then_some(anchor))
    })
    .await?;
    println!(
        "    the anchor is the honest output {} of block {}: no later root builds on {}",
        short(anchor.outputRoot),
        anchor.l2Block,
        short(liar_root)
    );
    println!("\n== done: the rollup ran steps 1 to 9; the dishonest validator was slashed and its root discarded ==");
    Ok(())
}
