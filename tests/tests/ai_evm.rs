//! The AI EVM natively: revm with `axon-ai-evm`'s precompiles (`AiPrecompiles`), running the
//! compiled contracts of `contracts/src/ai/` for real — the paper's `AIContract` gets the
//! engine's logits back through `AILib`, `DigitBounty` pays for an image the digits model
//! reads as its digit, and a request the precompile refuses reverts the transaction with the
//! engine's reason.

use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use axon_ai_evm::block::witness::ModelFiles;
use axon_ai_evm::block::Native;
use axon_ai_evm::evm::AiPrecompiles;
use axon_ai_evm::inference::InferenceFailed;
use axon_ai_evm::ModelRegistry;
use axon_dispute::chain::{Chain, EmbeddedChain, ExecutionResult, Tx};
use axon_dispute::contracts::creation_code;
use axon_tests::{artifacts, digits_samples, model_address, repo};
use revm::context::result::Output;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Bytes, B256, U256};

sol! {
    event Inference(bytes32 model_address, bytes input_data, uint256 output_size, bytes output);
    event BountyPaid(address indexed solver, bytes32 indexed imageHash, bytes logits);
    function inference(bytes32 model_address, bytes input_data, uint256 output_size) external;
    function claim(bytes image) external;
    error NotTheDigit(uint256 classified, uint256 wanted);
    error InferenceOutOfGas();
}

/// The AI EVM of a node: the models run by the engine, precompiles by revm (`Native`).
type AiEvm = EmbeddedChain<AiPrecompiles<ModelRegistry, Native<'static>>>;

const USER: Address = Address::new([0x11; 20]);
/// The digits model's registered cost per inference.
const DIGITS_GAS: u64 = 20_000;

/// The digits model's address and the AI EVM with it registered, `USER` funded.
fn ai_evm() -> (B256, AiEvm) {
    let digits = B256::from(model_address("digits.axml"));
    let mut models = ModelRegistry::default();
    models.insert(digits.0, DIGITS_GAS);
    // One chain per test: its model files live as long as the test.
    let files: &'static mut ModelFiles = Box::leak(Box::default());
    files.insert(digits.0, std::fs::read(repo().join("fixtures/models/digits.axml")).unwrap());
    let precompiles = AiPrecompiles::new(SpecId::PRAGUE, models, Native::new(files));
    let mut evm = EmbeddedChain::new().with_precompiles(precompiles);
    evm.fund(USER, U256::from(10u128.pow(20)));
    (digits, evm)
}

/// Sends a transaction from `USER` (to `to`, or a creation) and returns its result.
fn send(evm: &mut AiEvm, to: Option<Address>, value: U256, data: Vec<u8>) -> ExecutionResult {
    send_with_gas(evm, to, value, data, 10_000_000)
}

/// As [`send`], with a gas limit of `gas_limit`.
fn send_with_gas(
    evm: &mut AiEvm,
    to: Option<Address>,
    value: U256,
    data: Vec<u8>,
    gas_limit: u64,
) -> ExecutionResult {
    evm.execute(Tx { from: USER, to, value, data }, gas_limit).unwrap()
}

fn deploy(evm: &mut AiEvm, file: &str, contract: &str, args: &[u8], value: U256) -> Address {
    let mut code = creation_code(&artifacts(), file, contract).unwrap();
    code.extend_from_slice(args);
    match send(evm, None, value, code) {
        ExecutionResult::Success { output: Output::Create(_, Some(address)), .. } => address,
        other => panic!("deploying {contract}: {other:?}"),
    }
}

#[test]
fn ai_contract_gets_the_engines_logits_from_the_precompile() {
    let (digits, mut evm) = ai_evm();
    let ai = deploy(&mut evm, "AIContract.sol", "AIContract", &[], U256::ZERO);
    for (input, logits) in digits_samples().iter().take(5) {
        let call = inferenceCall {
            model_address: digits,
            input_data: input.clone().into(),
            output_size: U256::from(10),
        };
        let result = send(&mut evm, Some(ai), U256::ZERO, call.abi_encode());
        let ExecutionResult::Success { logs, gas, .. } = result else {
            panic!("inference: {result:?}");
        };
        let event = Inference::decode_log_data(&logs[0].data).unwrap();
        assert_eq!(event.output.to_vec(), *logits);
        // docs/ai-evm.md quotes this figure; it moves only with the contracts' bytecode.
        assert_eq!(gas.tx_gas_used(), 51_899, "AIContract.inference on the digits model");
    }
}

#[test]
fn a_refused_request_reverts_with_the_engines_reason() {
    let (digits, mut evm) = ai_evm();
    let ai = deploy(&mut evm, "AIContract.sol", "AIContract", &[], U256::ZERO);
    let call = inferenceCall {
        model_address: digits,
        input_data: digits_samples()[0].0.clone().into(),
        output_size: U256::from(11),
    };
    let result = send(&mut evm, Some(ai), U256::ZERO, call.abi_encode());
    let ExecutionResult::Revert { output, .. } = result else { panic!("{result:?}") };
    assert_eq!(
        InferenceFailed::abi_decode(&output).unwrap().reason,
        "output size mismatch: the request asks for 11 bytes, the model gives 10"
    );
}

/// A call that cannot pay for the model runs out of gas inside the precompile, which AILib
/// turns into a named revert; with enough gas the same call succeeds.
#[test]
fn an_inference_short_of_gas_reverts_out_of_gas() {
    let (digits, mut evm) = ai_evm();
    let ai = deploy(&mut evm, "AIContract.sol", "AIContract", &[], U256::ZERO);
    let call = inferenceCall {
        model_address: digits,
        input_data: digits_samples()[0].0.clone().into(),
        output_size: U256::from(10),
    }
    .abi_encode();
    // The intrinsic gas and the contract's own work leave the precompile less than the
    // 3,000 + 64 × 16 + 20,000 its schedule asks.
    let result = send_with_gas(&mut evm, Some(ai), U256::ZERO, call.clone(), 40_000);
    let ExecutionResult::Revert { output, .. } = result else { panic!("{result:?}") };
    assert_eq!(output.as_ref(), InferenceOutOfGas::SELECTOR.as_slice());
    let result = send_with_gas(&mut evm, Some(ai), U256::ZERO, call, 60_000);
    assert!(result.is_success(), "{result:?}");
}

#[test]
fn digit_bounty_pays_for_what_the_model_reads_as_its_digit() {
    let (digits, mut evm) = ai_evm();
    let args = alloy_sol_types::SolValue::abi_encode_params(&(
        digits,
        U256::from(7),
        U256::from(10u64.pow(17)),
    ));
    let bounty =
        deploy(&mut evm, "DigitBounty.sol", "DigitBounty", &args, U256::from(10u128.pow(18)));
    let argmax = |logits: &[u8]| {
        let mut best = 0;
        for (i, &l) in logits.iter().enumerate() {
            if (l as i8) > (logits[best] as i8) {
                best = i;
            }
        }
        best
    };
    let (seven, other) = {
        let all = digits_samples();
        let seven = all.iter().find(|(_, l)| argmax(l) == 7).unwrap().0.clone();
        let other = all.iter().find(|(_, l)| argmax(l) != 7).unwrap().clone();
        (seven, other)
    };
    let claim = |image: &[u8]| claimCall { image: Bytes::copy_from_slice(image) }.abi_encode();
    let result = send(&mut evm, Some(bounty), U256::ZERO, claim(&other.0));
    let ExecutionResult::Revert { output, .. } = result else { panic!("{result:?}") };
    let refused = NotTheDigit::abi_decode(&output).unwrap();
    assert_eq!(refused.classified, U256::from(argmax(&other.1)));

    let before = evm.balance(USER).unwrap();
    let result = send(&mut evm, Some(bounty), U256::ZERO, claim(&seven));
    let ExecutionResult::Success { logs, .. } = result else { panic!("{result:?}") };
    assert!(BountyPaid::decode_log_data(&logs[0].data).is_ok());
    let after = evm.balance(USER).unwrap();
    assert_eq!(after - before, U256::from(10u64.pow(17)));
}
