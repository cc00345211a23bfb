//! Ethereum's precompiles as the block proof runs them: every costly one offloaded to the
//! preimage oracle, as Optimism's fault proof does with its accelerated precompiles.
//!
//! A call is charged here, by the precompile's own gas schedule (Prague's, with revm's
//! constants): too little gas is an out-of-gas failure without asking anything; otherwise the
//! answer is the oracle's for `(address, gas, input)`, which on L1 is the precompile called
//! with exactly that gas. Only `identity` (`0x04`), which copies its input, runs in the VM.
//! A failure of any kind consumes the call's gas in revm, so the state and receipts of a
//! block do not depend on why a precompile failed, only on whether it did.
//!
//! `tests/tests/accelerators.rs` checks the schedule against revm's precompiles themselves
//! on valid and invalid inputs and every gas around the price, and the L1 oracle's answers
//! against [`crate::block::Native`]'s.

use core::cmp::min;

use revm::precompile::bls12_381_const::{
    DISCOUNT_TABLE_G1_MSM, DISCOUNT_TABLE_G2_MSM, G1_ADD_BASE_GAS_FEE, G1_MSM_BASE_GAS_FEE,
    G1_MSM_INPUT_LENGTH, G2_ADD_BASE_GAS_FEE, G2_MSM_BASE_GAS_FEE, G2_MSM_INPUT_LENGTH,
    MAP_FP2_TO_G2_BASE_GAS_FEE, MAP_FP_TO_G1_BASE_GAS_FEE, PAIRING_INPUT_LENGTH,
    PAIRING_MULTIPLIER_BASE, PAIRING_OFFSET_BASE,
};
use revm::precompile::bls12_381_utils::msm_required_gas;
use revm::precompile::bn254::{self, PAIR_ELEMENT_LEN};
use revm::precompile::modexp::berlin_gas_calc;
use revm::precompile::utilities::{left_pad, right_pad_with_offset};
use revm::precompile::{
    kzg_point_evaluation, EthPrecompileOutput, EthPrecompileResult, PrecompileHalt,
};
use revm::primitives::{Address, U256};

use crate::oracle::{Oracle, PrecompileCall};

/// What a precompile charges for an input: its price, or `None` when the input fails
/// whatever the gas (a length the precompile refuses before pricing it).
type Charge = Option<u64>;

/// Blake2f's input: rounds, state, message, offsets and the final flag (EIP-152).
const BLAKE2F_INPUT_LENGTH: usize = 213;

/// What the offloaded precompile `id` (`0x01` to `0x11` but `0x04`) charges for `input`
/// (Prague).
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
        0x05 => modexp_gas(input),
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

/// Runs the offloaded precompile at `address` (one of Prague's but `identity`) on `input`
/// with `gas_limit`, by asking `oracle`.
pub fn run_offloaded(
    address: &Address,
    input: &[u8],
    gas_limit: u64,
    oracle: &mut impl Oracle,
) -> EthPrecompileResult {
    let Some(gas) = charge(address.0[19], input) else { return Err(refused()) };
    if gas > gas_limit {
        return Err(PrecompileHalt::OutOfGas);
    }
    let call = PrecompileCall { address: address.0 .0, gas, input };
    match oracle.precompile(&call) {
        Some(output) => Ok(EthPrecompileOutput::new(gas, output.into())),
        None => Err(refused()),
    }
}

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

/// Modexp's price (EIP-2565), from its header as revm reads it: `None` when the base's or the
/// modulus's length does not fit 64 bits, which revm refuses. An exponent length beyond
/// 64 bits is priced as `u64::MAX` (more gas than any call has), as revm does on a 64-bit
/// host.
fn modexp_gas(input: &[u8]) -> Option<u64> {
    let length =
        |offset| U256::from_be_bytes(right_pad_with_offset::<32>(input, offset).into_owned());
    let base_len = u64::try_from(length(0)).ok()?;
    let mod_len = u64::try_from(length(64)).ok()?;
    let exp_len = u64::try_from(length(32)).unwrap_or(u64::MAX);
    // The exponent's first 32 bytes, zero-padded on the right past the input's end.
    let rest = input.get(96..).unwrap_or_default();
    let highp_len = min(exp_len, 32) as usize;
    let exp_highp = match usize::try_from(base_len) {
        Ok(base_len) if base_len < rest.len() => {
            let padded = right_pad_with_offset::<32>(rest, base_len);
            U256::from_be_bytes(left_pad::<32>(&padded[..highp_len]).into_owned())
        }
        _ => U256::ZERO,
    };
    Some(berlin_gas_calc(base_len, exp_len, mod_len, &exp_highp))
}
