//! An inference unit by unit (`axon_ml::units`): the same output as a whole run, and a state
//! read back from its header and buffers continues exactly as the state itself — what the
//! VM's unit runner does with the agreed state of a multi-phase dispute.

mod common;

use std::collections::HashMap;

use axon_ml::model::Request;
use axon_ml::units::{model_for_unit, UnitState};
use axon_ml::{Model, NoProbe};
use tiny_keccak::{Hasher, Keccak};

fn keccak(data: &[u8]) -> [u8; 32] {
    let mut hasher = Keccak::v256();
    hasher.update(data);
    let mut out = [0; 32];
    hasher.finalize(&mut out);
    out
}

/// Runs `input` through `model` unit by unit, reading every state back from its header and
/// buffers (with the model loaded for that unit alone) before applying the next unit; checks the two paths agree on every commitment and
/// the result is `Model::infer`'s. Returns the units run.
fn unit_by_unit(bytes: &[u8], input: &[u8], output_size: usize) -> u64 {
    let model = Model::parse(bytes).unwrap();
    let request_bytes = Request { model: [0x81; 32], output_size, input }.encode();
    let hash = keccak(&request_bytes);
    let request = || Request::parse(&request_bytes);
    let mut state = UnitState::begin(hash, request(), Ok(&model));
    let total = state.total();
    let mut store: HashMap<[u8; 32], Vec<u8>> = HashMap::new();
    for unit in 0..total {
        assert!(state.expects(unit));
        let header = state.header(keccak);
        for buffer in state.buffers() {
            store.insert(keccak(&buffer), buffer);
        }
        // Read back as the VM does: the model with only this unit's weights.
        let part = model_for_unit(bytes, unit).unwrap();
        let mut read =
            UnitState::decode(&header, hash, request(), Ok(&part), |h| store[h].clone()).unwrap();
        assert_eq!(read.commitment(keccak), keccak(&header), "unit {unit}: read back");
        state.apply();
        read.apply();
        assert_eq!(read.commitment(keccak), state.commitment(keccak), "unit {unit}");
    }
    assert!(state.is_done() && state.expects(total + 5), "padding units apply");
    let done = state.commitment(keccak);
    state.apply();
    assert_eq!(state.commitment(keccak), done, "a unit past the end changes nothing");
    let result = state.result().map(|r| r.map_err(|reason| String::from_utf8_lossy(reason).into()));
    let expected = model.infer(input, output_size, &mut NoProbe).map_err(|e| e.to_string());
    assert_eq!(result, Some(expected));
    total
}

/// tiny-llama with every embedding weight NaN: its first logits are all NaN.
fn nan_llama() -> Vec<u8> {
    let mut bytes = common::fixture("tiny-llama.bin");
    let config = axon_ml::llama::Config::parse(&bytes).unwrap();
    let embedding = 28..28 + 4 * config.vocab_size * config.dim;
    for weight in bytes[embedding].chunks_exact_mut(4) {
        weight.copy_from_slice(&0x7fc0_0000u32.to_le_bytes());
    }
    bytes
}

#[test]
fn a_run_whose_logits_turn_nan_fails_and_stays_failed() {
    // The first position's classifier fails the run; a failed state reads back, and the
    // units after it (the rest of the run's count) change nothing.
    let total = unit_by_unit(&nan_llama(), &[], 4 * 3);
    assert!(total > 3, "{total}");
}

#[test]
fn digits_layer_by_layer() {
    let model = common::fixture("digits.axml");
    let tests: serde_json::Value =
        serde_json::from_slice(&common::fixture("digits-test.json")).unwrap();
    for sample in tests["samples"].as_array().unwrap().iter().take(3) {
        let input: Vec<u8> = sample["input"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_i64().unwrap() as i8 as u8)
            .collect();
        assert_eq!(unit_by_unit(&model, &input, 10), 4, "one unit a layer");
    }
}

#[test]
fn tiny_llama_operator_by_operator() {
    let model = common::fixture("tiny-llama.bin");
    // 16 tokens from BOS, and a two-token prompt before 3 tokens.
    unit_by_unit(&model, &[], 4 * 16);
    let prompt: Vec<u8> = [1u32, 42].iter().flat_map(|t| t.to_le_bytes()).collect();
    unit_by_unit(&model, &prompt, 4 * 3);
}

#[test]
fn stories260k_operator_by_operator() {
    let Some(model) = common::shared_model("stories260K.bin") else { return };
    // 38 units a position: 3 tokens from BOS.
    assert_eq!(unit_by_unit(&model, &[], 4 * 3), 3 * 38);
}

#[test]
fn a_refused_request_is_a_failed_state_and_stays_one() {
    let bytes = common::fixture("digits.axml");
    let model = Model::parse(&bytes).unwrap();
    let request_bytes = Request { model: [0x81; 32], output_size: 7, input: &[0; 64] }.encode();
    let hash = keccak(&request_bytes);
    let mut state = UnitState::begin(hash, Request::parse(&request_bytes), Ok(&model));
    assert_eq!(state.total(), 0);
    let reason = model.infer(&[0; 64], 7, &mut NoProbe).unwrap_err().to_string();
    assert_eq!(state.result(), Some(Err(reason.as_bytes())));
    let before = state.commitment(keccak);
    state.apply();
    assert_eq!(state.commitment(keccak), before);
    // A model that does not parse, and a request that does not.
    let unparsed = Model::parse(b"nope");
    let broken = UnitState::begin(
        hash,
        Request::parse(&request_bytes),
        unparsed.as_ref().map_err(Clone::clone),
    );
    assert!(matches!(broken.result(), Some(Err(_))));
    let short = UnitState::begin(hash, Request::parse(&[0; 10]), Ok(&model));
    assert!(matches!(short.result(), Some(Err(_))));
}

#[test]
fn a_header_of_another_request_or_model_is_refused() {
    let bytes = common::fixture("tiny-llama.bin");
    let model = Model::parse(&bytes).unwrap();
    let request_bytes = Request { model: [0x81; 32], output_size: 8, input: &[] }.encode();
    let hash = keccak(&request_bytes);
    let mut state = UnitState::begin(hash, Request::parse(&request_bytes), Ok(&model));
    state.apply();
    let header = state.header(keccak);
    let store: HashMap<[u8; 32], Vec<u8>> =
        state.buffers().into_iter().map(|b| (keccak(&b), b)).collect();
    let fetch = |h: &[u8; 32]| store[h].clone();
    assert!(UnitState::decode(&header, [7; 32], Request::parse(&request_bytes), Ok(&model), fetch)
        .is_err());
    let digits = Model::parse(&common::fixture("digits.axml")).unwrap();
    assert!(UnitState::decode(&header, hash, Request::parse(&request_bytes), Ok(&digits), fetch)
        .is_err());
    assert!(UnitState::decode(
        &header[..40],
        hash,
        Request::parse(&request_bytes),
        Ok(&model),
        fetch
    )
    .is_err());
}
