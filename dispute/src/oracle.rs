//! Putting the preimage a leaf step reads into the on-chain oracle before the step, the way
//! the step's key type requires: local data through the game (`addLocalData`, which takes it
//! from the game's extra data), keccak-256 preimages whole (`loadKeccak256PreimagePart`),
//! blob chunks with their memory proofs (`loadBlobPart`, the first chunk first: it carries the
//! length), EIP-4844 blob elements with their KZG openings, computed from the blob the store
//! keeps (`loadBlobElementPart`), precompile results computed by the oracle from their call
//! (`loadPrecompilePreimagePart`), inference results from the finalized ones
//! (`loadInferenceResultPart`). Chunks already loaded are skipped.
//!
//! A blob element, precompile or inference key is a hash whose preimage the oracle needs —
//! `versioned_hash ‖ u64_be(index)`, the call `address ‖ u64_be(gas) ‖ input`, the request —
//! and the store keeps it under the keccak key of the same hash ([`source_key`]), where it
//! proves itself.

use axon_ai_evm::oracle::PrecompileCall;
use axon_vm::abi::PreimageKeyType;
use axon_vm::memory::Memory;
use axon_vm::merkle::keccak256;
use axon_vm::preimage::PreimageSource;
use axon_vm::{Hash, PreimagePart, PreimageStore};
use revm::primitives::{Address, U256};

use crate::chain::{send, view, Chain};
use crate::contracts::{IDisputeGame, IPreimageOracle};
use crate::{Error, Result};

/// The blob and the element index a blob element key's source names:
/// `versioned_hash ‖ u64_be(index)`.
fn blob_element_source(source: &[u8], key: &Hash) -> Result<(Hash, u64)> {
    let (hash, index) = source
        .split_first_chunk::<32>()
        .and_then(|(hash, rest)| Some((*hash, u64::from_be_bytes(rest.try_into().ok()?))))
        .ok_or(Error::BadBlobElementKey(*key))?;
    Ok((hash, index))
}

/// Where a step's local reads come from: the game, a claim of the execution the step is in
/// (a split game serves the local data of that claim's subgame), and the local context the
/// game localizes them under (zero without a split, `split::Subgame::local_context` with).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalScope {
    /// The game (the caller that localizes the keys).
    pub game: Address,
    /// A claim of the step's execution (the leaf stepped against).
    pub leaf: usize,
    /// The local context.
    pub context: Hash,
}

/// The local key `key` localized for `scope`'s game (the caller) and local context, as
/// `LibPreimageKey.localize` computes it.
pub fn localize(key: &Hash, scope: &LocalScope) -> Hash {
    let mut preimage = [0u8; 96];
    preimage[..32].copy_from_slice(key);
    preimage[44..64].copy_from_slice(scope.game.as_slice());
    preimage[64..].copy_from_slice(&scope.context);
    let mut out = keccak256(&preimage);
    out[0] = PreimageKeyType::Local as u8;
    out
}

/// The keccak key holding the preimage of a precompile or inference key's hash: the same
/// hash under type 2.
pub fn source_key(key: &Hash) -> Hash {
    let mut source = *key;
    source[0] = PreimageKeyType::Keccak256 as u8;
    source
}

/// The preimage of a precompile or inference key's hash, from `preimages`.
fn source<'a>(preimages: &'a PreimageStore, key: &Hash) -> Result<&'a [u8]> {
    let source = source_key(key);
    preimages.preimage(&source).ok_or(Error::Vm(axon_vm::Error::MissingPreimage(source)))
}

/// Whether the oracle holds the chunk of `key`'s stream at `chunk_offset`.
fn part_ok(chain: &mut dyn Chain, oracle: Address, key: Hash, chunk_offset: u64) -> Result<bool> {
    let call = IPreimageOracle::preimagePartOkCall {
        key: key.into(),
        chunkOffset: U256::from(chunk_offset),
    };
    view(chain, oracle, call)
}

/// Loads what the oracle needs to answer the read `part` of a step in `scope`, sending from
/// `from`. Returns how many transactions it sent.
pub fn load_part(
    chain: &mut dyn Chain,
    from: Address,
    scope: &LocalScope,
    oracle: Address,
    part: &PreimagePart,
    preimages: &PreimageStore,
) -> Result<usize> {
    let data = preimages
        .preimage(&part.key)
        .ok_or(Error::Vm(axon_vm::Error::MissingPreimage(part.key)))?;
    let stream_len = data.len() as u64 + 8;
    let offset = u64::from(part.offset);
    // A read past the end needs only the length, which the first chunk carries.
    let part_offset = if offset < stream_len { offset } else { 0 };
    let chunk = part_offset & !31;
    let mut sent = 0;
    match PreimageKeyType::from_byte(part.key[0]) {
        Some(PreimageKeyType::Local) => {
            if !part_ok(chain, oracle, localize(&part.key, scope), chunk)? {
                let ident = U256::from_be_bytes(part.key) & U256::from(u32::MAX);
                let call = IDisputeGame::addLocalDataCall {
                    ident,
                    execLeafIdx: U256::from(scope.leaf),
                    partOffset: U256::from(part_offset),
                };
                send(chain, from, scope.game, U256::ZERO, call)?;
                sent += 1;
            }
        }
        Some(PreimageKeyType::Keccak256) => {
            if !part_ok(chain, oracle, part.key, chunk)? {
                let call = IPreimageOracle::loadKeccak256PreimagePartCall {
                    partOffset: U256::from(part_offset),
                    preimage: data.to_vec().into(),
                };
                send(chain, from, oracle, U256::ZERO, call)?;
                sent += 1;
            }
        }
        Some(PreimageKeyType::Blob) => {
            let mut stream = (data.len() as u64).to_be_bytes().to_vec();
            stream.extend_from_slice(data);
            let mut tree = Memory::default();
            tree.store_bytes(0, &stream).map_err(|e| Error::Vm(e.into()))?;
            let mut chunks = vec![0];
            if chunk != 0 {
                chunks.push(chunk);
            }
            for at in chunks {
                if part_ok(chain, oracle, part.key, at)? {
                    continue;
                }
                let proof = tree.proof(at as u32);
                let call = IPreimageOracle::loadBlobPartCall {
                    key: part.key.into(),
                    partOffset: U256::from(at),
                    chunk: proof.leaf.into(),
                    proof: proof.to_bytes().into(),
                };
                send(chain, from, oracle, U256::ZERO, call)?;
                sent += 1;
            }
        }
        Some(PreimageKeyType::BlobElement) => {
            if !part_ok(chain, oracle, part.key, chunk)? {
                let source = source(preimages, &part.key)?;
                let (versioned_hash, index) = blob_element_source(source, &part.key)?;
                let blob =
                    preimages.l1_blob(&versioned_hash).ok_or(Error::MissingBlob(versioned_hash))?;
                let opening = crate::blob::open(blob, index)?;
                let call = IPreimageOracle::loadBlobElementPartCall {
                    partOffset: U256::from(part_offset),
                    versionedHash: versioned_hash.into(),
                    index,
                    element: opening.element,
                    commitment: opening.commitment.into(),
                    proof: opening.proof.into(),
                };
                send(chain, from, oracle, U256::ZERO, call)?;
                sent += 1;
            }
        }
        Some(PreimageKeyType::Precompile) => {
            if !part_ok(chain, oracle, part.key, chunk)? {
                let call = PrecompileCall::decode(source(preimages, &part.key)?)
                    .ok_or(Error::BadPrecompileCall(part.key))?;
                let call = IPreimageOracle::loadPrecompilePreimagePartCall {
                    partOffset: U256::from(part_offset),
                    precompile: Address::new(call.address),
                    requiredGas: call.gas,
                    input: call.input.to_vec().into(),
                };
                send(chain, from, oracle, U256::ZERO, call)?;
                sent += 1;
            }
        }
        Some(PreimageKeyType::Inference) => {
            if !part_ok(chain, oracle, part.key, chunk)? {
                let request = keccak256(source(preimages, &part.key)?);
                let call = IPreimageOracle::loadInferenceResultPartCall {
                    partOffset: U256::from(part_offset),
                    request: request.into(),
                    result: data.to_vec().into(),
                };
                send(chain, from, oracle, U256::ZERO, call)?;
                sent += 1;
            }
        }
        None => return Err(Error::UnknownKeyType(part.key[0])),
    }
    Ok(sent)
}
