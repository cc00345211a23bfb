//! The precompile on the digits model: the engine's logits as its answer, the gas schedule
//! charged in order, and every request that cannot run reverting with its reason.

use std::path::PathBuf;

use alloy_sol_types::SolError;
use axon_ai_evm::inference::InferenceFailed;
use axon_ai_evm::{run, GasSchedule, ModelRegistry, ModelSource, Outcome, RegisteredModel};
use axon_ml::model::Request;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The committed models under their listed addresses (`fixtures/models/addresses.json`), each
/// registered at `DIGITS_GAS`, counting lookups.
struct Fixtures {
    registry: ModelRegistry,
    digits: [u8; 32],
    lookups: usize,
}

const DIGITS_GAS: u64 = 200_000;

impl Fixtures {
    fn new() -> Self {
        let listed: serde_json::Value = serde_json::from_slice(
            &std::fs::read(repo().join("fixtures/models/addresses.json")).unwrap(),
        )
        .unwrap();
        let mut registry = ModelRegistry::default();
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
            registry.insert(key, RegisteredModel { bytes, gas: DIGITS_GAS });
        }
        Self { registry, digits, lookups: 0 }
    }

    fn digits(&self) -> [u8; 32] {
        self.digits
    }
}

impl ModelSource for Fixtures {
    fn model(&mut self, address: &[u8; 32]) -> Option<RegisteredModel> {
        self.lookups += 1;
        self.registry.model(address)
    }
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
        let outcome = run(&request(digits, 10, input), 1_000_000, &SCHEDULE, &mut models);
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

    let outcome = run(&request(digits, 11, input), 1_000_000, &SCHEDULE, &mut models);
    assert_eq!(
        reason(&outcome),
        "output size mismatch: the request asks for 11 bytes, the model gives 10"
    );
    assert!(matches!(outcome, Outcome::Reverted { gas_used, .. } if gas_used == paid + DIGITS_GAS));

    let mut unknown = digits;
    unknown[31] ^= 1;
    let outcome = run(&request(unknown, 10, input), 1_000_000, &SCHEDULE, &mut models);
    assert_eq!(reason(&outcome), "unknown model: no model at this address");
    assert!(matches!(outcome, Outcome::Reverted { gas_used, .. } if gas_used == paid));

    let outcome = run(&request(digits, 10, &input[..63]), 1_000_000, &SCHEDULE, &mut models);
    assert!(reason(&outcome).starts_with("invalid input"), "{}", reason(&outcome));

    let outcome = run(&[0u8; 63], 1_000_000, &SCHEDULE, &mut models);
    assert!(reason(&outcome).contains("a request is model"), "{}", reason(&outcome));
    assert!(matches!(outcome, Outcome::Reverted { gas_used, .. } if gas_used == SCHEDULE.base));
}

#[test]
fn gas_runs_out_before_the_work_it_would_pay_for() {
    let mut models = Fixtures::new();
    let digits = models.digits();
    let input = &samples()[0].0;
    let header = SCHEDULE.base + 64 * SCHEDULE.per_input_byte;
    let call = request(digits, 10, input);

    assert_eq!(run(&call, header - 1, &SCHEDULE, &mut models), Outcome::OutOfGas);
    assert_eq!(models.lookups, 0, "no model is fetched before the request's own gas is paid");
    assert_eq!(run(&call, header + DIGITS_GAS - 1, &SCHEDULE, &mut models), Outcome::OutOfGas);
    assert!(matches!(
        run(&call, header + DIGITS_GAS, &SCHEDULE, &mut models),
        Outcome::Returned { .. }
    ));
}
