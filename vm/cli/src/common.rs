//! Arguments and helpers shared by the subcommands.

use std::path::{Path, PathBuf};

use axon_vm::abi::local;
use axon_vm::memory::PAGE_SIZE;
use axon_vm::{OutputMode, PreimageStore, Program, StdHost, Vm, VmConfig};

/// Exit status for host errors (bad files, missing preimages), distinct from guest results.
pub(crate) const HOST_ERROR_EXIT: u8 = 125;

/// Errors of the CLI.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    /// The VM library failed.
    #[error(transparent)]
    Vm(#[from] axon_vm::Error),
    /// The stateless verifier computed another post-state than the VM: a VM bug.
    #[error("internal error: the stateless step {step} disagrees with the VM; please report")]
    StatelessMismatch {
        /// The step.
        step: u64,
    },
    /// Writing JSON failed.
    #[error("cannot encode JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// Writing CSV failed.
    #[error("cannot write CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A model file or inference request the engine would refuse.
    #[error("{}: {source}", path.display())]
    Model {
        /// The model file.
        path: PathBuf,
        /// What the engine refuses.
        source: axon_ml::Error,
    },
    /// A snapshot resumed with another input than it was made with.
    #[error(
        "{}: the snapshot was made with an input of keccak {recorded}, this one is {given}; \
         resume it with the same --input",
        path.display()
    )]
    SnapshotInput {
        /// The snapshot.
        path: PathBuf,
        /// The recorded input's keccak-256.
        recorded: String,
        /// The given input's keccak-256.
        given: String,
    },
}

/// How a report is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Tables for people.
    Text,
    /// One JSON document.
    Json,
    /// One CSV table with a header row.
    Csv,
}

pub(crate) type Result<T, E = CliError> = std::result::Result<T, E>;

/// Data the guest can read through the preimage oracle.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct PreimageArgs {
    /// The program input: local preimage index 1 (empty when not given).
    #[arg(long, value_name = "FILE")]
    pub(crate) input: Option<PathBuf>,
    /// A file made available under its Merkle-chunked blob key (repeatable).
    #[arg(long = "blob", value_name = "FILE")]
    pub(crate) blobs: Vec<PathBuf>,
    /// A file made available under its keccak-256 key (repeatable).
    #[arg(long = "keccak", value_name = "FILE")]
    pub(crate) keccak: Vec<PathBuf>,
}

impl PreimageArgs {
    /// Reads every file into a preimage store.
    pub(crate) fn store(&self) -> Result<PreimageStore> {
        let mut store = PreimageStore::new();
        let input = match &self.input {
            Some(path) => read(path)?,
            None => Vec::new(),
        };
        store.insert_local(local::INPUT, input);
        for path in &self.blobs {
            store.insert_blob(read(path)?);
        }
        for path in &self.keccak {
            store.insert_keccak(read(path)?);
        }
        Ok(store)
    }
}

/// A program and what it runs with.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct GuestArgs {
    /// The RV32IM ELF executable.
    pub(crate) elf: PathBuf,
    #[command(flatten)]
    pub(crate) preimages: PreimageArgs,
    #[command(flatten)]
    pub(crate) limits: LimitArgs,
}

/// Host resource limits and how fast mode runs.
#[derive(Debug, Clone, Copy, clap::Args)]
pub(crate) struct LimitArgs {
    /// The most guest memory the host backs, in MiB.
    #[arg(long, default_value_t = 1024, value_name = "MIB")]
    pub(crate) max_memory: usize,
    /// Only interpret: never compile hot code to host code (slower, same states).
    #[arg(long)]
    pub(crate) interpret: bool,
}

impl LimitArgs {
    pub(crate) fn config(self) -> VmConfig {
        VmConfig {
            max_pages: (self.max_memory << 20) / PAGE_SIZE,
            compile: !self.interpret,
            ..VmConfig::default()
        }
    }
}

impl GuestArgs {
    /// Parses the program and loads it into a fresh VM.
    pub(crate) fn load(&self) -> Result<(Program, Vm, PreimageStore)> {
        let program = load_program(&self.elf)?;
        let vm = Vm::with_config(&program, self.limits.config())?;
        Ok((program, vm, self.preimages.store()?))
    }
}

/// A program run to a step, for the commands that look at one step.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct AtStepArgs {
    #[command(flatten)]
    pub(crate) guest: GuestArgs,
    /// The step (past the end of the trace: the final state).
    #[arg(long)]
    pub(crate) step: u64,
}

impl AtStepArgs {
    /// Loads the program and runs it to the step; guest output is captured, not printed.
    pub(crate) fn run_to_step(&self) -> Result<(Vm, StdHost)> {
        let (_, mut vm, preimages) = self.guest.load()?;
        let mut host = StdHost::new(preimages, OutputMode::Capture);
        vm.run(&mut host, self.step)?;
        Ok((vm, host))
    }
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| axon_vm::Error::io(path, e).into())
}

pub(crate) fn load_program(path: &Path) -> Result<Program> {
    Ok(Program::parse(&read(path)?).map_err(axon_vm::Error::from)?)
}

/// A failed write of a report to stdout, as a CLI error.
pub(crate) fn stdout_error(err: std::io::Error) -> CliError {
    axon_vm::Error::io(Path::new("<stdout>"), err).into()
}

/// `0x`-prefixed lowercase hex.
pub(crate) fn hex0x(bytes: &[u8]) -> String {
    format!("0x{}", hex::encode(bytes))
}
