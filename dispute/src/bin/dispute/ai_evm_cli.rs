//! `dispute ai-evm`: an AI-EVM L2 node kept in a directory — `init` its genesis, run a
//! `block` of signed transactions natively (recording its witness), `run` a block in the VM.
//! Games over a block are the generic `deploy`, `propose`, `bisect`, … with `--l2-node` and
//! `--l2-block`.

use std::path::PathBuf;

use alloy::primitives::Bytes;
use axon_dispute::ai_evm::files::parse_alloc;
use axon_dispute::ai_evm::{L2Node, Model};
use axon_dispute::guest::run_guest;
use axon_dispute::setup::read;
use axon_dispute::{Error, Result};
use clap::Subcommand;

use crate::args::program_or;

/// The default chain id of a new L2.
const CHAIN_ID: u64 = 0xa1e7;

#[derive(Subcommand, Debug)]
pub(crate) enum AiEvmCommand {
    /// Create a node in --dir from a genesis allocation and the models the chain registers.
    Init {
        /// The node's directory (created; must not hold a node yet).
        #[arg(long)]
        dir: PathBuf,
        /// The genesis allocation: a JSON object from address to
        /// `{balance, nonce, code, storage}` (every field optional; hex strings).
        #[arg(long)]
        alloc: PathBuf,
        /// The chain id.
        #[arg(long, default_value_t = CHAIN_ID)]
        chain_id: u64,
        /// A model the chain registers, as FILE:GAS (its file and the gas of one inference);
        /// repeat for several.
        #[arg(long = "model")]
        models: Vec<String>,
    },
    /// Run the next block natively on the node's head, record its witness, save it as
    /// `blocks/<n>` and make it the head; prints its output.
    Block {
        /// The node's directory.
        #[arg(long)]
        dir: PathBuf,
        /// A signed transaction (EIP-2718, hex); repeat for several, in block order.
        #[arg(long = "tx")]
        transactions: Vec<String>,
        /// A file of signed transactions, one hex string per line, after any --tx.
        #[arg(long)]
        tx_file: Option<PathBuf>,
    },
    /// Run a saved block in the VM on its witness alone; prints the result and the final
    /// state a claim of it states.
    Run {
        /// The node's directory.
        #[arg(long)]
        dir: PathBuf,
        /// The block.
        #[arg(long)]
        block: u64,
        /// The block guest [default: fixtures/programs/ai-evm-block.elf].
        #[arg(long)]
        program: Option<PathBuf>,
    },
}

pub(crate) fn run(command: AiEvmCommand) -> Result<()> {
    match command {
        AiEvmCommand::Init { dir, alloc, chain_id, models } => {
            if dir.join("node.json").exists() {
                return Err(Error::BadState {
                    path: dir.join("node.json"),
                    reason: "a node exists here already".into(),
                });
            }
            let accounts = parse_alloc(&alloc, &read(&alloc)?)?;
            let models = models.iter().map(|m| model(m)).collect::<Result<Vec<_>>>()?;
            let node = L2Node::genesis(chain_id, &accounts, &models);
            node.save(&dir)?;
            let report = serde_json::json!({
                "chainId": chain_id,
                "stateRoot": node.state_root(),
                "accounts": accounts.len(),
                "models": models.iter().map(|m| serde_json::json!({
                    "address": m.address(), "gas": m.gas,
                })).collect::<Vec<_>>(),
            });
            println!("{report:#}");
        }
        AiEvmCommand::Block { dir, transactions, tx_file } => {
            let mut node = L2Node::open(&dir)?;
            let mut hex_txs = transactions;
            if let Some(path) = &tx_file {
                let text = String::from_utf8(read(path)?)
                    .map_err(|e| Error::BadState { path: path.clone(), reason: e.to_string() })?;
                hex_txs.extend(
                    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from),
                );
            }
            let txs = hex_txs.iter().map(|tx| parse_hex(tx)).collect::<Result<Vec<Bytes>>>()?;
            let block = node.execute(node.next_input(txs)).map_err(|e| Error::BadInput {
                what: format!("block {}", node.number() + 1),
                reason: e.to_string(),
            })?;
            L2Node::save_block(&dir, &block)?;
            node.apply(&block)?;
            node.save(&dir)?;
            let executed = &block.recorded.executed;
            let report = serde_json::json!({
                "number": block.input.number,
                "hash": block.hash(),
                "stateRoot": executed.output.stateRoot,
                "receiptsRoot": executed.output.receiptsRoot,
                "gasUsed": executed.output.gasUsed,
                "transactions": executed.results.iter().map(|r| serde_json::json!({
                    "success": r.is_success(), "gasUsed": r.tx_gas_used(),
                })).collect::<Vec<_>>(),
                "witnessPreimages": block.recorded.witness.len(),
            });
            println!("{report:#}");
        }
        AiEvmCommand::Run { dir, block, program } => {
            let (input, store) = L2Node::open(&dir)?.block_store(&dir, block)?;
            let program = program_or(&program, "ai-evm-block.elf")?;
            let run = run_guest(&program, store)?;
            let output = axon_ai_evm::block::BlockOutput::decode(&run.stdout);
            let report = serde_json::json!({
                "block": input.number,
                "halt": format!("{:?}", run.halt),
                "steps": run.steps,
                "finalState": run.state_hash,
                "stateRoot": output.as_ref().map(|o| o.stateRoot),
                "receiptsRoot": output.as_ref().map(|o| o.receiptsRoot),
                "gasUsed": output.as_ref().map(|o| o.gasUsed),
                "stderr": String::from_utf8_lossy(&run.stderr),
            });
            println!("{report:#}");
        }
    }
    Ok(())
}

/// `FILE:GAS`.
fn model(arg: &str) -> Result<Model> {
    let (file, gas) = arg
        .rsplit_once(':')
        .ok_or_else(|| Error::Usage(format!("--model {arg}: expected FILE:GAS")))?;
    let gas = gas.parse().map_err(|e| Error::Usage(format!("--model {arg}: the gas: {e}")))?;
    Ok(Model { file: read(&PathBuf::from(file))?, gas })
}

fn parse_hex(text: &str) -> Result<Bytes> {
    text.parse::<Bytes>().map_err(|e| Error::BadInput {
        what: format!("transaction {text:.20}…"),
        reason: e.to_string(),
    })
}
