//! The game commands over JSON-RPC: `deploy` the contracts for a program, `propose` a result,
//! `bisect` (play a game to its end, resuming after a restart), `status` and `list-claims`,
//! `step` one leaf, `resolve`, and `withdraw` a bond.
//!
//! Every command that sends something checks first that the game, or the game type, is over
//! the program, input and depth given: a proposer or challenger with another trace would lose
//! its bond.

use std::path::PathBuf;
use std::time::Duration;

use alloy::primitives::Address;
use axon_dispute::deploy::{self, create_game, deploy, register_game_type, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, hex_hash, GameState, Shape, Withdrawal};
use axon_dispute::guest::load_guest;
use axon_dispute::lying::Lies;
use axon_dispute::persist::PlayerRecord;
use axon_dispute::setup::TraceSpec;
use axon_dispute::{Error, Player, Result, Strategy};
use axon_vm::Vm;
use clap::{Args, ValueEnum};

use crate::args::{artifacts_or_default, parse_address, sender, ChainArgs, LieArgs, ProgramArgs};

/// `dispute deploy`.
#[derive(Args, Debug)]
pub(crate) struct DeployArgs {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(flatten)]
    program: ProgramArgs,
    /// The game type to register.
    #[arg(long, default_value_t = 1)]
    game_type: u32,
    /// Forge's build output [default: contracts/out of the repository].
    #[arg(long)]
    artifacts: Option<PathBuf>,
    /// Seconds on each side's clock (default: Optimism's 3.5 days; at least 4). The
    /// extensions shrink with it: at most a quarter and a half of it.
    #[arg(long, value_parser = clap::value_parser!(u32).range(4..))]
    max_clock_duration: Option<u32>,
    /// Seconds between a game's resolution and the withdrawal of its bonds.
    #[arg(long, default_value_t = 86_400)]
    withdrawal_delay: u32,
}

/// `dispute propose`.
#[derive(Args, Debug)]
pub(crate) struct ProposeArgs {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(flatten)]
    program: ProgramArgs,
    #[command(flatten)]
    lie: LieArgs,
    /// The factory.
    #[arg(long, value_parser = parse_address)]
    factory: Address,
    /// The game type.
    #[arg(long, default_value_t = 1)]
    game_type: u32,
}

/// How `bisect` plays.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub(crate) enum StrategyArg {
    /// The honest-actor rules (over a lying trace with --lie-from-step).
    Solver,
    /// Make no move.
    Idle,
    /// Attack every claim of others with a wrong claim.
    Freeloader,
}

/// `dispute bisect`.
#[derive(Args, Debug)]
pub(crate) struct BisectArgs {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(flatten)]
    program: ProgramArgs,
    #[command(flatten)]
    lie: LieArgs,
    /// The game.
    #[arg(long, value_parser = parse_address)]
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
}

/// A command about one game: `status`, `list-claims`, `resolve`, `withdraw`.
#[derive(Args, Debug)]
pub(crate) struct GameArgs {
    #[command(flatten)]
    chain: ChainArgs,
    /// The game.
    #[arg(long, value_parser = parse_address)]
    game: Address,
}

/// `dispute step`.
#[derive(Args, Debug)]
pub(crate) struct StepArgs {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(flatten)]
    program: ProgramArgs,
    /// The game.
    #[arg(long, value_parser = parse_address)]
    game: Address,
    /// The leaf claim's index.
    #[arg(long)]
    claim: usize,
}

/// Runs `dispute deploy`.
pub(crate) fn deploy_cmd(args: DeployArgs) -> Result<()> {
    let mut chain = args.chain.connect()?;
    let from = sender(&chain)?;
    let artifacts = artifacts_or_default(args.artifacts)?;
    let spec = args.program.spec(None, None)?;
    let mut params = GameParams::new(args.game_type, prestate(&spec)?, spec.max_depth);
    params.split_depth = spec.shape().split_depth;
    if let Some(seconds) = args.max_clock_duration {
        params.with_clock(seconds);
    }
    params.withdrawal_delay = args.withdrawal_delay;
    let deployment = deploy(&mut chain, from, &artifacts)?;
    let implementation = register_game_type(&mut chain, from, &artifacts, &deployment, &params)?;
    let json = serde_json::json!({
        "oracle": deployment.oracle,
        "riscv": deployment.riscv,
        "factory": deployment.factory,
        "game_type": args.game_type,
        "implementation": implementation,
        "absolute_prestate": hex_hash(&params.absolute_prestate),
        "max_depth": params.max_depth,
        "split_depth": params.split_depth,
    });
    println!("{json:#}");
    Ok(())
}

/// Runs `dispute propose`: reads the game type's depth (unless `--max-depth` is given) and
/// checks it is over this program, then creates the game.
pub(crate) fn propose(args: ProposeArgs) -> Result<()> {
    let mut chain = args.chain.connect()?;
    let from = sender(&chain)?;
    let (factory, game_type) = (args.factory, args.game_type);
    let info = deploy::game_type(&mut chain, factory, game_type)?;
    let spec = args.program.spec(Some(info.shape), None)?;
    info.check(&prestate(&spec)?, spec.shape())?;
    let root = spec.root(args.lie.lies(&spec))?;
    let game = create_game(&mut chain, from, factory, game_type, root, &spec.extra_data()?)?;
    println!("{game}");
    eprintln!("claimed {} for {}", hex_hash(&root), spec.program.display());
    Ok(())
}

/// Runs `dispute bisect`: checks the game fits before writing anything, then plays.
pub(crate) fn bisect(args: BisectArgs) -> Result<()> {
    let chain = args.chain.connect()?;
    let account = sender(&chain)?;
    let mut chain = if args.warp { chain } else { chain.without_time_travel() };
    let game = args.game;
    let dir = args.data_dir.join(format!("{game}"));
    let spec = checked_spec(&mut chain, &args.program, game, Some(dir.join("checkpoints")))?;
    let record = PlayerRecord::open_or_create(&dir, game, account, &spec)?;
    let strategy = match args.strategy {
        StrategyArg::Solver => Strategy::Solver,
        StrategyArg::Idle => Strategy::Idle,
        StrategyArg::Freeloader => Strategy::Freeloader,
    };
    let trace = spec.game_trace(args.lie.lies(&spec))?;
    let player = Player::new(account, game, strategy, trace, spec.extra_data()?);
    let mut seats = [Seat::new(format!("{account}"), player)];
    eprintln!("playing game {game} as {account} ({} earlier runs)", record.runs - 1);
    // Without --warp a real deployment's clocks are real, even on a node that could move them.
    let poll = Duration::from_secs(args.poll_seconds);
    let summary = play(&mut chain, &mut seats, poll, |_, event| println!("{event}"))?;
    let state = game::read(&mut chain, game)?;
    println!("game {game}: {} ({} rounds this run)", state.status, summary.rounds);
    Ok(())
}

/// Runs `dispute status`.
pub(crate) fn status(args: GameArgs) -> Result<()> {
    let mut chain = args.chain.connect()?;
    let game = args.game;
    let state = game::read(&mut chain, game)?;
    println!("game           {game}");
    println!("status         {}", state.status);
    println!("root claim     {}", hex_hash(&state.claims[0].value));
    println!("prestate       {}", hex_hash(&state.absolute_prestate));
    println!("max depth      {}", state.max_depth);
    if state.split_depth != 0 {
        println!("split depth    {}", state.split_depth);
    }
    println!("claims         {}", state.claims.len());
    let open: Vec<usize> =
        state.claims.iter().map(|c| c.index).filter(|&i| !state.resolved[i]).collect();
    println!("unresolved     {}", open.len());
    if let Some(at) = open.iter().map(|&i| state.challenge_deadline(i)).min() {
        let from_now = at as i64 - state.now as i64;
        println!("next deadline  {at} ({from_now}s from now)");
    }
    Ok(())
}

/// Runs `dispute list-claims`.
pub(crate) fn list_claims(args: GameArgs) -> Result<()> {
    let mut chain = args.chain.connect()?;
    let state = game::read(&mut chain, args.game)?;
    println!(
        "{:>5} {:>6} {:>5} {:>14} {:<68} {:<42} countered by",
        "index", "parent", "depth", "trace index", "claim", "claimant"
    );
    for c in &state.claims {
        let parent = c.parent.map_or("-".to_string(), |p| p.to_string());
        let countered =
            if c.countered_by == Address::ZERO { "-".into() } else { c.countered_by.to_string() };
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
    Ok(())
}

/// Runs `dispute step`; a step the game refuses is an error (exit 1).
pub(crate) fn step(args: StepArgs) -> Result<()> {
    let mut chain = args.chain.connect()?;
    let account = sender(&chain)?;
    let spec = checked_spec(&mut chain, &args.program, args.game, None)?;
    let trace = spec.game_trace(Lies::default())?;
    let mut player = Player::new(account, args.game, Strategy::Solver, trace, spec.extra_data()?);
    let event = player.step_claim(&mut chain, args.claim)?;
    println!("{event}");
    Ok(())
}

/// Runs `dispute resolve`.
pub(crate) fn resolve(args: GameArgs) -> Result<()> {
    let mut chain = args.chain.connect()?;
    let account = sender(&chain)?;
    for event in game::resolve_all(&mut chain, account, args.game)? {
        println!("{event}");
    }
    println!("game {}: {}", args.game, game::read(&mut chain, args.game)?.status);
    Ok(())
}

/// Runs `dispute withdraw`: the sender's credit, once the game is resolved and the delay over.
pub(crate) fn withdraw(args: GameArgs) -> Result<()> {
    let mut chain = args.chain.connect()?;
    let account = sender(&chain)?;
    let state = game::read(&mut chain, args.game)?;
    match game::withdraw(&mut chain, account, &state)? {
        Withdrawal::Paid(event) => {
            println!("{event}");
            Ok(())
        }
        Withdrawal::NoCredit => Err(Error::Usage(format!(
            "{account} has no credit in game {} (none won, or withdrawn already)",
            args.game
        ))),
        Withdrawal::NotResolved => Err(Error::Usage(format!(
            "game {} is in progress: credit is paid once it is resolved (`dispute resolve`)",
            args.game
        ))),
        Withdrawal::NotBefore(at) => Err(Error::Usage(format!(
            "the credit can be withdrawn from chain time {at}, {}s from now",
            at - state.now
        ))),
    }
}

/// The trace spec of `program` for the game at `game`, checked against the game before
/// anything is written or sent: the depth is the game's own unless `--max-depth` says
/// otherwise, and the program, input and depth must be the game's.
fn checked_spec(
    chain: &mut dyn axon_dispute::chain::Chain,
    program: &ProgramArgs,
    game: Address,
    checkpoint_dir: Option<PathBuf>,
) -> Result<TraceSpec> {
    let state: GameState = game::read(chain, game)?;
    let shape = Shape { max_depth: state.max_depth, split_depth: state.split_depth };
    let spec = program.spec(Some(shape), checkpoint_dir)?;
    game::check_fits(&state, &prestate(&spec)?, &spec.extra_data()?, spec.shape())?;
    Ok(spec)
}

/// The absolute prestate of the spec's program: its state before the first step (which the
/// input, read through the oracle, does not change).
fn prestate(spec: &TraceSpec) -> Result<axon_vm::Hash> {
    Ok(Vm::new(&load_guest(&spec.program)?)?.state_hash())
}
