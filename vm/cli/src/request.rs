//! `axon-vm request`: the program input of the `inference` guest, `model blob key ‖ uint256
//! output size ‖ input` (the AI EVM's `inference` precompile calldata), for running or
//! profiling a model from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use axon_ml::model::Request;
use axon_ml::Model;
use axon_vm::preimage::blob_key;

use crate::common::{hex0x, read, CliError, Result};

/// Arguments of `axon-vm request`.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The model file (pass the same file to `--blob` when running the guest).
    #[arg(long, value_name = "FILE")]
    model: PathBuf,
    /// The number of output bytes the model must produce.
    #[arg(long)]
    output_size: u32,
    /// The model input (empty when not given, e.g. a language model decoding from BOS).
    #[arg(long, value_name = "FILE")]
    input: Option<PathBuf>,
    /// Where to write the request.
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
}

/// Writes the request, after checking up front that the engine would run it: the model file
/// is a model, and the input and output size fit it (a request the guest refuses would only
/// show as a failed run).
pub(crate) fn run(args: Args) -> Result<ExitCode> {
    let bytes = read(&args.model)?;
    let input = match &args.input {
        Some(path) => read(path)?,
        None => Vec::new(),
    };
    let output_size = args.output_size as usize;
    let refused = |source| CliError::Model { path: args.model.clone(), source };
    Model::parse(&bytes).and_then(|m| m.check_request(&input, output_size)).map_err(refused)?;
    let model = blob_key(&bytes);
    let request = Request { model, output_size, input: &input };
    std::fs::write(&args.out, request.encode()).map_err(|e| axon_vm::Error::io(&args.out, e))?;
    eprintln!("axon-vm: model address {}", hex0x(&model));
    Ok(ExitCode::SUCCESS)
}
