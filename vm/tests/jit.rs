//! Compiled fast mode against the interpreter: the same state hash at random step counts.
//!
//! The interpreter is the reference (the step function, checked three ways elsewhere). Here
//! two VMs run the same guest, one compiling hot code and one only interpreting, and stop at
//! the same random steps; their state hashes (registers, pc, step, halt, preimage cursor and
//! the memory root, so every dirty bit compiled stores set) must be equal at each stop.
//!
//! The random programs loop long enough for their code to be compiled, store into their own
//! code (self-modifying code), permute it with the keccak system call (a host write into
//! code pages), access memory misaligned and fault. A word rewritten after it ran is also
//! stepped three ways (`common::three_way`), against the stateless verifier, which decodes
//! from memory and keeps no decoded code.

mod common;

use axon_vm::abi::{layout::KECCAK_BLOCK_BYTES, syscall};
use axon_vm::elf::Segment;
use axon_vm::{Host, OutputMode, PreimageStore, Program, StdHost, Vm, VmConfig};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

const CODE_AT: u32 = 0x0001_0000;
/// Data, 2 KiB either side of this address, straddles a page boundary.
const DATA_AT: u32 = 0x4000_1000;
/// Stores into code reach this many bytes of it.
const CODE_SPAN: u32 = 256;
/// Reserved registers: random instructions never write them.
const DATA_BASE: u32 = 31;
const CODE_BASE: u32 = 29;
const COUNTER: u32 = 30;
const SCRATCH: u32 = 28;

/// A VM that compiles (waiting for each region, so which steps run compiled is reproducible)
/// or only interprets.
fn vm(program: &Program, compile: bool) -> Vm {
    let config =
        VmConfig { compile, background_compile: false, warm_up_steps: 0, ..VmConfig::default() };
    Vm::with_config(program, config).expect("load")
}

/// Runs `program` compiled and interpreted, stopping both at each of `stops` (ascending),
/// and requires equal state hashes and outcomes at every stop. Returns how many regions the
/// compiled VM compiled.
fn agree<H: Host + Clone>(program: &Program, host: &H, stops: &[u64]) -> usize {
    let (mut compiled, mut interpreted) = (vm(program, true), vm(program, false));
    let (mut compiled_host, mut interpreted_host) = (host.clone(), host.clone());
    for &stop in stops {
        let a = compiled.run(&mut compiled_host, stop).map_err(|e| e.to_string());
        let b = interpreted.run(&mut interpreted_host, stop).map_err(|e| e.to_string());
        assert_eq!(a, b, "outcome at step {stop}");
        assert_eq!(compiled.cpu(), interpreted.cpu(), "registers and pc at step {stop}");
        assert_eq!(compiled.state_hash(), interpreted.state_hash(), "state at step {stop}");
        if a.is_err() {
            break;
        }
    }
    compiled.compiled_regions()
}

/// Steps at the given fractions (of 2^16) of the interpreted run's length, at most `most`,
/// in ascending order, ending with `most`.
fn stops_within<H: Host + Clone>(
    program: &Program,
    host: &H,
    fractions: &[u64],
    most: u64,
) -> Vec<u64> {
    let mut whole = vm(program, false);
    // A host error ends the run early; the stops then lie before it.
    let _ = whole.run(&mut host.clone(), most);
    let end = whole.cpu().step;
    let mut stops: Vec<u64> = fractions.iter().map(|f| 1 + end * f / (1 << 16)).collect();
    stops.sort_unstable();
    stops.push(most);
    stops
}

fn r_type(funct7: u32, rs2: u32, rs1: u32, funct3: u32, rd: u32, opcode: u32) -> u32 {
    funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
}

fn i_type(imm: i32, rs1: u32, funct3: u32, rd: u32, opcode: u32) -> u32 {
    ((imm as u32) & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
}

fn s_type(imm: i32, rs2: u32, rs1: u32, funct3: u32) -> u32 {
    let imm = imm as u32 & 0xfff;
    (imm >> 5) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (imm & 31) << 7 | 0x23
}

fn b_type(offset: i32, rs2: u32, rs1: u32, funct3: u32) -> u32 {
    let o = offset as u32;
    ((o >> 12) & 1) << 31
        | ((o >> 5) & 0x3f) << 25
        | rs2 << 20
        | rs1 << 15
        | funct3 << 12
        | ((o >> 1) & 0xf) << 8
        | ((o >> 11) & 1) << 7
        | 0x63
}

fn j_type(offset: i32, rd: u32) -> u32 {
    let o = offset as u32;
    ((o >> 20) & 1) << 31
        | ((o >> 1) & 0x3ff) << 21
        | ((o >> 11) & 1) << 20
        | ((o >> 12) & 0xff) << 12
        | rd << 7
        | 0x6f
}

fn li(rd: u32, value: u32) -> [u32; 2] {
    let low = ((value << 20) as i32) >> 20;
    let high = value.wrapping_sub(low as u32);
    [high | rd << 7 | 0x37, i_type(low, rd, 0, rd, 0x13)]
}

/// One random instruction of the loop body, as words (a system call takes several).
#[derive(Debug, Clone)]
enum Gen {
    Alu {
        funct7: u32,
        funct3: u32,
        rd: u32,
        rs1: u32,
        rs2: u32,
    },
    AluImm {
        funct3: u32,
        imm: i32,
        rd: u32,
        rs1: u32,
        shift_arith: bool,
    },
    Upper {
        auipc: bool,
        imm: u32,
        rd: u32,
    },
    /// `imm` is aligned to the access unless `misaligned`.
    Load {
        funct3: u32,
        imm: i32,
        rd: u32,
        misaligned: bool,
    },
    Store {
        funct3: u32,
        imm: i32,
        rs2: u32,
        into_code: bool,
        misaligned: bool,
    },
    Branch {
        funct3: u32,
        rs1: u32,
        rs2: u32,
        skip: i32,
    },
    Jal {
        rd: u32,
        skip: i32,
    },
    Permute,
}

fn writable() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), 1u32..SCRATCH]
}

fn any_reg() -> impl Strategy<Value = u32> {
    0u32..32
}

fn gen() -> impl Strategy<Value = Gen> {
    prop_oneof![
        60 => (prop_oneof![Just(0u32), Just(1), Just(0x20)], 0u32..8, writable(), any_reg(), any_reg())
            .prop_map(|(funct7, funct3, rd, rs1, rs2)| Gen::Alu { funct7, funct3, rd, rs1, rs2 }),
        60 => (0u32..8, -2048i32..2048, writable(), any_reg(), any::<bool>())
            .prop_map(|(funct3, imm, rd, rs1, shift_arith)| Gen::AluImm { funct3, imm, rd, rs1, shift_arith }),
        10 => (any::<bool>(), any::<u32>(), writable())
            .prop_map(|(auipc, imm, rd)| Gen::Upper { auipc, imm: imm & !0xfff, rd }),
        40 => (prop_oneof![Just(0u32), Just(1), Just(2), Just(4), Just(5)], -2048i32..2048, writable(), prop::bool::weighted(0.01))
            .prop_map(|(funct3, imm, rd, misaligned)| Gen::Load { funct3, imm, rd, misaligned }),
        40 => (0u32..3, -2048i32..2048, any_reg(), prop::bool::weighted(0.01), prop::bool::weighted(0.01))
            .prop_map(|(funct3, imm, rs2, into_code, misaligned)| Gen::Store { funct3, imm, rs2, into_code, misaligned }),
        20 => (prop_oneof![Just(0u32), Just(1), Just(4), Just(5), Just(6), Just(7)], any_reg(), any_reg(), 1i32..6)
            .prop_map(|(funct3, rs1, rs2, skip)| Gen::Branch { funct3, rs1, rs2, skip }),
        10 => (writable(), 1i32..4).prop_map(|(rd, skip)| Gen::Jal { rd, skip }),
        1 => Just(Gen::Permute),
    ]
}

/// `imm` rounded down to the access width of `funct3`, unless `misaligned`.
fn align(imm: i32, funct3: u32, misaligned: bool) -> i32 {
    let width = 1 << (funct3 & 3);
    if misaligned {
        imm
    } else {
        imm & -width
    }
}

/// The words of one generated instruction.
fn emit(g: &Gen) -> Vec<u32> {
    match *g {
        Gen::Alu { funct7, funct3, rd, rs1, rs2 } => {
            // funct7 1 is M; 0x20 only exists for sub and sra.
            let funct7 = if funct7 == 0x20 && funct3 != 0 && funct3 != 5 { 0 } else { funct7 };
            vec![r_type(funct7, rs2, rs1, funct3, rd, 0x33)]
        }
        Gen::AluImm { funct3, imm, rd, rs1, shift_arith } => {
            let imm = match funct3 {
                1 => imm & 31,
                5 => (imm & 31) | if shift_arith { 0x400 } else { 0 },
                _ => imm,
            };
            vec![i_type(imm, rs1, funct3, rd, 0x13)]
        }
        Gen::Upper { auipc, imm, rd } => vec![imm | rd << 7 | if auipc { 0x17 } else { 0x37 }],
        Gen::Load { funct3, imm, rd, misaligned } => {
            vec![i_type(align(imm, funct3, misaligned), DATA_BASE, funct3, rd, 0x03)]
        }
        Gen::Store { funct3, imm, rs2, into_code: false, misaligned } => {
            vec![s_type(align(imm, funct3, misaligned), rs2, DATA_BASE, funct3)]
        }
        Gen::Store { funct3, imm, rs2, into_code: true, .. } => {
            // Into the loop body itself: the next iteration runs the changed code.
            let offset = (imm.unsigned_abs() % CODE_SPAN) as i32 & !3;
            vec![s_type(offset, rs2, CODE_BASE, funct3)]
        }
        Gen::Branch { funct3, rs1, rs2, skip } => vec![b_type(4 * skip, rs2, rs1, funct3)],
        Gen::Jal { rd, skip } => vec![j_type(4 * skip, rd)],
        Gen::Permute => {
            // keccak-f over the first code block: a host write into compiled code.
            let mut words = li(17, syscall::KECCAK_PERMUTE).to_vec();
            words.push(i_type(0, CODE_BASE, 0, 10, 0x13)); // a0 = code base
            words.push(0x73);
            words
        }
    }
}

/// A program that runs `body` in a loop `iterations` times, then exits with `x10`. With
/// `once = (n, words)`, the loop also runs `words` in the iteration where the counter (which
/// counts down) equals `n`.
fn looping_program(
    body: &[Gen],
    once: Option<(u32, Vec<u32>)>,
    data: &[u8],
    iterations: u32,
) -> Program {
    let mut words = Vec::new();
    words.extend(li(DATA_BASE, DATA_AT));
    words.extend(li(COUNTER, iterations));
    let mut body_words: Vec<u32> = body.iter().flat_map(emit).collect();
    if let Some((at, once)) = once {
        body_words.extend(li(SCRATCH, at));
        body_words.push(b_type(4 * (once.len() as i32 + 1), SCRATCH, COUNTER, 1));
        body_words.extend(once);
    }
    let loop_at = CODE_AT + 4 * (words.len() as u32 + 2);
    words.extend(li(CODE_BASE, loop_at - loop_at % KECCAK_BLOCK_BYTES));
    words.extend(&body_words);
    let back = -4 * (body_words.len() as i32 + 1);
    words.push(i_type(-1, COUNTER, 0, COUNTER, 0x13));
    words.push(b_type(back, 0, COUNTER, 1));
    words.extend(li(17, syscall::EXIT));
    words.push(0x73);
    // Forward branches and jumps past the end land on the exit sequence or beyond it.
    words.extend(std::iter::repeat_n(0x0000_0013, 8));
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let len = bytes.len() as u32;
    Program {
        entry: CODE_AT,
        segments: vec![
            Segment { vaddr: CODE_AT, mem_size: len, data: bytes, executable: true },
            Segment {
                vaddr: DATA_AT - 2048,
                mem_size: 4096,
                data: data.to_vec(),
                executable: false,
            },
        ],
        code: std::iter::once(CODE_AT..CODE_AT + len).collect(),
        symbols: Vec::new(),
    }
}

/// A program of `words` at `CODE_AT`, entered at its first word.
fn code_program(words: &[u32]) -> Program {
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    let len = bytes.len() as u32;
    Program {
        entry: CODE_AT,
        segments: vec![Segment { vaddr: CODE_AT, mem_size: len, data: bytes, executable: true }],
        code: std::iter::once(CODE_AT..CODE_AT + len).collect(),
        symbols: Vec::new(),
    }
}

fn quiet_host() -> StdHost {
    StdHost::new(PreimageStore::new(), OutputMode::Capture)
}

#[test]
fn random_looping_programs_agree_at_random_steps() {
    let cases = 128;
    let mut runner = TestRunner::new(Config { cases, ..Config::default() });
    let compiled_cases = std::cell::Cell::new(0);
    let strategy = (
        prop::collection::vec(gen(), 4..48),
        prop::collection::vec(any::<u8>(), 4096),
        5_000u32..40_000,
        prop::collection::vec(0u64..1 << 16, 1..8),
    );
    runner
        .run(&strategy, |(body, data, iterations, fractions)| {
            let program = looping_program(&body, None, &data, iterations);
            let stops = stops_within(&program, &quiet_host(), &fractions, 2_000_000);
            if agree(&program, &quiet_host(), &stops) > 0 {
                compiled_cases.set(compiled_cases.get() + 1);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    // Most programs loop long enough to be compiled; the rest fault early.
    assert!(compiled_cases.get() >= cases / 4, "only {} cases compiled", compiled_cases.get());
}

#[test]
fn a_loop_of_one_block_stops_at_every_step_count() {
    // Compiled by step 200,000 (fast mode compiles code after 100,000 interpreted steps);
    // every stop from there to 3,000 steps on lands inside or at the end of a compiled block.
    let body = [
        Gen::AluImm { funct3: 0, imm: 7, rd: 5, rs1: 5, shift_arith: false },
        Gen::Store { funct3: 2, imm: 0, rs2: 5, into_code: false, misaligned: false },
        Gen::Load { funct3: 2, imm: 0, rd: 6, misaligned: false },
    ];
    let program = looping_program(&body, None, &[0; 4096], 100_000);
    let mut compiled = vm(&program, true);
    let mut interpreted = vm(&program, false);
    let mut host = quiet_host();
    for stop in (200_000..203_000u64).chain([u64::MAX]) {
        compiled.run(&mut host, stop).expect("compiled");
        interpreted.run(&mut host, stop).expect("interpreted");
        assert_eq!(compiled.cpu(), interpreted.cpu(), "at step {stop}");
    }
    assert_eq!(compiled.state_hash(), interpreted.state_hash());
    assert!(compiled.compiled_regions() > 0, "the loop was compiled");
}

#[test]
fn a_run_warms_up_in_the_interpreter_before_compiling() {
    let body = [Gen::AluImm { funct3: 0, imm: 3, rd: 5, rs1: 5, shift_arith: false }];
    let program = looping_program(&body, None, &[0; 64], 1_000_000);
    let config =
        VmConfig { background_compile: false, warm_up_steps: 400_000, ..VmConfig::default() };
    let mut compiled = Vm::with_config(&program, config).expect("load");
    let mut interpreted = vm(&program, false);
    let mut host = quiet_host();
    // Hot long before: nothing compiled during the warm-up, however the run is cut.
    for stop in [150_000, 399_999, 400_000] {
        compiled.run(&mut host, stop).expect("compiled");
        assert_eq!(compiled.compiled_regions(), 0, "still warming up at step {stop}");
    }
    for stop in [700_000, u64::MAX] {
        compiled.run(&mut host, stop).expect("compiled");
        interpreted.run(&mut host, stop).expect("interpreted");
        assert_eq!(compiled.state_hash(), interpreted.state_hash(), "at step {stop}");
    }
    assert!(compiled.compiled_regions() > 0, "compiled once warm");
}

#[test]
fn regions_compiled_in_the_background_take_over_where_they_arrive() {
    // The interpreter runs the loop until its region arrives from the compiler thread, at a
    // step nobody chose; the state must be the interpreter's at every stop either way.
    let body = [
        Gen::AluImm { funct3: 0, imm: 7, rd: 5, rs1: 5, shift_arith: false },
        Gen::Store { funct3: 2, imm: 0, rs2: 5, into_code: false, misaligned: false },
    ];
    let program = looping_program(&body, None, &[0; 4096], u32::MAX);
    let config = VmConfig { warm_up_steps: 0, ..VmConfig::default() };
    let mut compiled = Vm::with_config(&program, config).expect("load");
    let mut interpreted = vm(&program, false);
    let mut host = quiet_host();
    let mut stop = 0;
    // Well past the steps that make the loop hot, until its region has run for a while.
    while stop < 1_000_000 || (compiled.compiled_regions() == 0 && stop < 2_000_000_000) {
        stop += 100_003;
        compiled.run(&mut host, stop).expect("compiled");
        interpreted.run(&mut host, stop).expect("interpreted");
        assert_eq!(compiled.cpu(), interpreted.cpu(), "at step {stop}");
    }
    for _ in 0..20 {
        stop += 100_003;
        compiled.run(&mut host, stop).expect("compiled");
        interpreted.run(&mut host, stop).expect("interpreted");
    }
    assert_eq!(compiled.state_hash(), interpreted.state_hash(), "at step {stop}");
    assert!(compiled.compiled_regions() > 0, "the region arrived");
}

#[test]
fn code_rewritten_while_its_region_compiles_in_the_background_runs_rewritten() {
    // A hot loop rewrites its own first instruction every 16,384 iterations (~80k steps),
    // about as often as a dropped region is compiled again (100k steps, then a compile that
    // takes tens of thousands of interpreted steps or more): some regions arrive and run,
    // others are rewritten while being compiled and must be discarded when they arrive. The
    // last million iterations rewrite nothing, so a region arrives whatever the timing.
    const LOOP: u32 = 8;
    const TEMPLATE: u32 = 26;
    const QUIET: u32 = 27;
    let mut words = Vec::new();
    words.extend(li(CODE_BASE, CODE_AT));
    words.extend(li(COUNTER, 3_000_000));
    words.extend(li(TEMPLATE, i_type(0, 5, 0, 5, 0x13))); // `addi x5, x5, 0`, to give an imm
    words.extend(li(QUIET, 1_000_000));
    assert_eq!(words.len() as u32, LOOP);
    words.push(i_type(7, 5, 0, 5, 0x13)); // LOOP: addi x5, x5, 7 (rewritten)
    words.push(i_type(18, COUNTER, 1, SCRATCH, 0x13)); // slli x28, x30, 18
    words.push(b_type(20, 0, SCRATCH, 1)); // bne x28, x0, skip
    words.push(b_type(16, QUIET, COUNTER, 6)); // bltu x30, x27, skip
    words.push(i_type(20, COUNTER, 1, SCRATCH, 0x13)); // slli x28, x30, 20: a new imm
    words.push(r_type(0, TEMPLATE, SCRATCH, 6, SCRATCH, 0x33)); // or x28, x28, x26
    words.push(s_type(4 * LOOP as i32, SCRATCH, CODE_BASE, 2)); // sw x28, LOOP(x29)
    words.push(i_type(-1, COUNTER, 0, COUNTER, 0x13)); // skip: addi x30, x30, -1
    let back = 4 * (LOOP as i32 - words.len() as i32);
    words.push(b_type(back, 0, COUNTER, 1)); // bne x30, x0, LOOP
    words.extend(li(17, syscall::EXIT));
    words.push(0x73);
    let program = code_program(&words);
    let config = VmConfig { warm_up_steps: 0, ..VmConfig::default() };
    let mut compiled = Vm::with_config(&program, config).expect("load");
    let mut interpreted = vm(&program, false);
    let mut host = quiet_host();
    let mut stop = 0;
    while interpreted.cpu().halt.is_running() {
        stop += 1_000_003;
        compiled.run(&mut host, stop).expect("compiled");
        interpreted.run(&mut host, stop).expect("interpreted");
        assert_eq!(compiled.cpu(), interpreted.cpu(), "at step {stop}");
    }
    assert_eq!(compiled.state_hash(), interpreted.state_hash());
    assert!(compiled.compiled_regions() > 0, "some regions arrived in time");
}

#[test]
fn code_changed_after_compiling_runs_changed() {
    // The first loop instruction, `addi x5, x5, 7`, compiled within 20,000 iterations.
    let body = [Gen::AluImm { funct3: 0, imm: 7, rd: 5, rs1: 5, shift_arith: false }];
    let patched = i_type(9, 5, 0, 5, 0x13);
    // The loop starts 24 bytes into the code block `CODE_BASE` points at.
    let mut store = li(SCRATCH, patched).to_vec();
    store.push(s_type(24, SCRATCH, CODE_BASE, 2));
    let permute = emit(&Gen::Permute);
    for (what, once) in [("a guest store", store), ("a keccak permutation", permute)] {
        let program = looping_program(&body, Some((20_000, once)), &[0; 4096], 60_000);
        let stops: Vec<u64> = (1..=50).map(|i| i * 10_000).collect();
        assert!(agree(&program, &quiet_host(), &stops) > 0, "{what}: the loop was compiled");
    }
}

#[test]
fn a_word_rewritten_after_it_ran_runs_rewritten_stepped_and_interpreted() {
    // `addi x5, x5, 1` runs, is rewritten to `addi x5, x5, 100`, and runs again.
    let mut words = vec![
        i_type(1, 5, 0, 5, 0x13), // TARGET: addi x5, x5, 1 (rewritten)
        i_type(1, 8, 0, 8, 0x13), // addi x8, x8, 1
        i_type(2, 0, 0, 9, 0x13), // addi x9, x0, 2
        b_type(28, 9, 8, 0),      // beq x8, x9, EXIT
    ];
    words.extend(li(6, i_type(100, 5, 0, 5, 0x13)));
    words.extend(li(7, CODE_AT));
    words.push(s_type(0, 6, 7, 2)); // sw x6, 0(x7)
    words.push(j_type(-36, 0)); // j TARGET
    words.extend(li(17, syscall::EXIT)); // EXIT:
    words.push(0x73);
    let vm = common::three_way(&code_program(&words), &quiet_host(), u64::MAX);
    assert_eq!(vm.cpu().halt, axon_vm::Halt::Exited(0));
    assert_eq!(vm.cpu().regs[5], 101, "the first run added 1, the rewritten one 100");
}

#[test]
fn compiled_stores_into_code_that_was_never_compiled_are_seen() {
    // A hot loop rewrites the first instruction of a function one page further on, which only
    // the interpreter ever runs (once, after the loop), with `addi x6, x0, counter`.
    const FUNCTION: u32 = CODE_AT + 4096;
    let mut words = Vec::new();
    words.extend(li(CODE_BASE, FUNCTION));
    words.extend(li(COUNTER, 60_000));
    let loop_at = words.len() as i32;
    words.push(i_type(20, COUNTER, 1, SCRATCH, 0x13)); // slli x28, x30, 20
    words.push(i_type(0x313, SCRATCH, 6, SCRATCH, 0x13)); // ori x28, x28, 0x313
    words.push(s_type(0, SCRATCH, CODE_BASE, 2)); // sw x28, 0(x29)
    words.push(i_type(-1, COUNTER, 0, COUNTER, 0x13));
    words.push(b_type(-4 * (words.len() as i32 - loop_at), 0, COUNTER, 1));
    words.push(j_type(4096 - 4 * words.len() as i32, 1)); // jal ra, FUNCTION
    words.extend(li(17, syscall::EXIT));
    words.push(0x73);
    words.resize(1024, 0x0000_0013);
    words.push(i_type(0, 0, 0, 6, 0x13)); // FUNCTION: addi x6, x0, 0 (rewritten)
    words.push(i_type(0, 1, 0, 0, 0x67)); // jalr x0, 0(ra)
    let program = code_program(&words);
    // Few stops: each one rehashes memory, after which the next store is the interpreter's.
    let stops = [150_000, u64::MAX];
    assert!(agree(&program, &quiet_host(), &stops) > 0, "the loop was compiled");
}

#[test]
fn fixture_guests_agree_at_random_steps() {
    // (guest, input, the most steps to compare)
    let guests: [(&str, &[u8], u64); 5] = [
        ("fixtures/programs/hello.elf", b"compiled or not", u64::MAX),
        ("fixtures/programs/atomics.elf", b"", u64::MAX),
        ("fixtures/programs/keccak-sponge.elf", b"", u64::MAX),
        ("fixtures/programs/bench-keccak.elf", b"", 30_000_000),
        ("fixtures/programs/bench-mixed.elf", b"", 30_000_000),
    ];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for (path, input, most) in guests {
        let program = common::program(path);
        let host = common::capturing_host(input.to_vec());
        let fractions: Vec<u64> = (0..12)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                seed % (1 << 16)
            })
            .collect();
        let stops = stops_within(&program, &host, &fractions, most);
        let compiled = agree(&program, &host, &stops);
        if path.contains("bench-") {
            assert!(compiled > 0, "{path}: the hot loops were compiled");
        }
    }
}
