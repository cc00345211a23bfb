//! `axon-node`: the Axon AI rollup's node.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axon_node::rpc::{serve, Limits};
use axon_node::{sequencer, Genesis, Node};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "axon-node", version, about = "The Axon AI rollup's node")]
struct Cli {
    #[command(subcommand)]
    role: Role,
}

#[derive(Debug, Subcommand)]
enum Role {
    /// Accept transactions over JSON-RPC and build a block every block time.
    Sequencer(SequencerArgs),
}

#[derive(Debug, clap::Args)]
struct SequencerArgs {
    /// The chain's genesis file (docs/rollup.md).
    #[arg(long, env = "AXON_GENESIS")]
    genesis: PathBuf,
    /// The directory of the node's database (created if need be).
    #[arg(long, env = "AXON_DATADIR")]
    datadir: PathBuf,
    /// Where the JSON-RPC server (HTTP and WebSocket) listens; port 0 picks a free one.
    #[arg(long, default_value = "127.0.0.1:8545", env = "AXON_RPC_ADDR")]
    rpc_addr: SocketAddr,
    /// Seconds between blocks.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u64).range(1..))]
    block_time: u64,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.role {
        Role::Sequencer(args) => run_sequencer(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("axon-node: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run_sequencer(args: SequencerArgs) -> axon_node::Result<()> {
    let genesis = Genesis::load(&args.genesis)?;
    std::fs::create_dir_all(&args.datadir)
        .map_err(|source| axon_node::NodeError::Io { path: args.datadir.clone(), source })?;
    let node = Arc::new(Node::open(genesis, &args.datadir.join("axon.redb"))?);
    let head = node.head();
    eprintln!(
        "chain {} at block {} ({}), {} pending",
        node.genesis().chain_id,
        head.header.number,
        head.hash,
        node.pool().len()
    );
    let limits = Limits {
        max_body: args.rpc_max_body,
        logs_range: args.rpc_logs_range,
        gas_cap: args.rpc_gas_cap,
        ..Limits::default()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|source| axon_node::NodeError::Io { path: PathBuf::from("tokio"), source })?;
    runtime.block_on(async move {
        let (addr, server) = serve(node.clone(), args.rpc_addr, limits).await?;
        println!("JSON-RPC on http://{addr}");
        let stop = Arc::new(AtomicBool::new(false));
        let producer =
            sequencer::spawn(node, Duration::from_secs(args.block_time), stop.clone(), |b| {
                eprintln!(
                    "block {} {}: {} transactions, {} dropped",
                    b.number, b.hash, b.transactions, b.dropped
                )
            });
        let stopped = wait_for_signal(&producer).await;
        stop.store(true, Ordering::Relaxed);
        let _ = server.stop();
        let produced = tokio::task::spawn_blocking(move || producer.join())
            .await
            .ok()
            .and_then(Result::ok)
            .unwrap_or(Ok(()));
        if stopped {
            eprintln!("stopped");
        }
        produced
    })
}

/// Waits for Ctrl-C or SIGTERM (true), or for the block producer to end by itself (false).
async fn wait_for_signal(producer: &std::thread::JoinHandle<axon_node::Result<()>>) -> bool {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => return true,
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending().await } } => return true,
            _ = tokio::time::sleep(Duration::from_millis(200)) => {
                if producer.is_finished() {
                    return false;
                }
            }
        }
    }
}
