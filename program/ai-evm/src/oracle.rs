//! What the AI EVM's block proof reads instead of computing (docs/ai-evm.md, "The block
//! proof without the model"): the answers of Ethereum's costly precompiles and the results of
//! inferences, under the preimage oracle's key types 6 and 7 (docs/spec.md).
//!
//! The fraud proof of a block and the fraud proof of an inference are separate processes, as
//! the seed has them: a block's trace reads an inference's result, which an opML game settles
//! on its own (`InferenceOracle`), and a precompile's answer, which the L1 oracle computes by
//! calling the same precompile. The `ai-evm-block` guest reads both from the preimage oracle;
//! the native executor computes them — revm's own precompiles, the ML engine — and records
//! what it computed, which is exactly what the guest will read.

use alloc::vec::Vec;

use axon_ml::InferenceResult;

/// The type byte of a precompile answer's key (Optimism's key type 6).
pub const PRECOMPILE_KEY_TYPE: u8 = 6;
/// The type byte of an inference result's key.
pub const INFERENCE_KEY_TYPE: u8 = 7;

/// A precompile call as the oracle keys it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrecompileCall<'a> {
    /// The precompile's address.
    pub address: [u8; 20],
    /// The gas its schedule charges for `input`: the oracle calls it with exactly this.
    pub gas: u64,
    /// The call's input.
    pub input: &'a [u8],
}

impl<'a> PrecompileCall<'a> {
    /// Bytes before the input in [`Self::encode`].
    const HEADER_BYTES: usize = 28;

    /// `address ‖ u64_be(gas) ‖ input`: the preimage of the key's hash.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::HEADER_BYTES + self.input.len());
        out.extend_from_slice(&self.address);
        out.extend_from_slice(&self.gas.to_be_bytes());
        out.extend_from_slice(self.input);
        out
    }

    /// The call `bytes` encodes ([`Self::encode`]), if they are long enough.
    pub fn decode(bytes: &'a [u8]) -> Option<Self> {
        let (address, rest) = bytes.split_first_chunk::<20>()?;
        let (gas, input) = rest.split_first_chunk::<8>()?;
        Some(Self { address: *address, gas: u64::from_be_bytes(*gas), input })
    }

    /// The oracle key of its answer: `0x06 ‖ keccak256(encode())[1..32]`.
    pub fn key(&self) -> [u8; 32] {
        typed(keccak256(&self.encode()), PRECOMPILE_KEY_TYPE)
    }
}

/// The oracle key of the result of inference request `request`:
/// `0x07 ‖ keccak256(request)[1..32]`.
pub fn inference_key(request: &[u8]) -> [u8; 32] {
    typed(keccak256(request), INFERENCE_KEY_TYPE)
}

/// The oracle's data for a precompile key: `0x01 ‖ output` when the call succeeded, `0x00`
/// when it failed.
pub fn encode_answer(answer: Option<&[u8]>) -> Vec<u8> {
    match answer {
        Some(output) => {
            let mut out = Vec::with_capacity(1 + output.len());
            out.push(1);
            out.extend_from_slice(output);
            out
        }
        None => alloc::vec![0],
    }
}

/// The answer [`encode_answer`] encoded: `None` for a failure or for data that is not an
/// answer (no status byte, a status other than 0 and 1, bytes after a failure).
pub fn decode_answer(data: &[u8]) -> Option<&[u8]> {
    match data.split_first() {
        Some((1, output)) => Some(output),
        _ => None,
    }
}

/// Where a block's offloaded work comes from.
pub trait Oracle {
    /// The answer to `call`: the precompile's output if it succeeded with exactly `call.gas`,
    /// `None` if it failed.
    fn precompile(&mut self, call: &PrecompileCall<'_>) -> Option<Vec<u8>>;

    /// The result of inference request `request` (`model ‖ uint256 output_size ‖ input`), or
    /// `None` when it cannot be had here (natively: no file for its model).
    fn inference(&mut self, request: &[u8]) -> Option<InferenceResult>;
}

impl<O: Oracle + ?Sized> Oracle for &mut O {
    fn precompile(&mut self, call: &PrecompileCall<'_>) -> Option<Vec<u8>> {
        (**self).precompile(call)
    }

    fn inference(&mut self, request: &[u8]) -> Option<InferenceResult> {
        (**self).inference(request)
    }
}

/// alloy's keccak-256: in the block guest it runs on the VM's accelerator.
fn keccak256(bytes: &[u8]) -> [u8; 32] {
    alloy_primitives::keccak256(bytes).0
}

fn typed(mut hash: [u8; 32], key_type: u8) -> [u8; 32] {
    hash[0] = key_type;
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_and_answers_round_trip() {
        let call = PrecompileCall { address: [7; 20], gas: 0x0102_0304_0506_0708, input: b"in" };
        let bytes = call.encode();
        assert_eq!(&bytes[20..28], &[1, 2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(PrecompileCall::decode(&bytes), Some(call));
        assert_eq!(PrecompileCall::decode(&bytes[..27]), None);
        assert_eq!(call.key()[0], PRECOMPILE_KEY_TYPE);
        assert_eq!(call.key()[1..], keccak256(&bytes)[1..]);
        assert_eq!(inference_key(b"request")[1..], keccak256(b"request")[1..]);

        assert_eq!(encode_answer(Some(b"out")), b"\x01out");
        assert_eq!(encode_answer(None), [0]);
        assert_eq!(decode_answer(b"\x01out"), Some(&b"out"[..]));
        assert_eq!(decode_answer(b"\x01"), Some(&b""[..]));
        assert_eq!(decode_answer(&[0]), None);
        assert_eq!(decode_answer(&[]), None);
    }
}
