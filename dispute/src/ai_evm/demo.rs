//! `dispute demo --ai-evm`: an AI-EVM block disputed over a wrong inference.
//!
//! An L2 of the AI EVM runs two blocks. In the first, Alice posts a `DigitBounty`: one ether
//! for an 8×8 image the digits model reads as a 7. In the second, Bob submits an image of a
//! 3; the model reads a 3, the claim reverts and the bounty stays. A dishonest proposer
//! claims the second block's post-state as if the model had read a 7 — the state where Bob
//! is paid — by running the block on a forged model file under the real model's address.
//! The honest challenger bisects the `ai-evm-block` guest's trace down to the instruction that
//! reads the model's first forged word, steps it on chain with the real file (which the
//! oracle checks against the address), and wins.

use std::io::Write;
use std::path::PathBuf;

use alloy::primitives::{keccak256, TxKind, B256, U256};
use alloy::sol_types::{SolCall, SolValue};
use axon_ai_evm::block::witness::GenesisAccount;
use axon_ai_evm::block::BlockOutput;
use axon_vm::{CheckpointStore, PreimageStore, VmConfig};

use super::{Block, L2Node, Model, Wallet};
use crate::chain::Chain;
use crate::contracts::creation_code;
use crate::demo::{dispute, embedded_chain, DemoAccounts, DemoGame, DemoReport};
use crate::game::encode_extra_data;
use crate::guest::{load_guest, run_guest};
use crate::{Error, Result, VmTraceProvider};

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
    /// `fixtures/models/`: the digits model and its test samples.
    pub models: PathBuf,
    /// Forge's build output.
    pub artifacts: PathBuf,
    /// The game depth (the game covers `2^max_depth` steps).
    pub max_depth: u8,
    /// Steps between trace checkpoints.
    pub checkpoint_interval: u64,
}

/// The L2's chain id.
const CHAIN_ID: u64 = 0xa1e7;
/// The digit the bounty wants.
const WANTED: u64 = 7;
/// The gas the chain registers for one digits inference.
const DIGITS_GAS: u64 = 20_000;
const ETHER: u128 = 1_000_000_000_000_000_000;

/// Runs the demo on a fresh embedded chain, writing its account to `out`.
pub fn run(options: &AiDemoOptions, out: &mut dyn Write) -> Result<DemoReport> {
    let (mut chain, accounts) = embedded_chain();
    run_on(&mut chain, accounts, options, out)
}

/// Runs the demo: the L2 blocks natively and in the VM, then the game on `chain`.
pub fn run_on(
    chain: &mut dyn Chain,
    accounts: DemoAccounts,
    options: &AiDemoOptions,
    out: &mut dyn Write,
) -> Result<DemoReport> {
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
    let honest_run = run_guest(&options.program, honest_store.clone())?;
    let honest_output = block_output(&honest_run.stdout, "the honest run")?;
    w(out, format!("L2 block 2: bob submits an image of a 3; the model reads a 3 and the claim reverts ({})", outcome(&second)));
    w(
        out,
        format!(
            "  honest post-state root  {} ({} VM steps)",
            honest_output.stateRoot, honest_run.steps
        ),
    );

    // The proposer's version: the same block on a model that reads every image as a 7.
    let mut forged_store = honest_store.clone();
    forged_store.insert(digits.address().0, forge_digit(&digits.file, WANTED)?);
    let forged_run = run_guest(&options.program, forged_store.clone())?;
    let forged_output = block_output(&forged_run.stdout, "the proposer's run")?;
    if forged_output.stateRoot == honest_output.stateRoot {
        return Err(Error::BadInput {
            what: "the forged digits model".into(),
            reason: "it changed nothing in block 2".into(),
        });
    }
    w(
        out,
        format!(
            "  claimed post-state root {} (bob paid: the model 'read a {WANTED}')",
            forged_output.stateRoot
        ),
    );

    let trace = |store: PreimageStore| -> Result<Box<dyn crate::TraceProvider>> {
        let program = load_guest(&options.program)?;
        Ok(Box::new(VmTraceProvider::new(
            &program,
            store,
            options.max_depth,
            options.checkpoint_interval,
            CheckpointStore::Memory,
            VmConfig::default(),
        )?))
    };
    w(
        out,
        format!(
            "disputing block 2: program {}, the game covers 2^{} steps",
            options.program.display(),
            options.max_depth
        ),
    );
    let game = DemoGame {
        honest: trace(honest_store)?,
        liar: trace(forged_store)?,
        lie: "block 2 run on a forged digits model".into(),
        extra_data: encode_extra_data(&[keccak256(second.input.encode()).as_slice()])?,
    };
    dispute(chain, accounts, game, &options.artifacts, out)
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
