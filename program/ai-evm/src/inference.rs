//! The `inference` precompile at `0xa1`, call-compatible with Axonum's `AILib.sol`.
//!
//! Calldata: `model_address (32 bytes) ‖ uint256 output_size ‖ input` — the model's
//! model-DA address (its Merkle-chunked blob key), the output length the caller expects, and
//! the model input. Answer: `uint256 len ‖ output[len]` with `len == output_size`, which
//! `AILib` writes straight over the caller's `bytes`.
//!
//! Gas is a deterministic function of the request, charged in this order so that a call
//! runs out of gas before any work it cannot pay for:
//! 1. [`GasSchedule::base`] plus [`GasSchedule::per_input_byte`] for every input byte;
//! 2. the model's own cost, registered with it ([`ModelGas::gas`]) — what one run of
//!    it costs in the fraud-proof VM, in the EVM's units, priced at its worst case (for a
//!    llama model: a whole `seq_len` generated). Axonum published no schedule and forwards
//!    all gas; a fixed price per model keeps a block's gas a bound on the work a dispute
//!    would have to re-do.
//!
//! A request that cannot run — shorter than its 64-byte header, an unknown model, an input
//! the model refuses, an `output_size` the model does not produce — reverts with
//! `InferenceFailed(string reason)` and its gas so far; running out of gas is an out-of-gas
//! halt, as for every precompile. Neither is a fault of the VM running the block.
//!
//! The result is not computed here: it is asked of an [`Oracle`] once the gas is paid. In the
//! block proof that is the preimage oracle, holding results an opML game settled; natively it
//! is the engine itself (`axon_ml::serve`, the `inference` guest's own function).

use alloc::string::ToString;
use alloc::vec::Vec;

use alloy_sol_types::{SolError, SolValue};
use axon_ml::model::Request;
use axon_ml::InferenceResult;

use crate::oracle::Oracle;

/// The precompile's address, `0x…a1`.
pub const INFERENCE_ADDRESS: [u8; 20] = {
    let mut address = [0u8; 20];
    address[19] = 0xa1;
    address
};

alloy_sol_types::sol! {
    /// The revert data of a request that cannot run (`AILib.InferenceFailed`).
    error InferenceFailed(string reason);
}

/// The request-dependent part of the gas schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GasSchedule {
    /// Charged for every call.
    pub base: u64,
    /// Charged per input byte.
    pub per_input_byte: u64,
}

impl GasSchedule {
    /// The AI EVM's schedule: the base of a `CALL` to a cold precompile's work (an `ecrecover`
    /// costs 3,000), and calldata's 16 gas per byte for the input the run reads.
    pub const DEFAULT: Self = Self { base: 3_000, per_input_byte: 16 };
}

/// The chain's registered models: the gas one inference of each costs.
pub trait ModelGas {
    /// The gas one inference of the model at `address` costs, if the chain registers it.
    fn gas(&self, address: &[u8; 32]) -> Option<u64>;
}

/// Registered models held in memory, by address.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ModelRegistry {
    models: Vec<([u8; 32], u64)>,
}

impl ModelRegistry {
    /// Registers the model at `address` at `gas` per inference (replacing any price).
    pub fn insert(&mut self, address: [u8; 32], gas: u64) {
        self.models.retain(|(a, _)| *a != address);
        self.models.push((address, gas));
    }
}

impl ModelGas for ModelRegistry {
    fn gas(&self, address: &[u8; 32]) -> Option<u64> {
        self.models.iter().find(|(a, _)| a == address).map(|(_, gas)| *gas)
    }
}

/// What a call to the precompile did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The inference ran: `len ‖ output` was returned.
    Returned {
        /// The gas charged.
        gas_used: u64,
        /// `uint256 len ‖ output`.
        output: Vec<u8>,
    },
    /// The request cannot run: `InferenceFailed(reason)` was the revert data.
    Reverted {
        /// The gas charged.
        gas_used: u64,
        /// The ABI-encoded `InferenceFailed(reason)`.
        data: Vec<u8>,
    },
    /// The call's gas did not cover the schedule.
    OutOfGas,
    /// The oracle has no result for the request: the host's problem, not a result (a block
    /// cannot be run without it).
    Unavailable,
}

/// Runs the precompile on `calldata` with `gas_limit`: the models' prices from `models`, the
/// result from `oracle`.
pub fn run(
    calldata: &[u8],
    gas_limit: u64,
    schedule: &GasSchedule,
    models: &impl ModelGas,
    oracle: &mut impl Oracle,
) -> Outcome {
    let input_bytes = calldata.len().saturating_sub(Request::HEADER_BYTES) as u64;
    let mut gas_used =
        schedule.base.saturating_add(schedule.per_input_byte.saturating_mul(input_bytes));
    if gas_used > gas_limit {
        return Outcome::OutOfGas;
    }
    let revert = |gas_used, reason: &dyn ToString| Outcome::Reverted {
        gas_used,
        data: InferenceFailed { reason: reason.to_string() }.abi_encode(),
    };
    let request = match Request::parse(calldata) {
        Ok(request) => request,
        Err(e) => return revert(gas_used, &e),
    };
    let Some(model_gas) = models.gas(&request.model) else {
        return revert(gas_used, &"unknown model: no model at this address");
    };
    gas_used = gas_used.saturating_add(model_gas);
    if gas_used > gas_limit {
        return Outcome::OutOfGas;
    }
    match oracle.inference(calldata) {
        Some(InferenceResult::Output(output)) => {
            let mut answer = alloy_sol_types::private::U256::from(output.len()).abi_encode();
            answer.extend_from_slice(&output);
            Outcome::Returned { gas_used, output: answer }
        }
        Some(InferenceResult::Refused(reason)) => revert(gas_used, &reason),
        None => Outcome::Unavailable,
    }
}
