//! The VM state outside memory, its versioned 210-byte encoding, and the state hash.
//!
//! The layout is the table in `docs/spec.md`; offsets are derived from the field sizes here,
//! and the Solidity `LibState` decodes the same bytes. The hash carries the VM status in its
//! top byte (Optimism's convention) so a dispute game can read it without the preimage.

use axon_abi::layout::{STATE_BYTES, STATE_VERSION};
use axon_abi::{Fault, VmStatus};
use serde::{Deserialize, Serialize};

use crate::merkle::{keccak256, Hash};

/// Whether, and how, the VM has halted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Halt {
    /// Still executing.
    Running,
    /// The guest called `exit` with this code.
    Exited(u32),
    /// The guest faulted.
    Faulted(#[serde(with = "fault_code")] Fault),
}

impl Halt {
    /// The status byte of the state hash.
    pub fn status(self) -> VmStatus {
        match self {
            Halt::Running => VmStatus::Unfinished,
            Halt::Exited(0) => VmStatus::Valid,
            Halt::Exited(_) => VmStatus::Invalid,
            Halt::Faulted(_) => VmStatus::Panic,
        }
    }

    /// Whether the VM still executes.
    #[inline]
    pub fn is_running(self) -> bool {
        self == Halt::Running
    }

    fn kind_and_code(self) -> (u8, u32) {
        match self {
            Halt::Running => (0, 0),
            Halt::Exited(code) => (1, code),
            Halt::Faulted(fault) => (2, fault as u32),
        }
    }
}

mod fault_code {
    use axon_abi::Fault;
    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(fault: &Fault, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(*fault as u8)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Fault, D::Error> {
        let code = u8::deserialize(d)?;
        Fault::from_code(code.into())
            .ok_or_else(|| serde::de::Error::custom(format!("unknown fault code {code}")))
    }
}

/// Registers, pc, step counter, halt status and preimage cursor: everything but memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cpu {
    /// The program counter.
    pub pc: u32,
    /// `x0..x31`; `regs[0]` is always zero.
    pub regs: [u32; 32],
    /// Instructions executed so far (faulting and exiting steps included).
    pub step: u64,
    /// Whether the VM has halted.
    pub halt: Halt,
    /// The current preimage key.
    pub preimage_key: Hash,
    /// The read position in the current preimage's stream.
    pub preimage_offset: u32,
}

impl Cpu {
    /// A running CPU at `pc` with every register zero.
    pub fn new(pc: u32) -> Self {
        Self {
            pc,
            regs: [0; 32],
            step: 0,
            halt: Halt::Running,
            preimage_key: [0; 32],
            preimage_offset: 0,
        }
    }
}

const VERSION_AT: usize = 0;
const MEM_ROOT_AT: usize = VERSION_AT + 1;
const KEY_AT: usize = MEM_ROOT_AT + 32;
const OFFSET_AT: usize = KEY_AT + 32;
const PC_AT: usize = OFFSET_AT + 4;
const STEP_AT: usize = PC_AT + 4;
const HALT_KIND_AT: usize = STEP_AT + 8;
const HALT_CODE_AT: usize = HALT_KIND_AT + 1;
const REGS_AT: usize = HALT_CODE_AT + 4;
const _: () = assert!(REGS_AT + 31 * 4 == STATE_BYTES);

/// Why a byte string is not a valid encoded state.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// The encoding is not exactly [`STATE_BYTES`] long.
    #[error("state is {0} bytes, expected {STATE_BYTES}")]
    Length(usize),
    /// The layout version is not [`STATE_VERSION`].
    #[error("state layout version {0} is not the supported version {STATE_VERSION}")]
    Version(u8),
    /// The halt kind byte is not 0, 1 or 2.
    #[error("halt kind {0} is not 0 (running), 1 (exited) or 2 (faulted)")]
    HaltKind(u8),
    /// A running state carries a non-zero halt code.
    #[error("running state has non-zero halt code {0}")]
    RunningWithCode(u32),
    /// A faulted state names no known fault.
    #[error("faulted state has unknown fault code {0}")]
    FaultCode(u32),
}

/// A state with its memory root: exactly what is encoded and hashed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodedState {
    /// Everything but memory.
    pub cpu: Cpu,
    /// The memory Merkle root.
    pub memory_root: Hash,
}

impl EncodedState {
    /// The 210-byte big-endian encoding.
    pub fn encode(&self) -> [u8; STATE_BYTES] {
        let cpu = &self.cpu;
        let mut out = [0u8; STATE_BYTES];
        out[VERSION_AT] = STATE_VERSION;
        out[MEM_ROOT_AT..KEY_AT].copy_from_slice(&self.memory_root);
        out[KEY_AT..OFFSET_AT].copy_from_slice(&cpu.preimage_key);
        out[OFFSET_AT..PC_AT].copy_from_slice(&cpu.preimage_offset.to_be_bytes());
        out[PC_AT..STEP_AT].copy_from_slice(&cpu.pc.to_be_bytes());
        out[STEP_AT..HALT_KIND_AT].copy_from_slice(&cpu.step.to_be_bytes());
        let (kind, code) = cpu.halt.kind_and_code();
        out[HALT_KIND_AT] = kind;
        out[HALT_CODE_AT..REGS_AT].copy_from_slice(&code.to_be_bytes());
        for (slot, reg) in out[REGS_AT..].chunks_exact_mut(4).zip(&cpu.regs[1..]) {
            slot.copy_from_slice(&reg.to_be_bytes());
        }
        out
    }

    /// Parses and validates an encoding (see the decoder rules in `docs/spec.md`).
    pub fn decode(bytes: &[u8]) -> Result<Self, StateError> {
        if bytes.len() != STATE_BYTES {
            return Err(StateError::Length(bytes.len()));
        }
        if bytes[VERSION_AT] != STATE_VERSION {
            return Err(StateError::Version(bytes[VERSION_AT]));
        }
        let word = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        let code = word(HALT_CODE_AT);
        let halt = match bytes[HALT_KIND_AT] {
            0 if code == 0 => Halt::Running,
            0 => return Err(StateError::RunningWithCode(code)),
            1 => Halt::Exited(code),
            2 => Halt::Faulted(Fault::from_code(code).ok_or(StateError::FaultCode(code))?),
            kind => return Err(StateError::HaltKind(kind)),
        };
        let mut regs = [0u32; 32];
        for (i, reg) in regs.iter_mut().enumerate().skip(1) {
            *reg = word(REGS_AT + 4 * (i - 1));
        }
        Ok(Self {
            cpu: Cpu {
                pc: word(PC_AT),
                regs,
                step: u64::from_be_bytes(bytes[STEP_AT..HALT_KIND_AT].try_into().expect("8 bytes")),
                halt,
                preimage_key: bytes[KEY_AT..OFFSET_AT].try_into().expect("32 bytes"),
                preimage_offset: word(OFFSET_AT),
            },
            memory_root: bytes[MEM_ROOT_AT..KEY_AT].try_into().expect("32 bytes"),
        })
    }

    /// keccak-256 of the encoding with the VM status in the top byte.
    pub fn hash(&self) -> Hash {
        state_hash(&self.encode(), self.cpu.halt.status())
    }
}

/// keccak-256 of an encoded state with its first byte replaced by `status`.
pub fn state_hash(encoding: &[u8], status: VmStatus) -> Hash {
    let mut hash = keccak256(encoding);
    hash[0] = status as u8;
    hash
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> EncodedState {
        let mut cpu = Cpu::new(0x1_0000);
        for (i, r) in cpu.regs.iter_mut().enumerate().skip(1) {
            *r = (i as u32).wrapping_mul(0x0101_0101);
        }
        cpu.step = 0x0102_0304_0506_0708;
        cpu.preimage_key = [0xAB; 32];
        cpu.preimage_offset = 77;
        EncodedState { cpu, memory_root: [0x11; 32] }
    }

    #[test]
    fn encoding_round_trips_for_every_halt() {
        for halt in
            [Halt::Running, Halt::Exited(0), Halt::Exited(42), Halt::Faulted(Fault::Breakpoint)]
        {
            let mut state = sample();
            state.cpu.halt = halt;
            let bytes = state.encode();
            assert_eq!(EncodedState::decode(&bytes), Ok(state.clone()));
            assert_eq!(state.hash()[0], halt.status() as u8);
        }
    }

    #[test]
    fn encoding_is_big_endian_at_the_documented_offsets() {
        let bytes = sample().encode();
        assert_eq!(bytes[0], 1);
        assert_eq!(&bytes[69..73], &[0, 1, 0, 0]); // pc
        assert_eq!(&bytes[73..81], &[1, 2, 3, 4, 5, 6, 7, 8]); // step
        assert_eq!(&bytes[86..90], &[1, 1, 1, 1]); // x1
        assert_eq!(&bytes[206..210], &[31, 31, 31, 31]); // x31
    }

    #[test]
    fn malformed_encodings_are_rejected() {
        let good = sample().encode();
        assert_eq!(EncodedState::decode(&good[1..]), Err(StateError::Length(209)));
        let mut bad = good;
        bad[0] = 2;
        assert_eq!(EncodedState::decode(&bad), Err(StateError::Version(2)));
        let mut bad = good;
        bad[81] = 3;
        assert_eq!(EncodedState::decode(&bad), Err(StateError::HaltKind(3)));
        let mut bad = good;
        bad[85] = 1;
        assert_eq!(EncodedState::decode(&bad), Err(StateError::RunningWithCode(1)));
        bad[81] = 2;
        bad[85] = 99;
        assert_eq!(EncodedState::decode(&bad), Err(StateError::FaultCode(99)));
    }
}
