//! Whole games on the embedded chain with the compiled contracts and the real RISC-V
//! verifier: the honest challenger (or proposer) against every dishonest strategy the issue
//! names. Each game is played to the end — moves, the step, resolution, withdrawals — and
//! checked for its outcome, the players' money, and the gas of every move.

use std::path::PathBuf;
use std::time::Duration;

use axon_dispute::chain::{Address, Chain, EmbeddedChain, U256};
use axon_dispute::contracts::default_artifacts_dir;
use axon_dispute::deploy::{create_game, deploy, register_game_type, Deployment, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, EventKind, GameStatus};
use axon_dispute::lying::Lie;
use axon_dispute::setup::TraceSpec;
use axon_dispute::{Error, Player, Position, Strategy, TraceProvider};

/// hello halts after 3049 steps with this input: a 2^12-step game holds it.
const DEPTH: u8 = 12;
const FINAL_STEP: u64 = 3049;
const INPUT: &[u8] = b"axon";
const FUNDS: u64 = 1_000_000_000_000_000_000;

fn spec(program: &str, input: &[u8], checkpoint_dir: Option<PathBuf>) -> TraceSpec {
    TraceSpec {
        program: PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../fixtures/programs")
            .join(program),
        input: input.to_vec(),
        preimages: Default::default(),
        max_depth: DEPTH,
        checkpoint_interval: 256,
        checkpoint_dir,
        inference: None,
    }
}

fn hello() -> TraceSpec {
    spec("hello.elf", INPUT, None)
}

/// A chain with the contracts deployed and hello's game type registered.
struct Arena {
    chain: EmbeddedChain,
    deployment: Deployment,
}

fn arena() -> Arena {
    let mut chain = EmbeddedChain::new();
    let deployer = Address::repeat_byte(0xd0);
    chain.fund(deployer, U256::from(FUNDS));
    let artifacts = default_artifacts_dir();
    let deployment = deploy(&mut chain, deployer, &artifacts).expect("deploy");
    let prestate = hello().honest_trace().unwrap().absolute_prestate().unwrap();
    let params = GameParams::new(1, prestate, DEPTH);
    register_game_type(&mut chain, deployer, &artifacts, &deployment, &params).expect("register");
    Arena { chain, deployment }
}

/// A player's account, funded.
fn account(arena: &mut Arena, tag: u8) -> Address {
    let who = Address::repeat_byte(tag);
    arena.chain.fund(who, U256::from(FUNDS));
    who
}

/// hello's trace, lying from `lie` on if given.
fn trace(lie: Option<(u64, Lie)>) -> Box<dyn TraceProvider> {
    hello().trace(lie).expect("trace")
}

/// Creates the game whose root is the (possibly lying) trace's final claim.
fn propose(arena: &mut Arena, proposer: Address, lie: Option<(u64, Lie)>) -> Address {
    let root = trace(lie).claim_at(Position::ROOT).unwrap();
    let extra = hello().extra_data().unwrap();
    create_game(&mut arena.chain, proposer, arena.deployment.factory, 1, root, &extra)
        .expect("create")
}

fn player(account: Address, game: Address, strategy: Strategy, lie: Option<(u64, Lie)>) -> Player {
    Player::new(account, game, strategy, trace(lie), hello().extra_data().unwrap())
}

/// Plays to the end; returns the status and the most gas a move used.
fn finish(arena: &mut Arena, game: Address, seats: &mut [Seat]) -> (GameStatus, u64) {
    let mut max_move = 0;
    play(&mut arena.chain, seats, Duration::ZERO, |_, event| {
        if event.kind == EventKind::Move {
            max_move = max_move.max(event.gas);
        }
    })
    .expect("the game plays to the end");
    let state = game::read(&mut arena.chain, game).unwrap();
    assert!(state.resolved.iter().all(|&r| r), "every claim is resolved");
    assert_eq!(arena.chain.balance(game).unwrap(), U256::ZERO, "every bond is paid out");
    (state.status, max_move)
}

fn balance(arena: &mut Arena, who: Address) -> U256 {
    arena.chain.balance(who).unwrap()
}

/// A dishonest proposer against the honest challenger: the challenger wins, gains the
/// proposer's bonds, and every move stays within 100k gas.
fn challenger_beats(lie: (u64, Lie)) {
    let mut arena = arena();
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let game = propose(&mut arena, proposer, Some(lie));
    let before = balance(&mut arena, challenger);
    let mut seats = [
        Seat::new("proposer", player(proposer, game, Strategy::Solver, Some(lie))),
        Seat::new("challenger", player(challenger, game, Strategy::Solver, None)),
    ];
    let (status, max_move) = finish(&mut arena, game, &mut seats);
    assert_eq!(status, GameStatus::ChallengerWins, "lie {lie:?}");
    assert!(balance(&mut arena, challenger) > before, "the challenger gains");
    assert!(balance(&mut arena, proposer) < U256::from(FUNDS), "the proposer loses");
    assert!(max_move <= 100_000, "a move used {max_move} gas");
}

#[test]
fn a_wrong_final_state_loses_at_the_last_instruction() {
    challenger_beats((FINAL_STEP, Lie::State));
}

#[test]
fn a_single_wrong_step_deep_in_the_trace_loses() {
    for from in [1, 651, 652, 2048, FINAL_STEP - 1] {
        challenger_beats((from, Lie::State));
    }
}

#[test]
fn a_wrong_halting_status_loses() {
    challenger_beats((FINAL_STEP, Lie::Status));
}

#[test]
fn a_claim_past_the_end_of_the_trace_loses() {
    // Lying only about the padding: the step from the halted state is the no-op it disputes.
    challenger_beats((FINAL_STEP + 7, Lie::State));
}

#[test]
fn an_idle_proposer_loses_on_time() {
    let mut arena = arena();
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let lie = Some((100, Lie::State));
    let game = propose(&mut arena, proposer, lie);
    let mut seats = [
        Seat::new("proposer", player(proposer, game, Strategy::Idle, lie)),
        Seat::new("challenger", player(challenger, game, Strategy::Solver, None)),
    ];
    let (status, _) = finish(&mut arena, game, &mut seats);
    assert_eq!(status, GameStatus::ChallengerWins);
    let claims = game::read(&mut arena.chain, game).unwrap().claims;
    assert_eq!(claims.len(), 2, "the root and the challenger's one attack");
}

#[test]
fn an_honest_proposer_wins_unchallenged_and_against_a_dishonest_challenger() {
    let mut arena = arena();
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let game = propose(&mut arena, proposer, None);
    let mut seats = [Seat::new("proposer", player(proposer, game, Strategy::Solver, None))];
    assert_eq!(finish(&mut arena, game, &mut seats).0, GameStatus::DefenderWins);
    assert_eq!(balance(&mut arena, proposer), U256::from(FUNDS), "the root bond comes back");

    let lie = Some((1500, Lie::State));
    let mut arena = self::arena();
    let (proposer, _) = (account(&mut arena, 0xb0), challenger);
    let challenger = account(&mut arena, 0xc0);
    let game = propose(&mut arena, proposer, None);
    let mut seats = [
        Seat::new("proposer", player(proposer, game, Strategy::Solver, None)),
        Seat::new("challenger", player(challenger, game, Strategy::Solver, lie)),
    ];
    assert_eq!(finish(&mut arena, game, &mut seats).0, GameStatus::DefenderWins);
    assert!(balance(&mut arena, proposer) > U256::from(FUNDS), "the proposer gains");
    assert!(balance(&mut arena, challenger) < U256::from(FUNDS), "the challenger loses");
}

#[test]
fn freeloaders_lose_their_bonds_to_the_honest_challenger() {
    let mut arena = arena();
    let lie = Some((800, Lie::State));
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let freeloader = account(&mut arena, 0xf0);
    let game = propose(&mut arena, proposer, lie);
    let mut seats = [
        Seat::new("proposer", player(proposer, game, Strategy::Solver, lie)),
        Seat::new("freeloader", player(freeloader, game, Strategy::Freeloader, None)),
        Seat::new("challenger", player(challenger, game, Strategy::Solver, None)),
    ];
    let (status, _) = finish(&mut arena, game, &mut seats);
    assert_eq!(status, GameStatus::ChallengerWins);
    assert!(seats[1].transactions > 0, "the freeloader played");
    assert!(balance(&mut arena, freeloader) < U256::from(FUNDS), "the freeloader loses");
    assert!(balance(&mut arena, challenger) > U256::from(FUNDS), "the challenger gains");
}

#[test]
fn several_dishonest_claimants_at_once_all_lose() {
    let mut arena = arena();
    let proposer = account(&mut arena, 0xb0);
    let challenger = account(&mut arena, 0xc0);
    let liars: Vec<(Address, (u64, Lie))> = vec![
        (account(&mut arena, 0xa1), (40, Lie::State)),
        (account(&mut arena, 0xa2), (2900, Lie::State)),
        (account(&mut arena, 0xa3), (FINAL_STEP, Lie::Status)),
    ];
    let proposer_lie = Some((1200, Lie::State));
    let game = propose(&mut arena, proposer, proposer_lie);
    let mut seats =
        vec![Seat::new("proposer", player(proposer, game, Strategy::Solver, proposer_lie))];
    for (i, (who, lie)) in liars.iter().enumerate() {
        seats
            .push(Seat::new(format!("liar {i}"), player(*who, game, Strategy::Solver, Some(*lie))));
    }
    seats.push(Seat::new("challenger", player(challenger, game, Strategy::Solver, None)));
    let (status, max_move) = finish(&mut arena, game, &mut seats);
    assert_eq!(status, GameStatus::ChallengerWins);
    // A liar may earn from another liar's wrong claims; none of it comes from the honest side.
    let claims = game::read(&mut arena.chain, game).unwrap().claims;
    for claim in claims.iter().filter(|c| c.claimant == challenger) {
        assert_eq!(claim.countered_by, Address::ZERO, "honest claim {} countered", claim.index);
    }
    // Liars that moved first made some of the honest moves (same claim): the challenger does
    // not repeat them, so it may win no bond, but it loses nothing.
    assert!(balance(&mut arena, proposer) < U256::from(FUNDS), "the proposer loses");
    assert!(balance(&mut arena, challenger) >= U256::from(FUNDS), "the challenger loses nothing");
    assert!(max_move <= 100_000, "a move used {max_move} gas");
}

#[test]
fn a_restarted_challenger_resumes_from_its_checkpoints_and_wins() {
    let dir = std::env::temp_dir().join(format!("axon-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // A player over checkpoints in `dir`, and whether it ran the program to make them.
    let restarted = |dir: &PathBuf, challenger, game| {
        let spec = spec("hello.elf", INPUT, Some(dir.join("checkpoints")));
        let trace = spec.honest_trace().unwrap();
        let ran = !trace.stdout().is_empty();
        let extra = spec.extra_data().unwrap();
        (ran, Player::new(challenger, game, Strategy::Solver, Box::new(trace), extra))
    };
    let mut arena = arena();
    let lie = Some((1000, Lie::State));
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let game = propose(&mut arena, proposer, lie);
    let mut liar = player(proposer, game, Strategy::Solver, lie);
    // A few rounds, then the challenger "crashes": a new player, a new trace from disk.
    let (ran, mut first) = restarted(&dir, challenger, game);
    assert!(ran, "the first start runs the program");
    for _ in 0..4 {
        first.tick(&mut arena.chain).unwrap();
        liar.tick(&mut arena.chain).unwrap();
    }
    drop(first);
    assert!(dir.join("checkpoints").read_dir().unwrap().count() > 1, "checkpoints on disk");
    let (ran, again) = restarted(&dir, challenger, game);
    assert!(!ran, "the restart reuses the checkpoints on disk");
    let mut seats = [Seat::new("proposer", liar), Seat::new("challenger", again)];
    assert_eq!(finish(&mut arena, game, &mut seats).0, GameStatus::ChallengerWins);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_player_refuses_a_game_over_another_program_or_input() {
    let mut arena = arena();
    let (proposer, challenger) = (account(&mut arena, 0xb0), account(&mut arena, 0xc0));
    let game = propose(&mut arena, proposer, None);
    for other in [spec("bench-keccak.elf", INPUT, None), spec("hello.elf", b"other input", None)] {
        let mut p = Player::new(
            challenger,
            game,
            Strategy::Solver,
            other.trace(None).unwrap(),
            other.extra_data().unwrap(),
        );
        match p.tick(&mut arena.chain) {
            Err(Error::WrongGame { reason, .. }) => assert!(!reason.is_empty()),
            other => panic!("expected WrongGame, got {other:?}"),
        }
    }
}

#[test]
fn the_demo_ends_with_the_challenger_winning_the_proposers_bonds() {
    let options = axon_dispute::demo::DemoOptions {
        spec: spec("hello.elf", INPUT, None),
        lie_from: None,
        lie: Lie::State,
        artifacts: default_artifacts_dir(),
    };
    let mut out = Vec::new();
    let report = axon_dispute::demo::run(&options, &mut out).expect("the demo runs");
    let text = String::from_utf8(out).unwrap();
    assert_eq!(report.status, GameStatus::ChallengerWins, "{text}");
    assert!(report.challenger_gain > 0 && report.proposer_gain < 0, "{report:?}");
    assert_eq!(report.challenger_gain + report.proposer_gain, 0, "bonds only change hands");
    assert!(report.max_move_gas > 0 && report.max_move_gas <= 100_000, "{report:?}");
    // By default the lie starts halfway through the execution.
    let halt: u64 = text
        .split("halts after ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the demo names the halting step");
    let lie = format!("lies from step {} on", halt / 2);
    assert!(text.contains(&lie), "the lie starts mid-execution ({lie}): {text}");
}
