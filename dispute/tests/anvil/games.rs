//! The generic dispute game on anvil: the library beats every dishonest strategy, the
//! `dispute` CLI's challenger survives a restart and wins, and the demo plays.

use std::path::Path;
use std::time::Duration;

use axon_dispute::chain::{Chain, RpcChain};
use axon_dispute::contracts::default_artifacts_dir;
use axon_dispute::deploy::{create_game, deploy, register_game_type, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, EventKind, GameStatus};
use axon_dispute::lying::Lie;
use axon_dispute::setup::TraceSpec;
use axon_dispute::{Player, Position, Strategy, TraceProvider};

use crate::support::{anvil, bisect, data_dir, lines_until, repo, run, KEYS};

fn hello(depth: u8) -> TraceSpec {
    TraceSpec {
        program: repo().join("fixtures/programs/hello.elf"),
        input: b"axon".to_vec(),
        preimages: Default::default(),
        max_depth: depth,
        checkpoint_interval: 512,
        checkpoint_dir: None,
        inference: None,
    }
}

/// A dishonest player in a library game: its strategy and the lie its trace tells.
type Role = (Strategy, Option<(u64, Lie)>);

/// A game the library plays on anvil: the proposer's role, the other dishonest players', and
/// the honest challenger last.
struct Scenario {
    name: &'static str,
    proposer: Role,
    others: Vec<Role>,
}

#[test]
fn the_library_beats_every_dishonest_strategy_on_anvil() {
    let node = anvil(None);
    let keys: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
    let mut chain = RpcChain::connect(&node.url, &keys).expect("connect");
    assert!(chain.can_advance_time(), "anvil moves time");
    let accounts = chain.accounts().to_vec();
    let (deployer, challenger) = (accounts[0], accounts[1]);
    let artifacts = default_artifacts_dir();
    let spec = hello(12);
    let deployment = deploy(&mut chain, deployer, &artifacts).unwrap();
    let params = GameParams::new(1, spec.honest_trace().unwrap().absolute_prestate().unwrap(), 12);
    register_game_type(&mut chain, deployer, &artifacts, &deployment, &params).unwrap();
    let extra = spec.extra_data().unwrap();

    let solver = |from, lie| (Strategy::Solver, Some((from, lie)));
    let scenarios = [
        Scenario { name: "wrong final state", proposer: solver(3049, Lie::State), others: vec![] },
        Scenario { name: "one wrong step", proposer: solver(2000, Lie::State), others: vec![] },
        Scenario { name: "wrong status", proposer: solver(3049, Lie::Status), others: vec![] },
        Scenario {
            name: "idle proposer",
            proposer: (Strategy::Idle, Some((10, Lie::State))),
            others: vec![],
        },
        Scenario {
            name: "freeloader",
            proposer: solver(800, Lie::State),
            others: vec![(Strategy::Freeloader, None)],
        },
        Scenario {
            name: "several dishonest claimants",
            proposer: solver(1200, Lie::State),
            others: vec![
                solver(40, Lie::State),
                solver(2900, Lie::State),
                solver(3049, Lie::Status),
            ],
        },
    ];
    for scenario in scenarios {
        let proposer = accounts[2];
        let root = spec.trace(scenario.proposer.1).unwrap().claim_at(Position::ROOT).unwrap();
        let game = create_game(&mut chain, proposer, deployment.factory, 1, root, &extra).unwrap();
        let player = |who, (strategy, lie): Role| {
            Player::new(who, game, strategy, spec.trace(lie).unwrap(), extra.clone())
        };
        let mut seats = vec![Seat::new("proposer", player(proposer, scenario.proposer))];
        for (i, role) in scenario.others.iter().enumerate() {
            seats.push(Seat::new(format!("player {i}"), player(accounts[3 + i], *role)));
        }
        seats.push(Seat::new("challenger", player(challenger, (Strategy::Solver, None))));
        let mut max_move = 0;
        play(&mut chain, &mut seats, Duration::from_millis(100), |_, e| {
            if e.kind == EventKind::Move {
                max_move = max_move.max(e.gas);
            }
        })
        .unwrap_or_else(|e| panic!("{}: {e}", scenario.name));
        let state = game::read(&mut chain, game).unwrap();
        assert_eq!(state.status, GameStatus::ChallengerWins, "{}", scenario.name);
        for claim in state.claims.iter().filter(|c| c.claimant == challenger) {
            assert!(claim.countered_by.is_zero(), "{}: honest claim countered", scenario.name);
        }
        assert!(max_move <= 100_000, "{}: a move used {max_move} gas on anvil", scenario.name);
        assert!(chain.balance(game).unwrap().is_zero(), "{}: every bond paid out", scenario.name);
    }
}

fn player_runs(dir: &Path, game: &str) -> u64 {
    let text = std::fs::read_to_string(dir.join(game).join("player.json")).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).unwrap()["runs"].as_u64().unwrap()
}

#[test]
fn the_cli_challenger_survives_a_restart_and_wins_on_anvil() {
    let node = anvil(Some(1));
    let url = node.url.as_str();
    let deployment = run(&[
        "deploy",
        "--rpc-url",
        url,
        "--private-key",
        KEYS[0],
        "--max-depth",
        "12",
        "--max-clock-duration",
        "40",
        "--withdrawal-delay",
        "2",
    ]);
    let deployment: serde_json::Value = serde_json::from_str(&deployment).unwrap();
    let factory = deployment["factory"].as_str().unwrap().to_owned();
    let game = run(&[
        "propose",
        "--rpc-url",
        url,
        "--private-key",
        KEYS[1],
        "--max-depth",
        "12",
        "--factory",
        &factory,
        "--lie-from-step",
        "1700",
    ]);
    let game = game.trim().to_owned();

    let (liar_dir, honest_dir) = (data_dir("liar"), data_dir("honest"));
    let (liar_dir_s, honest_dir_s) = (liar_dir.to_str().unwrap(), honest_dir.to_str().unwrap());
    let common = ["--rpc-url", url, "--max-depth", "12", "--game", &game, "--poll-seconds", "1"];
    let liar_args: Vec<&str> = ["bisect"]
        .iter()
        .copied()
        .chain(common)
        .chain(["--private-key", KEYS[1], "--lie-from-step", "1700", "--data-dir", liar_dir_s])
        .collect();
    let honest_args: Vec<&str> = ["bisect"]
        .iter()
        .copied()
        .chain(common)
        .chain(["--private-key", KEYS[2], "--data-dir", honest_dir_s])
        .collect();
    let (mut liar, _liar_lines) = bisect(&liar_args);

    // The challenger makes two moves, then is killed without warning.
    let (mut honest, lines) = bisect(&honest_args);
    let moves = |l: &str| l.starts_with("attack") || l.starts_with("defend");
    lines_until(&lines, Duration::from_secs(60), |l| moves(l));
    lines_until(&lines, Duration::from_secs(60), |l| moves(l));
    honest.kill().unwrap();
    honest.wait().unwrap();

    // Restarted, it picks the game up from the chain and plays it to the end.
    let (mut honest, lines) = bisect(&honest_args);
    let rest =
        lines_until(&lines, Duration::from_secs(240), |l| l.starts_with(&format!("game {game}")));
    assert!(honest.wait().unwrap().success());
    let last = rest.last().unwrap();
    assert!(last.contains("challenger wins"), "{rest:#?}");
    assert!(rest.iter().any(|l| l.starts_with("step")), "the challenger stepped: {rest:#?}");
    assert!(rest.iter().any(|l| l.starts_with("withdraw")), "and withdrew: {rest:#?}");
    assert_eq!(player_runs(&honest_dir, &game), 2, "the record counts the restart");
    assert!(liar.wait().unwrap().success(), "the liar plays to the end too");

    let status = run(&["status", "--rpc-url", url, "--game", &game]);
    assert!(status.contains("challenger wins"), "{status}");
    let claims = run(&["list-claims", "--rpc-url", url, "--game", &game]);
    assert_eq!(claims.lines().count(), 1 + 13, "a header and one claim per level: {claims}");
    let _ = std::fs::remove_dir_all(liar_dir);
    let _ = std::fs::remove_dir_all(honest_dir);
}

#[test]
fn the_demo_plays_on_anvil_too() {
    let node = anvil(None);
    let keys = KEYS[..3].join(",");
    let out = run(&["demo", "--rpc-url", &node.url, "--private-key", &keys, "--max-depth", "12"]);
    assert!(out.contains("outcome: challenger wins"), "{out}");
    assert!(out.contains("step out of claim") || out.contains("step into claim"), "{out}");
}

/// Runs `dispute`, which must fail with exit status 1 and no panic; returns its stderr.
fn refused(args: &[&str]) -> String {
    let out = crate::support::dispute(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "dispute {args:?} panicked: {stderr}");
    assert_eq!(out.status.code(), Some(1), "dispute {args:?}: {stderr}");
    stderr
}

/// What a new user gets wrong is refused before anything is sent or written: a proposal for
/// another program or depth than the game type's, a challenger with another input or depth
/// than the game's, an address without a game; a refused step exits 1; a challenger with
/// nothing to counter says what it waits for.
#[test]
fn the_cli_refuses_wrong_games_before_sending_anything_on_anvil() {
    let node = anvil(None);
    let url = node.url.as_str();
    let deployment =
        run(&["deploy", "--rpc-url", url, "--private-key", KEYS[0], "--max-depth", "12"]);
    let deployment: serde_json::Value = serde_json::from_str(&deployment).unwrap();
    let factory = deployment["factory"].as_str().unwrap().to_owned();
    let propose = ["propose", "--rpc-url", url, "--private-key", KEYS[1], "--factory", &factory];

    let atomics = repo().join("fixtures/programs/atomics.elf");
    let wrong_program: Vec<&str> = propose
        .iter()
        .copied()
        .chain(["--max-depth", "12", "--program", atomics.to_str().unwrap()])
        .collect();
    let err = refused(&wrong_program);
    assert!(err.contains("does not fit: its absolute prestate (the program)"), "{err}");
    let err = refused(&propose.iter().copied().chain(["--max-depth", "14"]).collect::<Vec<_>>());
    assert!(err.contains("its tree has max depth 12, this trace's max depth 14"), "{err}");
    let err = refused(&["status", "--rpc-url", url, "--game", &factory]);
    assert!(err.contains("a contract that is not a game"), "{err}");
    let account = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    let err = refused(&["status", "--rpc-url", url, "--game", account]);
    assert!(err.contains("no game at") && err.contains("an account without code"), "{err}");

    // An honest proposal; the same proposal with a wrong input is refused by the challenger
    // before it writes anything.
    let game = run(&propose.iter().copied().chain(["--max-depth", "12"]).collect::<Vec<_>>());
    let game = game.trim().to_owned();
    let dir = data_dir("refusals");
    let dir_s = dir.to_str().unwrap();
    let challenge = ["bisect", "--rpc-url", url, "--private-key", KEYS[2], "--game", &game];
    let with = |extra: &[&'static str]| -> Vec<String> {
        challenge
            .iter()
            .chain(extra)
            .map(|s| s.to_string())
            .chain(["--data-dir".into(), dir_s.into()])
            .collect()
    };
    let wrong_input = with(&["--input-text", "other"]);
    let err = refused(&strs(&wrong_input));
    assert!(err.contains("its local data (the input)"), "{err}");
    let wrong_depth = with(&["--max-depth", "14"]);
    let err = refused(&strs(&wrong_depth));
    assert!(err.contains("its tree has max depth 12, this trace's max depth 14"), "{err}");
    assert!(!dir.exists(), "nothing was written for a game that does not fit");

    // The root is no leaf: the game refuses the step, and `step` says so with exit 1.
    let err = refused(&[
        "step",
        "--rpc-url",
        url,
        "--private-key",
        KEYS[2],
        "--game",
        &game,
        "--claim",
        "0",
    ]);
    assert!(err.contains("refused"), "{err}");
    let err = refused(&["withdraw", "--rpc-url", url, "--private-key", KEYS[2], "--game", &game]);
    assert!(err.contains("in progress"), "{err}");

    // With nothing to counter, the challenger (its depth read from the game) says what it waits for.
    let (mut honest, lines) = bisect(&strs(&with(&["--poll-seconds", "1"])));
    let waited =
        lines_until(&lines, Duration::from_secs(120), |l| l.starts_with("nothing to do until"));
    assert!(waited.last().unwrap().contains("polling every 1s"), "{waited:#?}");
    honest.kill().unwrap();
    honest.wait().unwrap();
    let _ = std::fs::remove_dir_all(dir);
}

/// The arguments as `&str`s.
fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}
