//! An inference request served end to end, and its result as a value: what the `inference`
//! guest commits to (and an opML game settles), and what the AI EVM's block proof reads from
//! the preimage oracle instead of running the model (docs/spec.md, "inference result").
//!
//! [`serve`] is the one function both sides run — the guest in the VM, the AI EVM's native
//! executor on the host — so the result a block reads is, bit for bit, the one a game over the
//! request settles, refusals and their reasons included.

use alloc::string::{String, ToString};
use alloc::vec::Vec;

use crate::model::Request;
use crate::{Model, Probe};

/// The type byte of a Merkle-chunked blob key: a model address must be one.
pub const BLOB_KEY_TYPE: u8 = 0x81;

/// What a request yields: the model's output, or the reason it cannot run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InferenceResult {
    /// The model ran: exactly the requested output bytes.
    Output(Vec<u8>),
    /// The request cannot run (malformed, not a blob key, a model or input the engine
    /// refuses): the engine's message.
    Refused(String),
}

impl InferenceResult {
    /// The status byte of an output (the guest exits 0).
    pub const OUTPUT: u8 = 0;
    /// The status byte of a refusal (the guest exits 1).
    pub const REFUSED: u8 = 1;

    /// The status byte: [`Self::OUTPUT`] or [`Self::REFUSED`].
    pub fn status(&self) -> u8 {
        match self {
            Self::Output(_) => Self::OUTPUT,
            Self::Refused(_) => Self::REFUSED,
        }
    }

    /// The bytes the guest commits to (their keccak-256): the output, or the reason's UTF-8.
    pub fn payload(&self) -> &[u8] {
        match self {
            Self::Output(output) => output,
            Self::Refused(reason) => reason.as_bytes(),
        }
    }

    /// `status ‖ payload`: the oracle's data for the request's key.
    pub fn encode(&self) -> Vec<u8> {
        let payload = self.payload();
        let mut out = Vec::with_capacity(1 + payload.len());
        out.push(self.status());
        out.extend_from_slice(payload);
        out
    }

    /// The result `bytes` encode, if they are `status ‖ payload` with a known status. A
    /// refusal's reason is read as UTF-8, any invalid sequence replaced (U+FFFD): every
    /// result an `InferenceOracle` can finalize decodes, to the same value everywhere.
    pub fn decode(bytes: &[u8]) -> Option<Self> {
        let (&status, payload) = bytes.split_first()?;
        match status {
            Self::OUTPUT => Some(Self::Output(payload.to_vec())),
            Self::REFUSED => Some(Self::Refused(String::from_utf8_lossy(payload).into_owned())),
            _ => None,
        }
    }
}

/// Serves `request` (`model ‖ uint256 output_size ‖ input`), reading the model file from
/// `model_file` by its address and reporting operators to `probe`. `None` when `model_file`
/// has no file for the address: the host's problem (the oracle has nothing to give), not a
/// result.
pub fn serve(
    request: &[u8],
    model_file: impl FnOnce(&[u8; 32]) -> Option<Vec<u8>>,
    probe: &mut impl Probe,
) -> Option<InferenceResult> {
    let refused = |reason: &dyn ToString| Some(InferenceResult::Refused(reason.to_string()));
    let request = match Request::parse(request) {
        Ok(request) => request,
        Err(e) => return refused(&e),
    };
    if request.model[0] != BLOB_KEY_TYPE {
        return refused(&"the model address is not a blob key (type byte 0x81)");
    }
    let file = model_file(&request.model)?;
    let model = match Model::parse(&file) {
        Ok(model) => model,
        Err(e) => return refused(&e),
    };
    match model.infer(request.input, request.output_size, probe) {
        Ok(output) => Some(InferenceResult::Output(output)),
        Err(e) => refused(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::NoProbe;

    #[test]
    fn results_round_trip() {
        for result in [
            InferenceResult::Output(Vec::new()),
            InferenceResult::Output(alloc::vec![0, 1, 255]),
            InferenceResult::Refused("invalid input: why".into()),
        ] {
            let bytes = result.encode();
            assert_eq!(bytes[0], result.status());
            assert_eq!(&bytes[1..], result.payload());
            assert_eq!(InferenceResult::decode(&bytes), Some(result));
        }
        assert_eq!(InferenceResult::decode(&[]), None);
        assert_eq!(InferenceResult::decode(&[2]), None);
        let lossy = InferenceResult::Refused(String::from("\u{fffd}"));
        assert_eq!(InferenceResult::decode(&[1, 0xff]), Some(lossy));
    }

    #[test]
    fn refusals_carry_the_engines_reason() {
        let no_model = |_: &[u8; 32]| -> Option<Vec<u8>> { panic!("no model is read") };
        let short = serve(&[0x81; 63], no_model, &mut NoProbe);
        assert!(
            matches!(short, Some(InferenceResult::Refused(r)) if r.starts_with("invalid input"))
        );
        let not_blob = Request { model: [2; 32], output_size: 4, input: &[] }.encode();
        let not_blob = serve(&not_blob, no_model, &mut NoProbe);
        assert!(
            matches!(not_blob, Some(InferenceResult::Refused(r)) if r.contains("not a blob key"))
        );
        let request = Request { model: [0x81; 32], output_size: 4, input: &[] }.encode();
        assert_eq!(serve(&request, |_| None, &mut NoProbe), None);
        let garbage = serve(&request, |_| Some(alloc::vec![1, 2, 3]), &mut NoProbe);
        assert!(matches!(garbage, Some(InferenceResult::Refused(_))));
    }
}
