//! The digits classifier (`fixtures/models/make_models.py`): the engine gives every int8 logit
//! the script's independent numpy implementation of `docs/ml.md` gives, on all test samples.

mod common;

use axon_ml::axml::Sequential;
use axon_ml::{int8, Error, NoProbe};

fn values(v: &serde_json::Value) -> Vec<i8> {
    v.as_array().unwrap().iter().map(|x| i8::try_from(x.as_i64().unwrap()).unwrap()).collect()
}

#[test]
fn every_logit_matches_the_reference_and_the_accuracy_holds() {
    let model = Sequential::parse(&common::fixture("digits.axml")).unwrap();
    let tests: serde_json::Value =
        serde_json::from_slice(&common::fixture("digits-test.json")).unwrap();
    let samples = tests["samples"].as_array().unwrap();
    let mut correct = 0;
    for sample in samples {
        let logits = model.run(&values(&sample["input"]), &mut NoProbe).unwrap();
        assert_eq!(logits, values(&sample["logits"]));
        if int8::argmax(&logits) == Some(sample["label"].as_u64().unwrap() as usize) {
            correct += 1;
        }
    }
    let recorded = tests["quantized_accuracy"].as_f64().unwrap() * samples.len() as f64;
    assert_eq!(correct, recorded.round() as usize);
    let accuracy = correct as f64 / samples.len() as f64;
    assert!(accuracy > 0.95, "{accuracy}");
}

#[test]
fn truncated_or_corrupt_models_are_errors() {
    let bytes = common::fixture("digits.axml");
    for len in 0..bytes.len() {
        assert!(Sequential::parse(&bytes[..len]).is_err(), "{len}");
    }
    let mut bad = bytes.clone();
    bad[4] = 2;
    assert!(matches!(Sequential::parse(&bad), Err(Error::UnknownFormat(_))));
    let model = Sequential::parse(&bytes).unwrap();
    assert!(matches!(model.run(&[0; 63], &mut NoProbe), Err(Error::InvalidInput(_))));
}

#[test]
fn multiply_accumulates_follow_the_layer_shapes() {
    let model = Sequential::parse(&common::fixture("digits.axml")).unwrap();
    // conv 3x3 1->8 over 8x8 (padding 1), maxpool, dense 128->32, dense 32->10.
    let expected =
        [("conv2d", 8 * 8 * 8 * 9), ("maxpool2d", 0), ("dense", 128 * 32), ("dense", 32 * 10)];
    assert_eq!(model.macs(), expected);
}
