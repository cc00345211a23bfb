//! Malformed and dishonest witnesses: each is a clear error, never a wrong post-state.

mod common;

use axon_vm::stateless::WitnessError;
use axon_vm::{verify_step, Error, StepWitness, Vm};

/// Witnesses of the first `n` steps of a conformance program.
fn witnesses(name: &str, input: &[u8], n: usize) -> Vec<StepWitness> {
    let program = common::program(&format!("fixtures/conformance/elf/{name}.elf"));
    let mut host = common::capturing_host(input.to_vec());
    let mut vm = Vm::new(&program).expect("load");
    (0..n).map(|_| vm.step_with_witness(&mut host).expect("step")).collect()
}

/// The first witness in `list` whose step touches a data leaf.
fn with_data_proof(list: &[StepWitness]) -> StepWitness {
    list.iter().find(|w| w.proof.len() == 2 * 896).expect("a load or store").clone()
}

fn witness_error(witness: &StepWitness) -> WitnessError {
    match verify_step(witness) {
        Err(Error::Witness(e)) => e,
        other => panic!("expected a witness error, got {other:?}"),
    }
}

#[test]
fn truncated_and_padded_proofs_are_rejected() {
    let list = witnesses("lw", &[], 200);
    let w = with_data_proof(&list);
    let mut short = w.clone();
    short.proof.truncate(896 + 100);
    assert!(matches!(witness_error(&short), WitnessError::MissingProof { .. }));
    let mut no_data = w.clone();
    no_data.proof.truncate(896);
    assert!(matches!(witness_error(&no_data), WitnessError::MissingProof { .. }));
    let mut long = w.clone();
    long.proof.extend_from_slice(&[0; 32]);
    assert!(matches!(witness_error(&long), WitnessError::TrailingProofBytes { .. }));
    let mut empty = w;
    empty.proof.clear();
    assert!(matches!(witness_error(&empty), WitnessError::MissingProof { .. }));
}

#[test]
fn tampered_proofs_do_not_match_the_root() {
    let list = witnesses("lw", &[], 200);
    let w = with_data_proof(&list);
    for at in [0, 5, 32 * 9, 895, 896, 896 + 31, 896 + 32 * 14, 2 * 896 - 1] {
        let mut bad = w.clone();
        bad.proof[at] ^= 0x40;
        assert!(
            matches!(witness_error(&bad), WitnessError::ProofMismatch { .. }),
            "flipping proof byte {at}"
        );
    }
}

#[test]
fn malformed_states_are_rejected() {
    let w = witnesses("add", &[], 1).remove(0);
    let mut short = w.clone();
    short.state.pop();
    assert!(matches!(verify_step(&short), Err(Error::State(_))));
    let mut version = w;
    version.state[0] = 7;
    assert!(matches!(verify_step(&version), Err(Error::State(_))));
}

#[test]
fn preimage_parts_must_be_present_and_match() {
    let input = std::fs::read(common::repo().join("fixtures/conformance/input/preimage_local.bin"))
        .expect("input");
    let list = witnesses("preimage_local", &input, 400);
    let read = list.iter().find(|w| w.preimage.is_some()).expect("a preimage read").clone();
    assert!(verify_step(&read).is_ok());
    let mut missing = read.clone();
    missing.preimage = None;
    assert_eq!(witness_error(&missing), WitnessError::MissingPreimagePart);
    let mut other_offset = read.clone();
    if let Some(part) = other_offset.preimage.as_mut() {
        part.offset += 1;
    }
    assert_eq!(witness_error(&other_offset), WitnessError::PreimagePartMismatch);
    let plain = list.iter().find(|w| w.preimage.is_none() && w.proof.len() == 896).expect("alu");
    let mut extra = plain.clone();
    extra.preimage = read.preimage;
    assert_eq!(witness_error(&extra), WitnessError::UnusedPreimagePart);
}

#[test]
fn witness_json_round_trips() {
    let w = with_data_proof(&witnesses("sw", &[], 200));
    let json = serde_json::to_string(&w).expect("to json");
    let back: StepWitness = serde_json::from_str(&json).expect("from json");
    assert_eq!(back, w);
}

#[test]
fn compact_encoding_round_trips_and_is_smaller() {
    let input = std::fs::read(common::repo().join("fixtures/conformance/input/preimage_local.bin"))
        .expect("input");
    let mut all = witnesses("preimage_local", &input, 400);
    all.extend(witnesses("sw", &[], 300));
    let (mut raw, mut compact) = (0, 0);
    for w in &all {
        let bytes = w.to_compact();
        assert_eq!(StepWitness::from_compact(&bytes).expect("decodes"), *w);
        raw += w.state.len() + w.proof.len() + w.preimage.map_or(0, |_| 72);
        compact += bytes.len();
        for cut in [0, 1, 211, bytes.len() - 1] {
            assert!(StepWitness::from_compact(&bytes[..cut]).is_err(), "truncated at {cut}");
        }
    }
    assert!(compact * 2 < raw, "compact {compact} vs raw {raw} bytes");
}
