//! `dispute demo --ai-evm`: the AI EVM's two fraud proofs, kept apart as the seed has them.
//!
//! An L2 of the AI EVM runs two blocks. In the first, Alice posts a `DigitBounty`: one ether
//! for an 8×8 image the digits model reads as a 7. In the second, Bob submits an image of a
//! 3; the model reads a 3, the claim reverts and the bounty stays. A dishonest party wants Bob
//! paid, and lies twice, on the same forged model (the output layer's bias of class 7 raised,
//! under the real model's address):
//!
//! 1. **the opML proof** — it claims at the `InferenceOracle` that Bob's request yields logits
//!    that read a 7: the `inference` guest's final state on the forged model. The honest
//!    challenger, who claimed the true result, bisects that run down to the instruction that
//!    reads the first forged word and steps it with the real model's chunk; the forged claim
//!    loses, the true one becomes final;
//! 2. **the block proof** — it proposes block 2's post-state as if the model had read a 7.
//!    The challenger bisects the `ai-evm-block` guest's trace down to the instruction that
//!    reads the inference result, loads the finalized one into the block games' oracle and
//!    steps: the block game never runs the model.

use std::io::Write;
use std::path::PathBuf;

use alloy::primitives::{keccak256, TxKind, B256, U256};
use alloy::sol_types::{SolCall, SolValue};
use axon_ai_evm::block::witness::{execute_recorded, GenesisAccount, ModelFiles};
use axon_ai_evm::block::BlockOutput;
use axon_ml::InferenceResult;
use axon_vm::{CheckpointStore, PreimageStore, VmConfig};

use super::results::{self, claim_result, deploy_ai, finalize_result};
use super::{guest_store, Block, L2Node, Model, Wallet};
use crate::chain::Chain;
use crate::contracts::creation_code;
use crate::demo::{play_game, play_out, DemoAccounts, DemoGame, DemoReport, POLL};
use crate::deploy::{deploy, register_game_type, GameParams};
use crate::driver::{play, Seat};
use crate::game::{self, encode_extra_data, hex_hash, GameStatus};
use crate::guest::{finish_guest, hashed_input_store, load_guest};
use crate::output::OutputWitness;
use crate::{Error, Player, Position, Result, Strategy, TraceProvider, VmTraceProvider};

alloy::sol! {
    /// `contracts/src/ai/examples/DigitBounty.sol`: what the demo's L2 user calls.
    interface IDigitBounty {
        function claim(bytes image) external;
    }
}

/// What the AI-EVM demo plays.
#[derive(Debug, Clone)]
pub struct AiDemoOptions {
    /// The `ai-evm-block` guest ELF.
    pub program: PathBuf,
    /// The `inference` guest ELF, whose games settle inference results.
    pub inference_program: PathBuf,
    /// `fixtures/models/`: the digits model and its test samples.
    pub models: PathBuf,
    /// Forge's build output.
    pub artifacts: PathBuf,
    /// The block game's depth (it covers `2^max_depth` steps).
    pub max_depth: u8,
    /// Steps between trace checkpoints.
    pub checkpoint_interval: u64,
}

/// How the demo's two games went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiDemoReport {
    /// The opML game over the forged inference result.
    pub inference: DemoReport,
    /// The block game over the post-state that used it.
    pub block: DemoReport,
}

/// The L2's chain id.
const CHAIN_ID: u64 = 0xa1e7;
/// The digit the bounty wants.
const WANTED: u64 = 7;
/// The gas the chain registers for one digits inference.
const DIGITS_GAS: u64 = 20_000;
const ETHER: u128 = 1_000_000_000_000_000_000;
/// The block games' type and the opML games' type.
const BLOCK_GAME_TYPE: u32 = 1;
const OPML_GAME_TYPE: u32 = 2;
/// The opML game's depth: a digits inference is about 320,000 steps.
const OPML_DEPTH: u8 = 24;
/// The opML game's clock, its results' challenge period: twelve hours. The block game's leaf
/// clock extension is as long (`DisputeGame`'s clock rule).
const OPML_CLOCK: u32 = 12 * 3600;

/// Runs the demo on a fresh embedded chain, writing its account to `out`.
pub fn run(options: &AiDemoOptions, out: &mut dyn Write) -> Result<AiDemoReport> {
    let (mut chain, accounts) = crate::demo::embedded_chain();
    run_on(&mut chain, accounts, options, out)
}

/// Runs the demo: the L2 blocks natively and in the VM, then both games on `chain`.
pub fn run_on(
    chain: &mut dyn Chain,
    accounts: DemoAccounts,
    options: &AiDemoOptions,
    out: &mut dyn Write,
) -> Result<AiDemoReport> {
    let w = |out: &mut dyn Write, text: String| {
        let _ = writeln!(out, "{text}");
    };
    let read = |path: PathBuf| crate::setup::read(&path);
    let digits = Model { file: read(options.models.join("digits.axml"))?, gas: DIGITS_GAS };
    let image = sample_of(&read(options.models.join("digits-test.json"))?, 3)?;
    let mut alice = Wallet::new(B256::repeat_byte(0xa1))?;
    let mut bob = Wallet::new(B256::repeat_byte(0xb0))?;
    let funded = GenesisAccount { balance: U256::from(10 * ETHER), ..Default::default() };
    let genesis = [(alice.address(), funded.clone()), (bob.address(), funded)].into();
    let mut node = L2Node::genesis(CHAIN_ID, &genesis, std::slice::from_ref(&digits));

    // Block 1: Alice's bounty.
    let bounty = alice.next_contract();
    let mut code = creation_code(&options.artifacts, "DigitBounty.sol", "DigitBounty")?;
    code.extend((digits.address(), U256::from(WANTED), U256::from(ETHER)).abi_encode_params());
    let post = alice.sign(CHAIN_ID, TxKind::Create, U256::from(ETHER), code, 3_000_000)?;
    let first = executed(&node, vec![post])?;
    node.apply(&first)?;
    w(out, format!("L2 block 1: alice posts a DigitBounty at {bounty}: 1 ether for an image the digits model reads as a {WANTED}"));

    // Block 2: Bob's image of a 3.
    let call = IDigitBounty::claimCall { image: image.into() }.abi_encode();
    let submit = bob.sign(CHAIN_ID, TxKind::Call(bounty), U256::ZERO, call, 1_000_000)?;
    let second = executed(&node, vec![submit])?;
    let honest_store = node.vm_store(&second);
    let block_program = load_guest(&options.program)?;
    let (honest_vm, honest_host) = finish_guest(&block_program, honest_store.clone())?;
    let honest_output = block_output(&honest_host.stdout, "the honest run")?;
    w(out, format!("L2 block 2: bob submits an image of a 3; the model reads a 3 and the claim reverts ({})", outcome(&second)));
    w(
        out,
        format!(
            "  honest post-state root  {} ({} VM steps, no model run: the inference result is oracle data)",
            honest_output.stateRoot,
            honest_vm.cpu().step
        ),
    );

    // The liar's version of everything: the digits model reads every image as a 7.
    let forged_model = forge_digit(&digits.file, WANTED)?;
    let mut forged_files = ModelFiles::default();
    forged_files.insert(digits.address().0, forged_model.clone());
    let forged_block =
        execute_recorded(&second.input, &[], node.store(), &forged_files).map_err(|e| {
            Error::BadInput { what: "block 2 on the forged model".into(), reason: e.to_string() }
        })?;
    let forged_store = guest_store(&second.input, &forged_block.witness, &forged_block.offloaded);
    let forged_root = forged_block.executed.output.stateRoot;
    if forged_root == honest_output.stateRoot {
        return Err(Error::BadInput {
            what: "the forged digits model".into(),
            reason: "it changed nothing in block 2".into(),
        });
    }
    w(
        out,
        format!("  claimed post-state root {forged_root} (bob paid: the model 'read a {WANTED}')"),
    );

    // L1: the dispute contracts, the opML game type and the InferenceOracle, the block games.
    let DemoAccounts { deployer, proposer, challenger } = accounts;
    let dispute = deploy(chain, deployer, &options.artifacts)?;
    let inference = load_guest(&options.inference_program)?;
    let mut opml =
        GameParams::new(OPML_GAME_TYPE, axon_vm::Vm::new(&inference)?.state_hash(), OPML_DEPTH);
    opml.with_clock(OPML_CLOCK);
    let ai = deploy_ai(chain, deployer, &options.artifacts, &dispute, &opml)?;
    let block_prestate = axon_vm::Vm::new(&block_program)?.state_hash();
    let mut block_params = GameParams::new(BLOCK_GAME_TYPE, block_prestate, options.max_depth);
    block_params.leaf_clock_extension = OPML_CLOCK;
    register_game_type(chain, deployer, &options.artifacts, &ai.blocks, &block_params)?;
    w(out, format!("deployed the InferenceOracle {} (opML games: the inference guest, a {}-hour challenge period) and the block games' oracle {}", ai.inference_oracle, OPML_CLOCK / 3600, ai.blocks.oracle));

    // The opML proof: the true result and the forged one, each claimed as the inference
    // guest's final state on Bob's request.
    let request = second.recorded.offloaded.requests().next().ok_or_else(|| Error::BadInput {
        what: "block 2".into(),
        reason: "it made no inference".into(),
    })?;
    let request_hash = keccak256(request);
    let mut inference_store = hashed_input_store(request.to_vec());
    inference_store.insert_blob(digits.file.clone());
    let mut forged_inference_store = inference_store.clone();
    forged_inference_store.insert(digits.address().0, forged_model);
    let (vm, host) = finish_guest(&inference, inference_store.clone())?;
    let honest_witness = OutputWitness::of(&vm);
    let honest_result = InferenceResult::Output(host.stdout);
    let extra = results::extra_data(&request_hash)?;
    let honest_claim =
        claim_result(chain, challenger, &ai, request_hash, honest_witness.state_hash)?;
    w(out, format!("opML: the challenger claims the true result of bob's request {request_hash} (game {honest_claim})"));
    let trace = |program: &axon_vm::Program,
                 store: PreimageStore,
                 depth: u8|
     -> Result<Box<dyn TraceProvider>> {
        Ok(Box::new(VmTraceProvider::new(
            program,
            store,
            depth,
            options.checkpoint_interval,
            CheckpointStore::Memory,
            VmConfig::default(),
        )?))
    };
    let mut liar = trace(&inference, forged_inference_store, OPML_DEPTH)?;
    let forged_claim_state = liar.claim_at(Position::ROOT)?;
    let before = (chain.balance(challenger)?, chain.balance(proposer)?);
    let forged_claim = claim_result(chain, proposer, &ai, request_hash, forged_claim_state)?;
    w(
        out,
        format!(
            "opML: the proposer claims the forged result {} (game {forged_claim})",
            hex_hash(&forged_claim_state)
        ),
    );
    let opml_game = DemoGame {
        honest: trace(&inference, inference_store.clone(), OPML_DEPTH)?,
        liar,
        lie: "the inference on a forged digits model".into(),
        extra_data: extra.clone(),
    };
    let inference_report = play_out(chain, accounts, forged_claim, opml_game, before, out)?;

    // Nobody disputes the true claim: it stands once its clock runs out.
    w(out, format!("opML: nobody disputes the true result: its claim stands when its {}-hour clock runs out", OPML_CLOCK / 3600));
    let honest_trace = trace(&inference, inference_store, OPML_DEPTH)?;
    let player = Player::new(challenger, honest_claim, Strategy::Solver, honest_trace, extra);
    let mut seat = [Seat::new("challenger", player)];
    play(chain, &mut seat, POLL, |seat, event| {
        let _ = writeln!(out, "  {:<10} {event}", seat.name);
    })?;
    let status = game::read(chain, honest_claim)?.status;
    if status != GameStatus::DefenderWins {
        return Err(Error::BadInput {
            what: "the true result's claim".into(),
            reason: format!("its game ended {status}"),
        });
    }
    finalize_result(chain, challenger, &ai, honest_claim, &honest_witness, &honest_result)?;
    let finalized = results::finalized_result(chain, &ai, request_hash)?;
    w(
        out,
        format!(
            "opML: the true result is final ({finalized}): the block games' oracle can load it"
        ),
    );

    // The block proof.
    let block_trace = |store: PreimageStore| trace(&block_program, store, options.max_depth);
    w(
        out,
        format!(
            "disputing block 2: program {}, the game covers 2^{} steps",
            options.program.display(),
            options.max_depth
        ),
    );
    let game = DemoGame {
        honest: block_trace(honest_store)?,
        liar: block_trace(forged_store)?,
        lie: "block 2 with the forged inference result".into(),
        extra_data: encode_extra_data(&[keccak256(second.input.encode()).as_slice()])?,
    };
    let block = play_game(chain, accounts, &ai.blocks, BLOCK_GAME_TYPE, game, out)?;
    Ok(AiDemoReport { inference: inference_report, block })
}

/// Runs a block of `transactions` on `node`'s head.
fn executed(node: &L2Node, transactions: Vec<alloy::primitives::Bytes>) -> Result<Block> {
    node.execute(node.next_input(transactions))
        .map_err(|e| Error::BadInput { what: "an L2 block".into(), reason: e.to_string() })
}

fn outcome(block: &Block) -> String {
    let results = &block.recorded.executed.results;
    let reverted = results.iter().filter(|r| !r.is_success()).count();
    format!(
        "{} transaction(s), {reverted} reverted, {} gas",
        results.len(),
        block.recorded.executed.output.gasUsed
    )
}

fn block_output(stdout: &[u8], run: &str) -> Result<BlockOutput> {
    BlockOutput::decode(stdout).ok_or_else(|| Error::BadInput {
        what: format!("{run} of the block guest"),
        reason: "its output is no BlockOutput".into(),
    })
}

/// The input of the first test sample labelled `digit` in `digits-test.json`.
fn sample_of(json: &[u8], digit: u64) -> Result<Vec<u8>> {
    let bad =
        |reason: &str| Error::BadInput { what: "digits-test.json".into(), reason: reason.into() };
    let tests: serde_json::Value = serde_json::from_slice(json).map_err(|e| bad(&e.to_string()))?;
    let samples = tests["samples"].as_array().ok_or_else(|| bad("no samples"))?;
    let sample = samples
        .iter()
        .find(|s| s["label"].as_u64() == Some(digit))
        .ok_or_else(|| bad("no sample of the digit"))?;
    let input = sample["input"].as_array().ok_or_else(|| bad("a sample without input"))?;
    input
        .iter()
        .map(|v| v.as_i64().map(|v| v as i8 as u8).ok_or_else(|| bad("a non-integer input")))
        .collect()
}

/// `model` (the digits AXML) with the output layer's bias of `digit` raised so far that the
/// model reads every image as `digit`: the last rank-1 i32 tensor of 10 elements.
fn forge_digit(model: &[u8], digit: u64) -> Result<Vec<u8>> {
    let bad = || Error::BadInput {
        what: "the digits model".into(),
        reason: "not the AXML file the demo expects".into(),
    };
    let u32_at = |at: usize| -> Option<u32> {
        Some(u32::from_le_bytes(model.get(at..at + 4)?.try_into().ok()?))
    };
    let tensors = u32_at(8).ok_or_else(bad)? as usize;
    let bias = (0..tensors)
        .rev()
        .map(|i| 32 + 32 * i)
        .find(|&entry| {
            model.get(entry) == Some(&2)
                && model.get(entry + 1) == Some(&1)
                && model.get(entry + 4..entry + 6) == Some(&10u16.to_le_bytes()[..])
        })
        .ok_or_else(bad)?;
    let at = u32_at(bias + 12).ok_or_else(bad)? as usize + 4 * digit as usize;
    let value = u32_at(at).ok_or_else(bad)? as i32;
    let mut forged = model.to_vec();
    forged[at..at + 4].copy_from_slice(&value.saturating_add(1 << 24).to_le_bytes());
    Ok(forged)
}
