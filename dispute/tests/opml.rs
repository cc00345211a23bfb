//! Multi-phase opML (`docs/ml.md`, "Multi-phase disputes"): the `inference-unit` guest and
//! the native phase 1 agree on the commitment after every unit of the digits, tiny-llama and
//! stories260K runs, and a stories260K dispute over 128 tokens from BOS is played one
//! operator deep on the embedded chain.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use axon_dispute::chain::{Address, EmbeddedChain, U256};
use axon_dispute::contracts::default_artifacts_dir;
use axon_dispute::deploy::{create_game, deploy, register_game_type, GameParams};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, EventKind, GameStatus};
use axon_dispute::guest::{finish_guest, load_guest};
use axon_dispute::lying::{Lie, Lies};
use axon_dispute::setup::{InferenceSpec, TraceSpec};
use axon_dispute::split::inference::InferenceUnits;
use axon_dispute::split::{Subgame, Units, VmUnitTrace};
use axon_dispute::{Player, Position, Strategy};
use axon_vm::Halt;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn unit_program() -> PathBuf {
    repo().join("fixtures/programs/inference-unit.elf")
}

fn fixture_model(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("fixtures/models").join(name)).unwrap()
}

/// stories260K, from the shared test data (`None`, and a note, where it is absent).
fn stories() -> Option<Vec<u8>> {
    let path = repo().join("../shared/models/stories260K.bin");
    let model = std::fs::read(&path).ok();
    if model.is_none() {
        eprintln!("skipped: {} is absent (shared test data)", path.display());
    }
    model
}

/// Runs unit `unit` of the request in the VM from the native commitment after `unit` units,
/// disputing `disputed`: how the guest exits.
fn run_unit(
    trace: &mut VmUnitTrace,
    native: &mut InferenceUnits,
    unit: u64,
    disputed: [u8; 32],
) -> Halt {
    let subgame = Subgame {
        agreed: native.commitment_after(unit).unwrap(),
        agreed_position: None,
        disputed,
        disputed_position: Position::new(20, 0).unwrap(),
        unit,
    };
    let store = trace.execution_store(&subgame).unwrap();
    let (vm, _) = finish_guest(trace.program(), store).unwrap();
    vm.cpu().halt
}

/// Every unit of the request, re-executed in the VM from the native commitment before it,
/// yields the native commitment after it (exit 0); on every `wrong_every`-th unit a flipped
/// commitment is refused (exit 1). Splits the units over two threads.
fn every_unit_agrees(model: &[u8], input: &[u8], output_size: usize, wrong_every: u64) -> u64 {
    let total = InferenceUnits::new(model.to_vec(), input, output_size).units();
    std::thread::scope(|scope| {
        for half in 0..2u64 {
            scope.spawn(move || {
                let mut native = InferenceUnits::new(model.to_vec(), input, output_size);
                let units = Box::new(InferenceUnits::new(model.to_vec(), input, output_size));
                let program = load_guest(&unit_program()).unwrap();
                let mut trace = VmUnitTrace::new(units, program, 61, 20, 1 << 20).unwrap();
                // The padding unit after the last, too.
                for unit in (half..=total).step_by(2) {
                    let right = native.commitment_after(unit + 1).unwrap();
                    let halt = run_unit(&mut trace, &mut native, unit, right);
                    assert_eq!(halt, Halt::Exited(0), "unit {unit} of {total}");
                    if unit % wrong_every == 0 {
                        let mut wrong = right;
                        wrong[17] ^= 0x40;
                        let halt = run_unit(&mut trace, &mut native, unit, wrong);
                        assert_eq!(halt, Halt::Exited(1), "unit {unit}: a wrong commitment");
                    }
                }
            });
        }
    });
    total
}

#[test]
fn every_unit_of_the_digits_classifier_agrees_in_the_vm() {
    let model = fixture_model("digits.axml");
    let samples: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("fixtures/models/digits-test.json")).unwrap(),
    )
    .unwrap();
    for sample in samples["samples"].as_array().unwrap().iter().take(5) {
        let input: Vec<u8> =
            sample["input"].as_array().unwrap().iter().map(|v| v.as_i64().unwrap() as u8).collect();
        assert_eq!(every_unit_agrees(&model, &input, 10, 1), 4, "one unit a layer");
    }
    // A refused request (the wrong output size) is a state too: no unit changes it.
    assert_eq!(every_unit_agrees(&model, &[0; 64], 7, 1), 1);
}

#[test]
fn every_unit_of_tiny_llama_agrees_in_the_vm() {
    let model = fixture_model("tiny-llama.bin");
    let units = every_unit_agrees(&model, &[], 4 * 16, 17);
    assert!(units > 16, "{units} units");
}

#[test]
fn every_unit_of_stories260k_agrees_in_the_vm() {
    let Some(model) = stories() else { return };
    // The run of tests/tests/inference.rs: 12 tokens from BOS, 38 units a token.
    assert_eq!(every_unit_agrees(&model, &[], 4 * 12, 37), 12 * 38);
}

/// The commitment after each of a few units of a 128-token stories260K run, re-executed in
/// the VM: the cache and the context grow, the units stay one operator.
#[test]
fn late_units_of_a_128_token_stories260k_run_agree_in_the_vm() {
    let Some(model) = stories() else { return };
    let mut native = InferenceUnits::new(model.clone(), &[], 4 * 128);
    assert_eq!(native.units(), 128 * 38);
    let units = Box::new(InferenceUnits::new(model, &[], 4 * 128));
    let mut trace =
        VmUnitTrace::new(units, load_guest(&unit_program()).unwrap(), 61, 20, 1 << 20).unwrap();
    // The last position's operators, and a few on the way.
    for unit in (127 * 38..128 * 38).chain([1000, 2432, 3333]) {
        let right = native.commitment_after(unit + 1).unwrap();
        assert_eq!(run_unit(&mut trace, &mut native, unit, right), Halt::Exited(0), "unit {unit}");
    }
}

/// What a stories260K dispute cost each side.
struct Figures {
    status: GameStatus,
    rounds: u64,
    challenger_steps: u64,
    proposer_steps: u64,
    gas: u64,
    max_move: u64,
    max_step: u64,
    wall: Duration,
}

/// Plays a multi-phase stories260K game (128 tokens from BOS) on the embedded chain: a
/// proposer lying from unit `from_unit` (and in its executions from step `from_step`)
/// against the honest challenger.
fn stories_dispute(model: Vec<u8>, from_unit: u64, from_step: u64) -> Figures {
    let spec = TraceSpec::inference(
        unit_program(),
        InferenceSpec { model, input: Vec::new(), output_size: 4 * 128, split_depth: 20 },
        61,
        1 << 20,
    );
    let mut chain = EmbeddedChain::new();
    let funds = U256::from(10u128.pow(24));
    let [deployer, proposer, challenger] = [0xd0, 0xb0, 0xc0].map(Address::repeat_byte);
    for who in [deployer, proposer, challenger] {
        chain.fund(who, funds);
    }
    let artifacts = default_artifacts_dir();
    let deployment = deploy(&mut chain, deployer, &artifacts).unwrap();
    let prestate = axon_vm::Vm::new(&load_guest(&spec.program).unwrap()).unwrap().state_hash();
    let mut params = GameParams::new(5, prestate, 61);
    params.split_depth = 20;
    register_game_type(&mut chain, deployer, &artifacts, &deployment, &params).unwrap();
    let started = Instant::now();
    let lies =
        Lies { trace: Some((from_unit, Lie::State)), execution: Some((from_step, Lie::Status)) };
    let root = spec.root(lies).unwrap();
    let extra = spec.extra_data().unwrap();
    let game = create_game(&mut chain, proposer, deployment.factory, 5, root, &extra).unwrap();
    let liar = Player::new(
        proposer,
        game,
        Strategy::Solver,
        spec.game_trace(lies).unwrap(),
        extra.clone(),
    );
    let honest = Player::new(
        challenger,
        game,
        Strategy::Solver,
        spec.game_trace(Lies::default()).unwrap(),
        extra,
    );
    let mut seats = [Seat::new("proposer", liar), Seat::new("challenger", honest)];
    let (mut max_move, mut max_step) = (0, 0);
    let summary = play(&mut chain, &mut seats, Duration::ZERO, |_, event| match event.kind {
        EventKind::Move => max_move = max_move.max(event.gas),
        EventKind::Step => max_step = max_step.max(event.gas),
        _ => {}
    })
    .unwrap();
    let state = game::read(&mut chain, game).unwrap();
    assert!(state.claims.iter().any(|c| c.position.depth() > 20), "the game went below the split");
    Figures {
        status: state.status,
        rounds: summary.rounds,
        challenger_steps: seats[1].player.steps_run(),
        proposer_steps: seats[0].player.steps_run(),
        gas: seats.iter().map(|s| s.gas).sum(),
        max_move,
        max_step,
        wall: started.elapsed(),
    }
}

#[test]
fn a_128_token_stories260k_dispute_is_played_one_operator_deep() {
    let Some(model) = stories() else { return };
    // The lie starts mid-run (unit 2,432: position 64, layer 0's attention), and the liar
    // claims the disputed operator's run succeeded from its 40th step on.
    let f = stories_dispute(model, 2432, 40);
    assert_eq!(f.status, GameStatus::ChallengerWins);
    assert!(f.max_move <= 100_000, "a move used {} gas", f.max_move);
    // Single-phase, each side traces the whole inference: 5.68 billion steps.
    assert!(
        f.challenger_steps > 0 && f.challenger_steps < 56_800_000,
        "{} steps",
        f.challenger_steps
    );
    eprintln!(
        "stories260K, 128 tokens, multi-phase: {:?}, {} rounds, challenger {} VM steps, proposer {}, \
         {} gas in all (moves ≤ {}, steps ≤ {}), {:.1?}",
        f.status, f.rounds, f.challenger_steps, f.proposer_steps, f.gas, f.max_move, f.max_step, f.wall
    );
}
