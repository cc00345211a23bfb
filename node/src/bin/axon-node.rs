//! `axon-node`: the Axon AI rollup's node (docs/rollup.md).
//!
//! - `deploy` puts the rollup's contracts on L1 and writes `rollup.json`;
//! - `sequencer` takes transactions over JSON-RPC, builds a block every block time and,
//!   given an L1, posts them in batches;
//! - `validator` derives the chain from L1 alone and serves it over JSON-RPC.
//!
//! Keys are read from a file or the environment, never from the command line.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use alloy::network::{EthereumWallet, TransactionBuilder};
use alloy::primitives::{Address, Bytes};
use alloy::providers::{Provider, ProviderBuilder};
use alloy::rpc::types::TransactionRequest;
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::SolValue;
use axon_node::deployment::Deployment;
use axon_node::l1::L1;
use axon_node::rpc::{serve, Limits};
use axon_node::{batcher, derivation, sequencer, Genesis, Node, NodeError, Role};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "axon-node", version, about = "The Axon AI rollup's node")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Deploy the rollup's L1 contracts and write the deployment file.
    Deploy(DeployArgs),
    /// Take transactions over JSON-RPC, build a block every block time, post batches to L1.
    Sequencer(SequencerArgs),
    /// Derive the chain from L1 alone and serve it over JSON-RPC.
    Validator(ValidatorArgs),
}

#[derive(Debug, clap::Args)]
struct DeployArgs {
    /// L1's JSON-RPC endpoint.
    #[arg(long, env = "AXON_L1_RPC")]
    l1_rpc: String,
    /// forge's build output (`contracts/out`).
    #[arg(long, default_value = "contracts/out")]
    artifacts: PathBuf,
    /// The account allowed to post batches.
    #[arg(long)]
    sequencer: Address,
    /// A file holding the deployer's private key (else `AXON_DEPLOYER_KEY`).
    #[arg(long)]
    deployer_key_file: Option<PathBuf>,
    /// Where to write the deployment (`rollup.json`).
    #[arg(long)]
    out: PathBuf,
}

#[derive(Debug, clap::Args)]
struct NodeArgs {
    /// The chain's genesis file.
    #[arg(long, env = "AXON_GENESIS")]
    genesis: PathBuf,
    /// The directory of the node's database (created if need be).
    #[arg(long, env = "AXON_DATADIR")]
    datadir: PathBuf,
    /// Where the JSON-RPC server (HTTP and WebSocket) listens; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8545", env = "AXON_RPC_ADDR")]
    rpc_addr: SocketAddr,
    /// The largest JSON-RPC request body, in bytes.
    #[arg(long, default_value_t = Limits::default().max_body)]
    rpc_max_body: u32,
    /// The most blocks one `eth_getLogs` may scan.
    #[arg(long, default_value_t = Limits::default().logs_range)]
    rpc_logs_range: u64,
    /// The most gas one `eth_call` or `eth_estimateGas` may use.
    #[arg(long, default_value_t = Limits::default().gas_cap)]
    rpc_gas_cap: u64,
}

#[derive(Debug, clap::Args)]
struct L1Args {
    /// L1's JSON-RPC endpoint.
    #[arg(long, env = "AXON_L1_RPC")]
    l1_rpc: String,
    /// The rollup's L1 deployment (`axon-node deploy --out`).
    #[arg(long, env = "AXON_ROLLUP")]
    rollup: PathBuf,
}

#[derive(Debug, clap::Args)]
struct SequencerArgs {
    #[command(flatten)]
    node: NodeArgs,
    /// Seconds between blocks.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    block_time: u64,
    /// L1's JSON-RPC endpoint: without it the sequencer posts nothing (a development chain).
    #[arg(long, env = "AXON_L1_RPC", requires = "rollup")]
    l1_rpc: Option<String>,
    /// The rollup's L1 deployment.
    #[arg(long, env = "AXON_ROLLUP", requires = "l1_rpc")]
    rollup: Option<PathBuf>,
    /// A file holding the key batches are posted with (else `AXON_SEQUENCER_KEY`).
    #[arg(long)]
    sequencer_key_file: Option<PathBuf>,
    /// Seconds between batches.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    batch_interval: u64,
}

#[derive(Debug, clap::Args)]
struct ValidatorArgs {
    #[command(flatten)]
    node: NodeArgs,
    #[command(flatten)]
    l1: L1Args,
    /// Seconds between reads of L1.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..))]
    poll_interval: u64,
}

fn main() -> ExitCode {
    let result = match Cli::parse().command {
        Command::Deploy(args) => deploy(args),
        Command::Sequencer(args) => run_sequencer(args),
        Command::Validator(args) => run_validator(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("axon-node: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The key in `file`, else in the environment variable `var`, if either is set.
fn load_key(file: Option<&Path>, var: &str) -> axon_node::Result<Option<PrivateKeySigner>> {
    let text = match file {
        Some(path) => std::fs::read_to_string(path)
            .map_err(|source| NodeError::Io { path: path.to_owned(), source })?,
        None => match std::env::var(var) {
            Ok(text) => text,
            Err(_) => return Ok(None),
        },
    };
    text.trim().parse().map(Some).map_err(|e| NodeError::Key(format!("{e}")))
}

fn runtime() -> axon_node::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| NodeError::Io { path: PathBuf::from("tokio"), source })
}

fn deploy(args: DeployArgs) -> axon_node::Result<()> {
    let key =
        load_key(args.deployer_key_file.as_deref(), "AXON_DEPLOYER_KEY")?.ok_or_else(|| {
            NodeError::Key("no deployer key: --deployer-key-file or AXON_DEPLOYER_KEY".into())
        })?;
    let mut code =
        axon_dispute::contracts::creation_code(&args.artifacts, "BatchInbox.sol", "BatchInbox")
            .map_err(|e| NodeError::L1(e.to_string()))?;
    code.extend(args.sequencer.abi_encode());
    let url = args.l1_rpc.parse().map_err(|e| NodeError::L1(format!("--l1-rpc: {e}")))?;
    let provider = ProviderBuilder::new().wallet(EthereumWallet::from(key)).connect_http(url);
    let deployment = runtime()?.block_on(async {
        let l1 = |e: &dyn std::fmt::Display| NodeError::L1(e.to_string());
        let l1_chain_id = provider.get_chain_id().await.map_err(|e| l1(&e))?;
        let tx = TransactionRequest::default().with_deploy_code(Bytes::from(code));
        let receipt = provider
            .send_transaction(tx)
            .await
            .map_err(|e| l1(&e))?
            .get_receipt()
            .await
            .map_err(|e| l1(&e))?;
        let batch_inbox = receipt
            .contract_address
            .filter(|_| receipt.status())
            .ok_or_else(|| NodeError::L1("deploying BatchInbox failed".into()))?;
        let deploy_block = receipt.block_number.unwrap_or_default();
        Ok::<_, NodeError>(Deployment { l1_chain_id, batch_inbox, deploy_block })
    })?;
    deployment.save(&args.out)?;
    println!("BatchInbox {} (L1 block {})", deployment.batch_inbox, deployment.deploy_block);
    Ok(())
}

fn open(args: &NodeArgs, role: Role) -> axon_node::Result<Arc<Node>> {
    let genesis = Genesis::load(&args.genesis)?;
    std::fs::create_dir_all(&args.datadir)
        .map_err(|source| NodeError::Io { path: args.datadir.clone(), source })?;
    let node = Arc::new(Node::open(genesis, role, &args.datadir.join("axon.redb"))?);
    let head = node.head();
    eprintln!(
        "chain {} at block {} ({}), {} pending",
        node.genesis().config.chainId,
        head.header.number,
        head.hash,
        node.pool().len()
    );
    Ok(node)
}

fn limits(args: &NodeArgs) -> Limits {
    Limits {
        max_body: args.rpc_max_body,
        logs_range: args.rpc_logs_range,
        gas_cap: args.rpc_gas_cap,
        ..Limits::default()
    }
}

/// A background loop of the node.
type Worker = JoinHandle<axon_node::Result<()>>;

fn run_sequencer(args: SequencerArgs) -> axon_node::Result<()> {
    let node = open(&args.node, Role::Sequencer)?;
    let l1 = match (&args.l1_rpc, &args.rollup) {
        (Some(url), Some(rollup)) => {
            let key = load_key(args.sequencer_key_file.as_deref(), "AXON_SEQUENCER_KEY")?
                .ok_or_else(|| {
                    NodeError::Key(
                        "no sequencer key: --sequencer-key-file or AXON_SEQUENCER_KEY".into(),
                    )
                })?;
            Some(L1::connect(url, Deployment::load(rollup)?, Some(key))?)
        }
        _ => None,
    };
    let block_time = Duration::from_secs(args.block_time);
    let batch_interval = Duration::from_secs(args.batch_interval);
    serve_until_stopped(&args.node, node.clone(), move |stop| {
        let mut workers: Vec<Worker> = Vec::new();
        let (n, s) = (node.clone(), stop.clone());
        workers.push(std::thread::spawn(move || {
            sequencer::run(&n, block_time, &s, |b| {
                eprintln!(
                    "block {} {}: {} transactions, {} dropped",
                    b.number, b.hash, b.transactions, b.dropped
                )
            })
        }));
        if let Some(l1) = l1 {
            let (n, s) = (node, stop);
            workers.push(std::thread::spawn(move || {
                batcher::run(
                    &n,
                    &l1,
                    batch_interval,
                    &s,
                    |p| {
                        eprintln!(
                            "batch {}..={}: {} transactions in {} bytes, L1 block {}",
                            p.first, p.last, p.transactions, p.bytes, p.l1_block
                        )
                    },
                    |e| eprintln!("batcher: {e} (retrying)"),
                )
            }));
        }
        workers
    })
}

fn run_validator(args: ValidatorArgs) -> axon_node::Result<()> {
    let node = open(&args.node, Role::Validator)?;
    let l1 = L1::connect(&args.l1.l1_rpc, Deployment::load(&args.l1.rollup)?, None)?;
    let poll = Duration::from_secs(args.poll_interval);
    serve_until_stopped(&args.node, node.clone(), move |stop| {
        vec![std::thread::spawn(move || {
            derivation::run(
                &node,
                &l1,
                poll,
                &stop,
                |d| {
                    if let Some(head) = d.rolled_back {
                        eprintln!("L1 reorganized: rolled back to block {head}");
                    }
                    eprintln!(
                        "derived {} batches: head {}, {} blocks replaced",
                        d.batches, d.head, d.replaced
                    )
                },
                |e| eprintln!("derivation: {e} (retrying)"),
            )
        })]
    })
}

/// Serves the node's JSON-RPC, starts its loops, and waits for Ctrl-C, SIGTERM or a loop's
/// end; stops the loops and returns the first loop's error.
fn serve_until_stopped(
    args: &NodeArgs,
    node: Arc<Node>,
    start: impl FnOnce(Arc<AtomicBool>) -> Vec<Worker>,
) -> axon_node::Result<()> {
    let limits = limits(args);
    runtime()?.block_on(async move {
        let (addr, server) = serve(node, args.rpc_addr, limits).await?;
        println!("JSON-RPC on http://{addr}");
        let stop = Arc::new(AtomicBool::new(false));
        let workers = start(stop.clone());
        let signalled = wait(&workers).await;
        stop.store(true, Ordering::Relaxed);
        let _ = server.stop();
        let mut result = Ok(());
        for worker in workers {
            let outcome = tokio::task::spawn_blocking(move || worker.join()).await;
            if let Ok(Ok(Err(e))) = outcome {
                result = result.and(Err(e));
            }
        }
        if signalled {
            eprintln!("stopped");
        }
        result
    })
}

/// Waits for Ctrl-C or SIGTERM (true), or for a worker to end by itself (false).
async fn wait(workers: &[Worker]) -> bool {
    use tokio::signal::unix::{signal, SignalKind};
    let mut term = signal(SignalKind::terminate()).ok();
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return true,
            _ = async {
                match term.as_mut() {
                    Some(t) => { t.recv().await; }
                    None => std::future::pending().await,
                }
            } => return true,
            _ = tokio::time::sleep(Duration::from_millis(200)) => {
                if workers.iter().any(|w| w.is_finished()) {
                    return false;
                }
            }
        }
    }
}
