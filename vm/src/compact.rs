//! A compact byte encoding of step witnesses, for storing and shipping traces of them.
//!
//! Two facts make memory proofs compressible: most siblings high in the tree are hashes of
//! empty subtrees (memory is sparse), and the fetch proof and the data proof share every
//! sibling above the level where their paths meet. The encoding drops both: a bitmap marks
//! siblings equal to the empty-subtree hash of their level, and the data proof names the
//! level from which its siblings are the fetch proof's. Decoding restores the exact
//! [`StepWitness`] (the verifier-facing form with 896-byte proofs).
//!
//! Layout (big-endian):
//!
//! | field | bytes |
//! |---|---|
//! | format version = 1 | 1 |
//! | pre-state | 210 |
//! | proof count (0, 1 or 2) | 1 |
//! | per proof: leaf, zero-sibling bitmap (bit k = sibling k is empty), the other siblings bottom-up | 32 + 4 + 32 × n |
//! | second proof only, before its bitmap: the first level shared with the first proof (27 = none) | 1 |
//! | preimage flag (0 or 1), then key, offset, part, part length | 1 (+ 32 + 4 + 32 + 4) |

use axon_abi::layout::{MEMORY_PROOF_BYTES, STATE_BYTES};

use crate::merkle::{zero_hashes, Hash, Proof, DEPTH};
use crate::preimage::PreimagePart;
use crate::stateless::WitnessError;
use crate::witness::StepWitness;

const FORMAT_VERSION: u8 = 1;

impl StepWitness {
    /// The compact encoding (see the module docs).
    pub fn to_compact(&self) -> Vec<u8> {
        let proofs: Vec<Proof> =
            self.proof.chunks_exact(MEMORY_PROOF_BYTES).filter_map(Proof::from_bytes).collect();
        let mut out = Vec::with_capacity(STATE_BYTES + 2 * MEMORY_PROOF_BYTES);
        out.push(FORMAT_VERSION);
        out.extend_from_slice(&self.state);
        out.push(proofs.len() as u8);
        for (i, proof) in proofs.iter().enumerate() {
            let shared_from = match i {
                0 => DEPTH,
                _ => shared_from(&proofs[0], proof),
            };
            out.extend_from_slice(&proof.leaf);
            if i > 0 {
                out.push(shared_from as u8);
            }
            let zero = zero_hashes();
            let bitmap = (0..DEPTH)
                .filter(|&k| proof.siblings[k] == zero[k])
                .fold(0u32, |map, k| map | 1 << k);
            out.extend_from_slice(&bitmap.to_be_bytes());
            for (k, sibling) in proof.siblings.iter().enumerate().take(shared_from) {
                if bitmap & (1 << k) == 0 {
                    out.extend_from_slice(sibling);
                }
            }
        }
        match &self.preimage {
            None => out.push(0),
            Some(part) => {
                out.push(1);
                out.extend_from_slice(&part.key);
                out.extend_from_slice(&part.offset.to_be_bytes());
                out.extend_from_slice(&part.bytes);
                out.extend_from_slice(&part.len.to_be_bytes());
            }
        }
        out
    }

    /// Decodes [`StepWitness::to_compact`]'s output.
    pub fn from_compact(bytes: &[u8]) -> Result<Self, WitnessError> {
        let mut reader = Reader { bytes, at: 0 };
        if reader.u8()? != FORMAT_VERSION {
            return Err(WitnessError::Compact("unknown format version"));
        }
        let state = reader.take(STATE_BYTES)?.to_vec();
        let count = reader.u8()?;
        if count > 2 {
            return Err(WitnessError::Compact("more than two proofs"));
        }
        let mut proofs: Vec<Proof> = Vec::new();
        for i in 0..count {
            let leaf = reader.hash()?;
            let shared_from = match i {
                0 => DEPTH,
                _ => usize::from(reader.u8()?),
            };
            if shared_from > DEPTH {
                return Err(WitnessError::Compact("shared level beyond the tree"));
            }
            let bitmap = u32::from_be_bytes(reader.array()?);
            let zero = zero_hashes();
            let mut siblings = [[0u8; 32]; DEPTH];
            for (k, sibling) in siblings.iter_mut().enumerate() {
                *sibling = if k >= shared_from {
                    proofs[0].siblings[k]
                } else if bitmap & (1 << k) != 0 {
                    zero[k]
                } else {
                    reader.hash()?
                };
            }
            proofs.push(Proof { leaf, siblings });
        }
        let preimage = match reader.u8()? {
            0 => None,
            1 => Some(PreimagePart {
                key: reader.hash()?,
                offset: u32::from_be_bytes(reader.array()?),
                bytes: reader.hash()?,
                len: u32::from_be_bytes(reader.array()?),
            }),
            _ => return Err(WitnessError::Compact("bad preimage flag")),
        };
        if reader.at != bytes.len() {
            return Err(WitnessError::Compact("trailing bytes"));
        }
        let mut proof = Vec::with_capacity(proofs.len() * MEMORY_PROOF_BYTES);
        for p in &proofs {
            p.write_to(&mut proof);
        }
        Ok(Self { state, proof, preimage })
    }
}

/// The lowest level from which `b`'s siblings are all `a`'s (the paths have met below it).
fn shared_from(a: &Proof, b: &Proof) -> usize {
    (0..DEPTH).rev().find(|&k| a.siblings[k] != b.siblings[k]).map_or(0, |k| k + 1)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], WitnessError> {
        let slice =
            self.bytes.get(self.at..self.at + n).ok_or(WitnessError::Compact("truncated"))?;
        self.at += n;
        Ok(slice)
    }

    fn array<const N: usize>(&mut self) -> Result<[u8; N], WitnessError> {
        Ok(self.take(N)?.try_into().expect("take returns N bytes"))
    }

    fn u8(&mut self) -> Result<u8, WitnessError> {
        Ok(self.array::<1>()?[0])
    }

    fn hash(&mut self) -> Result<Hash, WitnessError> {
        self.array()
    }
}
