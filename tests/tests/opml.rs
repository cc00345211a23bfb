//! A stories260K dispute over 128 tokens from BOS, played one operator deep on the embedded
//! chain (`docs/ml.md`, "Multi-phase disputes"): the lying proposer loses, and each side runs
//! one operator in the VM instead of the whole inference.

use axon_dispute::game::GameStatus;
use axon_dispute::lying::{Lie, Lies};
use axon_dispute::setup::{InferenceSpec, TraceSpec};
use axon_tests::game::play_embedded;
use axon_tests::repo;

/// The VM steps of the whole run, single-phase (`docs/ml.md`): what each side traces without
/// the split.
const SINGLE_PHASE_STEPS: u64 = 5_680_000_000;

#[test]
fn a_128_token_stories260k_dispute_is_played_one_operator_deep() {
    let Ok(model) = std::fs::read(repo().join("../shared/models/stories260K.bin")) else {
        eprintln!("skipped: ../shared/models/stories260K.bin is absent (shared test data)");
        return;
    };
    let spec = TraceSpec::inference(
        repo().join("fixtures/programs/inference-unit.elf"),
        InferenceSpec { model, input: Vec::new(), output_size: 4 * 128, split_depth: 20 },
        61,
        1 << 20,
    );
    // The lie starts mid-run (unit 2,432: position 64, layer 0's attention), and the liar
    // claims the disputed operator's run succeeded from its 40th step on.
    let lies = Lies { trace: Some((2432, Lie::State)), execution: Some((40, Lie::Status)) };
    let f = play_embedded(&spec, lies, Lies::default());
    assert_eq!(f.status, GameStatus::ChallengerWins);
    assert!(f.max_move.iter().all(|&gas| gas <= 100_000), "{:?}", f.max_move);
    let [_, challenger] = f.vm_steps;
    assert!(challenger > 0 && challenger * 100 < SINGLE_PHASE_STEPS, "{challenger} steps");
    eprintln!("{f:?}");
}
