//! Multi-phase opML (`docs/ml.md`, "Multi-phase disputes"): the `inference-unit` guest and
//! the native phase 1 agree on the commitment after every unit of the digits, tiny-llama and
//! stories260K runs (the dispute itself: `tests/tests/opml.rs`, and on anvil).

use std::path::PathBuf;

use axon_dispute::guest::{finish_guest, load_guest};
use axon_dispute::split::inference::InferenceUnits;
use axon_dispute::split::{Subgame, Units, VmUnitTrace};
use axon_dispute::Position;
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
fn a_run_that_fails_on_the_way_agrees_in_the_vm_after_its_failure() {
    // tiny-llama with every embedding weight NaN: the first classifier's logits are all NaN,
    // which fails the run; the VM reads the failed state back, and no later unit changes it.
    let mut model = fixture_model("tiny-llama.bin");
    let config = axon_ml::llama::Config::parse(&model).unwrap();
    for weight in model[28..28 + 4 * config.vocab_size * config.dim].chunks_exact_mut(4) {
        weight.copy_from_slice(&0x7fc0_0000u32.to_le_bytes());
    }
    let units = every_unit_agrees(&model, &[], 4 * 2, 1);
    let failed = InferenceUnits::new(model, &[], 4 * 2).result();
    assert_eq!(failed, Err("invalid model: logits are all NaN".into()), "after {units} units");
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
