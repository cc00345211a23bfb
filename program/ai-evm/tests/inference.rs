//! The precompile on the digits model, its results served by the engine (`axon_ml::serve`, as
//! the native executor's oracle does): the engine's logits as its answer, the gas schedule
//! charged in order, and every request that cannot run reverting with its reason.

use std::path::PathBuf;

use alloy_sol_types::SolError;
use axon_ai_evm::inference::InferenceFailed;
use axon_ai_evm::{run, GasSchedule, ModelRegistry, Oracle, Outcome, PrecompileCall};
use axon_ml::model::Request;
use axon_ml::{serve, InferenceResult, NoProbe};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The committed models under their listed addresses (`fixtures/models/addresses.json`), each
/// registered at `DIGITS_GAS`, served by the engine, counting the results asked for.
struct Fixtures {
    registry: ModelRegistry,
    files: Vec<([u8; 32], Vec<u8>)>,
    digits: [u8; 32],
    asked: usize,
}

const DIGITS_GAS: u64 = 200_000;

impl Fixtures {
    fn new() -> Self {
        let listed: serde_json::Value = serde_json::from_slice(
            &std::fs::read(repo().join("fixtures/models/addresses.json")).unwrap(),
        )
        .unwrap();
        let mut registry = ModelRegistry::default();
        let mut files = Vec::new();
        let mut digits = [0; 32];
        for (file, address) in listed.as_object().unwrap() {
            let hex = address.as_str().unwrap().trim_start_matches("0x");
            let mut key = [0u8; 32];
            for (i, byte) in key.iter_mut().enumerate() {
                *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap();
            }
            let bytes = std::fs::read(repo().join("fixtures/models").join(file)).unwrap();
            if file == "digits.axml" {
                digits = key;
            }
            registry.insert(key, DIGITS_GAS);
            files.push((key, bytes));
        }
        Self { registry, files, digits, asked: 0 }
    }

    fn digits(&self) -> [u8; 32] {
        self.digits
    }
}

impl Oracle for Fixtures {
    fn precompile(&mut self, _: &PrecompileCall<'_>) -> Option<Vec<u8>> {
        unreachable!("the inference precompile asks for no other precompile's answer")
    }

    fn inference(&mut self, request: &[u8]) -> Option<InferenceResult> {
        self.asked += 1;
        let file = |address: &[u8; 32]| {
            self.files.iter().find(|(a, _)| a == address).map(|(_, file)| file.clone())
        };
        serve(request, file, &mut NoProbe)
    }
}

/// Runs the precompile on `calldata` with `gas` over `models`.
fn call(calldata: &[u8], gas: u64, models: &mut Fixtures) -> Outcome {
    let registry = models.registry.clone();
    run(calldata, gas, &SCHEDULE, &registry, models)
}

fn samples() -> Vec<(Vec<u8>, Vec<u8>)> {
    let tests: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("fixtures/models/digits-test.json")).unwrap(),
    )
    .unwrap();
    let bytes = |v: &serde_json::Value| -> Vec<u8> {
        v.as_array().unwrap().iter().map(|x| x.as_i64().unwrap() as i8 as u8).collect()
    };
    tests["samples"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (bytes(&s["input"]), bytes(&s["logits"])))
        .collect()
}

fn request(model: [u8; 32], output_size: usize, input: &[u8]) -> Vec<u8> {
    Request { model, output_size, input }.encode()
}

fn reason(outcome: &Outcome) -> String {
    match outcome {
        Outcome::Reverted { data, .. } => InferenceFailed::abi_decode(data).unwrap().reason,
        other => panic!("not a revert: {other:?}"),
    }
}

const SCHEDULE: GasSchedule = GasSchedule::DEFAULT;

#[test]
fn the_answer_is_the_engines_logits_and_the_gas_the_schedule() {
    let mut models = Fixtures::new();
    let digits = models.digits();
    for (input, logits) in samples().iter().take(20) {
        let outcome = call(&request(digits, 10, input), 1_000_000, &mut models);
        let mut expected = vec![0u8; 31];
        expected.push(10);
        expected.extend_from_slice(logits);
        let gas = SCHEDULE.base + 64 * SCHEDULE.per_input_byte + DIGITS_GAS;
        assert_eq!(outcome, Outcome::Returned { gas_used: gas, output: expected });
    }
}

#[test]
fn a_request_that_cannot_run_reverts_with_its_reason() {
    let mut models = Fixtures::new();
    let digits = models.digits();
    let input = &samples()[0].0;
    let paid = SCHEDULE.base + 64 * SCHEDULE.per_input_byte;

    let outcome = call(&request(digits, 11, input), 1_000_000, &mut models);
    assert_eq!(
        reason(&outcome),
        "output size mismatch: the request asks for 11 bytes, the model gives 10"
    );
    assert!(matches!(outcome, Outcome::Reverted { gas_used, .. } if gas_used == paid + DIGITS_GAS));

    let mut unknown = digits;
    unknown[31] ^= 1;
    let outcome = call(&request(unknown, 10, input), 1_000_000, &mut models);
    assert_eq!(reason(&outcome), "unknown model: no model at this address");
    assert!(matches!(outcome, Outcome::Reverted { gas_used, .. } if gas_used == paid));

    let outcome = call(&request(digits, 10, &input[..63]), 1_000_000, &mut models);
    assert!(reason(&outcome).starts_with("invalid input"), "{}", reason(&outcome));

    let outcome = call(&[0u8; 63], 1_000_000, &mut models);
    assert!(reason(&outcome).contains("a request is model"), "{}", reason(&outcome));
    assert!(matches!(outcome, Outcome::Reverted { gas_used, .. } if gas_used == SCHEDULE.base));
}

#[test]
fn gas_runs_out_before_the_work_it_would_pay_for() {
    let mut models = Fixtures::new();
    let digits = models.digits();
    let input = &samples()[0].0;
    let header = SCHEDULE.base + 64 * SCHEDULE.per_input_byte;
    let calldata = request(digits, 10, input);

    assert_eq!(call(&calldata, header - 1, &mut models), Outcome::OutOfGas);
    assert_eq!(models.asked, 0, "no result is asked for before the request's own gas is paid");
    assert_eq!(call(&calldata, header + DIGITS_GAS - 1, &mut models), Outcome::OutOfGas);
    assert_eq!(models.asked, 0, "nor before the model's price is");
    assert!(matches!(call(&calldata, header + DIGITS_GAS, &mut models), Outcome::Returned { .. }));
}
