//! EIP-4844 blobs on the host: their versioned hashes and the KZG openings the preimage
//! oracle's `loadBlobElementPart` checks with the point-evaluation precompile (key type 5,
//! docs/spec.md). c-kzg with Ethereum's trusted setup computes both, as the L1 clients do.

use alloy::primitives::{B256, U256};
use axon_vm::preimage::BLOB_FIELD_ELEMENTS as FIELD_ELEMENTS;
use c_kzg::{ethereum_kzg_settings, Blob, Bytes32, KzgSettings};

use crate::{Error, Result};

/// BLS12-381's scalar field order, EIP-4844's `BLS_MODULUS`.
const BLS_MODULUS: U256 = U256::from_be_slice(&[
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
]);

/// The generator EIP-4844 takes the 4096th root of unity from.
const PRIMITIVE_ROOT: u64 = 7;

/// A field element's opening: what `loadBlobElementPart` takes beside the versioned hash.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Opening {
    /// The element: the blob polynomial's value at the element's evaluation point.
    pub element: B256,
    /// The blob's KZG commitment (48 bytes).
    pub commitment: Vec<u8>,
    /// The opening proof at the evaluation point (48 bytes).
    pub proof: Vec<u8>,
}

fn settings() -> &'static KzgSettings {
    ethereum_kzg_settings(0)
}

fn kzg_error(e: c_kzg::Error) -> Error {
    Error::Kzg(format!("{e:?}"))
}

fn blob_of(bytes: &[u8]) -> Result<Blob> {
    Blob::from_bytes(bytes).map_err(kzg_error)
}

/// Where field element `index` is evaluated: `ω^bitrev12(index)`, `ω` the primitive 4096th
/// root of unity (the oracle's `_evaluationPoint`).
pub fn evaluation_point(index: u64) -> U256 {
    let exponent = (index % FIELD_ELEMENTS).reverse_bits() >> (64 - 12);
    let root = U256::from(PRIMITIVE_ROOT)
        .pow_mod((BLS_MODULUS - U256::from(1)) / U256::from(FIELD_ELEMENTS), BLS_MODULUS);
    root.pow_mod(U256::from(exponent), BLS_MODULUS)
}

/// The versioned hash of `blob` (131,072 bytes): `0x01 ‖ sha256(commitment)[1..32]`.
pub fn versioned_hash(blob: &[u8]) -> Result<B256> {
    let commitment = settings().blob_to_kzg_commitment(&blob_of(blob)?).map_err(kzg_error)?;
    Ok(alloy_eips::eip4844::kzg_to_versioned_hash(commitment.as_slice()))
}

/// The opening of field element `index` of `blob`.
pub fn open(blob: &[u8], index: u64) -> Result<Opening> {
    if index >= FIELD_ELEMENTS {
        return Err(Error::Kzg(format!("no field element {index} in a blob")));
    }
    let blob = blob_of(blob)?;
    let commitment = settings().blob_to_kzg_commitment(&blob).map_err(kzg_error)?;
    let point = Bytes32::new(evaluation_point(index).to_be_bytes());
    let (proof, element) = settings().compute_kzg_proof(&blob, &point).map_err(kzg_error)?;
    Ok(Opening {
        element: B256::from_slice(element.as_slice()),
        commitment: commitment.as_slice().to_vec(),
        proof: proof.as_slice().to_vec(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blob() -> Vec<u8> {
        let mut blob = vec![0u8; 131_072];
        for (i, element) in blob.chunks_exact_mut(32).enumerate() {
            element[1..9].copy_from_slice(&(i as u64 * 0x0102_0304_0506).to_be_bytes());
        }
        blob
    }

    #[test]
    fn an_opening_is_the_element_at_its_evaluation_point() {
        let blob = blob();
        for index in [0, 1, 2, 1000, 4095] {
            let opening = open(&blob, index).expect("opens");
            let at = index as usize * 32;
            assert_eq!(opening.element.as_slice(), &blob[at..at + 32], "element {index}");
            assert_eq!(opening.commitment.len(), 48);
            assert_eq!(opening.proof.len(), 48);
        }
        assert_eq!(evaluation_point(0), U256::from(1));
        assert!(open(&blob, 4096).is_err());
    }

    #[test]
    fn a_versioned_hash_is_version_one() {
        assert_eq!(versioned_hash(&blob()).expect("commits")[0], 1);
        assert!(versioned_hash(&[0xff; 131_072]).is_err(), "not field elements");
    }
}
