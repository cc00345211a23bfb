//! AI-EVM blocks: what each kind of transaction costs the block proof in VM steps, and one
//! mixed block's trace generation, each beside the fused baseline in the same run.
//!
//! The block proof is the `ai-evm-block` guest, which reads inference results and the
//! costly precompiles' answers (signature recoveries included) from the oracle. Its baseline
//! is `ai-evm-block-fused`: the same source computing all of them in the VM, as the block
//! proof did before the two fraud proofs were separated. Both run every block, and must end
//! in the same `BlockOutput` as the native run.
//!
//! A kind's cost is the difference between a block of three such transactions and a block
//! of one, halved: the block's fixed part (the input, the trie roots) cancels out, and what
//! is left includes the signature recovery every transaction pays.
//!
//! The mixed block's proof also runs compiled (fast mode), only interpreted, and in the plain
//! rrs-lib loop serving the same oracle (`axon_tests::bench::run_rrs`).
//!
//! Run with `cargo bench -p axon-tests --bench ai_evm` (or `make bench`); the summary comes
//! last.

use std::time::Duration;

use alloy_primitives::{Address, Bytes, TxKind, B256, U256};
use alloy_sol_types::{sol, SolCall};
use axon_ai_evm::block::execute;
use axon_ai_evm::block::witness::GenesisAccount;
use axon_dispute::ai_evm::{Block, L2Node, Model, Wallet};
use axon_dispute::contracts::{creation_code, default_artifacts_dir};
use axon_dispute::guest::run_guest;
use axon_tests::bench::{
    bench_fast_mode, estimate_ns, print_fast_mode, print_vm_vs_native, QEMU_HAS_NO_ORACLE,
};
use axon_tests::repo;
use axon_vm::Halt;
use axon_vm::PreimageStore;
use criterion::{black_box, Criterion};

sol! {
    function mint(address to, uint256 amount) external;
    function transfer(address to, uint256 amount) external returns (bool);
    function inference(bytes32 model_address, bytes input_data, uint256 output_size) external;
    function repeat(bytes32 model, bytes input, uint256 output_size, uint256 times) external;
}

const CHAIN_ID: u64 = 0xa1e7;

/// A chain with a token (Alice holds a million) and an `AIContract` deployed.
struct Chain {
    node: L2Node,
    alice: Wallet,
    token: Address,
    ai: Address,
    /// `InferenceCalls`: the precompile called n times in one transaction.
    calls: Address,
    models: [B256; 2],
    image: Vec<u8>,
}

impl Chain {
    fn new() -> Self {
        let file = |name: &str| std::fs::read(repo().join("fixtures/models").join(name)).unwrap();
        let models = [
            Model { file: file("digits.axml"), gas: 20_000 },
            Model { file: file("tiny-llama.bin"), gas: 3_000_000 },
        ];
        let mut alice = Wallet::new(B256::repeat_byte(0xa1)).unwrap();
        let funds = GenesisAccount { balance: U256::from(10u128.pow(24)), ..Default::default() };
        let mut node = L2Node::genesis(CHAIN_ID, &[(alice.address(), funds)].into(), &models);
        let code = |file, name| creation_code(&default_artifacts_dir(), file, name).unwrap();
        let token = alice.next_contract();
        let deploy_token = code("SnapshotToken.sol", "SnapshotToken");
        let ai = alice.address().create(1);
        let deploy_ai = code("AIContract.sol", "AIContract");
        let calls = alice.address().create(3);
        let deploy_calls = code("InferenceCalls.sol", "InferenceCalls");
        let mint = mintCall { to: alice.address(), amount: U256::from(1_000_000) }.abi_encode();
        let txs = vec![
            alice.sign(CHAIN_ID, TxKind::Create, U256::ZERO, deploy_token, 1_000_000).unwrap(),
            alice.sign(CHAIN_ID, TxKind::Create, U256::ZERO, deploy_ai, 2_000_000).unwrap(),
            alice.sign(CHAIN_ID, TxKind::Call(token), U256::ZERO, mint, 100_000).unwrap(),
            alice.sign(CHAIN_ID, TxKind::Create, U256::ZERO, deploy_calls, 1_000_000).unwrap(),
        ];
        let block = node.execute(node.next_input(txs)).unwrap();
        assert!(block.recorded.executed.results.iter().all(|r| r.is_success()));
        node.apply(&block).unwrap();
        let text = file("digits-test.json");
        let tests: serde_json::Value = serde_json::from_slice(&text).unwrap();
        let image = tests["samples"][0]["input"].as_array().unwrap();
        let image = image.iter().map(|v| v.as_i64().unwrap() as i8 as u8).collect();
        Self { node, alice, token, ai, calls, models: models.map(|m| m.address()), image }
    }

    /// Transactions of `kinds` from Alice, for the next block (her nonces from the head's).
    fn transactions(&self, kinds: &[Kind]) -> Vec<Bytes> {
        let mut alice = self.alice.clone();
        kinds
            .iter()
            .enumerate()
            .map(|(n, &kind)| self.transaction(&mut alice, kind, n as u8))
            .collect()
    }

    /// The `n`-th transaction of a block, of kind `kind`, signed by `from`.
    fn transaction(&self, from: &mut Wallet, kind: Kind, n: u8) -> Bytes {
        let to = Address::repeat_byte(0x10 + n);
        let (target, data, gas) = match kind {
            Kind::Transfer => (to, vec![], 21_000),
            Kind::Erc20 => {
                (self.token, transferCall { to, amount: U256::from(1) }.abi_encode(), 100_000)
            }
            Kind::Digits | Kind::Llama => {
                let (model, input, size) = self.request(kind);
                let call = inferenceCall {
                    model_address: model,
                    input_data: input.into(),
                    output_size: U256::from(size),
                };
                (self.ai, call.abi_encode(), 5_000_000)
            }
        };
        let value = U256::from(u8::from(kind == Kind::Transfer));
        from.sign(CHAIN_ID, TxKind::Call(target), value, data, gas).unwrap()
    }

    /// The model, input and output size of an inference transaction of `kind`.
    fn request(&self, kind: Kind) -> (B256, Vec<u8>, u64) {
        match kind {
            Kind::Digits => (self.models[0], self.image.clone(), 10),
            _ => (self.models[1], vec![], 4 * 16),
        }
    }

    /// One transaction calling `kind`'s inference `times` times (`InferenceCalls.repeat`).
    fn repeated_calls(&self, kind: Kind, times: u64) -> Vec<Bytes> {
        let (model, input, size) = self.request(kind);
        let call = repeatCall {
            model,
            input: input.into(),
            output_size: U256::from(size),
            times: U256::from(times),
        };
        let mut alice = self.alice.clone();
        let data = call.abi_encode();
        vec![alice.sign(CHAIN_ID, TxKind::Call(self.calls), U256::ZERO, data, 15_000_000).unwrap()]
    }

    /// The next block with `transactions`, run natively.
    fn block(&self, transactions: Vec<Bytes>) -> Block {
        let block = self.node.execute(self.node.next_input(transactions)).unwrap();
        assert!(block.recorded.executed.results.iter().all(|r| r.is_success()));
        block
    }

    /// `block`'s steps in the VM, checked against the native run: the block proof's, and
    /// the fused baseline's.
    fn steps(&self, block: &Block) -> (u64, u64) {
        (
            self.run(PROOF, self.node.vm_store(block), block),
            self.run(FUSED, self.fused_store(block), block),
        )
    }

    /// The fused baseline's preimages: the block proof's, and the models' files by blob key.
    fn fused_store(&self, block: &Block) -> PreimageStore {
        let mut store = self.node.vm_store(block);
        for (_, file) in self.node.models().iter() {
            store.insert_blob(file.clone());
        }
        store
    }

    /// The steps of `guest` on `store`, checked against `block`'s native run.
    fn run(&self, guest: &str, store: PreimageStore, block: &Block) -> u64 {
        let run = run_guest(&repo().join("fixtures/programs").join(guest), store).unwrap();
        assert_eq!(run.halt, Halt::Exited(0), "{guest}: {}", String::from_utf8_lossy(&run.stderr));
        assert_eq!(run.stdout, block.recorded.executed.output.encode(), "{guest}'s BlockOutput");
        run.steps
    }
}

/// The block proof and its fused baseline.
const PROOF: &str = "ai-evm-block.elf";
const FUSED: &str = "ai-evm-block-fused.elf";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Transfer,
    Erc20,
    Digits,
    Llama,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Transfer => "plain transfer",
            Kind::Erc20 => "ERC-20 transfer",
            Kind::Digits => "digits inference",
            Kind::Llama => "tiny-llama inference (16 tokens)",
        }
    }
}

impl Kind {
    /// The goal for the block proof's steps per transaction of the kind (for an
    /// inference, the goal is per call: see the `per inference call` rows).
    fn goal(self) -> &'static str {
        match self {
            Kind::Transfer => "<= 100,000",
            Kind::Erc20 => "<= 150,000",
            Kind::Digits | Kind::Llama => "",
        }
    }
}

fn main() {
    let chain = Chain::new();
    let empty = chain.steps(&chain.block(vec![]));
    let mut costs = Vec::new();
    for kind in [Kind::Transfer, Kind::Erc20, Kind::Digits, Kind::Llama] {
        let one = chain.steps(&chain.block(chain.transactions(&[kind])));
        let three = chain.steps(&chain.block(chain.transactions(&[kind; 3])));
        costs.push((kind, (three.0 - one.0) / 2, (three.1 - one.1) / 2));
    }
    // One more call to the precompile inside a transaction: the call alone, without the
    // transaction around it (its signature, calldata, event and receipt).
    let mut calls = Vec::new();
    for kind in [Kind::Digits, Kind::Llama] {
        let one = chain.steps(&chain.block(chain.repeated_calls(kind, 1)));
        let three = chain.steps(&chain.block(chain.repeated_calls(kind, 3)));
        calls.push((kind, (three.0 - one.0) / 2, (three.1 - one.1) / 2));
    }

    let mixed = chain.transactions(&[Kind::Transfer, Kind::Erc20, Kind::Digits]);
    let block = chain.block(mixed);
    let (mixed_steps, mixed_fused) = chain.steps(&block);
    let fused_store = chain.fused_store(&block);
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("ai-evm-block");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group
        .bench_function("vm", |b| b.iter(|| chain.run(PROOF, chain.node.vm_store(&block), &block)));
    group.bench_function("vm-fused", |b| b.iter(|| chain.run(FUSED, fused_store.clone(), &block)));
    group.bench_function("native", |b| {
        b.iter(|| {
            let oracle = chain.node.native_oracle();
            black_box(execute(&block.input, &block.recorded.witness, oracle).unwrap())
        })
    });
    group.finish();
    let program = axon_tests::program(&format!("fixtures/programs/{PROOF}"));
    let store = chain.node.vm_store(&block);
    let fast_steps = bench_fast_mode(&mut criterion, "execute-ai-evm-block", &program, &store);
    criterion.final_summary();

    println!("\n== AI-EVM block benchmark summary ==");
    println!(
        "VM steps of the block proof, beside the fused baseline (everything computed in the VM):"
    );
    println!("{:<52} {:>12} {:>14} {:>8} {:>12}", "", "block proof", "fused", "ratio", "goal");
    let row = |what: String, steps: u64, fused: u64, goal: &str| {
        let ratio = fused as f64 / steps as f64;
        println!("{what:<52} {steps:>12} {fused:>14} {ratio:>7.0}x {goal:>12}");
    };
    row("an empty block".into(), empty.0, empty.1, "");
    for (kind, steps, fused) in costs {
        row(format!("per {} transaction", kind.name()), steps, fused, kind.goal());
    }
    for (kind, steps, fused) in calls {
        let model = kind.name().split(' ').next().unwrap_or_default();
        row(format!("per inference call ({model})"), steps, fused, "<= 50,000");
    }
    row("the mixed block (transfer, ERC-20, digits)".into(), mixed_steps, mixed_fused, "");
    println!(
        "(a transaction's steps include its signature recovery; an inference transaction calls \
         AIContract, which emits the input and output in an event; an inference call is one more \
         call of the precompile inside a transaction)"
    );
    println!("trace generation of the mixed block, by the VM:");
    print_vm_vs_native("ai-evm-block", mixed_steps);
    let fused = estimate_ns("ai-evm-block", "vm-fused").unwrap_or(f64::NAN);
    let proof = estimate_ns("ai-evm-block", "vm").unwrap_or(f64::NAN);
    println!(
        "fused baseline  {mixed_fused:>11} steps   VM {:>10.3} ms: the block proof's trace is {:.0}x faster to generate",
        fused / 1e6,
        fused / proof
    );
    println!("fast mode on the mixed block's proof:");
    print_fast_mode("execute-ai-evm-block", fast_steps, Err(QEMU_HAS_NO_ORACLE));
}
