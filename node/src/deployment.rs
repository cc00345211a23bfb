//! The rollup's L1 deployment (`rollup.json`): which L1 and which contracts the node reads
//! and writes, and [`deploy`], which puts them there.
//!
//! ```json
//! { "l1ChainId": 31337, "batchInbox": "0x…", "outputs": "0x…", "portal": "0x…",
//!   "factory": "0x…", "gameType": 20, "inferenceOracle": "0x…", "inferenceGameType": 21,
//!   "deployBlock": 1 }
//! ```
//!
//! A deployment is the dispute toolkit's (the preimage oracle, the RISC-V verifier and the
//! game factory); the opML game type (the `inference` guest on one request) and the
//! `InferenceOracle` it settles results for; the `rollup-block` guest's split game type (2^20
//! blocks above the split, 2^40 steps below) over a verifier whose oracle loads results from
//! the `InferenceOracle` only, with a leaf clock extension that covers an opML game's clock;
//! the `BatchInbox`, the `Outputs` registry anchored at the genesis output and the `Portal`. The inbox reads the portal's deposits and the portal the registry's
//! outputs, which reads the inbox: the inbox is created for the portal's address, known in
//! advance (the deployer's nonce two transactions later), and the portal checks it.

use std::path::Path;

use alloy::primitives::{keccak256, Address};
use alloy::sol_types::SolValue;
use axon_dispute::ai_evm::results::deploy_ai;
use axon_dispute::chain::Chain;
use axon_dispute::deploy::{
    deploy as deploy_dispute, deploy_contract, register_game_type, GameParams,
};
use serde::{Deserialize, Serialize};

use crate::error::{NodeError, Result};
use crate::genesis::Genesis;

/// The game type of output proposals.
pub const OUTPUT_GAME_TYPE: u32 = 20;
/// The depth of an output game: 2^20 blocks above the split, 2^40 steps below it.
pub const OUTPUT_MAX_DEPTH: u8 = 61;
/// Where an output game splits: 2^20 L2 blocks (12 days of one-second blocks) per proposal.
pub const OUTPUT_SPLIT_DEPTH: u8 = 20;
/// The game type of inference results (opML).
pub const INFERENCE_GAME_TYPE: u32 = 21;
/// The depth of an opML game: 2^32 steps of the `inference` guest, single-phase (the models
/// a rollup registers run in far fewer).
pub const INFERENCE_MAX_DEPTH: u8 = 32;

/// Where the rollup lives on L1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Deployment {
    /// L1's chain id.
    pub l1_chain_id: u64,
    /// The `BatchInbox`.
    pub batch_inbox: Address,
    /// The `Outputs` registry.
    pub outputs: Address,
    /// The `Portal`: deposits and withdrawals.
    pub portal: Address,
    /// The dispute game factory.
    pub factory: Address,
    /// The output proposals' game type there.
    pub game_type: u32,
    /// The `InferenceOracle`, which settles inference results.
    pub inference_oracle: Address,
    /// Its opML game type at the factory.
    pub inference_game_type: u32,
    /// The L1 block the contracts were deployed in: derivation starts there.
    pub deploy_block: u64,
}

impl Deployment {
    /// Reads `path`.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read(path)
            .map_err(|source| NodeError::Io { path: path.to_owned(), source })?;
        serde_json::from_slice(&text)
            .map_err(|e| NodeError::Genesis { path: path.to_owned(), reason: e.to_string() })
    }

    /// Writes `path`.
    pub fn save(&self, path: &Path) -> Result<()> {
        let text = serde_json::to_vec_pretty(self).expect("a deployment serializes");
        std::fs::write(path, text).map_err(|source| NodeError::Io { path: path.to_owned(), source })
    }
}

/// How to deploy.
#[derive(Debug, Clone)]
pub struct DeployOptions<'a> {
    /// forge's build output.
    pub artifacts: &'a Path,
    /// The chain.
    pub genesis: &'a Genesis,
    /// The fraud-proof program (`rollup-block.elf`): its initial state is the game's
    /// absolute prestate.
    pub program: &'a Path,
    /// The `inference` guest (`inference.elf`): the opML games' program.
    pub inference_program: &'a Path,
    /// The account that posts batches.
    pub sequencer: Address,
    /// Seconds on each side's clock in an output game: the challenge window.
    pub dispute_clock: u32,
    /// Seconds between a game's resolution and the withdrawal of its bonds.
    pub withdrawal_delay: u32,
    /// Seconds within which a deposit must be batched.
    pub deposit_bound: u64,
}

/// Deploys the rollup's contracts from `from` on `chain` (whose head is `l1_block`, the
/// block derivation starts at, and whose id is `l1_chain_id`).
pub fn deploy(
    chain: &mut dyn Chain,
    from: Address,
    options: &DeployOptions<'_>,
    l1_chain_id: u64,
    l1_block: u64,
) -> Result<Deployment> {
    let artifacts = options.artifacts;
    let dispute = deploy_dispute(chain, from, artifacts)?;
    let program = axon_dispute::guest::load_guest(options.program)?;
    let prestate =
        axon_vm::Vm::new(&program).map_err(|e| NodeError::Proof(e.to_string()))?.state_hash();
    let mut params = GameParams::new(OUTPUT_GAME_TYPE, prestate, OUTPUT_MAX_DEPTH);
    params.split_depth = OUTPUT_SPLIT_DEPTH;
    params.with_clock(options.dispute_clock);
    params.withdrawal_delay = options.withdrawal_delay;
    // An opML game must end within an output game's leaf clock extension: a player about to
    // step may first need a result claimed and made final (`DisputeGame`'s clock rule).
    let inference = axon_dispute::guest::load_guest(options.inference_program)?;
    let inference_prestate =
        axon_vm::Vm::new(&inference).map_err(|e| NodeError::Proof(e.to_string()))?.state_hash();
    let mut opml = GameParams::new(INFERENCE_GAME_TYPE, inference_prestate, INFERENCE_MAX_DEPTH);
    opml.with_clock(params.leaf_clock_extension);
    opml.withdrawal_delay = options.withdrawal_delay;
    let ai = deploy_ai(chain, from, artifacts, &dispute, &opml)?;
    register_game_type(chain, from, artifacts, &ai.blocks, &params)?;
    let portal = from.create(chain.nonce(from)? + 2);
    let inbox = deploy_contract(
        chain,
        from,
        artifacts,
        "BatchInbox.sol",
        "BatchInbox",
        (options.sequencer, portal).abi_encode_params(),
    )?;
    let config = keccak256(options.genesis.config.abi_encode());
    let args = (dispute.factory, OUTPUT_GAME_TYPE, inbox, config, options.genesis.output()?.root())
        .abi_encode_params();
    let outputs = deploy_contract(chain, from, artifacts, "Outputs.sol", "Outputs", args)?;
    let args = (outputs, options.deposit_bound).abi_encode_params();
    let deployed = deploy_contract(chain, from, artifacts, "Portal.sol", "Portal", args)?;
    if deployed != portal {
        return Err(NodeError::L1(format!(
            "the portal landed at {deployed}, not {portal}: another transaction from {from} \
             came between"
        )));
    }
    Ok(Deployment {
        l1_chain_id,
        batch_inbox: inbox,
        outputs,
        portal,
        factory: dispute.factory,
        game_type: OUTPUT_GAME_TYPE,
        inference_oracle: ai.inference_oracle,
        inference_game_type: INFERENCE_GAME_TYPE,
        deploy_block: l1_block,
    })
}
