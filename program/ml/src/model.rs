//! One entry point over every model format, and the inference request the guest reads.
//!
//! A request is laid out as the AI EVM's `inference` precompile calldata:
//! `model_address (32 bytes) ‖ output_size (uint256, big-endian) ‖ input`. The model address is
//! the Merkle-chunked blob key of the model file; the input and output bytes mean:
//!
//! | model | input | output |
//! |---|---|---|
//! | AXML int8 | the int8 input tensor, HWC | the last layer's int8 tensor |
//! | llama2.c | prompt token ids, `u32` little-endian (empty: BOS) | `output_size / 4` greedy tokens, `u32` LE |

use alloc::vec::Vec;

use crate::axml::{self, Sequential};
use crate::llama::Llama;
use crate::{Error, Probe, Result};

/// A loaded model of any supported format.
#[derive(Debug, Clone)]
pub enum Model {
    /// An AXML int8 sequential model.
    Sequential(Sequential),
    /// A llama2.c transformer.
    Llama(Llama),
}

impl Model {
    /// Parses a model file: AXML by its magic, otherwise a llama2.c checkpoint.
    pub fn parse(bytes: &[u8]) -> Result<Self> {
        if bytes.starts_with(axml::MAGIC) {
            Sequential::parse(bytes).map(Self::Sequential)
        } else {
            Llama::parse(bytes).map(Self::Llama)
        }
    }

    /// Runs the model on `input` and returns exactly `output_size` bytes (see the module docs).
    pub fn infer(
        &self,
        input: &[u8],
        output_size: usize,
        probe: &mut impl Probe,
    ) -> Result<Vec<u8>> {
        let output = match self {
            Model::Sequential(model) => {
                if output_size != model.output_len() {
                    return Err(size_mismatch(output_size, model.output_len()));
                }
                let input: Vec<i8> = input.iter().map(|&b| b as i8).collect();
                model.run(&input, probe)?.into_iter().map(|v| v as u8).collect()
            }
            Model::Llama(model) => {
                if !input.len().is_multiple_of(4) {
                    return Err(Error::InvalidInput("llama input must be u32 token ids"));
                }
                if !output_size.is_multiple_of(4) {
                    return Err(size_mismatch(output_size, output_size / 4 * 4));
                }
                let prompt: Vec<u32> = input
                    .chunks_exact(4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                    .collect();
                let tokens = model.generate(&prompt, output_size / 4, probe)?;
                tokens.iter().flat_map(|t| t.to_le_bytes()).collect()
            }
        };
        Ok(output)
    }
}

impl Model {
    /// Checks a request without running it: the errors [`Model::infer`] would return for
    /// `input` and `output_size` before or while running (sizes, token ids, context length),
    /// so that a tool can refuse a request up front (`axon-vm request`) and a unit-by-unit run
    /// can fail before its first unit (`units`). A test keeps it in step with `infer`.
    pub fn check_request(&self, input: &[u8], output_size: usize) -> Result<()> {
        match self {
            Model::Sequential(model) => {
                if output_size != model.output_len() {
                    return Err(size_mismatch(output_size, model.output_len()));
                }
                if input.len() != model.input_shape().iter().product::<usize>() {
                    return Err(Error::InvalidInput("input length is not H × W × C of the model"));
                }
            }
            Model::Llama(model) => {
                if !input.len().is_multiple_of(4) {
                    return Err(Error::InvalidInput("llama input must be u32 token ids"));
                }
                if !output_size.is_multiple_of(4) {
                    return Err(size_mismatch(output_size, output_size / 4 * 4));
                }
                let config = model.config();
                let prompt = (input.len() / 4).max(1);
                if prompt + output_size / 4 > config.seq_len + 1 {
                    return Err(Error::InvalidInput(
                        "prompt and generated tokens exceed the context length",
                    ));
                }
                // Tokens are looked up only when something is generated.
                let token = |b: &[u8]| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
                let generates = output_size / 4 > 0;
                if generates && input.chunks_exact(4).any(|b| token(b) >= config.vocab_size) {
                    return Err(Error::InvalidInput("token id outside the vocabulary"));
                }
            }
        }
        Ok(())
    }
}

fn size_mismatch(requested: usize, actual: usize) -> Error {
    Error::OutputSize { requested: requested as u64, actual: actual as u64 }
}

/// An inference request: which model, how many output bytes, and the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Request<'a> {
    /// The model's blob key.
    pub model: [u8; 32],
    /// The number of output bytes.
    pub output_size: usize,
    /// The model input.
    pub input: &'a [u8],
}

impl<'a> Request<'a> {
    /// Bytes before the input.
    pub const HEADER_BYTES: usize = 64;

    /// Parses `model ‖ uint256 output_size ‖ input`.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        if bytes.len() < Self::HEADER_BYTES {
            return Err(Error::InvalidInput(
                "a request is model (32 bytes) ‖ output size (32 bytes) ‖ input",
            ));
        }
        let mut model = [0; 32];
        model.copy_from_slice(&bytes[..32]);
        let size = &bytes[32..64];
        if size[..28].iter().any(|&b| b != 0) {
            return Err(Error::InvalidInput("output size does not fit in 32 bits"));
        }
        let output_size = u32::from_be_bytes([size[28], size[29], size[30], size[31]]) as usize;
        Ok(Self { model, output_size, input: &bytes[64..] })
    }

    /// The encoding [`Request::parse`] reads.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::HEADER_BYTES + self.input.len());
        out.extend_from_slice(&self.model);
        out.extend_from_slice(&[0; 28]);
        out.extend_from_slice(&(self.output_size as u32).to_be_bytes());
        out.extend_from_slice(self.input);
        out
    }
}
