//! What the benchmarks share: criterion's estimates of this run, the VM-against-native
//! summary line, and fast mode against its baselines on a guest that reads the oracle.

use std::time::Duration;

use axon_vm::abi::memory::STACK_TOP;
use axon_vm::abi::{fd, syscall};
use axon_vm::{
    keccak_permute, Halt, Host, OutputMode, PreimagePart, PreimageStore, Program, StdHost, Vm,
    VmConfig,
};
use criterion::{black_box, Criterion};
use rrs_lib::instruction_executor::{InstructionException, InstructionExecutor};
use rrs_lib::memories::VecMemory;
use rrs_lib::{HartState, MemAccessSize, Memory as _};

use crate::repo;

/// Criterion's median estimate, in ns, of `group/bench` in this run.
pub fn estimate_ns(group: &str, bench: &str) -> Option<f64> {
    let path = repo().join("target/criterion").join(group).join(bench).join("new/estimates.json");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    json["median"]["point_estimate"].as_f64()
}

/// Prints the summary line of a group benched as `vm` and `native`, for a guest run of
/// `steps` steps.
pub fn print_vm_vs_native(group: &str, steps: u64) {
    let vm = estimate_ns(group, "vm").unwrap_or(f64::NAN);
    let native = estimate_ns(group, "native").unwrap_or(f64::NAN);
    println!(
        "{group:<15} {steps:>11} steps   VM {:>10.3} ms ({:5.1} MIPS)   native {:>9.3} ms   VM/native {:6.1}x",
        vm / 1e6,
        steps as f64 / vm * 1e3,
        native / 1e6,
        vm / native
    );
}

/// Runs `program` on `store` in the VM to its end, compiling hot code (fast mode) or only
/// interpreting; returns the step count.
pub fn run_vm(program: &Program, store: &PreimageStore, compile: bool) -> u64 {
    let config = VmConfig { compile, ..VmConfig::default() };
    let mut vm = Vm::with_config(program, config).expect("load");
    let mut host = StdHost::new(store.clone(), OutputMode::Capture);
    vm.run(&mut host, u64::MAX).expect("run");
    assert_eq!(vm.cpu().halt, Halt::Exited(0), "{}", String::from_utf8_lossy(&host.stderr));
    vm.cpu().step
}

/// The plain rrs-lib loop a user would write for an Axon guest: rrs-lib's
/// `InstructionExecutor` over one flat `VecMemory` from address 0 to the stack top (the OS
/// zeroes it lazily), with the VM's system calls served here from `store` as `docs/spec.md`
/// defines them (rrs-lib does not decode `ecall`), so it takes exactly the VM's steps.
/// The segments go straight into the memory's words: `write_mem`, a byte at a time, added
/// about 3 ms to loading the 2.4 MB AI-EVM block guest, whose block then ran in about 4 ms.
/// Returns the step count.
pub fn run_rrs(program: &Program, store: &PreimageStore) -> u64 {
    let mut words = vec![0u32; (STACK_TOP / 4) as usize];
    for segment in &program.segments {
        for (addr, byte) in (segment.vaddr as usize..).zip(&segment.data) {
            words[addr / 4] |= u32::from(*byte) << (8 * (addr % 4));
        }
    }
    let mut memory = VecMemory::new(words);
    let mut host = StdHost::new(store.clone(), OutputMode::Capture);
    let mut hart = HartState::new();
    hart.pc = program.entry;
    let (mut key, mut offset) = ([0u8; 32], 0u32);
    let mut steps = 0u64;
    loop {
        let mut executor = InstructionExecutor { hart_state: &mut hart, mem: &mut memory };
        match executor.step() {
            Ok(()) => steps += 1,
            Err(InstructionException::IllegalInstruction(_, 0x0000_0073)) => {
                steps += 1;
                let [a0, a1, a2] = [10, 11, 12].map(|r| hart.registers[r]);
                let in_leaf = |len: u32| len.min(32 - a1 % 32);
                let result = match (hart.registers[17], a0) {
                    (syscall::EXIT, _) => return steps,
                    (syscall::WRITE, fd::PREIMAGE_WRITE) => {
                        let n = in_leaf(a2) as usize;
                        key.rotate_left(n);
                        for (i, byte) in key[32 - n..].iter_mut().enumerate() {
                            *byte = read_byte(&mut memory, a1 + i as u32);
                        }
                        offset = 0;
                        n as u32
                    }
                    (syscall::WRITE, _) => a2,
                    (syscall::READ, fd::PREIMAGE_READ) if a2 == 0 => 0,
                    (syscall::READ, fd::PREIMAGE_READ) => {
                        let data = host.preimage(&key).expect("the store holds every preimage");
                        let part = PreimagePart::of(key, data, offset);
                        let n = in_leaf(a2).min(part.len);
                        for (i, byte) in part.bytes[..n as usize].iter().enumerate() {
                            memory.write_mem(a1 + i as u32, MemAccessSize::Byte, u32::from(*byte));
                        }
                        offset += n;
                        n
                    }
                    (syscall::KECCAK_PERMUTE, _) => {
                        let mut block = [0u8; 256];
                        for (i, byte) in block.iter_mut().enumerate() {
                            *byte = read_byte(&mut memory, a0 + i as u32);
                        }
                        keccak_permute(&mut block);
                        for (i, byte) in block.iter().enumerate() {
                            memory.write_mem(a0 + i as u32, MemAccessSize::Byte, u32::from(*byte));
                        }
                        0
                    }
                    (n, fd) => panic!("system call {n} on {fd} not expected of the workload"),
                };
                hart.registers[10] = result;
                hart.pc += 4;
            }
            Err(e) => panic!("rrs-lib stopped: {e:?}"),
        }
    }
}

fn read_byte(memory: &mut VecMemory, addr: u32) -> u8 {
    memory.read_mem(addr, MemAccessSize::Byte).expect("inside the flat memory") as u8
}

/// Benches `program` on `store` in `group`: fast mode (`axon`), the interpreter alone
/// (`axon-interpreter`) and the plain rrs-lib loop (`rrs-lib`). Returns the step count,
/// which all three agree on.
pub fn bench_fast_mode(
    criterion: &mut Criterion,
    group: &str,
    program: &Program,
    store: &PreimageStore,
) -> u64 {
    let steps = run_vm(program, store, true);
    assert_eq!(run_vm(program, store, false), steps, "{group}: compiled and interpreted");
    assert_eq!(run_rrs(program, store), steps, "{group}: rrs-lib and the VM");
    let mut g = criterion.benchmark_group(group);
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    g.bench_function("axon", |b| b.iter(|| run_vm(black_box(program), store, true)));
    g.bench_function("axon-interpreter", |b| b.iter(|| run_vm(black_box(program), store, false)));
    g.bench_function("rrs-lib", |b| b.iter(|| run_rrs(black_box(program), store)));
    g.finish();
    steps
}

/// Why qemu-user is not a baseline for a guest that reads the oracle.
pub const QEMU_HAS_NO_ORACLE: &str = "the guest reads its input through the VM's preimage oracle";

/// Prints the summary lines of a group benched as `axon`, `axon-interpreter`, `rrs-lib` and,
/// when `qemu` is `Ok`, `qemu-riscv32` (else why not), for a run of `steps` steps.
pub fn print_fast_mode(group: &str, steps: u64, qemu: Result<(), &str>) {
    let mips = |bench: &str| steps as f64 / estimate_ns(group, bench).unwrap_or(f64::NAN) * 1e3;
    let (axon, rrs) = (mips("axon"), mips("rrs-lib"));
    println!(
        "{group} ({steps} instructions): fast mode {axon:.1} MIPS; interpreter {:.1} MIPS",
        mips("axon-interpreter")
    );
    println!("  rrs-lib {rrs:8.1} MIPS   fast mode is {:5.2}x (goal >= 3x)", axon / rrs);
    match qemu {
        Ok(()) => {
            let qemu = mips("qemu-riscv32");
            println!(
                "  qemu    {qemu:8.1} MIPS   fast mode is {:5.2}x (goal >= 0.4x)",
                axon / qemu
            );
        }
        Err(why) => println!("  qemu baseline not run: {why}"),
    }
}
