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
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use alloy::primitives::Address;
use alloy::providers::{Provider, ProviderBuilder};
use alloy::signers::local::PrivateKeySigner;
use axon_dispute::chain::RpcChain;
use axon_node::deployment::{DeployOptions, Deployment};
use axon_node::deposits::{self, DepositFeed};
use axon_node::games::{GameEvent, GamePrograms, Games, GamesOptions};
use axon_node::genesis::ModelSource;
use axon_node::l1::L1;
use axon_node::rpc::{serve, Limits};
use axon_node::{batcher, derivation, games, sequencer, Genesis, Node, NodeError, Role};
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
    /// The chain's genesis file (its config and genesis output anchor the proposals).
    #[arg(long, env = "AXON_GENESIS")]
    genesis: PathBuf,
    /// forge's build output (`contracts/out`).
    #[arg(long, default_value = "contracts/out")]
    artifacts: PathBuf,
    /// The fraud-proof program: its initial state is the output game's absolute prestate.
    #[arg(long, default_value = "fixtures/programs/rollup-block.elf")]
    program: PathBuf,
    /// The `inference` guest: its initial state is the opML games' absolute prestate.
    #[arg(long, default_value = "fixtures/programs/inference.elf")]
    inference_program: PathBuf,
    /// Seconds on each side's clock in an output game: the challenge window.
    #[arg(long, default_value_t = 302_400)]
    dispute_clock: u32,
    /// Seconds between a game's resolution and the withdrawal of its bonds.
    #[arg(long, default_value_t = 86_400)]
    withdrawal_delay: u32,
    /// Seconds within which a deposit must be batched (after that no batch leaving it out is
    /// accepted, and anyone may force it in).
    #[arg(long, default_value_t = 43_200)]
    deposit_bound: u64,
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
    /// Serve Prometheus metrics at `http://ADDR/metrics` (off by default).
    #[arg(long, env = "AXON_METRICS_ADDR")]
    metrics_addr: Option<SocketAddr>,
    /// Read the chain's models from this model-DA endpoint (`http://host:port`, another
    /// node's `--model-da-addr`) by the addresses the genesis names, instead of the files it
    /// names; a model whose bytes are not its address is refused.
    #[arg(long, env = "AXON_MODEL_DA")]
    model_da: Option<String>,
    /// Serve the chain's models at `http://ADDR/models/0x<address>` (off by default).
    #[arg(long, env = "AXON_MODEL_DA_ADDR")]
    model_da_addr: Option<SocketAddr>,
}

#[derive(Debug, clap::Args)]
struct L1Args {
    /// L1's JSON-RPC endpoint.
    #[arg(long, env = "AXON_L1_RPC")]
    l1_rpc: String,
    /// The rollup's L1 deployment (`axon-node deploy --out`).
    #[arg(long, env = "AXON_ROLLUP")]
    rollup: PathBuf,
    /// L1's beacon node API, where the batches' blobs are read (default: the L1 JSON-RPC
    /// endpoint, which serves it on anvil).
    #[arg(long, env = "AXON_L1_BEACON")]
    l1_beacon: Option<String>,
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
    /// L1's beacon node API, where the batches' blobs are read (default: the L1 JSON-RPC
    /// endpoint, which serves it on anvil).
    #[arg(long, env = "AXON_L1_BEACON", requires = "l1_rpc")]
    l1_beacon: Option<String>,
    /// A file holding the key batches are posted with (else `AXON_SEQUENCER_KEY`).
    #[arg(long)]
    sequencer_key_file: Option<PathBuf>,
    /// Seconds between batches.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..))]
    batch_interval: u64,
    /// Credit no L1 deposit: for demonstrations and tests of forced inclusion only (such a
    /// sequencer's batches are refused once a deposit is overdue).
    #[arg(long)]
    withhold_deposits: bool,
}

#[derive(Debug, clap::Args)]
struct ValidatorArgs {
    #[command(flatten)]
    node: NodeArgs,
    #[command(flatten)]
    l1: L1Args,
    /// Seconds between reads of L1 (and between moves in games), fractions allowed.
    #[arg(long, default_value_t = 2.0, value_parser = positive_seconds)]
    poll_interval: f64,
    /// A file holding the key the validator proposes and plays games with (else
    /// `AXON_VALIDATOR_KEY`); without one it only derives.
    #[arg(long)]
    validator_key_file: Option<PathBuf>,
    /// Propose the newest derived block's output every this many blocks (0: never).
    #[arg(long, default_value_t = 0)]
    propose_every: u64,
    /// The fraud-proof program the games run.
    #[arg(long, default_value = "fixtures/programs/rollup-block.elf")]
    program: PathBuf,
    /// The `inference` guest the opML games run.
    #[arg(long, default_value = "fixtures/programs/inference.elf")]
    inference_program: PathBuf,
    /// Propose wrong outputs and defend them: for demonstrations and tests of the fraud
    /// proof only (such a validator loses its bonds).
    #[arg(long)]
    dishonest: bool,
    /// The sequencer's JSON-RPC, where `eth_sendRawTransaction` is forwarded (without it,
    /// the validator refuses transactions).
    #[arg(long, env = "AXON_SEQUENCER_RPC")]
    sequencer_rpc: Option<String>,
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

/// A positive number of seconds, at most a day.
fn positive_seconds(text: &str) -> Result<f64, String> {
    let seconds: f64 = text.parse().map_err(|e| format!("{e}"))?;
    if seconds > 0.0 && seconds <= 86_400.0 {
        Ok(seconds)
    } else {
        Err(format!("{seconds} is not a number of seconds between 0 and 86400"))
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
    let genesis = Genesis::load(&args.genesis)?;
    let mut chain = signing_chain(&args.l1_rpc, &key)?;
    let (l1_chain_id, l1_block) = chain_position(&args.l1_rpc)?;
    let options = DeployOptions {
        artifacts: &args.artifacts,
        genesis: &genesis,
        program: &args.program,
        inference_program: &args.inference_program,
        sequencer: args.sequencer,
        dispute_clock: args.dispute_clock,
        withdrawal_delay: args.withdrawal_delay,
        deposit_bound: args.deposit_bound,
    };
    let deployment =
        axon_node::deployment::deploy(&mut chain, key.address(), &options, l1_chain_id, l1_block)?;
    deployment.save(&args.out)?;
    println!(
        "BatchInbox {}, Outputs {}, factory {} (L1 block {})",
        deployment.batch_inbox, deployment.outputs, deployment.factory, deployment.deploy_block
    );
    Ok(())
}

/// L1 at `url` through the dispute toolkit's client, signing with `key`; its time is L1's
/// own (no time travel, even on anvil: other parties share it).
fn signing_chain(url: &str, key: &PrivateKeySigner) -> axon_node::Result<RpcChain> {
    let key_hex = format!("0x{}", hex::encode(key.to_bytes()));
    Ok(RpcChain::connect(url, &[key_hex])?.without_time_travel())
}

/// L1's chain id and head.
fn chain_position(url: &str) -> axon_node::Result<(u64, u64)> {
    let l1 = |e: &dyn std::fmt::Display| NodeError::L1(e.to_string());
    let provider = ProviderBuilder::new().connect_http(url.parse().map_err(|e| l1(&e))?);
    runtime()?.block_on(async {
        let id = provider.get_chain_id().await.map_err(|e| l1(&e))?;
        let head = provider.get_block_number().await.map_err(|e| l1(&e))?;
        Ok((id, head))
    })
}

fn open(args: &NodeArgs, role: Role) -> axon_node::Result<Arc<Node>> {
    let models = args.model_da.clone().map_or(ModelSource::Directory, ModelSource::Endpoint);
    let genesis = Genesis::load_from(&args.genesis, &models)?;
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
            let deployment = Deployment::load(rollup)?;
            let beacon = args.l1_beacon.as_deref().unwrap_or(url);
            let watcher = L1::connect(url, deployment, None)?.with_beacon(beacon);
            Some((L1::connect(url, deployment, Some(key))?.with_beacon(beacon), watcher))
        }
        _ => None,
    };
    let block_time = Duration::from_secs(args.block_time);
    let batch_interval = Duration::from_secs(args.batch_interval);
    let withhold = args.withhold_deposits;
    serve_until_stopped(&args.node, None, node.clone(), move |stop| {
        let mut workers: Vec<Worker> = Vec::new();
        let feed = Arc::new(Mutex::new(DepositFeed::default()));
        let (n, s, f) = (node.clone(), stop.clone(), feed.clone());
        workers.push(std::thread::spawn(move || {
            let deposits = |from: u64| {
                let feed = f.lock().unwrap_or_else(|e| e.into_inner());
                match feed.entries(from..feed.count()) {
                    Some(entries) if !withhold => entries.to_vec(),
                    _ => Vec::new(),
                }
            };
            sequencer::run(&n, block_time, &s, deposits, |b| {
                eprintln!(
                    "block {} {}: {} transactions, {} dropped",
                    b.number, b.hash, b.transactions, b.dropped
                )
            })
        }));
        if let Some((l1, watcher)) = l1 {
            let s = stop.clone();
            workers.push(std::thread::spawn(move || {
                deposits::watch(&feed, &watcher, block_time, &s, |e| {
                    eprintln!("deposits: {e} (retrying)")
                });
                Ok(())
            }));
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
                    |d| match d.rolled_back {
                        Some(head) => eprintln!("L1 reorganized: batches after block {head} to post again"),
                        None => eprintln!(
                            "adopted {} batches this sequencer did not post: head {}, {} transactions back to the pool",
                            d.batches, d.head, d.returned
                        ),
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
    let deployment = Deployment::load(&args.l1.rollup)?;
    let beacon = args.l1.l1_beacon.as_deref().unwrap_or(&args.l1.l1_rpc);
    let l1 = L1::connect(&args.l1.l1_rpc, deployment, None)?.with_beacon(beacon);
    let games = match load_key(args.validator_key_file.as_deref(), "AXON_VALIDATOR_KEY")? {
        None => None,
        Some(key) => {
            let chain = signing_chain(&args.l1.l1_rpc, &key)?;
            let programs = GamePrograms {
                block: axon_dispute::guest::load_guest(&args.program)?,
                inference: axon_dispute::guest::load_guest(&args.inference_program)?,
            };
            let options =
                GamesOptions { propose_every: args.propose_every, dishonest: args.dishonest };
            let watcher = L1::connect(&args.l1.l1_rpc, deployment, None)?;
            Some((watcher, chain, programs, options))
        }
    };
    let poll = Duration::from_secs_f64(args.poll_interval);
    let node_for_games = node.clone();
    serve_until_stopped(&args.node, args.sequencer_rpc.as_deref(), node.clone(), move |stop| {
        let mut workers: Vec<Worker> = Vec::new();
        let s = stop.clone();
        workers.push(std::thread::spawn(move || {
            derivation::run(
                &node,
                &l1,
                poll,
                &s,
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
        }));
        if let Some((watcher, chain, programs, options)) = games {
            // The players' traces stay on the thread that plays them.
            workers.push(std::thread::spawn(move || {
                let mut games = Games::new(node_for_games, watcher, chain, programs, options)?;
                eprintln!("playing output games as {}", games.account());
                games::run(&mut games, poll, &stop, report_game, |e| {
                    eprintln!("games: {e} (retrying)")
                })
            }));
        }
        workers
    })
}

fn report_game(event: &GameEvent) {
    match event {
        GameEvent::Proposed { game, l2_block, root } => {
            eprintln!("proposed output {root} of block {l2_block}: game {game}")
        }
        GameEvent::Disputing { game, l2_block, claimed, computed } => eprintln!(
            "disputing game {game}: block {l2_block}'s output is {computed}, not {claimed}"
        ),
        GameEvent::Played { game, what } => eprintln!("game {game}: {what}"),
        GameEvent::Inference { game, what } => eprintln!("opML game {game}: {what}"),
        GameEvent::Failed { game, reason } => eprintln!("game {game}: {reason} (retrying)"),
        GameEvent::Settled { game, l2_block, finalized: true } => {
            eprintln!("game {game} won: block {l2_block}'s output finalized")
        }
        GameEvent::Settled { game, l2_block, finalized: false } => {
            eprintln!("game {game} lost: block {l2_block}'s output discarded")
        }
    }
}

/// Serves the node's JSON-RPC, starts its loops, and waits for Ctrl-C, SIGTERM or a loop's
/// end; stops the loops and returns the first loop's error.
fn serve_until_stopped(
    args: &NodeArgs,
    sequencer_rpc: Option<&str>,
    node: Arc<Node>,
    start: impl FnOnce(Arc<AtomicBool>) -> Vec<Worker>,
) -> axon_node::Result<()> {
    let limits = limits(args);
    runtime()?.block_on(async move {
        if let Some(metrics_addr) = args.metrics_addr {
            let local = axon_node::metrics::serve(node.clone(), metrics_addr).await?;
            eprintln!("metrics on http://{local}/metrics");
        }
        if let Some(model_da_addr) = args.model_da_addr {
            let local = axon_node::model_da::serve(node.clone(), model_da_addr).await?;
            eprintln!("model DA on http://{local}/models");
        }
        // Printed last: whoever waits for this line finds every server up.
        let (addr, server) = serve(node.clone(), args.rpc_addr, limits, sequencer_rpc).await?;
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
