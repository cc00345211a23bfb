//! What proves a program's output from a dispute game its root claim won (`LibGameOutput`
//! on chain): the final state and the memory proof of its output-commitment leaf. Every
//! contract that accepts games' outputs — Optimistic Axiom's, the `InferenceOracle` — takes it.

use alloy::primitives::{keccak256, Address, Bytes};
use axon_vm::abi::memory::OUTPUT_COMMITMENT;
use axon_vm::memory::Memory;
use axon_vm::{Cpu, EncodedState, Halt, Hash, Vm};

use crate::{Error, Result};

/// What proves a run's output from a game its root claim won: the final state's encoding and
/// hash, and the memory proof of its output-commitment leaf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputWitness {
    /// The 210-byte final state.
    pub final_state: Vec<u8>,
    /// Its hash: the game's root claim.
    pub state_hash: Hash,
    /// The compact memory proof of the leaf at `OUTPUT_COMMITMENT`.
    pub commitment_proof: Vec<u8>,
}

impl OutputWitness {
    /// The witness of the state `vm` is in (a halted run).
    pub fn of(vm: &Vm) -> Self {
        Self::of_parts(vm.cpu().clone(), vm.memory().clone())
    }

    /// The witness of a state a liar would claim: `vm`'s, but exited 0 with `keccak(output)`
    /// committed — a well-formed final state with a valid output proof, which only the
    /// dispute shows is not where the program ends.
    pub fn forged(vm: &Vm, output: &[u8]) -> Result<Self> {
        let mut memory = vm.memory().clone();
        memory
            .store_bytes(OUTPUT_COMMITMENT, keccak256(output).as_slice())
            .map_err(|e| Error::Vm(e.into()))?;
        let mut cpu = vm.cpu().clone();
        cpu.halt = Halt::Exited(0);
        Ok(Self::of_parts(cpu, memory))
    }

    /// The witness of the state of `cpu` over `memory`.
    fn of_parts(cpu: Cpu, mut memory: Memory) -> Self {
        let state = EncodedState { cpu, memory_root: memory.root() };
        let commitment_proof = memory.proof(OUTPUT_COMMITMENT).to_bytes();
        Self { final_state: state.encode().to_vec(), state_hash: state.hash(), commitment_proof }
    }

    /// The `OutputProof` of `game` (`LibGameOutput`'s struct, as any contract's ABI has it).
    pub fn proof<P: From<(Address, Bytes, Bytes)>>(&self, game: Address) -> P {
        P::from((game, self.final_state.clone().into(), self.commitment_proof.clone().into()))
    }
}
