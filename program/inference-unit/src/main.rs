//! Phase 2 of a multi-phase inference dispute (`docs/ml.md`, "Multi-phase disputes"): the
//! unit program of a split game over an inference.
//!
//! The program input (local datum 1) is the keccak-256 of the request
//! `model_address ‖ uint256 output_size ‖ input`, which is read by that keccak key; the model
//! by its blob key, as the `inference` guest reads them. The split game serves the agreed
//! commitment (local datum 2), the disputed one (3) and the unit's number (4, 8 bytes
//! big-endian). Unit 0 starts from the request; any other unit reads the agreed state by hash
//! — its header under the commitment's keccak key, each buffer under its own — so nothing is
//! re-hashed but what the unit writes; of the model it loads only the unit's weights. The program applies the unit (`axon_ml::units`) and
//! exits 0 iff the new state's commitment is the disputed one, 1 otherwise (also when the
//! agreed commitment is no state of this request, or is not at this unit). An input that is
//! not 32 bytes names no request: every unit leaves the commitment unchanged.
#![no_std]
#![no_main]

use axon_ml::model::Request;
use axon_ml::units::{model_for_unit, UnitState};
use axon_runtime::abi::local::INPUT;
use axon_runtime::abi::PreimageKeyType;
use axon_runtime::oracle::{read_local_exact, read_preimage, read_subgame, PreimageKey, Subgame};
use axon_runtime::{entry, exit};
use tiny_keccak::{Hasher, Keccak};

entry!(main);

fn main() {
    let Some(Subgame { agreed, disputed, unit }) = read_subgame() else {
        exit(1);
    };
    let Some(request_hash) = read_local_exact::<32>(INPUT) else {
        exit(u32::from(agreed != disputed));
    };
    let request_bytes = read_preimage(&PreimageKey::keccak256(request_hash)).read_to_end();

    let request = Request::parse(&request_bytes);
    let model_bytes = match &request {
        Ok(r) if PreimageKey(r.model).key_type() == Some(PreimageKeyType::Blob) => {
            Some(read_preimage(&PreimageKey(r.model)).read_to_end())
        }
        _ => None,
    };
    let model = match &model_bytes {
        Some(bytes) => model_for_unit(bytes, unit),
        None => Err(axon_ml::Error::InvalidInput("the model address is not a blob key")),
    };
    let mut state = if unit == 0 {
        UnitState::begin(request_hash, request, model.as_ref().map_err(Clone::clone))
    } else {
        let header = read_preimage(&PreimageKey::keccak256(agreed)).read_to_end();
        let fetch = |hash: &[u8; 32]| read_preimage(&PreimageKey::keccak256(*hash)).read_to_end();
        match UnitState::decode(
            &header,
            request_hash,
            request,
            model.as_ref().map_err(Clone::clone),
            fetch,
        ) {
            Ok(state) if state.expects(unit) => state,
            _ => exit(1),
        }
    };
    state.apply();
    exit(u32::from(state.commitment(keccak) != disputed));
}

fn keccak(data: &[u8]) -> [u8; 32] {
    let mut hasher = Keccak::v256();
    hasher.update(data);
    let mut out = [0; 32];
    hasher.finalize(&mut out);
    out
}
