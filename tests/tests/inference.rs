//! The `inference` guest against the engine run natively: the same output bytes, the same
//! commitment in the final state, and the same per-operator output commitments.

use axon_ml::model::Request;
use axon_ml::{Model, Output, Probe};
use axon_tests::{digits_samples, repo};
use axon_vm::abi::{local, memory::OUTPUT_COMMITMENT};
use axon_vm::{Halt, OutputMode, PreimageStore, Program, StdHost, Vm};
use sha3::{Digest, Keccak256};

/// Records what the guest's hint probe writes: `op- <name> <keccak>` per operator.
#[derive(Default)]
struct Commitments(Vec<String>);

impl Probe for Commitments {
    fn end(&mut self, op: &'static str, output: Output<'_>) {
        let mut hasher = Keccak256::new();
        output.for_each_chunk(|bytes| hasher.update(bytes));
        self.0.push(format!("op- {op} {}", hex::encode(hasher.finalize())));
    }
}

/// Runs one request natively and in the VM and checks they agree; returns the output.
fn agree(model: &[u8], input: &[u8], output_size: usize) -> Vec<u8> {
    let mut store = PreimageStore::new();
    let key = store.insert_blob(model.to_vec());
    let request = Request { model: key, output_size, input }.encode();
    store.insert_local(local::INPUT, request);

    let mut native = Commitments::default();
    let expected = Model::parse(model).unwrap().infer(input, output_size, &mut native).unwrap();

    let (vm, host) = run_guest(store).unwrap();
    assert_eq!(vm.cpu().halt, Halt::Exited(0), "stderr: {}", String::from_utf8_lossy(&host.stderr));
    assert_eq!(host.stdout, expected);
    let commitment = vm.memory().load_bytes(OUTPUT_COMMITMENT, 32);
    assert_eq!(commitment, Keccak256::digest(&expected).to_vec());
    let hints = String::from_utf8(host.hints).unwrap();
    let ends: Vec<&str> = hints.lines().filter(|l| l.starts_with("op- ")).collect();
    assert_eq!(ends, native.0.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(hints.lines().filter(|l| l.starts_with("op+ ")).count(), ends.len());
    eprintln!("{} bytes out, {} operators, {} steps", expected.len(), ends.len(), vm.cpu().step);
    expected
}

#[test]
fn tiny_llama_decodes_the_same_tokens_in_the_vm() {
    let model = std::fs::read(repo().join("fixtures/models/tiny-llama.bin")).unwrap();
    agree(&model, &[], 4 * 16);
}

#[test]
fn stories260k_decodes_the_same_tokens_in_the_vm() {
    let path = repo().join("../shared/models/stories260K.bin");
    let Ok(model) = std::fs::read(&path) else {
        eprintln!(
            "skipped: {} is absent (shared test data, not in the repository)",
            path.display()
        );
        return;
    };
    agree(&model, &[], 4 * 12);
}

#[test]
fn digits_classifier_gives_the_same_logits_in_the_vm() {
    let model = std::fs::read(repo().join("fixtures/models/digits.axml")).unwrap();
    for (input, logits) in digits_samples().into_iter().take(5) {
        assert_eq!(agree(&model, &input, 10), logits);
    }
}

/// Runs the `inference` guest to its end on `store`.
fn run_guest(store: PreimageStore) -> Result<(Vm, StdHost), axon_vm::Error> {
    let elf = std::fs::read(repo().join("fixtures/programs/inference.elf")).unwrap();
    let mut vm = Vm::new(&Program::parse(&elf).unwrap()).unwrap();
    let mut host = StdHost::new(store, OutputMode::Capture);
    vm.run(&mut host, u64::MAX)?;
    Ok((vm, host))
}

/// A store with the digits model and a request for `output_size` bytes of the model at `key`
/// (the digits model's own key when `None`).
fn digits_request(key: Option<[u8; 32]>, output_size: usize) -> PreimageStore {
    let model = std::fs::read(repo().join("fixtures/models/digits.axml")).unwrap();
    let mut store = PreimageStore::new();
    let digits = store.insert_blob(model);
    let request = Request { model: key.unwrap_or(digits), output_size, input: &[0; 64] };
    store.insert_local(local::INPUT, request.encode());
    store
}

#[test]
fn a_request_passed_by_its_hash_gives_the_same_run() {
    // A game's local data are single words: the input is then the request's keccak-256.
    let direct = digits_request(None, 10);
    let key = axon_vm::preimage::local_key(local::INPUT);
    let request = axon_vm::preimage::PreimageSource::preimage(&direct, &key).unwrap().to_vec();
    let mut hashed = axon_dispute::guest::hashed_input_store(request);
    let model = std::fs::read(repo().join("fixtures/models/digits.axml")).unwrap();
    hashed.insert_blob(model);
    let (vm, host) = run_guest(direct).unwrap();
    let (by_hash, by_hash_host) = run_guest(hashed).unwrap();
    assert_eq!(by_hash.cpu().halt, Halt::Exited(0));
    assert_eq!(by_hash_host.stdout, host.stdout);
    assert_eq!(
        by_hash.memory().load_bytes(OUTPUT_COMMITMENT, 32),
        vm.memory().load_bytes(OUTPUT_COMMITMENT, 32)
    );
}

#[test]
fn a_wrong_output_size_is_a_provable_invalid_exit() {
    let (vm, host) = run_guest(digits_request(None, 11)).unwrap();
    assert_eq!(vm.cpu().halt, Halt::Exited(1));
    assert!(String::from_utf8_lossy(&host.stderr).contains("output size mismatch"));
}

#[test]
fn a_model_the_host_lacks_is_a_host_error_not_a_state() {
    // Such a step cannot be proven, so the run stops instead of reaching a state.
    let missing = run_guest(digits_request(Some([0x81; 32]), 10));
    assert!(matches!(missing, Err(axon_vm::Error::MissingPreimage(_))), "{missing:?}");
}

/// `fixtures/models/addresses.json`, which the contracts' tests read, names each committed
/// model by its model-DA address: the Merkle-chunked blob key of the file.
#[test]
fn the_listed_model_addresses_are_the_models_blob_keys() {
    let listed: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("fixtures/models/addresses.json")).unwrap(),
    )
    .unwrap();
    let listed = listed.as_object().unwrap();
    assert_eq!(listed.len(), 2);
    for (file, address) in listed {
        let model = std::fs::read(repo().join("fixtures/models").join(file)).unwrap();
        let key = axon_vm::preimage::blob_key(&model);
        assert_eq!(address.as_str().unwrap(), format!("0x{}", hex::encode(key)), "{file}");
    }
}
