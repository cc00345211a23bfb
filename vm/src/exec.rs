//! One step of the VM, written once, generic over where state and memory come from.
//!
//! [`step`] is the whole semantics of `docs/spec.md`: fetch, decode, execute, faults and
//! syscalls. It talks to the world only through [`Machine`]: the fast path implements it over
//! full memory with a decoded-instruction cache, the witness recorder wraps that to capture
//! memory proofs, and the stateless verifier implements it over proofs alone. One function,
//! several backends, compared on every step in the tests.

use axon_abi::layout::{KECCAK_BLOCK_BYTES, KECCAK_STATE_BYTES};
use axon_abi::{errno, fd, syscall, Fault, PreimageKeyType};

use crate::decode::{Instr, Op};
use crate::error::Result;
use crate::merkle::{Hash, MemoryBlock};
use crate::preimage::PreimagePart;
use crate::state::{Cpu, Halt};

/// The width of a data memory access.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Width {
    /// One byte.
    Byte = 1,
    /// Two bytes, 2-aligned.
    Half = 2,
    /// Four bytes, 4-aligned.
    Word = 4,
}

/// Where a step gets its state, memory and preimages from.
///
/// Memory methods are only called with accesses that lie inside one 32-byte leaf (aligned
/// loads and stores, or byte ranges already clipped to a leaf), except the block methods,
/// which take one aligned [`MemoryBlock`] (the eight leaves under one node of the tree).
pub(crate) trait Machine {
    /// Registers, pc and the other non-memory state.
    fn cpu(&mut self) -> &mut Cpu;
    /// The decoded instruction at the 4-aligned address `pc`.
    fn fetch(&mut self, pc: u32) -> Result<Instr>;
    /// Loads `width` bytes at the aligned `addr`, zero-extended.
    fn load(&mut self, addr: u32, width: Width) -> Result<u32>;
    /// Stores the low `width` bytes of `value` at the aligned `addr`.
    fn store(&mut self, addr: u32, width: Width, value: u32) -> Result<()>;
    /// Reads the bytes `[addr, addr + len)` of one leaf into the start of a word.
    fn read_leaf_bytes(&mut self, addr: u32, len: usize) -> Result<[u8; 32]>;
    /// Writes `bytes` at `addr`, inside one leaf.
    fn write_leaf_bytes(&mut self, addr: u32, bytes: &[u8]) -> Result<()>;
    /// Reads the [`MemoryBlock`] at the block-aligned `addr`.
    fn read_block(&mut self, addr: u32) -> Result<MemoryBlock>;
    /// Writes the [`MemoryBlock`] at the block-aligned `addr` (the block `read_block` read).
    fn write_block(&mut self, addr: u32, block: &MemoryBlock) -> Result<()>;
    /// The oracle's part of the current preimage at `offset`.
    fn preimage_part(&mut self, key: &Hash, offset: u32) -> Result<PreimagePart>;
    /// Hands `count` bytes at `addr` to the host on `fd` (stdout, stderr or hints). The state
    /// does not depend on them, so they are not proven.
    fn output(&mut self, fd: u32, addr: u32, count: u32) -> Result<()>;
}

/// The syscall registers by ABI name (`a0` = `x10`, …; `ra` is `x1`), as `LibSyscalls.sol`
/// names them.
const REG_A0: usize = 10;
const REG_A1: usize = 11;
const REG_A2: usize = 12;
const REG_A7: usize = 17;
const NEG_EBADF: u32 = errno::EBADF.wrapping_neg();
const NEG_EINVAL: u32 = errno::EINVAL.wrapping_neg();

/// What an executed instruction leaves behind: the next pc, or `None` when the VM halted
/// (then pc keeps its pre-step value).
pub(crate) type Next = Result<Option<u32>>;

/// Halts `cpu` with `fault`; pc and registers keep their pre-step values.
#[inline]
fn fault(cpu: &mut Cpu, fault: Fault) -> Next {
    cpu.halt = Halt::Faulted(fault);
    Ok(None)
}

/// Executes one instruction (a no-op on a halted machine).
#[inline(always)]
pub(crate) fn step<M: Machine>(m: &mut M) -> Result<()> {
    if !m.cpu().halt.is_running() {
        return Ok(());
    }
    let pc = m.cpu().pc;
    let instr = m.fetch(pc & !3)?;
    let cpu = m.cpu();
    cpu.step = cpu.step.wrapping_add(1);
    if pc & 3 != 0 {
        fault(m.cpu(), Fault::MisalignedFetch)?;
        return Ok(());
    }
    if let Some(next) = execute(m, pc, instr)? {
        m.cpu().pc = next;
    }
    Ok(())
}

/// Control transfer to `target`, linking `pc + 4` into `rd` (pass 0 for none).
#[inline(always)]
fn jump(cpu: &mut Cpu, pc: u32, target: u32, rd: u8) -> Next {
    if target & 3 != 0 {
        return fault(cpu, Fault::MisalignedFetch);
    }
    cpu.regs[(rd & 31) as usize] = pc.wrapping_add(4);
    cpu.regs[0] = 0;
    Ok(Some(target))
}

#[inline(always)]
fn branch(cpu: &mut Cpu, pc: u32, taken: bool, offset: u32) -> Next {
    if !taken {
        return Ok(Some(pc.wrapping_add(4)));
    }
    let target = pc.wrapping_add(offset);
    if target & 3 != 0 {
        return fault(cpu, Fault::MisalignedFetch);
    }
    Ok(Some(target))
}

/// Executes `i`, fetched from the aligned `pc`; the step counter is the caller's business.
#[inline(always)]
pub(crate) fn execute<M: Machine>(m: &mut M, pc: u32, i: Instr) -> Next {
    let cpu = m.cpu();
    // Register fields are 5 bits; the mask lets the compiler drop the bounds checks.
    let a = cpu.regs[(i.rs1 & 31) as usize];
    let b = cpu.regs[(i.rs2 & 31) as usize];
    let imm = i.imm;
    let value = match i.op {
        Op::Add => a.wrapping_add(b),
        Op::Sub => a.wrapping_sub(b),
        Op::Sll => a << (b & 31),
        Op::Slt => ((a as i32) < (b as i32)) as u32,
        Op::Sltu => (a < b) as u32,
        Op::Xor => a ^ b,
        Op::Srl => a >> (b & 31),
        Op::Sra => ((a as i32) >> (b & 31)) as u32,
        Op::Or => a | b,
        Op::And => a & b,
        Op::Mul => a.wrapping_mul(b),
        Op::Mulh => ((i64::from(a as i32) * i64::from(b as i32)) >> 32) as u32,
        Op::Mulhsu => ((i64::from(a as i32) * i64::from(b)) >> 32) as u32,
        Op::Mulhu => ((u64::from(a) * u64::from(b)) >> 32) as u32,
        Op::Div if b == 0 => u32::MAX,
        Op::Div => (a as i32).wrapping_div(b as i32) as u32,
        Op::Divu if b == 0 => u32::MAX,
        Op::Divu => a / b,
        Op::Rem if b == 0 => a,
        Op::Rem => (a as i32).wrapping_rem(b as i32) as u32,
        Op::Remu if b == 0 => a,
        Op::Remu => a % b,
        Op::Addi => a.wrapping_add(imm),
        Op::Slti => ((a as i32) < (imm as i32)) as u32,
        Op::Sltiu => (a < imm) as u32,
        Op::Xori => a ^ imm,
        Op::Ori => a | imm,
        Op::Andi => a & imm,
        Op::Slli => a << imm,
        Op::Srli => a >> imm,
        Op::Srai => ((a as i32) >> imm) as u32,
        Op::Lui => imm,
        Op::Auipc => pc.wrapping_add(imm),
        Op::Beq => return branch(cpu, pc, a == b, imm),
        Op::Bne => return branch(cpu, pc, a != b, imm),
        Op::Blt => return branch(cpu, pc, (a as i32) < (b as i32), imm),
        Op::Bge => return branch(cpu, pc, (a as i32) >= (b as i32), imm),
        Op::Bltu => return branch(cpu, pc, a < b, imm),
        Op::Bgeu => return branch(cpu, pc, a >= b, imm),
        Op::Jal => return jump(cpu, pc, pc.wrapping_add(imm), i.rd),
        Op::Jalr => return jump(cpu, pc, a.wrapping_add(imm) & !1, i.rd),
        Op::Lb => m.load(a.wrapping_add(imm), Width::Byte)? as u8 as i8 as u32,
        Op::Lbu => m.load(a.wrapping_add(imm), Width::Byte)?,
        Op::Lh => match load_aligned(m, a.wrapping_add(imm), Width::Half)? {
            Some(v) => v as u16 as i16 as u32,
            None => return Ok(None),
        },
        Op::Lhu => match load_aligned(m, a.wrapping_add(imm), Width::Half)? {
            Some(v) => v,
            None => return Ok(None),
        },
        Op::Lw => match load_aligned(m, a.wrapping_add(imm), Width::Word)? {
            Some(v) => v,
            None => return Ok(None),
        },
        Op::Sb => return store_aligned(m, pc, a.wrapping_add(imm), Width::Byte, b),
        Op::Sh => return store_aligned(m, pc, a.wrapping_add(imm), Width::Half, b),
        Op::Sw => return store_aligned(m, pc, a.wrapping_add(imm), Width::Word, b),
        Op::Fence => return Ok(Some(pc.wrapping_add(4))),
        Op::Ecall => return ecall(m, pc),
        Op::Ebreak => return fault(cpu, Fault::Breakpoint),
        Op::Illegal => return fault(cpu, Fault::IllegalInstruction),
    };
    let cpu = m.cpu();
    cpu.regs[(i.rd & 31) as usize] = value;
    cpu.regs[0] = 0;
    Ok(Some(pc.wrapping_add(4)))
}

/// A halfword or word load; `None` when it faulted on alignment.
#[inline(always)]
fn load_aligned<M: Machine>(m: &mut M, addr: u32, width: Width) -> Result<Option<u32>> {
    if addr & (width as u32 - 1) != 0 {
        return fault(m.cpu(), Fault::MisalignedLoad);
    }
    m.load(addr, width).map(Some)
}

#[inline(always)]
fn store_aligned<M: Machine>(m: &mut M, pc: u32, addr: u32, width: Width, value: u32) -> Next {
    if addr & (width as u32 - 1) != 0 {
        return fault(m.cpu(), Fault::MisalignedStore);
    }
    m.store(addr, width, value)?;
    Ok(Some(pc.wrapping_add(4)))
}

/// Bytes from `addr` to the end of its 32-byte leaf.
#[inline]
fn leaf_room(addr: u32) -> u32 {
    32 - addr % 32
}

#[cold]
fn ecall<M: Machine>(m: &mut M, pc: u32) -> Next {
    let regs = m.cpu().regs;
    let (number, a0, a1, a2) = (regs[REG_A7], regs[REG_A0], regs[REG_A1], regs[REG_A2]);
    let result = match number {
        syscall::EXIT => {
            m.cpu().halt = Halt::Exited(a0);
            return Ok(None);
        }
        syscall::WRITE => match a0 {
            fd::STDOUT | fd::STDERR | fd::HINT_WRITE => {
                m.output(a0, a1, a2)?;
                a2
            }
            fd::PREIMAGE_WRITE => {
                let n = a2.min(leaf_room(a1)) as usize;
                let cpu_key = m.cpu().preimage_key;
                let mut key = [0u8; 32];
                if n > 0 {
                    let bytes = m.read_leaf_bytes(a1, n)?;
                    key[..32 - n].copy_from_slice(&cpu_key[n..]);
                    key[32 - n..].copy_from_slice(&bytes[..n]);
                } else {
                    key = cpu_key;
                }
                let cpu = m.cpu();
                cpu.preimage_key = key;
                cpu.preimage_offset = 0;
                n as u32
            }
            _ => NEG_EBADF,
        },
        syscall::READ => match a0 {
            fd::PREIMAGE_READ => {
                let key = m.cpu().preimage_key;
                if PreimageKeyType::from_byte(key[0]).is_none() {
                    return fault(m.cpu(), Fault::InvalidPreimageKey);
                }
                let offset = m.cpu().preimage_offset;
                // A zero-byte read consults no oracle: nothing can change.
                let n = match a2 {
                    0 => 0,
                    _ => {
                        let part = m.preimage_part(&key, offset)?;
                        let n = a2.min(leaf_room(a1)).min(part.len);
                        if n > 0 {
                            m.write_leaf_bytes(a1, &part.bytes[..n as usize])?;
                        }
                        n
                    }
                };
                let cpu = m.cpu();
                cpu.preimage_offset = offset.wrapping_add(n);
                n
            }
            _ => NEG_EBADF,
        },
        syscall::KECCAK_PERMUTE if a0 % KECCAK_BLOCK_BYTES != 0 => NEG_EINVAL,
        syscall::KECCAK_PERMUTE => {
            let mut block = m.read_block(a0)?;
            keccak_permute(&mut block);
            m.write_block(a0, &block)?;
            0
        }
        _ => return fault(m.cpu(), Fault::UnknownSyscall),
    };
    m.cpu().regs[REG_A0] = result;
    Ok(Some(pc.wrapping_add(4)))
}

/// keccak-f\[1600\] over the state at the start of `block`: 25 lanes, lane `i` the
/// little-endian bytes `[8i, 8i + 8)` (FIPS 202's byte order). The rest of the block is kept.
pub fn keccak_permute(block: &mut MemoryBlock) {
    let state_bytes = &mut block[..KECCAK_STATE_BYTES as usize];
    let mut lanes = [0u64; 25];
    for (lane, bytes) in lanes.iter_mut().zip(state_bytes.chunks_exact(8)) {
        *lane = u64::from_le_bytes(bytes.try_into().expect("8-byte chunk"));
    }
    keccak::f1600(&mut lanes);
    for (bytes, lane) in state_bytes.chunks_exact_mut(8).zip(lanes) {
        bytes.copy_from_slice(&lane.to_le_bytes());
    }
}
