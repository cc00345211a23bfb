//! The Rust VM and the compiled Solidity verifier agree on every step.
//!
//! `contracts/out/` (forge's build output, `make -C contracts build`) is deployed in an
//! in-process EVM (the dispute toolkit's embedded chain; see `axon_tests::verifier`) and each step is checked three
//! ways: the VM that recorded the witness (`Vm::step_with_witness`, then `Vm::state_hash`),
//! the Rust stateless verifier fed only the witness (`verify_step`), and `RISCV.step` in the
//! EVM with the preimage oracle loaded as a challenger would load it. All three post-state
//! hashes must be equal.
//!
//! - every step of every conformance program and of `hello` (with a small input), and dense
//!   windows of `bench-keccak` (start, keccak chain, matrix products, exit);
//! - differential fuzzing: 100,000 one-instruction states built at random from a fixed seed
//!   (`AXON_EVM_FUZZ_SEED` and `AXON_EVM_FUZZ_CASES` override it);
//! - truncated, extended and bit-flipped proofs revert on chain (and fail in Rust).
//!
//! The counts, a per-class gas table and the run time are written to stderr past libtest's
//! output capture, so they show in `make test`.

use std::collections::BTreeMap;
use std::io::Write;
use std::time::Instant;

use axon_tests::rng::Rng;
use axon_tests::verifier::{self, describe_revert, StepResult, Verifier, MAX_LOCAL_DATA};
use axon_tests::{capturing_host, program, repo};
use axon_vm::abi::layout::KECCAK_BLOCK_BYTES;
use axon_vm::abi::{fd, syscall, Fault, PreimageKeyType};
use axon_vm::decode::{decode, disassemble, Op};
use axon_vm::elf::Segment;
use axon_vm::merkle::{keccak256, BlockProof, Proof, MEMORY_PROOF_MAX_BYTES};
use axon_vm::preimage::{local_key, PreimageSource};
use axon_vm::{
    verify_step, Cpu, EncodedState, Halt, Hash, OutputMode, PreimageStore, Program, StdHost,
    StepWitness, Vm,
};

/// Writes a line to the test process's stderr, past libtest's capture of `print!`.
fn report(text: &str) {
    let _ = writeln!(std::io::stderr(), "{text}");
}

/// The local context the program tests step with.
fn program_context() -> Hash {
    keccak256(b"axon evm test local context")
}

// ---------------------------------------------------------------------------------------------
// Gas per instruction class

/// Execution gas of `step` per instruction class.
#[derive(Default)]
struct GasTable(BTreeMap<&'static str, Vec<u64>>);

impl GasTable {
    fn record(&mut self, class: &'static str, gas: u64) {
        self.0.entry(class).or_default().push(gas);
    }

    fn merge(&mut self, other: GasTable) {
        for (class, gas) in other.0 {
            self.0.entry(class).or_default().extend(gas);
        }
    }

    fn render(&self, title: &str) -> String {
        let mut out = format!(
            "{title}\n  {:<44} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
            "class", "steps", "min", "median", "mean", "max"
        );
        for (class, gas) in &self.0 {
            let mut sorted = gas.clone();
            sorted.sort_unstable();
            let mean = sorted.iter().sum::<u64>() / sorted.len() as u64;
            out += &format!(
                "  {class:<44} {:>7} {:>7} {:>7} {:>7} {:>7}\n",
                sorted.len(),
                sorted[0],
                sorted[sorted.len() / 2],
                mean,
                sorted[sorted.len() - 1]
            );
        }
        out
    }
}

/// The class of the step about to run from `pre` (whose `pc` holds `word`).
fn class_of(pre: &Cpu, word: u32) -> &'static str {
    if !pre.halt.is_running() {
        return "halted (no-op, no proof)";
    }
    if matches!(decode(word).op, Op::Illegal | Op::Ebreak) {
        return "fault";
    }
    match word & 0x7f {
        0x33 if word >> 25 == 1 => "M: MUL*, DIV*, REM*",
        0x33 | 0x13 | 0x37 | 0x17 => "ALU: OP, OP-IMM, LUI, AUIPC",
        0x63 => "branch",
        0x6f | 0x67 => "JAL, JALR",
        0x03 => "load",
        0x23 => "store",
        0x0f => "FENCE",
        _ => match (pre.regs[17], pre.regs[10]) {
            (syscall::EXIT, _) => "ecall exit",
            (syscall::WRITE, fd::STDOUT | fd::STDERR | fd::HINT_WRITE) => {
                "ecall write (stdout, stderr, hint)"
            }
            (syscall::WRITE, fd::PREIMAGE_WRITE) => "ecall preimage key write",
            (syscall::KECCAK_PERMUTE, a0) if a0 % KECCAK_BLOCK_BYTES == 0 => {
                "ecall keccak_permute (block proof)"
            }
            (syscall::KECCAK_PERMUTE, _) => "ecall keccak_permute (misaligned)",
            (syscall::READ, fd::PREIMAGE_READ) => match pre.preimage_key[0] {
                t if t == PreimageKeyType::Local as u8 => "ecall preimage read (local)",
                t if t == PreimageKeyType::Keccak256 as u8 => "ecall preimage read (keccak)",
                t if t == PreimageKeyType::Blob as u8 => "ecall preimage read (blob)",
                _ => "fault",
            },
            _ => "ecall other (bad fd)",
        },
    }
}

// ---------------------------------------------------------------------------------------------
// The three-way step

/// Steps `vm` three ways and requires one post-state hash; records gas by class.
struct Checker {
    chain: Verifier,
    gas: GasTable,
    /// Whole-transaction gas of `step` per instruction class (calldata floor included).
    tx_gas: GasTable,
    /// Steps checked against the EVM.
    checked: u64,
    /// Of those, steps reading a local datum over 32 bytes, put into the oracle's storage
    /// directly because `loadLocalData` cannot load it.
    injected: u64,
    /// Mutated witnesses that reverted.
    mutated: u64,
}

impl Checker {
    fn new() -> Self {
        Self {
            chain: Verifier::deploy(),
            gas: GasTable::default(),
            tx_gas: GasTable::default(),
            checked: 0,
            injected: 0,
            mutated: 0,
        }
    }

    /// One step of `vm`, checked: the witness VM's hash = `verify_step` = `RISCV.step`.
    /// `label` names the step in failure messages. Returns the witness.
    fn step(
        &mut self,
        vm: &mut Vm,
        host: &mut StdHost,
        context: &Hash,
        label: &dyn Fn() -> String,
    ) -> StepWitness {
        let pre = vm.cpu().clone();
        let word = vm.memory().load_u32(pre.pc & !3);
        let witness = vm
            .step_with_witness(host)
            .unwrap_or_else(|e| panic!("{}: the VM failed: {e}", describe(&label(), &pre, word)));
        let post = vm.state_hash();
        let stateless = verify_step(&witness).unwrap_or_else(|e| {
            panic!("{}: verify_step failed: {e}", describe(&label(), &pre, word))
        });
        assert_eq!(stateless, post, "{}: verify_step != VM", describe(&label(), &pre, word));

        let mut class = class_of(&pre, word);
        if pre.halt.is_running() && matches!(vm.cpu().halt, Halt::Faulted(_)) {
            class = "fault";
        } else if class.starts_with("ecall preimage read") && proof_spans(&witness).len() == 1 {
            class = "ecall preimage read moving 0 bytes";
        }
        if let Some(part) = &witness.preimage {
            let data = host.preimages.preimage(&part.key).expect("the VM read it").to_vec();
            if part.key[0] == PreimageKeyType::Local as u8 && data.len() > MAX_LOCAL_DATA {
                self.chain.inject_local(&part.key, &data, context);
                self.injected += 1;
            } else {
                self.chain.load_part(part, &data, context);
            }
        }
        match self.chain.step(&witness.state, &witness.proof, context) {
            StepResult::Post { hash, gas, tx_gas } => {
                if hash != post {
                    panic!(
                        "{}: EVM post-state {} != Rust {}\nwitness: {}",
                        describe(&label(), &pre, word),
                        hex::encode(hash),
                        hex::encode(post),
                        serde_json::to_string(&witness).expect("JSON")
                    );
                }
                self.gas.record(class, gas);
                self.tx_gas.record(class, tx_gas);
            }
            StepResult::Reverted(data) => panic!(
                "{}: EVM reverted with {}\nwitness: {}",
                describe(&label(), &pre, word),
                describe_revert(&data),
                serde_json::to_string(&witness).expect("JSON")
            ),
        }
        self.checked += 1;
        witness
    }

    /// Requires that `witness` with a broken proof reverts on chain and fails in Rust:
    /// truncated by a byte, short of its last proof, extended by a proof, and with one byte
    /// flipped in each proof (at a position drawn from `rng`).
    fn mutations_revert(&mut self, witness: &StepWitness, context: &Hash, rng: &mut Rng, at: &str) {
        let proof = &witness.proof;
        let spans = proof_spans(witness);
        let mut bad: Vec<(String, Vec<u8>)> = Vec::new();
        if let Some(last) = spans.last() {
            bad.push(("truncated by 1 byte".into(), proof[..proof.len() - 1].to_vec()));
            bad.push(("last proof dropped".into(), proof[..last.start].to_vec()));
        }
        // A valid proof too many (a copy of the fetch proof; a full-length zero proof after a
        // halted state, which takes none).
        let mut longer = proof.clone();
        match spans.first() {
            Some(first) => longer.extend_from_slice(&proof[first.clone()]),
            None => longer.resize(MEMORY_PROOF_MAX_BYTES, 0),
        }
        bad.push(("extra proof appended".into(), longer));
        for span in &spans {
            let mut flipped = proof.clone();
            let i = span.start + rng.below(span.len() as u32) as usize;
            flipped[i] ^= 1 << rng.below(8);
            bad.push((format!("bit flipped in byte {i}"), flipped));
        }
        for (what, proof) in bad {
            let broken = StepWitness { proof: proof.clone(), ..witness.clone() };
            assert!(verify_step(&broken).is_err(), "{at}: {what}: verify_step accepted it");
            match self.chain.step(&witness.state, &proof, context) {
                StepResult::Reverted(_) => self.mutated += 1,
                StepResult::Post { hash, .. } => panic!(
                    "{at}: {what}: the EVM returned {} instead of reverting",
                    hex::encode(hash)
                ),
            }
        }
    }
}

/// The byte ranges of the wire-form proofs in a witness's proof blob: the fetch proof, then
/// a data proof — a block proof when the step is a `keccak_permute`.
fn proof_spans(witness: &StepWitness) -> Vec<std::ops::Range<usize>> {
    let blob = &witness.proof;
    let Some((fetch, fetch_len)) = Proof::read_from(blob) else {
        return Vec::new();
    };
    let mut spans = Vec::with_capacity(2);
    spans.push(0..fetch_len);
    if fetch_len < blob.len() {
        let pre = EncodedState::decode(&witness.state).expect("the VM's own state decodes");
        let at = (pre.cpu.pc % 32) as usize;
        let word = u32::from_le_bytes(fetch.leaf[at..at + 4].try_into().expect("4 bytes"));
        let rest = &blob[fetch_len..];
        let len = if decode(word).op == Op::Ecall && pre.cpu.regs[17] == syscall::KECCAK_PERMUTE {
            BlockProof::read_from(rest).expect("the VM's own block proof parses").1
        } else {
            Proof::read_from(rest).expect("the VM's own proof parses").1
        };
        spans.push(fetch_len..fetch_len + len);
    }
    spans
}

fn describe(label: &str, pre: &Cpu, word: u32) -> String {
    let text = disassemble(word, pre.pc).unwrap_or_else(|| "illegal".into());
    format!("{label} (pc {:#010x}: {word:#010x} {text}, halt {:?})", pre.pc, pre.halt)
}

/// Steps `program` to its end (and once more, halted) with every step checked; returns the
/// final VM.
fn check_program(checker: &mut Checker, name: &str, program: &Program, input: Vec<u8>) -> Vm {
    let context = program_context();
    let mut vm = Vm::new(program).expect("load");
    let mut host = capturing_host(input);
    loop {
        let halted = !vm.cpu().halt.is_running();
        let step = vm.cpu().step;
        checker.step(&mut vm, &mut host, &context, &|| format!("{name} step {step}"));
        assert!(vm.cpu().step < 1_000_000, "{name}: runs too long");
        if halted {
            return vm;
        }
    }
}

#[derive(serde::Deserialize)]
struct Expected {
    input: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Tests: programs

#[test]
fn every_step_of_every_program_agrees_with_the_evm() {
    let start = Instant::now();
    let mut checker = Checker::new();
    let dir = repo().join("fixtures/conformance");
    let expected: BTreeMap<String, Expected> =
        serde_json::from_slice(&std::fs::read(dir.join("expected.json")).expect("expected.json"))
            .expect("expected.json parses");
    for (name, want) in &expected {
        let program = program(&format!("fixtures/conformance/elf/{name}.elf"));
        let input = want
            .input
            .as_ref()
            .map(|p| std::fs::read(dir.join(p)).expect("input file"))
            .unwrap_or_default();
        check_program(&mut checker, name, &program, input);
    }
    let conformance = checker.checked;

    let input = b"axon: one EVM step at a time".to_vec();
    assert!(input.len() <= MAX_LOCAL_DATA);
    let hello = program("fixtures/programs/hello.elf");
    let vm = check_program(&mut checker, "hello", &hello, input);
    assert_eq!(vm.cpu().halt, Halt::Exited(0), "hello exits 0");
    let hello_steps = checker.checked - conformance;

    report(&format!(
        "evm: {} conformance programs: {conformance} steps, hello: {hello_steps} steps; all {} \
         agree three ways (witness VM = verify_step = RISCV.step in revm) in {:.1?}",
        expected.len(),
        checker.checked,
        start.elapsed()
    ));
    report(&format!(
        "evm: {} of those steps read a local datum over {MAX_LOCAL_DATA} bytes, which \
         loadLocalData cannot load: they ran with the datum written into the oracle's storage \
         directly (0 skipped)",
        checker.injected
    ));
    report(&checker.gas.render("evm: execution gas of RISCV.step, program steps (revm, Prague)"));
    report(&checker.tx_gas.render(
        "evm: whole-transaction gas of RISCV.step, program steps (revm, Prague, calldata floor)",
    ));
    assert!(checker.checked > 10_000, "only {} steps checked", checker.checked);
    assert!(checker.injected > 0, "the >32-byte local reads were exercised");
}

/// bench-keccak is 145.5M steps: too long to step whole through the EVM, so dense windows
/// are checked instead — its start, inside the keccak chain, inside the matrix products, and
/// its last steps up to and including the exit and a halted no-op.
#[test]
fn dense_windows_of_the_benchmark_guest_agree_with_the_evm() {
    const WINDOW: u64 = 3_000;
    let start = Instant::now();
    let program = program("fixtures/programs/bench-keccak.elf");
    let mut checker = Checker::new();
    let context = program_context();
    let mut vm = Vm::new(&program).expect("load");
    let mut host = capturing_host(Vec::new());
    let mut total = Vm::new(&program).expect("load");
    total.run(&mut capturing_host(Vec::new()), u64::MAX).expect("run");
    let last = total.cpu().step;
    for window in [0, 10_000_000, 140_000_000, last - WINDOW + 1] {
        vm.run(&mut host, window).expect("run to the window");
        for _ in 0..WINDOW {
            let halted = !vm.cpu().halt.is_running();
            let step = vm.cpu().step;
            checker.step(&mut vm, &mut host, &context, &|| format!("bench-keccak step {step}"));
            if halted {
                break;
            }
        }
    }
    assert_eq!(vm.cpu().halt, Halt::Exited(0), "the last window reaches the exit");
    report(&format!(
        "evm: bench-keccak: {} steps in 4 windows of {WINDOW} (of {last}) agree three ways in {:.1?}",
        checker.checked,
        start.elapsed()
    ));
    assert!(checker.checked >= 4 * WINDOW, "{} steps checked", checker.checked);
}

#[test]
fn injected_local_data_reads_back_like_loaded_data() {
    // inject_local writes the oracle's storage by slot; readPreimage must answer it exactly
    // as the Rust oracle rule does, and as for data loaded through loadLocalData.
    let mut chain = Verifier::deploy();
    let context = program_context();
    let long: Vec<u8> = (0..100u32).map(|i| (i * 37 + 11) as u8).collect();
    let short: Vec<u8> = (0..20u8).collect();
    let long_key = chain.inject_local(&local_key(1), &long, &context);
    let short_key = verifier::localize(&local_key(2), verifier::GAME, &context);
    for offset in [0u32, 5, 8, 27, 28] {
        let part = axon_vm::PreimagePart::of(local_key(2), &short, offset);
        chain.load_part(&part, &short, &context);
    }
    for offset in 0..140u32 {
        let want = axon_vm::PreimagePart::of(local_key(1), &long, offset);
        let got = chain.read_preimage(&long_key, offset).expect("loaded");
        assert_eq!(got, (want.bytes, u64::from(want.len)), "injected, offset {offset}");
        let want = axon_vm::PreimagePart::of(local_key(2), &short, offset);
        let got = chain.read_preimage(&short_key, offset).expect("loaded");
        assert_eq!(got, (want.bytes, u64::from(want.len)), "loaded, offset {offset}");
    }
}

#[test]
fn broken_proofs_revert() {
    let mut checker = Checker::new();
    let mut rng = Rng::new(0x5eed_b0b0);
    let context = program_context();
    let dir = repo().join("fixtures/conformance");
    for (name, input) in [
        ("lw", None),
        ("sb", None),
        ("self_modifying", None),
        ("fault_misaligned_lw", None),
        ("fault_illegal_zero", None),
        ("syscall_write_stdout", None),
        ("preimage_rekey", Some("input/preimage_local.bin")),
        ("preimage_empty", Some("input/empty.bin")),
    ] {
        let program = program(&format!("fixtures/conformance/elf/{name}.elf"));
        let input = input.map(|p| std::fs::read(dir.join(p)).expect("input")).unwrap_or_default();
        let mut vm = Vm::new(&program).expect("load");
        let mut host = capturing_host(input);
        loop {
            let halted = !vm.cpu().halt.is_running();
            let step = vm.cpu().step;
            let label = format!("{name} step {step}");
            let witness = checker.step(&mut vm, &mut host, &context, &|| label.clone());
            checker.mutations_revert(&witness, &context, &mut rng, &label);
            if halted {
                break;
            }
        }
    }
    report(&format!(
        "evm: {} broken proofs (truncated, short a proof, an extra proof, a flipped bit) over \
         {} steps: every one reverts on chain and fails verify_step",
        checker.mutated, checker.checked
    ));
}

#[test]
fn invalid_states_revert() {
    // States no VM produces: each must revert on chain and fail to decode in Rust.
    let mut chain = Verifier::deploy();
    let program = program("fixtures/conformance/elf/add.elf");
    let mut vm = Vm::new(&program).expect("load");
    let witness = vm.step_with_witness(&mut capturing_host(Vec::new())).expect("step");
    let (kind_at, code_at) = (81, 82);
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut push = |what, edit: &dyn Fn(&mut Vec<u8>)| {
        let mut state = witness.state.clone();
        edit(&mut state);
        cases.push((what, state));
    };
    push("one byte short", &|s| {
        s.pop();
    });
    push("one byte long", &|s| s.push(0));
    push("layout version 0", &|s| s[0] = 0);
    push("layout version 2", &|s| s[0] = 2);
    push("halt kind 3", &|s| s[kind_at] = 3);
    push("running with a halt code", &|s| s[code_at + 3] = 1);
    push("faulted with code 0", &|s| s[kind_at] = 2);
    push("faulted with code 8", &|s| {
        s[kind_at] = 2;
        s[code_at + 3] = 8;
    });
    for (what, state) in cases {
        let broken = StepWitness { state: state.clone(), ..witness.clone() };
        assert!(verify_step(&broken).is_err(), "{what}: verify_step accepted it");
        match chain.step(&state, &witness.proof, &[0; 32]) {
            StepResult::Reverted(_) => {}
            StepResult::Post { hash, .. } => {
                panic!("{what}: the EVM returned {} instead of reverting", hex::encode(hash))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Differential fuzzing

/// The verifier's draws: register values and register numbers.
trait Registers {
    /// A register value: edge cases, small numbers or anything.
    fn value(&mut self) -> u32;
    /// A register number: one of the first four a quarter of the time, any otherwise.
    fn reg(&mut self) -> u32;
}

impl Registers for Rng {
    fn value(&mut self) -> u32 {
        match self.below(10) {
            0 => 0,
            1 => self.pick(&[1, u32::MAX, 0x8000_0000, 0x7fff_ffff, 0xffff_f800, 0x800]),
            2 => self.below(64),
            3 => self.below(64).wrapping_neg(),
            _ => self.u32(),
        }
    }

    fn reg(&mut self) -> u32 {
        if self.one_in(4) {
            self.below(4)
        } else {
            self.below(32)
        }
    }
}

/// Sign-extends the low `bits` bits of `value`.
fn sext(value: u32, bits: u32) -> u32 {
    (((value << (32 - bits)) as i32) >> (32 - bits)) as u32
}

/// Cases share one VM in batches of this many: loading a VM costs milliseconds (it zeroes
/// tens of MiB of tree levels), stepping it microseconds.
const BATCH: u64 = 32;
/// Case `slot` of a batch owns the 1 MiB stripes at `CODE_REGION`, `DATA_REGION` and
/// `JUNK_REGION` plus `slot` MiB; slot 0 runs at the top of memory (pc `0xfffffffc`), slot 1
/// at address 0.
const CODE_REGION: u32 = 0x0100_0000;
const DATA_REGION: u32 = 0x4000_0000;
const JUNK_REGION: u32 = 0x8000_0000;
const STRIPE: u32 = 1 << 20;

/// One random pre-state: an instruction word at `pc`, a data block, registers, a preimage
/// cursor, and the segments that put them in memory.
struct Case {
    segments: Vec<Segment>,
    cpu: Cpu,
    context: Hash,
    /// Where loads, stores and syscall buffers aim: `(start, len)`.
    block: (u32, u32),
}

impl Case {
    /// An address in or near the data block; aligned to `align` three times in four.
    fn target(&self, rng: &mut Rng, align: u32) -> u32 {
        let (start, len) = self.block;
        let mut addr = start.wrapping_add(rng.below(len + 16)).wrapping_sub(8);
        if !rng.one_in(4) {
            addr &= !(align - 1);
        }
        addr
    }

    /// Points `rs1 + imm` at the data block (unless `rs1` is `x0`).
    fn aim(&mut self, rng: &mut Rng, rs1: u32, imm: u32, align: u32) {
        if rs1 != 0 {
            let target = self.target(rng, align);
            self.cpu.regs[rs1 as usize] = target.wrapping_sub(sext(imm, 12));
        }
    }
}

/// An R/I/S/B/U/J word from fields.
fn r_type(f7: u32, rs2: u32, rs1: u32, f3: u32, rd: u32, opcode: u32) -> u32 {
    f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode
}

fn i_type(imm: u32, rs1: u32, f3: u32, rd: u32, opcode: u32) -> u32 {
    (imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode
}

fn s_type(imm: u32, rs2: u32, rs1: u32, f3: u32, opcode: u32) -> u32 {
    (imm >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | (imm & 31) << 7 | opcode
}

fn b_type(imm: u32, rs2: u32, rs1: u32, f3: u32) -> u32 {
    (imm >> 12 & 1) << 31
        | (imm >> 5 & 0x3f) << 25
        | rs2 << 20
        | rs1 << 15
        | f3 << 12
        | (imm >> 1 & 0xf) << 8
        | (imm >> 11 & 1) << 7
        | 0x63
}

fn j_type(imm: u32, rd: u32) -> u32 {
    (imm >> 20 & 1) << 31
        | (imm >> 1 & 0x3ff) << 21
        | (imm >> 11 & 1) << 20
        | (imm >> 12 & 0xff) << 12
        | rd << 7
        | 0x6f
}

/// Sets up an ECALL: `a7`, `a0..a2`, the preimage cursor and the host's preimages.
fn ecall_setup(case: &mut Case, rng: &mut Rng, preimages: &mut PreimageStore) {
    let number = match rng.below(12) {
        0..=1 => syscall::EXIT,
        2..=4 => syscall::WRITE,
        5..=10 => syscall::READ,
        _ => {
            let any = rng.u32();
            rng.pick(&[0, 1, 62, 65, 92, 94, 200, any])
        }
    };
    let fd = match number {
        syscall::WRITE if rng.below(3) != 0 => {
            rng.pick(&[fd::STDOUT, fd::STDERR, fd::HINT_WRITE, fd::PREIMAGE_WRITE])
        }
        syscall::READ if rng.below(4) != 0 => fd::PREIMAGE_READ,
        _ => {
            let any = rng.u32();
            rng.pick(&[0, 1, 2, 3, 4, 5, 6, 7, any])
        }
    };
    let buf = if rng.one_in(8) { rng.u32() } else { case.target(rng, 1) };
    let count = match rng.below(8) {
        0 => 0,
        1 => 32 - buf % 32,
        2 => rng.u32(),
        _ => 1 + rng.below(40),
    };
    // Host output reads `count` bytes of memory: keep those writes short.
    let count =
        if number == syscall::WRITE && [1, 2, 4].contains(&fd) { count % 4096 } else { count };
    let regs = &mut case.cpu.regs;
    regs[17] = number;
    regs[10] = fd;
    regs[11] = buf;
    regs[12] = count;
    if number == syscall::READ && fd == fd::PREIMAGE_READ {
        preimage_setup(case, rng, preimages);
    }
}

/// Sets up a `keccak_permute` of the case's block: its address, or one not aligned to a block
/// one time in eight.
fn keccak_setup(case: &mut Case, rng: &mut Rng) {
    let regs = &mut case.cpu.regs;
    regs[17] = syscall::KECCAK_PERMUTE;
    regs[10] = case.block.0;
    if rng.one_in(8) {
        regs[10] = regs[10].wrapping_add(rng.pick(&[4, 8, 32, 128, 200]));
    }
}

/// A preimage cursor for a read: a key the host has, of a random type and length, at a random
/// offset; or an unknown key type; or a known type without data, read with `count = 0`.
fn preimage_setup(case: &mut Case, rng: &mut Rng, preimages: &mut PreimageStore) {
    let (key, len) = match rng.below(8) {
        0..=1 => {
            let n = rng.below(MAX_LOCAL_DATA as u32 + 1);
            let data = rng.bytes(n as usize);
            let index = if rng.one_in(2) { axon_vm::abi::local::INPUT } else { rng.u32() };
            (preimages.insert_local(index, data), n)
        }
        2..=3 => {
            let n = rng.below(100);
            (preimages.insert_keccak(rng.bytes(n as usize)), n)
        }
        4..=5 => {
            let n = if rng.one_in(4) { rng.below(400) } else { rng.below(100) };
            (preimages.insert_blob(rng.bytes(n as usize)), n)
        }
        6 => {
            // An unknown type (or the zero key): faults whatever the count.
            let mut key = if rng.one_in(4) { [0; 32] } else { rng.hash() };
            while PreimageKeyType::from_byte(key[0]).is_some() {
                key[0] = rng.u32() as u8;
            }
            (key, 0)
        }
        _ => {
            // A known type the host lacks: only a read of 0 bytes, which consults nobody.
            let mut key = rng.hash();
            key[0] = rng.pick(&[1, 2, 6, 7, 129]);
            case.cpu.regs[12] = 0;
            (key, 0)
        }
    };
    let stream = len + 8;
    case.cpu.preimage_key = key;
    case.cpu.preimage_offset = match rng.below(8) {
        0 => rng.u32(),
        1 => (32 * rng.below(stream / 32 + 2)).wrapping_sub(rng.below(2)),
        2 => stream + rng.below(3),
        _ => rng.below(stream + 8),
    };
}

/// A random one-instruction case for batch slot `slot`; preimages it reads go to `preimages`.
fn random_case(rng: &mut Rng, slot: u32, preimages: &mut PreimageStore) -> Case {
    let pc = match slot {
        0 => 0xffff_fffc,
        1 => 0,
        _ => CODE_REGION + slot * STRIPE + 0x100 + 4 * rng.below((STRIPE - 0x200) / 4),
    };
    let context = if rng.one_in(2) { program_context() } else { rng.hash() };
    // The data block: elsewhere, or around the instruction's own leaf (self-modifying
    // stores, loads of the instruction word, a fetch and a data proof of one leaf). A
    // `keccak_permute` case gets a whole 256-byte block, the instruction's own one (the
    // permutation rewrites the ecall) or one elsewhere.
    let keccak = rng.one_in(32);
    // Slot 0's own block is the top of memory (pc 0xfffffffc): a block up to 2^32.
    let near = (slot > 1 || (slot == 0 && keccak)) && rng.one_in(4);
    let block = match (keccak, near) {
        (true, true) => (pc & !(KECCAK_BLOCK_BYTES - 1), KECCAK_BLOCK_BYTES),
        (true, false) => {
            let blocks = STRIPE / KECCAK_BLOCK_BYTES - 1;
            (
                DATA_REGION + slot * STRIPE + KECCAK_BLOCK_BYTES * rng.below(blocks),
                KECCAK_BLOCK_BYTES,
            )
        }
        (false, true) => ((pc & !31) - 32, 96),
        (false, false) => {
            (DATA_REGION + slot * STRIPE + 32 * rng.below(STRIPE / 32 - 4), 32 + 32 * rng.below(3))
        }
    };
    let mut segments = vec![Segment {
        vaddr: block.0,
        mem_size: block.1,
        data: rng.bytes(block.1 as usize),
        executable: false,
    }];
    if !near {
        segments.push(Segment { vaddr: pc, mem_size: 4, data: vec![0; 4], executable: true });
    }
    if rng.one_in(2) {
        // A leaf far away, so the siblings of the other proofs are not all empty subtrees.
        let vaddr = JUNK_REGION + slot * STRIPE + 32 * rng.below(STRIPE / 32);
        segments.push(Segment { vaddr, mem_size: 32, data: rng.bytes(32), executable: false });
    }
    let mut cpu = Cpu::new(pc);
    for r in 1..32 {
        cpu.regs[r] = rng.value();
    }
    cpu.step = match rng.below(4) {
        0 => rng.below(1000).into(),
        1 => u64::MAX - 1 - u64::from(rng.below(3)),
        _ => rng.u64() >> 1,
    };
    cpu.preimage_key = if rng.one_in(3) { [0; 32] } else { rng.hash() };
    cpu.preimage_offset = rng.value();
    let mut case = Case { segments, cpu, context, block };
    let word = if keccak {
        keccak_setup(&mut case, rng);
        0x0000_0073
    } else {
        random_word(&mut case, rng, preimages)
    };
    case.cpu.regs[0] = 0;
    // Put the word at pc, in whichever segment holds it.
    for segment in &mut case.segments {
        let offset = pc.wrapping_sub(segment.vaddr);
        if offset < segment.mem_size {
            segment.data[offset as usize..offset as usize + 4].copy_from_slice(&word.to_le_bytes());
        }
    }
    if rng.one_in(64) {
        case.cpu.pc |= 1 + rng.below(3); // misaligned fetch
    }
    if rng.one_in(48) {
        case.cpu.halt = if rng.one_in(2) {
            Halt::Exited(rng.value())
        } else {
            Halt::Faulted(rng.pick(&Fault::ALL))
        };
    }
    case
}

/// A random instruction word, biased toward valid encodings of every opcode class; sets the
/// registers and preimage cursor it needs.
fn random_word(case: &mut Case, rng: &mut Rng, preimages: &mut PreimageStore) -> u32 {
    let (rd, rs1, rs2) = (rng.reg(), rng.reg(), rng.reg());
    let f3 = rng.below(8);
    match rng.below(100) {
        0..=11 => {
            let f7 = match rng.below(10) {
                0..=3 => 0,
                4..=7 => 1,
                8 => 0x20,
                _ => rng.below(128),
            };
            r_type(f7, rs2, rs1, f3, rd, 0x33)
        }
        12..=23 => {
            let imm = if f3 == 1 || f3 == 5 {
                let any = rng.below(128);
                let hi = rng.pick(&[0, 0, 0x20, 0x20, 1, any]);
                hi << 5 | rng.below(32)
            } else {
                rng.u32()
            };
            i_type(imm, rs1, f3, rd, 0x13)
        }
        24..=27 => rng.u32() & 0xffff_f000 | rd << 7 | rng.pick(&[0x37, 0x17]),
        28..=35 => {
            if rng.one_in(3) {
                case.cpu.regs[rs2 as usize] = case.cpu.regs[rs1 as usize];
            }
            let imm = if rng.one_in(2) { rng.u32() } else { rng.below(64) << 2 };
            let f3 = if rng.one_in(8) { rng.pick(&[2, 3]) } else { rng.pick(&[0, 1, 4, 5, 6, 7]) };
            b_type(imm, rs2, rs1, f3)
        }
        36..=39 => {
            let imm = if rng.one_in(2) { rng.u32() } else { rng.below(256) << 2 };
            j_type(imm, rd)
        }
        40..=44 => {
            let f3 = if rng.one_in(6) { rng.below(8) } else { 0 };
            i_type(rng.u32(), rs1, f3, rd, 0x67)
        }
        45..=56 => {
            let imm = if rng.one_in(2) { rng.u32() & 0xfff } else { rng.below(64) };
            let rs1 = 1 + rng.below(31);
            let f3 = if rng.one_in(6) { f3 } else { rng.pick(&[0, 1, 2, 4, 5]) };
            case.aim(rng, rs1, imm, 1 << (f3 & 3));
            i_type(imm, rs1, f3, rd, 0x03)
        }
        57..=68 => {
            let imm = if rng.one_in(2) { rng.u32() & 0xfff } else { rng.below(64) };
            let rs1 = 1 + rng.below(31);
            let f3 = if rng.one_in(6) { rng.below(8) } else { rng.below(3) };
            case.aim(rng, rs1, imm, 1 << (f3 & 3));
            s_type(imm, rs2, rs1, f3, 0x23)
        }
        69..=71 => {
            let f3 = if rng.one_in(3) { rng.below(8) } else { 0 };
            rng.u32() & !(7 << 12 | 0x7f) | f3 << 12 | 0x0f
        }
        72..=74 => match rng.below(4) {
            0 => 0x0010_0073,
            1 => rng.u32() & !0x7f | 0x73,
            2 => 0x73 | 1 << (7 + rng.below(25)),
            _ => i_type(rng.pick(&[0, 1, 0x302, 0x105, 0xc00]), rs1, f3, rd, 0x73),
        },
        75..=94 => {
            ecall_setup(case, rng, preimages);
            0x0000_0073
        }
        _ => rng.u32(),
    }
}

/// Checks the cases of batch `batch` (case indices `BATCH * batch ..`, below `cases`) in one
/// VM: every case's segments are loaded together (each case owns its stripes of memory), then
/// each case sets the CPU and steps once. Every 16th case also checks broken proofs.
fn fuzz_batch(checker: &mut Checker, seed: u64, batch: u64, cases: u64) {
    let first = batch * BATCH;
    let mut preimages = PreimageStore::new();
    let mut batch_cases = Vec::new();
    let mut segments = Vec::new();
    for index in first..cases.min(first + BATCH) {
        let mut rng = Rng::new(seed ^ index.wrapping_mul(0xa076_1d64_78bd_642f));
        let case = random_case(&mut rng, (index - first) as u32, &mut preimages);
        segments.extend(case.segments.iter().cloned());
        batch_cases.push((index, case, rng));
    }
    segments.sort_by_key(|s| s.vaddr);
    // Slot 2's word also goes through the fast path's decode cache.
    let code = batch_cases.get(2).map(|(_, c, _)| c.cpu.pc..c.cpu.pc + 4).into_iter().collect();
    let program = Program { entry: 0, segments, code, symbols: Vec::new() };
    let mut vm = Vm::new(&program).expect("load");
    let mut host = StdHost::new(preimages, OutputMode::Capture);
    for (index, case, mut rng) in batch_cases {
        *vm.cpu_mut() = case.cpu;
        let label = format!("fuzz case {index} (AXON_EVM_FUZZ_SEED={seed:#x})");
        let witness = checker.step(&mut vm, &mut host, &case.context, &|| label.clone());
        if index % 16 == 0 {
            checker.mutations_revert(&witness, &case.context, &mut rng, &label);
        }
    }
}

/// `cases` random cases from `seed`, checked three ways on `threads` threads; returns the
/// totals and the gas table.
fn fuzz(seed: u64, cases: u64, threads: u64) -> (u64, u64, GasTable) {
    let batches = cases.div_ceil(BATCH);
    let results: Vec<(u64, u64, GasTable)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut checker = Checker::new();
                    for batch in (t..batches).step_by(threads as usize) {
                        fuzz_batch(&mut checker, seed, batch, cases);
                    }
                    (checker.checked, checker.mutated, checker.gas)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("fuzz thread")).collect()
    });
    let mut gas = GasTable::default();
    let (mut checked, mut mutated) = (0, 0);
    for (c, m, g) in results {
        checked += c;
        mutated += m;
        gas.merge(g);
    }
    (checked, mutated, gas)
}

fn env_u64(name: &str, default: u64) -> u64 {
    match std::env::var(name) {
        Ok(v) => {
            let v = v.trim();
            let parsed = match v.strip_prefix("0x") {
                Some(hex) => u64::from_str_radix(hex, 16),
                None => v.parse(),
            };
            parsed.unwrap_or_else(|e| panic!("{name}={v}: {e}"))
        }
        Err(_) => default,
    }
}

#[test]
fn random_single_instructions_agree_with_the_evm() {
    let start = Instant::now();
    let seed = env_u64("AXON_EVM_FUZZ_SEED", 0xa705_e7a1);
    let cases = env_u64("AXON_EVM_FUZZ_CASES", 100_000);
    let (checked, mutated, gas) = fuzz(seed, cases, 2);
    assert_eq!(checked, cases);
    report(&format!(
        "evm: differential fuzzing: {checked} random one-instruction states (seed {seed:#x}), 0 \
         mismatches between the VM, verify_step and RISCV.step; {mutated} broken proofs \
         reverted; {:.1?}",
        start.elapsed()
    ));
    report(&gas.render("evm: execution gas of RISCV.step, random states (revm, Prague)"));
}
