//! Multi-phase opML on anvil: a stories260K dispute over 128 tokens played one operator deep
//! by the library, and a digits game played by the `dispute` CLI (`--model`): `deploy`,
//! `propose` with a lie, and two `bisect` processes in real time.

use std::time::Duration;

use axon_dispute::chain::{Chain, RpcChain};
use axon_dispute::contracts::default_artifacts_dir;
use axon_dispute::deploy::{create_game, deploy, register_game_type, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, EventKind, GameStatus};
use axon_dispute::guest::load_guest;
use axon_dispute::lying::{Lie, Lies};
use axon_dispute::setup::{InferenceSpec, TraceSpec};
use axon_dispute::{Player, Strategy};

use crate::support::{anvil, bisect, data_dir, lines_until, repo, run, KEYS};

#[test]
fn a_128_token_stories260k_dispute_is_played_one_operator_deep_on_anvil() {
    let Ok(model) = std::fs::read(repo().join("../shared/models/stories260K.bin")) else {
        eprintln!("skipped: ../shared/models/stories260K.bin is absent (shared test data)");
        return;
    };
    let node = anvil(None);
    let keys: Vec<String> = KEYS.iter().map(|k| k.to_string()).collect();
    let mut chain = RpcChain::connect(&node.url, &keys).expect("connect");
    let accounts = chain.accounts().to_vec();
    let (deployer, proposer, challenger) = (accounts[0], accounts[1], accounts[2]);
    let spec = TraceSpec::inference(
        repo().join("fixtures/programs/inference-unit.elf"),
        InferenceSpec { model, input: Vec::new(), output_size: 4 * 128, split_depth: 20 },
        61,
        1 << 20,
    );
    let artifacts = default_artifacts_dir();
    let deployment = deploy(&mut chain, deployer, &artifacts).unwrap();
    let prestate = axon_vm::Vm::new(&load_guest(&spec.program).unwrap()).unwrap().state_hash();
    let mut params = GameParams::new(1, prestate, 61);
    params.split_depth = 20;
    register_game_type(&mut chain, deployer, &artifacts, &deployment, &params).unwrap();

    // The proposer's output differs from the 1,000th operator on, and it defends the lie
    // below the split with a run it claims succeeded.
    let lies = Lies { trace: Some((1000, Lie::State)), execution: Some((60, Lie::Status)) };
    let extra = spec.extra_data().unwrap();
    let mut liar_trace = spec.game_trace(lies).unwrap();
    let root = liar_trace.root().unwrap();
    let game = create_game(&mut chain, proposer, deployment.factory, 1, root, &extra).unwrap();
    let liar = Player::new(proposer, game, Strategy::Solver, liar_trace, extra.clone());
    let honest = Player::new(
        challenger,
        game,
        Strategy::Solver,
        spec.game_trace(Lies::default()).unwrap(),
        extra,
    );
    let mut seats = [Seat::new("proposer", liar), Seat::new("challenger", honest)];
    let mut max_move = 0;
    play(&mut chain, &mut seats, Duration::from_millis(100), |_, e| {
        if e.kind == EventKind::Move {
            max_move = max_move.max(e.gas);
        }
    })
    .unwrap();
    let state = game::read(&mut chain, game).unwrap();
    assert_eq!(state.status, GameStatus::ChallengerWins);
    assert!(state.claims.iter().any(|c| c.position.depth() > 20), "played below the split");
    assert!(max_move <= 100_000, "a move used {max_move} gas on anvil");
    assert!(seats[1].player.steps_run() < 56_800_000, "one operator, not the whole run");
    assert!(chain.balance(game).unwrap().is_zero(), "every bond paid out");
}

#[test]
fn the_cli_plays_a_multi_phase_inference_game_on_anvil() {
    let node = anvil(Some(1));
    let url = node.url.as_str();
    let model = repo().join("fixtures/models/digits.axml");
    let model = model.to_str().unwrap();
    let input_dir = data_dir("digits-input");
    std::fs::create_dir_all(&input_dir).unwrap();
    let input = input_dir.join("input");
    std::fs::write(&input, [3u8; 64]).unwrap();
    let input = input.to_str().unwrap();
    // Four units (the layers) above a split at depth 2, runs of 2^18 steps below.
    let game_args =
        ["--model", model, "--output-size", "10", "--max-depth", "21", "--split-depth", "2"];
    let deployment: Vec<&str> = ["deploy", "--rpc-url", url, "--private-key", KEYS[0]]
        .into_iter()
        .chain(game_args)
        .chain(["--max-clock-duration", "40", "--withdrawal-delay", "2"])
        .collect();
    let deployment: serde_json::Value = serde_json::from_str(&run(&deployment)).unwrap();
    assert_eq!(deployment["split_depth"], 2);
    let factory = deployment["factory"].as_str().unwrap().to_owned();
    let lie = ["--lie-from-unit", "2", "--lie-from-step", "100"];
    let propose: Vec<&str> = ["propose", "--rpc-url", url, "--private-key", KEYS[1]]
        .into_iter()
        .chain(game_args)
        .chain(["--input", input, "--factory", &factory])
        .chain(lie)
        .collect();
    let game = run(&propose).trim().to_owned();

    let (liar_dir, honest_dir) = (data_dir("opml-liar"), data_dir("opml-honest"));
    let common =
        ["bisect", "--rpc-url", url, "--game", &game, "--poll-seconds", "1", "--input", input];
    let liar_args: Vec<&str> = common
        .into_iter()
        .chain(game_args)
        .chain(lie)
        .chain(["--private-key", KEYS[1], "--data-dir", liar_dir.to_str().unwrap()])
        .collect();
    let honest_args: Vec<&str> = common
        .into_iter()
        .chain(game_args)
        .chain(["--private-key", KEYS[2], "--data-dir", honest_dir.to_str().unwrap()])
        .collect();
    let (mut liar, _liar_lines) = bisect(&liar_args);
    let (mut honest, lines) = bisect(&honest_args);
    let rest =
        lines_until(&lines, Duration::from_secs(300), |l| l.starts_with(&format!("game {game}")));
    assert!(honest.wait().unwrap().success());
    assert!(rest.last().unwrap().contains("challenger wins"), "{rest:#?}");
    assert!(liar.wait().unwrap().success(), "the liar plays to the end too");
    let status = run(&["status", "--rpc-url", url, "--game", &game]);
    assert!(status.contains("split depth    2"), "{status}");
    for dir in [liar_dir, honest_dir, input_dir] {
        let _ = std::fs::remove_dir_all(dir);
    }
}
