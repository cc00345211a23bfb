//! The stateless step: post-state hash from a witness alone — the Rust twin of the Solidity
//! verifier.
//!
//! Memory here is nothing but the memory root and the proofs in the witness: every access
//! checks its proof against the root, and a write recomputes the root from the same siblings.
//! The step itself is the shared [`crate::exec::step`], so this differs from the fast path only
//! in where memory comes from — which is exactly what the three-way tests compare.

use crate::decode::{decode, Instr};
use crate::error::Result;
use crate::exec::{self, Machine, Width};
use crate::merkle::{BlockProof, Hash, MemoryBlock, Proof, LEAF_SHIFT};
use crate::preimage::PreimagePart;
use crate::state::{Cpu, EncodedState};
use crate::witness::StepWitness;

/// Why a witness does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// The proof blob ends, or holds a malformed proof (a mask bit above the tree's depth),
    /// where the step needs a proof.
    #[error("proof blob has {len} bytes; no well-formed proof at byte {needed_at}")]
    MissingProof {
        /// The blob's length.
        len: usize,
        /// Where the missing proof would start.
        needed_at: usize,
    },
    /// The proof blob has bytes the step did not use.
    #[error("proof blob has {len} bytes but the step used only {used}")]
    TrailingProofBytes {
        /// The blob's length.
        len: usize,
        /// Bytes the step consumed.
        used: usize,
    },
    /// A memory proof does not lead to the state's memory root.
    #[error("memory proof for address {addr:#010x} does not match the memory root")]
    ProofMismatch {
        /// The address the proof was used for.
        addr: u32,
    },
    /// A preimage read without the oracle's part in the witness.
    #[error("the step reads a preimage but the witness carries no preimage part")]
    MissingPreimagePart,
    /// The witness's preimage part is for another key or offset.
    #[error("the witness's preimage part is for another key or offset")]
    PreimagePartMismatch,
    /// The witness carries a preimage part the step did not read.
    #[error("the witness carries a preimage part the step did not read")]
    UnusedPreimagePart,
}

struct StatelessMachine<'w> {
    cpu: Cpu,
    root: Hash,
    proof: &'w [u8],
    used: usize,
    data: Option<(u32, Proof)>,
    block: Option<BlockProof>,
    preimage: Option<PreimagePart>,
    preimage_used: bool,
}

impl StatelessMachine<'_> {
    /// Takes the next wire-form leaf proof from the blob and checks it for `addr`.
    fn next_proof(&mut self, addr: u32) -> Result<Proof, WitnessError> {
        self.take(addr, Proof::read_from, Proof::root)
    }

    /// Takes the next wire-form proof, as `parse` reads it, from the blob and checks that it
    /// leads to the memory root for `addr`.
    fn take<P>(
        &mut self,
        addr: u32,
        parse: fn(&[u8]) -> Option<(P, usize)>,
        root: fn(&P, u32) -> Hash,
    ) -> Result<P, WitnessError> {
        let start = self.used;
        let (proof, len) = parse(&self.proof[start..])
            .ok_or(WitnessError::MissingProof { len: self.proof.len(), needed_at: start })?;
        if root(&proof, addr) != self.root {
            return Err(WitnessError::ProofMismatch { addr });
        }
        self.used += len;
        Ok(proof)
    }

    /// The proven data leaf holding `addr` (one per step).
    fn data_leaf(&mut self, addr: u32) -> Result<Hash, WitnessError> {
        if let Some((leaf_addr, proof)) = &self.data {
            if leaf_addr >> LEAF_SHIFT == addr >> LEAF_SHIFT {
                return Ok(proof.leaf);
            }
            // A second distinct leaf in one step is impossible in RV32IM; treat it as a
            // mismatch rather than trusting it.
            return Err(WitnessError::ProofMismatch { addr });
        }
        let proof = self.next_proof(addr)?;
        let leaf = proof.leaf;
        self.data = Some((addr, proof));
        Ok(leaf)
    }

    /// Replaces `bytes` at `addr` in the proven leaf and updates the root.
    fn write_data(&mut self, addr: u32, bytes: &[u8]) -> Result<(), WitnessError> {
        let mut leaf = self.data_leaf(addr)?;
        let at = (addr % 32) as usize;
        leaf[at..at + bytes.len()].copy_from_slice(bytes);
        let (leaf_addr, proof) = self.data.as_mut().expect("data_leaf recorded the proof");
        proof.leaf = leaf;
        self.root = proof.root(*leaf_addr);
        Ok(())
    }
}

impl Machine for StatelessMachine<'_> {
    fn cpu(&mut self) -> &mut Cpu {
        &mut self.cpu
    }

    fn fetch(&mut self, pc: u32) -> Result<Instr> {
        let proof = self.next_proof(pc)?;
        let at = (pc % 32) as usize;
        let word = u32::from_le_bytes(proof.leaf[at..at + 4].try_into().expect("4 bytes"));
        Ok(decode(word))
    }

    fn load(&mut self, addr: u32, width: Width) -> Result<u32> {
        let leaf = self.data_leaf(addr)?;
        let at = (addr % 32) as usize;
        let mut word = [0u8; 4];
        word[..width as usize].copy_from_slice(&leaf[at..at + width as usize]);
        Ok(u32::from_le_bytes(word))
    }

    fn store(&mut self, addr: u32, width: Width, value: u32) -> Result<()> {
        Ok(self.write_data(addr, &value.to_le_bytes()[..width as usize])?)
    }

    fn read_leaf_bytes(&mut self, addr: u32, len: usize) -> Result<[u8; 32]> {
        let leaf = self.data_leaf(addr)?;
        let at = (addr % 32) as usize;
        let mut out = [0u8; 32];
        out[..len].copy_from_slice(&leaf[at..at + len]);
        Ok(out)
    }

    fn write_leaf_bytes(&mut self, addr: u32, bytes: &[u8]) -> Result<()> {
        Ok(self.write_data(addr, bytes)?)
    }

    fn read_block(&mut self, addr: u32) -> Result<MemoryBlock> {
        let proof = self.take(addr, BlockProof::read_from, BlockProof::root)?;
        let block = proof.block;
        self.block = Some(proof);
        Ok(block)
    }

    fn write_block(&mut self, addr: u32, block: &MemoryBlock) -> Result<()> {
        let proof = self.block.as_ref().expect("write_block follows read_block");
        self.root = proof.root_with_block(addr, block);
        Ok(())
    }

    fn preimage_part(&mut self, key: &Hash, offset: u32) -> Result<PreimagePart> {
        let part = self.preimage.ok_or(WitnessError::MissingPreimagePart)?;
        if part.key != *key || part.offset != offset {
            return Err(WitnessError::PreimagePartMismatch.into());
        }
        self.preimage_used = true;
        Ok(part)
    }

    fn output(&mut self, _fd: u32, _addr: u32, _count: u32) -> Result<()> {
        Ok(())
    }
}

/// Executes the step a witness describes and returns the post-state hash.
///
/// The preimage part, if any, is taken on trust here: on chain it comes from the preimage
/// oracle contract, which checks it against its key.
pub fn verify_step(witness: &StepWitness) -> Result<Hash> {
    let pre = EncodedState::decode(&witness.state)?;
    let mut machine = StatelessMachine {
        cpu: pre.cpu,
        root: pre.memory_root,
        proof: &witness.proof,
        used: 0,
        data: None,
        block: None,
        preimage: witness.preimage,
        preimage_used: false,
    };
    exec::step(&mut machine)?;
    if machine.used != witness.proof.len() {
        return Err(WitnessError::TrailingProofBytes {
            len: witness.proof.len(),
            used: machine.used,
        }
        .into());
    }
    if machine.preimage.is_some() && !machine.preimage_used {
        return Err(WitnessError::UnusedPreimagePart.into());
    }
    Ok(EncodedState { cpu: machine.cpu, memory_root: machine.root }.hash())
}
