//! `dispute demo`: a whole dispute on the embedded chain, or on a node — a dishonest proposer
//! against an honest challenger over a guest program, or over an AI-EVM block.

use std::path::PathBuf;

use axon_dispute::ai_evm::demo::AiDemoOptions;
use axon_dispute::chain::{Chain, EmbeddedChain, RpcChain};
use axon_dispute::demo::{self, DemoAccounts, DemoOptions};
use axon_dispute::{ai_evm, Error, Result};
use clap::Args;

use crate::args::{
    artifacts_or_default, program_or, repository_path, LieKind, ProgramArgs, AI_EVM_DEPTH,
    AI_EVM_MIN_DEPTH,
};

/// `dispute demo`.
#[derive(Args, Debug)]
pub(crate) struct DemoArgs {
    /// A JSON-RPC node to play on instead of the embedded chain.
    #[arg(long, env = "DISPUTE_RPC_URL")]
    rpc_url: Option<String>,
    /// The deployer's, proposer's and challenger's keys, with --rpc-url.
    #[arg(long = "private-key", env = "DISPUTE_PRIVATE_KEY", value_delimiter = ',')]
    private_keys: Vec<String>,
    #[command(flatten)]
    program: ProgramArgs,
    /// The step from which the proposer lies, 1 to 2^depth (default: the middle of the
    /// execution).
    #[arg(long)]
    lie_from_step: Option<u64>,
    /// What the proposer lies about.
    #[arg(long, value_enum, default_value_t = LieKind::State)]
    lie: LieKind,
    /// Forge's build output [default: contracts/out of the repository].
    #[arg(long)]
    artifacts: Option<PathBuf>,
    /// Dispute an AI-EVM block instead, with both of its proofs: a forged inference result
    /// (the digits model reading an image as a 7) loses its opML game, and a block's
    /// post-state that used it loses its block game (the `ai-evm-block` guest, which
    /// --program names if given; the input and lie options do not apply).
    #[arg(long)]
    ai_evm: bool,
    /// With --ai-evm: the `inference` guest, whose games settle inference results
    /// [default: fixtures/programs/inference.elf of the repository].
    #[arg(long, requires = "ai_evm")]
    inference_program: Option<PathBuf>,
    /// With --ai-evm: the digits model and its test samples [default: fixtures/models of the
    /// repository].
    #[arg(long, requires = "ai_evm")]
    models: Option<PathBuf>,
}

/// Runs `dispute demo`.
pub(crate) fn run(args: DemoArgs) -> Result<()> {
    let mut embedded: EmbeddedChain;
    let mut rpc: RpcChain;
    let (chain, accounts): (&mut dyn Chain, _) = match &args.rpc_url {
        None => {
            let (chain, accounts) = demo::embedded_chain();
            embedded = chain;
            (&mut embedded, accounts)
        }
        Some(url) => {
            rpc = RpcChain::connect(url, &args.private_keys)?;
            let [deployer, proposer, challenger] = rpc.accounts()[..] else {
                return Err(Error::Usage(
                    "a demo on a node needs three --private-key accounts".into(),
                ));
            };
            (&mut rpc, DemoAccounts { deployer, proposer, challenger })
        }
    };
    let out = &mut std::io::stdout();
    let artifacts = artifacts_or_default(args.artifacts)?;
    if args.ai_evm {
        let max_depth = args.program.max_depth.unwrap_or(AI_EVM_DEPTH);
        if max_depth < AI_EVM_MIN_DEPTH {
            return Err(Error::DepthTooSmall {
                depth: max_depth,
                min: AI_EVM_MIN_DEPTH,
                what: "an AI-EVM block's game",
            });
        }
        let options = AiDemoOptions {
            program: program_or(&args.program.program, "ai-evm-block.elf")?,
            inference_program: program_or(&args.inference_program, "inference.elf")?,
            models: match args.models {
                Some(dir) => dir,
                None => repository_path("fixtures/models".as_ref(), "--models")?,
            },
            artifacts,
            max_depth,
            checkpoint_interval: args.program.checkpoint_interval,
        };
        ai_evm::demo::run_on(chain, accounts, &options, out)?;
    } else {
        let options = DemoOptions {
            spec: args.program.spec(None, None)?,
            lie_from: args.lie_from_step,
            lie: args.lie.into(),
            artifacts,
        };
        demo::run_on(chain, accounts, &options, out)?;
    }
    Ok(())
}
