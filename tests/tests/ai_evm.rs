//! The AI EVM natively: revm with `axon-ai-evm`'s precompiles (`AiPrecompiles`), running the
//! compiled contracts of `contracts/src/ai/` for real — the paper's `AIContract` gets the
//! engine's logits back through `AILib`, `DigitBounty` pays for an image the digits model
//! reads as its digit, and a request the precompile refuses reverts the transaction with the
//! engine's reason.

mod artifacts;
mod common;

use alloy_sol_types::{sol, SolCall, SolError, SolEvent};
use axon_ai_evm::evm::AiPrecompiles;
use axon_ai_evm::inference::InferenceFailed;
use axon_ai_evm::{ModelRegistry, RegisteredModel};
use revm::context::result::{ExecutionResult, Output};
use revm::context::{BlockEnv, CfgEnv, Context, Evm, Journal, TxEnv};
use revm::context_interface::ContextTr;
use revm::database::{CacheDB, EmptyDB};
use revm::handler::instructions::EthInstructions;
use revm::handler::EthFrame;
use revm::interpreter::interpreter::EthInterpreter;
use revm::primitives::hardfork::SpecId;
use revm::primitives::{Address, Bytes, TxKind, B256, U256};
use revm::state::AccountInfo;
use revm::{Database, ExecuteCommitEvm, MainBuilder, MainContext};

use artifacts::creation_code;
use common::{digits_samples, repo};

sol! {
    event Inference(bytes32 model_address, bytes input_data, uint256 output_size, bytes output);
    event BountyPaid(address indexed solver, bytes32 indexed imageHash, bytes logits);
    function inference(bytes32 model_address, bytes input_data, uint256 output_size) external;
    function claim(bytes image) external;
    error NotTheDigit(uint256 classified, uint256 wanted);
    error InferenceOutOfGas();
}

type Db = CacheDB<EmptyDB>;
type Ctx = Context<BlockEnv, TxEnv, CfgEnv, Db, Journal<Db>, ()>;
type AiEvm =
    Evm<Ctx, (), EthInstructions<EthInterpreter, Ctx>, AiPrecompiles<ModelRegistry>, EthFrame>;

const USER: Address = Address::new([0x11; 20]);
/// The digits model's registered cost per inference.
const DIGITS_GAS: u64 = 20_000;

/// The digits model's address and the AI EVM with it registered, `USER` funded.
fn ai_evm() -> (B256, AiEvm) {
    let listed: serde_json::Value = serde_json::from_slice(
        &std::fs::read(repo().join("fixtures/models/addresses.json")).unwrap(),
    )
    .unwrap();
    let digits: B256 = listed["digits.axml"].as_str().unwrap().parse().unwrap();
    let mut models = ModelRegistry::default();
    let bytes = std::fs::read(repo().join("fixtures/models/digits.axml")).unwrap();
    models.insert(digits.0, RegisteredModel { bytes, gas: DIGITS_GAS });
    let ctx: Ctx = Context::mainnet()
        .modify_cfg_chained(|cfg| cfg.set_spec_and_mainnet_gas_params(SpecId::PRAGUE))
        .modify_block_chained(|block| {
            block.gas_limit = 30_000_000;
            block.basefee = 0;
        })
        .with_db(CacheDB::new(EmptyDB::default()));
    let mut evm = ctx.build_mainnet().with_precompiles(AiPrecompiles::new(SpecId::PRAGUE, models));
    let info = AccountInfo { balance: U256::from(10u128.pow(20)), ..Default::default() };
    evm.ctx.db_mut().insert_account_info(USER, info);
    (digits, evm)
}

/// Sends a transaction from `USER` and returns its result.
fn send(evm: &mut AiEvm, kind: TxKind, value: U256, data: Vec<u8>) -> ExecutionResult {
    send_with_gas(evm, kind, value, data, 10_000_000)
}

/// As [`send`], with a gas limit of `gas_limit`.
fn send_with_gas(
    evm: &mut AiEvm,
    kind: TxKind,
    value: U256,
    data: Vec<u8>,
    gas_limit: u64,
) -> ExecutionResult {
    let nonce = evm.ctx.db_mut().basic(USER).unwrap().map_or(0, |info| info.nonce);
    let tx = TxEnv::builder()
        .caller(USER)
        .kind(kind)
        .value(value)
        .data(data.into())
        .nonce(nonce)
        .gas_limit(gas_limit)
        .gas_price(0)
        .build()
        .unwrap();
    evm.transact_commit(tx).unwrap()
}

fn deploy(evm: &mut AiEvm, file: &str, contract: &str, args: &[u8], value: U256) -> Address {
    let mut code = creation_code(file, contract).to_vec();
    code.extend_from_slice(args);
    match send(evm, TxKind::Create, value, code) {
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
        let result = send(&mut evm, TxKind::Call(ai), U256::ZERO, call.abi_encode());
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
    let result = send(&mut evm, TxKind::Call(ai), U256::ZERO, call.abi_encode());
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
    let result = send_with_gas(&mut evm, TxKind::Call(ai), U256::ZERO, call.clone(), 40_000);
    let ExecutionResult::Revert { output, .. } = result else { panic!("{result:?}") };
    assert_eq!(output.as_ref(), InferenceOutOfGas::SELECTOR.as_slice());
    let result = send_with_gas(&mut evm, TxKind::Call(ai), U256::ZERO, call, 60_000);
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
    let result = send(&mut evm, TxKind::Call(bounty), U256::ZERO, claim(&other.0));
    let ExecutionResult::Revert { output, .. } = result else { panic!("{result:?}") };
    let refused = NotTheDigit::abi_decode(&output).unwrap();
    assert_eq!(refused.classified, U256::from(argmax(&other.1)));

    let before = evm.ctx.db_mut().basic(USER).unwrap().unwrap().balance;
    let result = send(&mut evm, TxKind::Call(bounty), U256::ZERO, claim(&seven));
    let ExecutionResult::Success { logs, .. } = result else { panic!("{result:?}") };
    assert!(BountyPaid::decode_log_data(&logs[0].data).is_ok());
    let after = evm.ctx.db_mut().basic(USER).unwrap().unwrap().balance;
    assert_eq!(after - before, U256::from(10u64.pow(17)));
}
