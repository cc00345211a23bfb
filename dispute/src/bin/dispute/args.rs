//! The arguments several commands share (the chain, the program a game is over, a liar's
//! lie), their parsers, and where the defaults of `--program` and `--artifacts` are found.

use std::path::{Path, PathBuf};

use alloy::primitives::{keccak256, Address};
use axon_dispute::ai_evm::L2Node;
use axon_dispute::chain::RpcChain;
use axon_dispute::game::Shape;
use axon_dispute::lying::{Lie, Lies};
use axon_dispute::setup::{read, InferenceSpec, TraceSpec};
use axon_dispute::{Error, Result};
use clap::{Args, ValueEnum};

/// The chain every command but `demo` uses.
#[derive(Args, Debug, Clone)]
pub(crate) struct ChainArgs {
    /// The Ethereum JSON-RPC endpoint (http or https).
    #[arg(long, env = "DISPUTE_RPC_URL")]
    pub(crate) rpc_url: String,
    /// A hex private key of the sending account (repeat for several). Prefer the
    /// environment variable: a key on the command line shows in the process list.
    #[arg(long = "private-key", env = "DISPUTE_PRIVATE_KEY", value_delimiter = ',')]
    pub(crate) private_keys: Vec<String>,
}

impl ChainArgs {
    /// The chain, connected.
    pub(crate) fn connect(&self) -> Result<RpcChain> {
        RpcChain::connect(&self.rpc_url, &self.private_keys)
    }
}

/// The account a command sends from: the first `--private-key`'s.
pub(crate) fn sender(chain: &RpcChain) -> Result<Address> {
    chain
        .accounts()
        .first()
        .copied()
        .ok_or_else(|| Error::Usage("this command sends transactions: pass --private-key".into()))
}

/// An address as `--game`, `--factory` and the like take it: hex, and if its letters are of
/// mixed case, with a valid EIP-55 checksum (a mistyped character then shows).
pub(crate) fn parse_address(text: &str) -> std::result::Result<Address, String> {
    let hex = text.strip_prefix("0x").unwrap_or(text);
    let mixed =
        hex.chars().any(|c| c.is_ascii_lowercase()) && hex.chars().any(|c| c.is_ascii_uppercase());
    if mixed {
        Address::parse_checksummed(text, None)
            .map_err(|_| format!("{text}: the mixed-case letters are not its EIP-55 checksum"))
    } else {
        text.parse().map_err(|e| format!("{text}: {e}"))
    }
}

/// The program a game is over.
#[derive(Args, Debug, Clone)]
pub(crate) struct ProgramArgs {
    /// The guest ELF [default: fixtures/programs/hello.elf of the repository;
    /// inference-unit.elf with --model, ai-evm-block.elf with --l2-node].
    #[arg(long)]
    pub(crate) program: Option<PathBuf>,
    /// A multi-phase inference game (docs/ml.md): a split game over the request for
    /// --output-size bytes of this model on the input (--input, --input-text, or none: a
    /// llama2.c model's BOS). Phase 1 bisects over its units (an AXML layer, a transformer
    /// operator at one position) computed natively, phase 2 over the disputed unit's run.
    #[arg(long, requires = "output_size", conflicts_with = "l2_node")]
    pub(crate) model: Option<PathBuf>,
    /// The output bytes the inference asks for (a llama2.c model: 4 per token).
    #[arg(long, requires = "model")]
    pub(crate) output_size: Option<usize>,
    /// The split depth of a --model game: it covers 2^depth units [default: the game's own
    /// for `bisect` and `step`, the game type's for `propose`; else 20].
    #[arg(long, requires = "model")]
    pub(crate) split_depth: Option<u8>,
    /// A file holding the program input (at most 32 bytes on chain; with --model, the model
    /// input, which the game holds by hash).
    #[arg(long, conflicts_with = "input_text")]
    pub(crate) input: Option<PathBuf>,
    /// The program input as text.
    #[arg(long)]
    pub(crate) input_text: Option<String>,
    /// The game depth: the game covers 2^depth steps [default: the game's own for `bisect`
    /// and `step`, the game type's for `propose`; else 32, 40 for an AI-EVM block and 61 for
    /// a --model game].
    #[arg(long)]
    pub(crate) max_depth: Option<u8>,
    /// Steps between trace checkpoints.
    #[arg(long, default_value_t = 1 << 22)]
    pub(crate) checkpoint_interval: u64,
    /// A game over an AI-EVM block: the node directory of `dispute ai-evm` (with
    /// --l2-block). The program is then the `ai-evm-block` guest (unless --program says
    /// otherwise), its input the block input's hash, and it reads the block's witness and
    /// models.
    #[arg(long, requires = "l2_block", conflicts_with_all = ["input", "input_text"])]
    pub(crate) l2_node: Option<PathBuf>,
    /// The block of --l2-node the game is over.
    #[arg(long, requires = "l2_node")]
    pub(crate) l2_block: Option<u64>,
}

/// The game depth of a program's game unless `--max-depth` says otherwise.
const DEFAULT_DEPTH: u8 = 32;
/// The game depth of an AI-EVM block's game unless `--max-depth` says otherwise: 2^40 steps,
/// room for ≈90,000 signed transactions at ≈12M steps each.
pub(crate) const AI_EVM_DEPTH: u8 = 40;
/// The least depth an AI-EVM block's game may have (2^36 steps, ≈5,700 transactions).
pub(crate) const AI_EVM_MIN_DEPTH: u8 = 36;
/// The split depth of a multi-phase inference game: 2^20 units (stories260K's 128 tokens
/// are 4,864).
const INFERENCE_SPLIT_DEPTH: u8 = 20;
/// The depth of a multi-phase inference game: executions of 2^40 steps below its split (one
/// stories260K unit takes at most ≈7M).
const INFERENCE_DEPTH: u8 = 61;

impl ProgramArgs {
    /// `--max-depth`, or the default for the kind of game.
    pub(crate) fn depth(&self) -> u8 {
        let default = match (&self.l2_node, &self.model) {
            (Some(_), _) => AI_EVM_DEPTH,
            (None, Some(_)) => INFERENCE_DEPTH,
            (None, None) => DEFAULT_DEPTH,
        };
        self.max_depth.unwrap_or(default)
    }

    /// The trace of the game over this program, of the shape `--max-depth` and
    /// `--split-depth` give, else `game`'s (a game's or game type's own), else the defaults.
    pub(crate) fn spec(
        &self,
        game: Option<Shape>,
        checkpoint_dir: Option<PathBuf>,
    ) -> Result<TraceSpec> {
        let depth = self.max_depth.or(game.map(|g| g.max_depth));
        if let Some(model) = &self.model {
            let split = self.split_depth.or(game.map(|g| g.split_depth));
            return self.inference_spec(model, depth, split, checkpoint_dir);
        }
        let l2 = self.l2_node.is_some();
        let mut spec = TraceSpec {
            program: program_or(&self.program, if l2 { "ai-evm-block.elf" } else { "hello.elf" })?,
            input: b"axon".to_vec(),
            preimages: Default::default(),
            max_depth: depth.unwrap_or(self.depth()),
            checkpoint_interval: self.checkpoint_interval,
            checkpoint_dir,
            inference: None,
        };
        match (&self.input, &self.input_text, &self.l2_node, self.l2_block) {
            (Some(path), ..) => spec.input = read(path)?,
            (None, Some(text), ..) => spec.input = text.as_bytes().to_vec(),
            (None, None, Some(dir), Some(number)) => {
                if spec.max_depth < AI_EVM_MIN_DEPTH {
                    return Err(Error::DepthTooSmall {
                        depth: spec.max_depth,
                        min: AI_EVM_MIN_DEPTH,
                        what: "an AI-EVM block's game",
                    });
                }
                let (input, store) = L2Node::open(dir)?.block_store(dir, number)?;
                spec.input = keccak256(input.encode()).to_vec();
                spec.preimages = store;
            }
            _ => {}
        }
        Ok(spec)
    }
}

impl ProgramArgs {
    /// The spec of a `--model` game.
    fn inference_spec(
        &self,
        model: &Path,
        depth: Option<u8>,
        split_depth: Option<u8>,
        checkpoint_dir: Option<PathBuf>,
    ) -> Result<TraceSpec> {
        let split_depth = split_depth.unwrap_or(INFERENCE_SPLIT_DEPTH);
        let input = match (&self.input, &self.input_text) {
            (Some(path), _) => read(path)?,
            (None, Some(text)) => text.as_bytes().to_vec(),
            (None, None) => Vec::new(),
        };
        let inference = InferenceSpec {
            model: read(model)?,
            input,
            output_size: self.output_size.unwrap_or_default(),
            split_depth,
        };
        let max_depth = depth.unwrap_or(self.depth());
        if split_depth == 0 || u16::from(split_depth) + 2 > u16::from(max_depth) {
            return Err(Error::Usage(format!(
                "--split-depth {split_depth} leaves no execution below it in a game of depth \
                 {max_depth}"
            )));
        }
        let program = program_or(&self.program, "inference-unit.elf")?;
        let mut spec =
            TraceSpec::inference(program, inference, max_depth, self.checkpoint_interval);
        spec.checkpoint_dir = checkpoint_dir;
        Ok(spec)
    }
}

/// A dishonest player's lie, for demonstrations and tests.
#[derive(Args, Debug, Clone)]
pub(crate) struct LieArgs {
    /// Lie about every state from this step on (in a --model game: in every execution of a
    /// disputed unit).
    #[arg(long)]
    pub(crate) lie_from_step: Option<u64>,
    /// In a --model game: lie about every unit commitment from this unit on.
    #[arg(long)]
    pub(crate) lie_from_unit: Option<u64>,
    /// What to lie about.
    #[arg(long, value_enum, default_value_t = LieKind::State)]
    pub(crate) lie: LieKind,
}

impl LieArgs {
    /// The lie and the step it starts at, if any.
    pub(crate) fn lie(&self) -> Option<(u64, Lie)> {
        self.lie_from_step.map(|from| (from, self.lie.into()))
    }

    /// The lies of `spec`'s game: about the trace from a step on, or about a split game's
    /// units from a unit on and their executions from a step on.
    pub(crate) fn lies(&self, spec: &TraceSpec) -> Lies {
        match spec.inference {
            None => Lies { trace: self.lie(), execution: None },
            Some(_) => Lies {
                trace: self.lie_from_unit.map(|from| (from, self.lie.into())),
                execution: self.lie(),
            },
        }
    }
}

/// What a liar lies about.
#[derive(ValueEnum, Debug, Clone, Copy)]
pub(crate) enum LieKind {
    /// A wrong state.
    State,
    /// A wrong halting status.
    Status,
}

impl From<LieKind> for Lie {
    fn from(kind: LieKind) -> Self {
        match kind {
            LieKind::State => Lie::State,
            LieKind::Status => Lie::Status,
        }
    }
}

/// `path`, or the repository's `fixtures/programs/<default>`.
pub(crate) fn program_or(path: &Option<PathBuf>, default: &str) -> Result<PathBuf> {
    path.clone().map_or_else(|| fixture_program(default), Ok)
}

/// The repository's `fixtures/programs/<name>`.
fn fixture_program(name: &str) -> Result<PathBuf> {
    repository_path(&Path::new("fixtures/programs").join(name), "--program")
}

/// `--artifacts`, or the repository's `contracts/out`.
pub(crate) fn artifacts_or_default(artifacts: Option<PathBuf>) -> Result<PathBuf> {
    match artifacts {
        Some(dir) => Ok(dir),
        None => repository_path(Path::new("contracts/out"), "--artifacts"),
    }
}

/// `relative` in the Axon repository this command runs in or was built in: searched upwards
/// from the current directory, then from the executable's (`target/release/dispute` lies two
/// levels under the repository). Found at run time, so a moved binary or clone still finds
/// its repository; outside one, the command asks for `flag`.
pub(crate) fn repository_path(relative: &Path, flag: &str) -> Result<PathBuf> {
    let starts = [std::env::current_dir().ok(), std::env::current_exe().ok()];
    starts
        .into_iter()
        .flatten()
        .flat_map(|start| start.ancestors().map(Path::to_path_buf).collect::<Vec<_>>())
        .map(|dir| dir.join(relative))
        .find(|candidate| candidate.exists())
        .ok_or_else(|| {
            Error::Usage(format!(
                "no {} in an Axon repository above the current directory or this executable: \
                 pass {flag}",
                relative.display()
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_with_a_wrong_checksum_are_refused() {
        let good = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed";
        assert!(parse_address(good).is_ok());
        assert!(parse_address(&good.to_lowercase()).is_ok());
        assert!(parse_address(&good.to_uppercase().replace("0X", "0x")).is_ok());
        let bad = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD";
        assert!(parse_address(bad).unwrap_err().contains("EIP-55"));
        assert!(parse_address("0x12").is_err());
    }
}
