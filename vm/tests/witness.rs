//! Malformed and dishonest witnesses: each is a clear error, never a wrong post-state.

mod common;

use axon_vm::abi::syscall;
use axon_vm::merkle::{BlockProof, Proof};
use axon_vm::stateless::WitnessError;
use axon_vm::{verify_step, EncodedState, Error, StepWitness, Vm};

/// Witnesses of the first `n` steps of a conformance program.
fn witnesses(name: &str, input: &[u8], n: usize) -> Vec<StepWitness> {
    let program = common::program(&format!("fixtures/conformance/elf/{name}.elf"));
    let mut host = common::capturing_host(input.to_vec());
    let mut vm = Vm::new(&program).expect("load");
    (0..n).map(|_| vm.step_with_witness(&mut host).expect("step")).collect()
}

/// How many proofs a witness's blob holds.
fn proof_count(w: &StepWitness) -> usize {
    Proof::read_all(&w.proof).expect("the VM's proof blob parses").len()
}

/// The byte length of the first (fetch) proof.
fn fetch_len(w: &StepWitness) -> usize {
    Proof::read_from(&w.proof).expect("a fetch proof").1
}

/// The first witness in `list` whose step touches a data leaf.
fn with_data_proof(list: &[StepWitness]) -> StepWitness {
    list.iter().find(|w| proof_count(w) == 2).expect("a load or store").clone()
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
    short.proof.pop();
    assert!(matches!(witness_error(&short), WitnessError::MissingProof { .. }));
    let mut no_data = w.clone();
    no_data.proof.truncate(fetch_len(&w));
    assert!(matches!(witness_error(&no_data), WitnessError::MissingProof { .. }));
    let mut long = w.clone();
    long.proof.extend_from_slice(&[0; 32]);
    assert!(matches!(witness_error(&long), WitnessError::TrailingProofBytes { .. }));
    let mut empty = w;
    empty.proof.clear();
    assert!(matches!(witness_error(&empty), WitnessError::MissingProof { .. }));
}

#[test]
fn dishonest_block_proofs_are_rejected() {
    // The first `keccak_permute` of the conformance program: a fetch proof, then a block proof
    // (which `Proof::read_all` cannot parse as a leaf proof).
    let list = witnesses("syscall_keccak_permute", &[], 40);
    let is_keccak = |w: &&StepWitness| {
        let pre = EncodedState::decode(&w.state).expect("the VM's state");
        pre.cpu.regs[17] == syscall::KECCAK_PERMUTE && w.proof.len() > fetch_len(w)
    };
    let w = list.iter().find(is_keccak).expect("a keccak_permute step").clone();
    let fetch = fetch_len(&w);
    assert_eq!(
        BlockProof::read_from(&w.proof[fetch..]).expect("a block proof").1,
        w.proof.len() - fetch
    );
    assert!(verify_step(&w).is_ok());

    let mut short = w.clone();
    short.proof.pop();
    assert!(matches!(witness_error(&short), WitnessError::MissingProof { .. }));
    let mut no_block = w.clone();
    no_block.proof.truncate(fetch);
    assert!(matches!(witness_error(&no_block), WitnessError::MissingProof { .. }));
    let mut long = w.clone();
    long.proof.extend_from_slice(&[0; 32]);
    assert!(matches!(witness_error(&long), WitnessError::TrailingProofBytes { .. }));
    // A byte of the block (the state, the 56 bytes after it) or of a sibling.
    let last = w.proof.len() - 1;
    for at in [fetch, fetch + 100, fetch + 199, fetch + 200, fetch + 255, fetch + 260, last] {
        let mut bad = w.clone();
        bad.proof[at] ^= 0x40;
        assert!(
            matches!(witness_error(&bad), WitnessError::ProofMismatch { .. }),
            "flipping proof byte {at}"
        );
    }
}

#[test]
fn tampered_proofs_do_not_match_the_root() {
    let list = witnesses("lw", &[], 200);
    let w = with_data_proof(&list);
    let fetch = fetch_len(&w);
    // Leaves and siblings (the mask bytes 32..36 of each proof are tested in `merkle`).
    for at in
        [0, 5, 31, 36, 36 + 32 * 3, fetch - 1, fetch, fetch + 31, fetch + 40, w.proof.len() - 1]
    {
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
    let plain = list.iter().find(|w| w.preimage.is_none() && proof_count(w) == 1).expect("alu");
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
fn wire_proofs_omit_empty_subtrees() {
    let list = witnesses("sw", &[], 300);
    let (mut proofs, mut bytes) = (0, 0);
    for w in &list {
        let parsed = Proof::read_all(&w.proof).expect("parses");
        let full: usize = parsed.iter().map(|p| p.to_full_bytes().len()).sum();
        assert!(
            w.proof.is_empty() || w.proof.len() < full,
            "sparse memory: some sibling is always an empty subtree"
        );
        proofs += parsed.len();
        bytes += w.proof.len();
    }
    assert!(bytes * 3 < proofs * 896 * 2, "{bytes} wire bytes for {proofs} proofs");
}
