//! `dispute`: play Axon's bisection dispute game from the command line.
//!
//! `dispute demo` plays a whole game on an embedded chain. Every other command talks to a
//! chain over JSON-RPC (`--rpc-url`, with `--private-key` for the accounts that send):
//! `deploy` the contracts for a program, `propose` a result, `bisect` (the challenger: play a
//! game to the end, resuming after a restart), `status`, `list-claims`, `step` and `resolve`.
//! `axiom` does the same for Optimistic Axiom claims (`axiom.rs`).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use alloy::primitives::{keccak256, Address};
use axon_dispute::ai_evm::{self, demo::AiDemoOptions, L2Node};
use axon_dispute::chain::RpcChain;
use axon_dispute::contracts::default_artifacts_dir;
use axon_dispute::demo::{self, DemoOptions};
use axon_dispute::deploy::{create_game, deploy, register_game_type, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, hex_hash};
use axon_dispute::lying::Lie;
use axon_dispute::persist::PlayerRecord;
use axon_dispute::setup::{read, TraceSpec};
use axon_dispute::{Error, Player, Position, Result, Strategy, TraceProvider};
use clap::{Args, Parser, Subcommand, ValueEnum};

mod ai_evm_cli;
mod axiom;

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

/// The chain every command but `demo` uses.
#[derive(Args, Debug, Clone)]
struct ChainArgs {
    /// The Ethereum JSON-RPC endpoint (http).
    #[arg(long, env = "DISPUTE_RPC_URL")]
    rpc_url: String,
    /// A hex private key of the sending account (repeat for several).
    #[arg(long = "private-key", env = "DISPUTE_PRIVATE_KEY", value_delimiter = ',')]
    private_keys: Vec<String>,
}

/// The program a game is over.
#[derive(Args, Debug, Clone)]
struct ProgramArgs {
    /// The guest ELF.
    #[arg(long, default_value_os_t = default_program())]
    program: PathBuf,
    /// A file holding the program input (at most 32 bytes on chain).
    #[arg(long, conflicts_with = "input_text")]
    input: Option<PathBuf>,
    /// The program input as text.
    #[arg(long)]
    input_text: Option<String>,
    /// The game depth: the game covers 2^depth steps [default: 32; 40 for `demo --ai-evm`].
    #[arg(long)]
    max_depth: Option<u8>,
    /// Steps between trace checkpoints.
    #[arg(long, default_value_t = 1 << 22)]
    checkpoint_interval: u64,
    /// A game over an AI-EVM block: the node directory of `dispute ai-evm` (with
    /// --l2-block). The program is then the `ai-evm-block` guest (unless --program says
    /// otherwise), its input the block input's hash, and it reads the block's witness and
    /// models; the depth defaults to 40.
    #[arg(long, requires = "l2_block", conflicts_with_all = ["input", "input_text"])]
    l2_node: Option<PathBuf>,
    /// The block of --l2-node the game is over.
    #[arg(long, requires = "l2_node")]
    l2_block: Option<u64>,
}

fn default_program() -> PathBuf {
    fixture_program("hello.elf")
}

/// The game depth of a program's game unless `--max-depth` says otherwise.
const DEFAULT_DEPTH: u8 = 32;
/// The game depth of an AI-EVM block's game unless `--max-depth` says otherwise: 2^40 steps,
/// room for ≈90,000 signed transactions at ≈12M steps each.
const AI_EVM_DEPTH: u8 = 40;
/// The least depth an AI-EVM block's game may have (2^36 steps, ≈5,700 transactions).
const AI_EVM_MIN_DEPTH: u8 = 36;

impl ProgramArgs {
    /// `--max-depth`, or the default.
    fn depth(&self) -> u8 {
        let default = if self.l2_node.is_some() { AI_EVM_DEPTH } else { DEFAULT_DEPTH };
        self.max_depth.unwrap_or(default)
    }

    fn spec(&self, checkpoint_dir: Option<PathBuf>) -> Result<TraceSpec> {
        let mut spec = TraceSpec {
            program: self.program.clone(),
            input: b"axon".to_vec(),
            preimages: Default::default(),
            max_depth: self.depth(),
            checkpoint_interval: self.checkpoint_interval,
            checkpoint_dir,
        };
        match (&self.input, &self.input_text, &self.l2_node, self.l2_block) {
            (Some(path), ..) => spec.input = read(path)?,
            (None, Some(text), ..) => spec.input = text.as_bytes().to_vec(),
            (None, None, Some(dir), Some(number)) => {
                if spec.max_depth < AI_EVM_MIN_DEPTH {
                    return Err(Error::DepthTooSmall {
                        depth: spec.max_depth,
                        min: AI_EVM_MIN_DEPTH,
                        what: "an AI-EVM block's game",
                    });
                }
                let (input, store) = L2Node::open(dir)?.block_store(dir, number)?;
                if self.program == default_program() {
                    spec.program = fixture_program("ai-evm-block.elf");
                }
                spec.input = keccak256(input.encode()).to_vec();
                spec.preimages = store;
            }
            _ => {}
        }
        Ok(spec)
    }
}

/// A dishonest player's lie, for demonstrations and tests.
#[derive(Args, Debug, Clone)]
struct LieArgs {
    /// Lie about every state from this step on.
    #[arg(long)]
    lie_from_step: Option<u64>,
    /// What to lie about.
    #[arg(long, value_enum, default_value_t = LieKind::State)]
    lie: LieKind,
}

impl LieArgs {
    fn lie(&self) -> Option<(u64, Lie)> {
        self.lie_from_step.map(|from| (from, self.lie.into()))
    }
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum LieKind {
    /// A wrong state.
    State,
    /// A wrong halting status.
    Status,
}

impl From<LieKind> for Lie {
    fn from(kind: LieKind) -> Self {
        match kind {
            LieKind::State => Lie::State,
            LieKind::Status => Lie::Status,
        }
    }
}

#[derive(ValueEnum, Debug, Clone, Copy)]
enum StrategyArg {
    /// The honest-actor rules (over a lying trace with --lie-from-step).
    Solver,
    /// Make no move.
    Idle,
    /// Attack every claim of others with a wrong claim.
    Freeloader,
}

fn fixture_program(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/programs").join(name)
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Play a whole dispute on an embedded chain (or on the node at --rpc-url, with three
    /// --private-key accounts: deployer, proposer, challenger): a dishonest proposer against
    /// an honest challenger over a real guest program.
    Demo {
        /// A JSON-RPC node to play on instead of the embedded chain.
        #[arg(long, env = "DISPUTE_RPC_URL")]
        rpc_url: Option<String>,
        /// The deployer's, proposer's and challenger's keys, with --rpc-url.
        #[arg(long = "private-key", env = "DISPUTE_PRIVATE_KEY", value_delimiter = ',')]
        private_keys: Vec<String>,
        #[command(flatten)]
        program: ProgramArgs,
        /// The step from which the proposer lies (default: the middle of the execution).
        #[arg(long)]
        lie_from_step: Option<u64>,
        /// What the proposer lies about.
        #[arg(long, value_enum, default_value_t = LieKind::State)]
        lie: LieKind,
        /// Forge's build output (contracts/out).
        #[arg(long, default_value_os_t = default_artifacts_dir())]
        artifacts: PathBuf,
        /// Dispute an AI-EVM block instead: a proposer claims a block's post-state as if the
        /// digits model had read an image as a 7 (the `ai-evm-block` guest, which
        /// --program names if given; the input and lie options do not apply).
        #[arg(long)]
        ai_evm: bool,
    },
    /// Deploy the oracle, the verifier, a factory and the game type for a program; prints
    /// the deployment as JSON.
    Deploy {
        #[command(flatten)]
        chain: ChainArgs,
        #[command(flatten)]
        program: ProgramArgs,
        /// The game type to register.
        #[arg(long, default_value_t = 1)]
        game_type: u32,
        /// Forge's build output (contracts/out).
        #[arg(long, default_value_os_t = default_artifacts_dir())]
        artifacts: PathBuf,
        /// Seconds on each side's clock (default: Optimism's 3.5 days; at least 4). The
        /// extensions shrink with it: at most a quarter and a half of it.
        #[arg(long, value_parser = clap::value_parser!(u32).range(4..))]
        max_clock_duration: Option<u32>,
        /// Seconds between a game's resolution and the withdrawal of its bonds.
        #[arg(long, default_value_t = 86_400)]
        withdrawal_delay: u32,
    },
    /// Create a game claiming the program's result; prints the game's address.
    Propose {
        #[command(flatten)]
        chain: ChainArgs,
        #[command(flatten)]
        program: ProgramArgs,
        #[command(flatten)]
        lie: LieArgs,
        /// The factory.
        #[arg(long)]
        factory: Address,
        /// The game type.
        #[arg(long, default_value_t = 1)]
        game_type: u32,
    },
    /// Play a game to the end: counter every wrong claim, step at the leaf, resolve, withdraw.
    /// Resumes where it stopped when restarted.
    Bisect {
        #[command(flatten)]
        chain: ChainArgs,
        #[command(flatten)]
        program: ProgramArgs,
        #[command(flatten)]
        lie: LieArgs,
        /// The game.
        #[arg(long)]
        game: Address,
        /// How to play (anything but `solver` is for tests).
        #[arg(long, value_enum, default_value_t = StrategyArg::Solver)]
        strategy: StrategyArg,
        /// Where the player keeps its record and checkpoints (one directory per game).
        #[arg(long, default_value = ".dispute")]
        data_dir: PathBuf,
        /// Seconds between polls while waiting on a chain whose time cannot be moved.
        #[arg(long, default_value_t = 12)]
        poll_seconds: u64,
        /// Move the chain's time to the next deadline instead of waiting (anvil).
        #[arg(long)]
        warp: bool,
    },
    /// Print a game's status.
    Status {
        #[command(flatten)]
        chain: ChainArgs,
        /// The game.
        #[arg(long)]
        game: Address,
    },
    /// Optimistic Axiom: run the claims' guests on a node's data, deploy the contracts,
    /// propose and apply block-hash updates and storage attestations, challenge a claim.
    #[command(subcommand)]
    Axiom(axiom::AxiomCommand),
    /// The AI EVM: an L2 node's genesis, blocks run natively with their witness recorded,
    /// and a block run in the VM. Games over a block are the generic commands with
    /// --l2-node and --l2-block.
    #[command(subcommand, name = "ai-evm")]
    AiEvm(ai_evm_cli::AiEvmCommand),
    /// Print a game's claims.
    ListClaims {
        #[command(flatten)]
        chain: ChainArgs,
        /// The game.
        #[arg(long)]
        game: Address,
    },
    /// Counter one leaf claim with a step (the direction the trace says).
    Step {
        #[command(flatten)]
        chain: ChainArgs,
        #[command(flatten)]
        program: ProgramArgs,
        /// The game.
        #[arg(long)]
        game: Address,
        /// The leaf claim's index.
        #[arg(long)]
        claim: usize,
    },
    /// Resolve every claim whose clock has run out, then the game if its root is resolved.
    Resolve {
        #[command(flatten)]
        chain: ChainArgs,
        /// The game.
        #[arg(long)]
        game: Address,
    },
}

fn connect(args: &ChainArgs) -> Result<RpcChain> {
    RpcChain::connect(&args.rpc_url, &args.private_keys)
}

fn sender(chain: &RpcChain) -> Result<Address> {
    chain
        .accounts()
        .first()
        .copied()
        .ok_or_else(|| Error::Chain("this command sends transactions: pass --private-key".into()))
}

fn run(command: Command) -> Result<()> {
    match command {
        Command::Demo { rpc_url, private_keys, program, lie_from_step, lie, artifacts, ai_evm } => {
            let mut embedded;
            let mut rpc;
            let (chain, accounts): (&mut dyn axon_dispute::chain::Chain, _) = match rpc_url {
                None => {
                    let (chain, accounts) = demo::embedded_chain();
                    embedded = chain;
                    (&mut embedded, accounts)
                }
                Some(url) => {
                    rpc = RpcChain::connect(&url, &private_keys)?;
                    let [deployer, proposer, challenger] = rpc.accounts()[..] else {
                        return Err(Error::Chain(
                            "a demo on a node needs three --private-key accounts".into(),
                        ));
                    };
                    (&mut rpc, demo::DemoAccounts { deployer, proposer, challenger })
                }
            };
            let out = &mut std::io::stdout();
            if ai_evm {
                let max_depth = program.max_depth.unwrap_or(AI_EVM_DEPTH);
                if max_depth < AI_EVM_MIN_DEPTH {
                    return Err(Error::DepthTooSmall {
                        depth: max_depth,
                        min: AI_EVM_MIN_DEPTH,
                        what: "an AI-EVM block's game",
                    });
                }
                let options = AiDemoOptions {
                    program: if program.program == default_program() {
                        fixture_program("ai-evm-block.elf")
                    } else {
                        program.program
                    },
                    models: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/models"),
                    artifacts,
                    max_depth,
                    checkpoint_interval: program.checkpoint_interval,
                };
                ai_evm::demo::run_on(chain, accounts, &options, out)?;
            } else {
                let options = DemoOptions {
                    spec: program.spec(None)?,
                    lie_from: lie_from_step,
                    lie: lie.into(),
                    artifacts,
                };
                demo::run_on(chain, accounts, &options, out)?;
            }
        }
        Command::Deploy {
            chain,
            program,
            game_type,
            artifacts,
            max_clock_duration,
            withdrawal_delay,
        } => {
            let mut chain = connect(&chain)?;
            let from = sender(&chain)?;
            let mut trace = program.spec(None)?.honest_trace()?;
            let mut params =
                GameParams::new(game_type, trace.absolute_prestate()?, program.depth());
            if let Some(seconds) = max_clock_duration {
                params.with_clock(seconds);
            }
            params.withdrawal_delay = withdrawal_delay;
            let deployment = deploy(&mut chain, from, &artifacts)?;
            let implementation =
                register_game_type(&mut chain, from, &artifacts, &deployment, &params)?;
            let json = serde_json::json!({
                "oracle": deployment.oracle,
                "riscv": deployment.riscv,
                "factory": deployment.factory,
                "game_type": game_type,
                "implementation": implementation,
                "absolute_prestate": hex_hash(&params.absolute_prestate),
                "max_depth": params.max_depth,
            });
            println!("{json:#}");
        }
        Command::Propose { chain, program, lie, factory, game_type } => {
            let mut chain = connect(&chain)?;
            let from = sender(&chain)?;
            let spec = program.spec(None)?;
            let mut trace = spec.trace(lie.lie())?;
            let root = trace.claim_at(Position::ROOT)?;
            let game =
                create_game(&mut chain, from, factory, game_type, root, &spec.extra_data()?)?;
            println!("{game}");
            eprintln!("claimed {} for {}", hex_hash(&root), spec.program.display());
        }
        Command::Bisect { chain, program, lie, game, strategy, data_dir, poll_seconds, warp } => {
            let chain = connect(&chain)?;
            let account = sender(&chain)?;
            let dir = data_dir.join(format!("{game}"));
            let spec = program.spec(Some(dir.join("checkpoints")))?;
            let record = PlayerRecord::open_or_create(&dir, game, account, &spec)?;
            let strategy = match strategy {
                StrategyArg::Solver => Strategy::Solver,
                StrategyArg::Idle => Strategy::Idle,
                StrategyArg::Freeloader => Strategy::Freeloader,
            };
            let player =
                Player::new(account, game, strategy, spec.trace(lie.lie())?, spec.extra_data()?);
            let mut seats = [Seat::new(format!("{account}"), player)];
            eprintln!("playing game {game} as {account} ({} earlier runs)", record.runs - 1);
            // Without --warp a real deployment's clocks are real, even on a node that could
            // move them.
            let mut chain = if warp { chain } else { chain.without_time_travel() };
            let poll = Duration::from_secs(poll_seconds);
            let summary = play(&mut chain, &mut seats, poll, |_, event| println!("{event}"))?;
            let state = game::read(&mut chain, game)?;
            println!("game {game}: {} ({} rounds this run)", state.status, summary.rounds);
        }
        Command::Status { chain, game } => {
            let mut chain = connect(&chain)?;
            let state = game::read(&mut chain, game)?;
            println!("game           {game}");
            println!("status         {}", state.status);
            println!("root claim     {}", hex_hash(&state.claims[0].value));
            println!("prestate       {}", hex_hash(&state.absolute_prestate));
            println!("max depth      {}", state.max_depth);
            println!("claims         {}", state.claims.len());
            let open = state.claims.iter().filter(|c| !state.resolved[c.index]).count();
            println!("unresolved     {open}");
            let next = state
                .claims
                .iter()
                .filter(|c| !state.resolved[c.index])
                .map(|c| state.challenge_deadline(c.index))
                .min();
            if let Some(at) = next {
                println!("next deadline  {} ({}s from now)", at, at as i64 - state.now as i64);
            }
        }
        Command::Axiom(command) => axiom::run(command)?,
        Command::AiEvm(command) => ai_evm_cli::run(command)?,
        Command::ListClaims { chain, game } => {
            let mut chain = connect(&chain)?;
            let state = game::read(&mut chain, game)?;
            println!(
                "{:>5} {:>6} {:>5} {:>14} {:<68} {:<42} countered by",
                "index", "parent", "depth", "trace index", "claim", "claimant"
            );
            for c in &state.claims {
                let parent = c.parent.map_or("-".to_string(), |p| p.to_string());
                let countered = if c.countered_by == Address::ZERO {
                    "-".to_string()
                } else {
                    c.countered_by.to_string()
                };
                println!(
                    "{:>5} {:>6} {:>5} {:>14} {:<68} {:<42} {}",
                    c.index,
                    parent,
                    c.position.depth(),
                    c.position.trace_index(state.max_depth),
                    hex_hash(&c.value),
                    c.claimant.to_string(),
                    countered
                );
            }
        }
        Command::Step { chain, program, game, claim } => {
            let mut chain = connect(&chain)?;
            let account = sender(&chain)?;
            let spec = program.spec(None)?;
            let mut player =
                Player::new(account, game, Strategy::Solver, spec.trace(None)?, spec.extra_data()?);
            let event = player.step_claim(&mut chain, claim)?;
            println!("{event}");
        }
        Command::Resolve { chain, game } => {
            let mut chain = connect(&chain)?;
            let account = sender(&chain)?;
            for event in game::resolve_all(&mut chain, account, game)? {
                println!("{event}");
            }
            println!("game {game}: {}", game::read(&mut chain, game)?.status);
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dispute: {e}");
            ExitCode::FAILURE
        }
    }
}
