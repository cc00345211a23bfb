//! `dispute demo`: a whole dispute, on the embedded chain unless a node is given. A dishonest
//! proposer claims a wrong result of a real guest program; an honest challenger bisects it
//! down to the one wrong instruction, steps it on chain in the RISC-V verifier, and wins its
//! bond.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use revm::primitives::{Address, U256};

use crate::chain::{Chain, EmbeddedChain};
use crate::deploy::{create_game, deploy, register_game_type, GameParams};
use crate::driver::{play, Seat, Summary};
use crate::game::{self, hex_hash, EventKind, GameStatus};
use crate::lying::Lie;
use crate::setup::TraceSpec;
use crate::{Error, Player, Position, Result, Strategy, TraceProvider};

/// What the demo plays.
#[derive(Debug, Clone)]
pub struct DemoOptions {
    /// The program and game depth.
    pub spec: TraceSpec,
    /// The step from which the proposer lies (`None`: the middle of the execution).
    pub lie_from: Option<u64>,
    /// How the proposer lies.
    pub lie: Lie,
    /// Forge's build output.
    pub artifacts: PathBuf,
}

/// How the demo ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    /// The game's outcome.
    pub status: GameStatus,
    /// Rounds and chain time.
    pub summary: Summary,
    /// The most gas one move used.
    pub max_move_gas: u64,
    /// The challenger's and the proposer's balance change, in wei.
    pub challenger_gain: i128,
    /// See `challenger_gain`.
    pub proposer_gain: i128,
}

/// The wait between rounds on a chain whose time cannot be moved (a real node's blocks).
pub(crate) const POLL: Duration = Duration::from_secs(2);

const ETHER: u64 = 1_000_000_000_000_000_000;

fn account(tag: u8) -> Address {
    Address::repeat_byte(tag)
}

fn gain(after: U256, before: U256) -> i128 {
    let (after, before) = (after.to::<u128>() as i128, before.to::<u128>() as i128);
    after - before
}

/// The demo's accounts on a chain: who deploys, proposes and challenges.
#[derive(Debug, Clone, Copy)]
pub struct DemoAccounts {
    /// Deploys the contracts.
    pub deployer: Address,
    /// Proposes the wrong result.
    pub proposer: Address,
    /// Challenges it.
    pub challenger: Address,
}

/// Runs the demo on a fresh embedded chain, writing its account of the game to `out`.
pub fn run(options: &DemoOptions, out: &mut dyn Write) -> Result<DemoReport> {
    let (mut chain, accounts) = embedded_chain();
    run_on(&mut chain, accounts, options, out)
}

/// A fresh embedded chain with the demo's accounts funded.
pub fn embedded_chain() -> (EmbeddedChain, DemoAccounts) {
    let accounts = DemoAccounts {
        deployer: account(0xd0),
        proposer: account(0xb0),
        challenger: account(0xc0),
    };
    let mut chain = EmbeddedChain::new();
    for who in [accounts.deployer, accounts.proposer, accounts.challenger] {
        chain.fund(who, U256::from(1000) * U256::from(ETHER));
    }
    (chain, accounts)
}

/// Runs the demo on `chain` (a fresh embedded chain, or a node the accounts can sign for).
pub fn run_on(
    chain: &mut dyn Chain,
    accounts: DemoAccounts,
    options: &DemoOptions,
    out: &mut dyn Write,
) -> Result<DemoReport> {
    let mut honest_trace = options.spec.honest_trace()?;
    let final_step = honest_trace.final_step();
    let depth = options.spec.max_depth;
    let ends = if honest_trace.halts()? {
        format!("halts after {final_step} steps")
    } else {
        format!("does not halt within them: the game is over its first {final_step} steps")
    };
    let _ = writeln!(
        out,
        "program {}: the game covers 2^{depth} steps; it {ends}",
        options.spec.program.display()
    );
    let lie_from =
        match options.lie_from {
            None => (final_step / 2).max(1),
            Some(0) => return Err(Error::Usage(
                "--lie-from-step 0: the state after 0 steps is the absolute prestate, which the \
                 game fixes; a lie starts at step 1 or later"
                    .into(),
            )),
            Some(step) if step > 1 << depth => {
                return Err(Error::Usage(format!(
                "--lie-from-step {step} is past the game's 2^{depth} steps: the proposer would \
                 claim the honest result"
            )))
            }
            Some(step) => step,
        };
    let liar = options.spec.trace(Some((lie_from, options.lie)))?;
    let game = DemoGame {
        honest: Box::new(honest_trace),
        liar,
        lie: format!("lies from step {lie_from} on"),
        extra_data: options.spec.extra_data()?,
    };
    dispute(chain, accounts, game, &options.artifacts, out)
}

/// The two sides of a demo's game over one program, and the game's extra data.
pub struct DemoGame {
    /// The honest trace, the challenger's.
    pub honest: Box<dyn TraceProvider>,
    /// The dishonest proposer's trace.
    pub liar: Box<dyn TraceProvider>,
    /// How the proposer lies, for the account.
    pub lie: String,
    /// The game's extra data (the program's local data).
    pub extra_data: Vec<u8>,
}

/// Deploys the contracts on `chain`, has the proposer claim `game.liar`'s final state, and
/// plays the game out between the proposer and the honest challenger, writing its account
/// to `out`.
pub fn dispute(
    chain: &mut dyn Chain,
    accounts: DemoAccounts,
    mut game: DemoGame,
    artifacts: &std::path::Path,
    out: &mut dyn Write,
) -> Result<DemoReport> {
    let deployment = deploy(chain, accounts.deployer, artifacts)?;
    let params = GameParams::new(1, game.honest.absolute_prestate()?, game.honest.max_depth());
    register_game_type(chain, accounts.deployer, artifacts, &deployment, &params)?;
    let _ = writeln!(
        out,
        "deployed the oracle {}, the RISC-V verifier {} and the factory {} on the embedded chain",
        deployment.oracle, deployment.riscv, deployment.factory
    );
    play_game(chain, accounts, &deployment, params.game_type, game, out)
}

/// Has the proposer claim `game.liar`'s final state in a game of `game_type` at
/// `deployment`'s factory, and plays it out between the proposer and the honest challenger,
/// writing its account to `out`.
pub fn play_game(
    chain: &mut dyn Chain,
    accounts: DemoAccounts,
    deployment: &crate::deploy::Deployment,
    game_type: u32,
    game: DemoGame,
    out: &mut dyn Write,
) -> Result<DemoReport> {
    let DemoAccounts { proposer, challenger, .. } = accounts;
    let w = |out: &mut dyn Write, text: String| {
        let _ = writeln!(out, "{text}");
    };
    let DemoGame { honest, liar, lie, extra_data: extra } = game;
    let (mut honest, mut liar) = (honest, liar);
    let root = liar.claim_at(Position::ROOT)?;
    w(out, format!("honest final state  {}", hex_hash(&honest.claim_at(Position::ROOT)?)));
    w(out, format!("proposer's claim    {} ({lie})", hex_hash(&root)));
    let before = (chain.balance(challenger)?, chain.balance(proposer)?);
    let game = create_game(chain, proposer, deployment.factory, game_type, root, &extra)?;
    w(out, format!("the proposer created game {game}"));
    play_out(chain, accounts, game, DemoGame { honest, liar, lie, extra_data: extra }, before, out)
}

/// Plays `game` (created already, with the balances `before` it of the challenger and the
/// proposer) out between the proposer, with `demo.liar`, and the honest challenger, writing
/// its account to `out`.
pub fn play_out(
    chain: &mut dyn Chain,
    accounts: DemoAccounts,
    game: Address,
    demo: DemoGame,
    before: (U256, U256),
    out: &mut dyn Write,
) -> Result<DemoReport> {
    let DemoAccounts { proposer, challenger, .. } = accounts;
    let w = |out: &mut dyn Write, text: String| {
        let _ = writeln!(out, "{text}");
    };
    let DemoGame { honest, liar, extra_data: extra, .. } = demo;
    let mut seats = [
        Seat::new("proposer", Player::new(proposer, game, Strategy::Solver, liar, extra.clone())),
        Seat::new("challenger", Player::new(challenger, game, Strategy::Solver, honest, extra)),
    ];
    let mut max_move_gas = 0;
    let summary = play(chain, &mut seats, POLL, |seat, event| {
        if event.kind == EventKind::Move {
            max_move_gas = max_move_gas.max(event.gas);
        }
        let _ = writeln!(out, "  {:<10} {event}", seat.name);
    })?;
    let status = game::read(chain, game)?.status;
    let report = DemoReport {
        status,
        summary,
        max_move_gas,
        challenger_gain: gain(chain.balance(challenger)?, before.0),
        proposer_gain: gain(chain.balance(proposer)?, before.1),
    };
    w(
        out,
        format!(
            "outcome: {status} after {} rounds and {} days of chain time",
            summary.rounds,
            summary.elapsed / 86_400
        ),
    );
    for seat in &seats {
        w(out, format!("  {:<10} {} transactions, {} gas", seat.name, seat.transactions, seat.gas));
    }
    w(out, format!("  the most gas one move used: {max_move_gas}"));
    w(out, format!(
        "  balances: challenger {:+.4} ether, proposer {:+.4} ether (bonds, less gas where gas is priced)",
        report.challenger_gain as f64 / ETHER as f64,
        report.proposer_gain as f64 / ETHER as f64
    ));
    Ok(report)
}
