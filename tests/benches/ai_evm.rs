//! AI-EVM blocks: what each kind of transaction costs the `ai-evm-block` guest in VM steps,
//! and one mixed block in the VM against the same block run natively (`axon_ai_evm::block`
//! over the same witness).
//!
//! A kind's cost is the difference between a block of three such transactions and a block
//! of one, halved: the block's fixed part (the input, the trie roots) cancels out, and what
//! is left includes the signature recovery every transaction pays.
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
use axon_tests::bench::print_vm_vs_native;
use axon_tests::repo;
use axon_vm::Halt;
use criterion::{black_box, Criterion};

sol! {
    function mint(address to, uint256 amount) external;
    function transfer(address to, uint256 amount) external returns (bool);
    function inference(bytes32 model_address, bytes input_data, uint256 output_size) external;
}

const CHAIN_ID: u64 = 0xa1e7;

/// A chain with a token (Alice holds a million) and an `AIContract` deployed.
struct Chain {
    node: L2Node,
    alice: Wallet,
    token: Address,
    ai: Address,
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
        let mint = mintCall { to: alice.address(), amount: U256::from(1_000_000) }.abi_encode();
        let txs = vec![
            alice.sign(CHAIN_ID, TxKind::Create, U256::ZERO, deploy_token, 1_000_000).unwrap(),
            alice.sign(CHAIN_ID, TxKind::Create, U256::ZERO, deploy_ai, 2_000_000).unwrap(),
            alice.sign(CHAIN_ID, TxKind::Call(token), U256::ZERO, mint, 100_000).unwrap(),
        ];
        let block = node.execute(node.next_input(txs)).unwrap();
        assert!(block.recorded.executed.results.iter().all(|r| r.is_success()));
        node.apply(&block).unwrap();
        let text = file("digits-test.json");
        let tests: serde_json::Value = serde_json::from_slice(&text).unwrap();
        let image = tests["samples"][0]["input"].as_array().unwrap();
        let image = image.iter().map(|v| v.as_i64().unwrap() as i8 as u8).collect();
        Self { node, alice, token, ai, models: models.map(|m| m.address()), image }
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
                let (model, input, size) = match kind {
                    Kind::Digits => (self.models[0], self.image.clone(), 10),
                    _ => (self.models[1], vec![], 4 * 16),
                };
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

    /// The next block with `transactions`, run natively.
    fn block(&self, transactions: Vec<Bytes>) -> Block {
        let block = self.node.execute(self.node.next_input(transactions)).unwrap();
        assert!(block.recorded.executed.results.iter().all(|r| r.is_success()));
        block
    }

    /// `block`'s steps in the VM, checked against the native run.
    fn steps(&self, block: &Block) -> u64 {
        let guest = repo().join("fixtures/programs/ai-evm-block.elf");
        let run = run_guest(&guest, self.node.vm_store(block)).unwrap();
        assert_eq!(run.halt, Halt::Exited(0), "{}", String::from_utf8_lossy(&run.stderr));
        assert_eq!(run.stdout, block.recorded.executed.output.encode());
        run.steps
    }
}

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

fn main() {
    let chain = Chain::new();
    let empty = chain.steps(&chain.block(vec![]));
    let mut costs = Vec::new();
    for kind in [Kind::Transfer, Kind::Erc20, Kind::Digits, Kind::Llama] {
        let one = chain.steps(&chain.block(chain.transactions(&[kind])));
        let three = chain.steps(&chain.block(chain.transactions(&[kind; 3])));
        costs.push((kind, (three - one) / 2));
    }

    let mixed = chain.transactions(&[Kind::Transfer, Kind::Erc20, Kind::Digits]);
    let block = chain.block(mixed);
    let mixed_steps = chain.steps(&block);
    let mut criterion = Criterion::default().configure_from_args();
    let mut group = criterion.benchmark_group("ai-evm-block");
    group.sample_size(10).measurement_time(Duration::from_secs(8));
    group.bench_function("vm", |b| b.iter(|| chain.steps(&block)));
    group.bench_function("native", |b| {
        b.iter(|| {
            let models = chain.node.models();
            black_box(execute(&block.input, &block.recorded.witness, models).unwrap())
        })
    });
    group.finish();
    criterion.final_summary();

    println!("\n== AI-EVM block benchmark summary ==");
    println!("{:<38} {:>16}", "an empty block", format!("{empty} steps"));
    for (kind, steps) in costs {
        println!("{:<38} {:>16}", format!("per {}", kind.name()), format!("{steps} steps"));
    }
    println!("(a transaction's steps include its signature recovery)");
    print_vm_vs_native("ai-evm-block", mixed_steps);
}
