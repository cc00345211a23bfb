//! Ethereum's precompiles as the block proof runs them: every costly one offloaded to the
//! preimage oracle, as Optimism's fault proof does with its accelerated precompiles.
//!
//! A call is charged here, by the precompile's own gas schedule (Prague's, with revm's
//! constants): too little gas is an out-of-gas failure without asking anything; otherwise the
//! answer is the oracle's for `(address, gas, input)`, which on L1 is the precompile called
//! with exactly that gas. A failure of any kind consumes the call's gas in revm, so the state
//! and receipts of a block do not depend on why a precompile failed, only on whether it did.
//!
//! Three kinds of call run in the VM instead, by revm's own precompile:
//! - `identity` (`0x04`), which only copies its input;
//! - `modexp` (`0x05`): L1's answer must be the L2's, and Osaka changed `modexp` on L1
//!   (EIP-7823 refuses inputs over 1,024 bytes, EIP-7883 raised its prices), where every other
//!   offloaded precompile is the same in Prague and Osaka;
//! - a call priced above [`MAX_OFFLOADED_GAS`]: L1 must be able to compute the answer in one
//!   transaction, and Osaka caps a transaction's gas at 2^24 (EIP-7825).
//!
//! `tests/tests/accelerators.rs` checks the schedule against revm's precompiles themselves
//! on valid and invalid inputs and every gas around the price, and the L1 oracle's answers
//! against [`crate::block::Native`]'s.

use revm::precompile::bls12_381_const::{
    DISCOUNT_TABLE_G1_MSM, DISCOUNT_TABLE_G2_MSM, G1_ADD_BASE_GAS_FEE, G1_MSM_BASE_GAS_FEE,
    G1_MSM_INPUT_LENGTH, G2_ADD_BASE_GAS_FEE, G2_MSM_BASE_GAS_FEE, G2_MSM_INPUT_LENGTH,
    MAP_FP2_TO_G2_BASE_GAS_FEE, MAP_FP_TO_G1_BASE_GAS_FEE, PAIRING_INPUT_LENGTH,
    PAIRING_MULTIPLIER_BASE, PAIRING_OFFSET_BASE,
};
use revm::precompile::bls12_381_utils::msm_required_gas;
use revm::precompile::bn254::{self, PAIR_ELEMENT_LEN};
use revm::precompile::{
    kzg_point_evaluation, EthPrecompileOutput, EthPrecompileResult, PrecompileHalt,
};
use revm::primitives::Address;

use crate::oracle::{Oracle, PrecompileCall};

/// What a precompile charges for an input: its price, or `None` when the input fails
/// whatever the gas (a length the precompile refuses before pricing it).
type Charge = Option<u64>;

/// The most gas an offloaded call may be priced at: L1's oracle must give the precompile all
/// of it, with the margin of the 63/64 rule, in one transaction under Osaka's cap of 2^24
/// (EIP-7825) — a transaction that also pays for the input as calldata (≈90 kB for a
/// bn254 pairing at this price) and for storing the answer.
pub const MAX_OFFLOADED_GAS: u64 = 10_000_000;

/// Blake2f's input: rounds, state, message, offsets and the final flag (EIP-152).
const BLAKE2F_INPUT_LENGTH: usize = 213;

/// What the offloaded precompile `id` (`0x01` to `0x11` but `0x04` and `0x05`) charges for
/// `input` (Prague).
pub fn charge(id: u8, input: &[u8]) -> Charge {
    let words = |per_word: u64, base: u64| base + per_word * (input.len() as u64).div_ceil(32);
    let per_item = |item: usize| {
        if input.is_empty() || !input.len().is_multiple_of(item) {
            None
        } else {
            Some(input.len() / item)
        }
    };
    match id {
        0x01 => Some(3_000),
        0x02 => Some(words(12, 60)),
        0x03 => Some(words(120, 600)),
        0x06 => Some(bn254::add::ISTANBUL_ADD_GAS_COST),
        0x07 => Some(bn254::mul::ISTANBUL_MUL_GAS_COST),
        0x08 => input.len().is_multiple_of(PAIR_ELEMENT_LEN).then(|| {
            bn254::pair::ISTANBUL_PAIR_BASE
                + bn254::pair::ISTANBUL_PAIR_PER_POINT * (input.len() / PAIR_ELEMENT_LEN) as u64
        }),
        0x09 => (input.len() == BLAKE2F_INPUT_LENGTH)
            .then(|| u64::from(u32::from_be_bytes([input[0], input[1], input[2], input[3]]))),
        0x0a => Some(kzg_point_evaluation::GAS_COST),
        0x0b => Some(G1_ADD_BASE_GAS_FEE),
        0x0c => per_item(G1_MSM_INPUT_LENGTH)
            .map(|k| msm_required_gas(k, &DISCOUNT_TABLE_G1_MSM, G1_MSM_BASE_GAS_FEE)),
        0x0d => Some(G2_ADD_BASE_GAS_FEE),
        0x0e => per_item(G2_MSM_INPUT_LENGTH)
            .map(|k| msm_required_gas(k, &DISCOUNT_TABLE_G2_MSM, G2_MSM_BASE_GAS_FEE)),
        0x0f => per_item(PAIRING_INPUT_LENGTH)
            .map(|k| PAIRING_MULTIPLIER_BASE * k as u64 + PAIRING_OFFSET_BASE),
        0x10 => Some(MAP_FP_TO_G1_BASE_GAS_FEE),
        0x11 => Some(MAP_FP2_TO_G2_BASE_GAS_FEE),
        _ => None,
    }
}

/// Runs the precompile at `address` (one of Prague's) on `input` with `gas_limit` by asking
/// `oracle`, or `None` when the call runs in the VM (see the module's docs).
pub fn run_offloaded(
    address: &Address,
    input: &[u8],
    gas_limit: u64,
    oracle: &mut impl Oracle,
) -> Option<EthPrecompileResult> {
    let id = address.0[19];
    if id == IDENTITY || id == MODEXP {
        return None;
    }
    let Some(gas) = charge(id, input) else { return Some(Err(refused())) };
    if gas > gas_limit {
        return Some(Err(PrecompileHalt::OutOfGas));
    }
    if gas > MAX_OFFLOADED_GAS {
        return None;
    }
    let call = PrecompileCall { address: address.0 .0, gas, input };
    Some(match oracle.precompile(&call) {
        Some(output) => Ok(EthPrecompileOutput::new(gas, output.into())),
        None => Err(refused()),
    })
}

/// The precompiles that always run in the VM.
const IDENTITY: u8 = 0x04;
const MODEXP: u8 = 0x05;

/// The answer to `call` as revm's own precompile gives it (natively, or in the VM for the
/// fused baseline): its output if it succeeds with exactly `call.gas`.
pub fn compute(call: &PrecompileCall<'_>) -> Option<alloc::vec::Vec<u8>> {
    let precompile = revm::precompile::Precompiles::prague().get(&Address::new(call.address))?;
    let output = precompile.execute(call.input, call.gas, 0).ok()?;
    output.status.is_success().then(|| output.bytes.to_vec())
}

/// A precompile's failure, whatever its reason (revm consumes the call's gas for any).
fn refused() -> PrecompileHalt {
    PrecompileHalt::Other("the precompile failed (its answer from the oracle)".into())
}
