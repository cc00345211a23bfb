//! `dispute`: play Axon's bisection dispute game from the command line.
//!
//! `dispute demo` plays a whole game on an embedded chain (`demo.rs`). Every other command
//! talks to a chain over JSON-RPC (`--rpc-url`, with `--private-key` for the accounts that
//! send): the game commands (`game.rs`), Optimistic Axiom's (`axiom.rs`) and the AI EVM's
//! L2 node (`ai_evm_cli.rs`). Their shared arguments are in `args.rs`.
//!
//! Exit status: 0 on success, 1 when the command failed (its error on stderr, `dispute: …`),
//! 2 for a command line that does not parse (clap's usage error).

mod ai_evm_cli;
mod args;
mod axiom;
mod demo;
mod game;

use std::process::ExitCode;

use axon_dispute::Result;
use clap::{Parser, Subcommand};

#[derive(Parser, Debug)]
#[command(
    name = "dispute",
    version,
    about = "Axon's bisection dispute game: propose, challenge, step, resolve"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Play a whole dispute on an embedded chain (or on the node at --rpc-url, with three
    /// --private-key accounts: deployer, proposer, challenger): a dishonest proposer against
    /// an honest challenger over a real guest program.
    Demo(demo::DemoArgs),
    /// Deploy the oracle, the verifier, a factory and the game type for a program; prints
    /// the deployment as JSON.
    Deploy(game::DeployArgs),
    /// Create a game claiming the program's result; prints the game's address. Refuses a
    /// game type over another program or depth before sending anything.
    Propose(game::ProposeArgs),
    /// Play a game to the end: counter every wrong claim, step at the leaf, resolve, withdraw.
    /// Resumes where it stopped when restarted.
    Bisect(game::BisectArgs),
    /// Print a game's status.
    Status(game::GameArgs),
    /// Print a game's claims.
    ListClaims(game::GameArgs),
    /// Counter one leaf claim with a step (the direction the trace says); exits 1 if the
    /// game refuses it.
    Step(game::StepArgs),
    /// Resolve every claim whose clock has run out, then the game if its root is resolved.
    Resolve(game::GameArgs),
    /// Withdraw the sender's credit (won bonds) from a resolved game once its delay is over.
    Withdraw(game::GameArgs),
    /// Optimistic Axiom: run the claims' guests on a node's data, deploy the contracts,
    /// propose and apply block-hash updates and storage attestations, challenge a claim.
    #[command(subcommand)]
    Axiom(axiom::AxiomCommand),
    /// The AI EVM: an L2 node's genesis, blocks run natively with their witness recorded,
    /// and a block run in the VM. Games over a block are the generic commands with
    /// --l2-node and --l2-block.
    #[command(subcommand, name = "ai-evm")]
    AiEvm(ai_evm_cli::AiEvmCommand),
}

fn run(command: Command) -> Result<()> {
    match command {
        Command::Demo(args) => demo::run(args),
        Command::Deploy(args) => game::deploy_cmd(args),
        Command::Propose(args) => game::propose(args),
        Command::Bisect(args) => game::bisect(args),
        Command::Status(args) => game::status(args),
        Command::ListClaims(args) => game::list_claims(args),
        Command::Step(args) => game::step(args),
        Command::Resolve(args) => game::resolve(args),
        Command::Withdraw(args) => game::withdraw(args),
        Command::Axiom(command) => axiom::run(command),
        Command::AiEvm(command) => ai_evm_cli::run(command),
    }
}

fn main() -> ExitCode {
    // Output piped into a reader that stops early (`| head`) ends the process quietly, as it
    // does any Unix tool, instead of a panic in `println!` (Rust ignores SIGPIPE by default).
    // SAFETY: restoring a signal's default disposition at start-up, before any thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dispute: {e}");
            ExitCode::FAILURE
        }
    }
}
