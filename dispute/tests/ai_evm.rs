//! AI-EVM blocks three ways: the node's native stateless run (`axon_ai_evm::block` over its
//! recorded witness), stock revm over an in-memory state with the roots computed by
//! alloy-trie, and the `ai-evm-block` guest in the VM given only the witness. All three give
//! one post-state root and stock revm's results match the native run's transaction by
//! transaction (status, gas, logs, output); the native run and the VM one also give one
//! receipts root and gas.

use std::collections::BTreeMap;
use std::path::PathBuf;

use alloy::consensus::{SignableTransaction, TxEnvelope, TxLegacy};
use alloy::eips::Decodable2718;
use alloy::eips::Encodable2718;
use alloy::primitives::{Address, Bytes, TxKind, B256, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::signers::SignerSync;
use alloy::sol_types::{sol, SolCall, SolValue};
use alloy_consensus::transaction::SignerRecoverable;
use alloy_trie::root::{state_root_unhashed, storage_root_unhashed};
use alloy_trie::TrieAccount;
use axon_ai_evm::block::witness::{GenesisAccount, ModelFiles, NodeStore};
use axon_ai_evm::block::{execute, transaction, BlockError, BlockInput, Native, StateError, SPEC};
use axon_ai_evm::evm::AiPrecompiles;
use axon_ai_evm::ModelRegistry;
use axon_dispute::ai_evm::{guest_store, Block, L2Node, Model, Wallet};
use axon_dispute::contracts::{creation_code, default_artifacts_dir};
use axon_dispute::guest::run_guest;
use axon_vm::Halt;
use revm::context::result::ExecutionResult;
use revm::context::{BlockEnv, Context, TxEnv};
use revm::database::{AccountState, CacheDB, EmptyDB};
use revm::state::AccountInfo;
use revm::{ExecuteCommitEvm, MainBuilder, MainContext};

sol! {
    function mint(address to, uint256 amount) external;
    function transfer(address to, uint256 amount) external returns (bool);
    function inference(bytes32 model_address, bytes input_data, uint256 output_size) external;
}

const CHAIN_ID: u64 = 0xa1e7;

/// The code of a contract that, called with `(uint256 n, uint256 v)`, sets storage slots
/// `0..n` to `v` (hand-assembled, 27 bytes). It is in the genesis state, with slots `0..20`
/// set to 1.
const CHURN: &str = "6000356020356000\
    5b82811015601957818155600101600856\
    5b00";
const CHURN_AT: Address = Address::repeat_byte(0xc0);

/// An account left empty in the genesis state (as pre-EIP-161 chains have): touching it
/// removes it from the state trie.
const EMPTY: Address = Address::repeat_byte(0xee);
const FUNDS: u128 = 1_000_000_000_000_000_000_000;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn guest() -> PathBuf {
    repo().join("fixtures/programs/ai-evm-block.elf")
}

fn models() -> Vec<Model> {
    let file = |name: &str| std::fs::read(repo().join("fixtures/models").join(name)).unwrap();
    vec![
        Model { file: file("digits.axml"), gas: 20_000 },
        Model { file: file("tiny-llama.bin"), gas: 3_000_000 },
    ]
}

fn code(file: &str, contract: &str) -> Vec<u8> {
    creation_code(&default_artifacts_dir(), file, contract).unwrap()
}

/// What the test chain starts from: two funded wallets.
struct Setup {
    node: L2Node,
    genesis: BTreeMap<Address, GenesisAccount>,
    alice: Wallet,
    bob: Wallet,
}

fn setup() -> Setup {
    let alice = Wallet::new(B256::repeat_byte(0xa1)).unwrap();
    let bob = Wallet::new(B256::repeat_byte(0xb0)).unwrap();
    let funded = GenesisAccount { balance: U256::from(FUNDS), ..Default::default() };
    let churn = GenesisAccount {
        nonce: 1,
        code: hex::decode(CHURN).unwrap().into(),
        storage: (0..20u64).map(|slot| (U256::from(slot), U256::from(1))).collect(),
        ..Default::default()
    };
    let genesis = BTreeMap::from([
        (alice.address(), funded.clone()),
        (bob.address(), funded),
        (EMPTY, GenesisAccount::default()),
        (CHURN_AT, churn),
    ]);
    let node = L2Node::genesis(CHAIN_ID, &genesis, &models());
    Setup { node, genesis, alice, bob }
}

/// The contracts the first block deploys.
struct Deployed {
    ai: Address,
    churn: Address,
}

/// `(n, v)` for the churn contract: slots `0..n` set to `v`.
fn churn(n: u64, v: u64) -> Vec<u8> {
    (U256::from(n), U256::from(v)).abi_encode_params()
}

/// A block of plain transfers (one touching the empty account, which removes it), two
/// deployments, token calls and a call that writes 64 storage slots of a genesis contract.
fn plain_transactions(s: &mut Setup) -> (Vec<Bytes>, Deployed) {
    let id = s.node.chain_id();
    let one_eth = U256::from(10u64.pow(18));
    let bob = s.bob.address();
    let token = s.alice.next_contract();
    let mint = mintCall { to: s.alice.address(), amount: U256::from(1_000_000) }.abi_encode();
    let pay_bob = transferCall { to: bob, amount: U256::from(250) }.abi_encode();
    let pay_alice = transferCall { to: s.alice.address(), amount: U256::from(50) }.abi_encode();
    let mut txs = vec![
        s.alice.sign(id, TxKind::Call(bob), one_eth, vec![], 21_000).unwrap(),
        s.bob.sign(id, TxKind::Call(Address::repeat_byte(0xfe)), one_eth, vec![], 21_000).unwrap(),
        s.alice
            .sign(
                id,
                TxKind::Create,
                U256::ZERO,
                code("SnapshotToken.sol", "SnapshotToken"),
                1_000_000,
            )
            .unwrap(),
        s.alice.sign(id, TxKind::Call(token), U256::ZERO, mint, 100_000).unwrap(),
        s.alice.sign(id, TxKind::Call(token), U256::ZERO, pay_bob, 100_000).unwrap(),
        s.bob.sign(id, TxKind::Call(token), U256::ZERO, pay_alice, 100_000).unwrap(),
    ];
    let ai = s.alice.next_contract();
    let deploy_ai = code("AIContract.sol", "AIContract");
    txs.push(s.alice.sign(id, TxKind::Create, U256::ZERO, deploy_ai, 2_000_000).unwrap());
    txs.push(s.bob.sign(id, TxKind::Call(CHURN_AT), U256::ZERO, churn(64, 7), 2_000_000).unwrap());
    txs.push(s.alice.sign(id, TxKind::Call(EMPTY), U256::ZERO, vec![], 21_000).unwrap());
    (txs, Deployed { ai, churn: CHURN_AT })
}

/// Runs `block` in the VM on its witness alone and checks it ends as the native run did.
fn agree_in_vm(node: &L2Node, block: &Block) -> u64 {
    let run = run_guest(&guest(), node.vm_store(block)).unwrap();
    assert_eq!(run.halt, Halt::Exited(0), "stderr: {}", String::from_utf8_lossy(&run.stderr));
    assert_eq!(run.stdout, block.recorded.executed.output.encode(), "the VM's BlockOutput");
    run.steps
}

/// Stock revm over the whole state (with the AI EVM's precompiles, the models of `models`
/// run natively, if it is given): the post-state root, computed by alloy-trie from every
/// account, and each transaction's result (status, gas used and refunded, logs, output).
/// Senders are recovered by the block's own conversion, checked against alloy's recovery.
fn reference(
    genesis: &BTreeMap<Address, GenesisAccount>,
    blocks: &[&BlockInput],
    models: Option<(ModelRegistry, ModelFiles)>,
) -> (B256, Vec<ExecutionResult>) {
    let no_files = ModelFiles::default();
    let files = models.as_ref().map_or(&no_files, |(_, files)| files);
    let mut results = Vec::new();
    let mut db = CacheDB::new(EmptyDB::default());
    for (address, account) in genesis {
        let code = revm::bytecode::Bytecode::new_raw(account.code.clone());
        let info = AccountInfo {
            balance: account.balance,
            nonce: account.nonce,
            code_hash: code.hash_slow(),
            code: Some(code),
            ..Default::default()
        };
        db.insert_account_info(*address, info);
        for (slot, value) in &account.storage {
            db.insert_account_storage(*address, *slot, *value).unwrap();
        }
    }
    for input in blocks {
        let txs: Vec<TxEnv> = input
            .transactions
            .iter()
            .enumerate()
            .map(|(index, raw)| {
                let (_, tx) = transaction(raw, index, &mut Native::new(files)).unwrap();
                let alloy = TxEnvelope::decode_2718_exact(raw).unwrap().recover_signer().unwrap();
                assert_eq!(tx.caller, alloy, "transaction {index}'s sender");
                tx
            })
            .collect();
        let block = BlockEnv {
            number: U256::from(input.number),
            timestamp: U256::from(input.timestamp),
            gas_limit: input.gasLimit,
            basefee: input.baseFee,
            beneficiary: input.coinbase,
            prevrandao: Some(input.prevRandao),
            ..Default::default()
        };
        let ctx = Context::mainnet()
            .modify_cfg_chained(|cfg| {
                cfg.set_spec_and_mainnet_gas_params(SPEC);
                cfg.chain_id = input.chainId;
            })
            .with_block(block)
            .with_db(db);
        db = match &models {
            Some((registry, files)) => {
                let precompiles = AiPrecompiles::new(SPEC, registry.clone(), Native::new(files));
                let mut evm = ctx.build_mainnet().with_precompiles(precompiles);
                txs.iter().for_each(|tx| results.push(evm.transact_commit(tx.clone()).unwrap()));
                evm.ctx.journaled_state.database
            }
            None => {
                let mut evm = ctx.build_mainnet();
                txs.iter().for_each(|tx| results.push(evm.transact_commit(tx.clone()).unwrap()));
                evm.ctx.journaled_state.database
            }
        };
    }
    let accounts = db.cache.accounts.iter().filter_map(|(address, account)| {
        let exists = account.account_state != AccountState::NotExisting && !account.info.is_empty();
        exists.then(|| {
            let storage = account.storage.iter().map(|(k, v)| (B256::from(*k), *v));
            let storage_root = storage_root_unhashed(storage.filter(|(_, v)| !v.is_zero()));
            let info = &account.info;
            (*address, TrieAccount::new(info.nonce, info.balance, storage_root, info.code_hash))
        })
    });
    (state_root_unhashed(accounts.collect::<Vec<_>>()), results)
}

/// The first digits test sample's input (`fixtures/models/digits-test.json`).
fn digits_image() -> Vec<u8> {
    let text = std::fs::read(repo().join("fixtures/models/digits-test.json")).unwrap();
    let tests: serde_json::Value = serde_json::from_slice(&text).unwrap();
    let input = tests["samples"][0]["input"].as_array().unwrap();
    input.iter().map(|v| v.as_i64().unwrap() as i8 as u8).collect()
}

#[test]
fn a_plain_block_has_stock_revms_root_natively_and_in_the_vm() {
    let mut s = setup();
    let (txs, _) = plain_transactions(&mut s);
    let block = s.node.execute(s.node.next_input(txs)).unwrap();
    let executed = &block.recorded.executed;
    for (index, result) in executed.results.iter().enumerate() {
        assert!(result.is_success(), "transaction {index}: {result:?}");
    }
    let (root, results) = reference(&s.genesis, &[&block.input], None);
    assert_eq!(executed.output.stateRoot, root, "stock revm's post-state root");
    assert_eq!(results, executed.results, "stock revm's results");
    let steps = agree_in_vm(&s.node, &block);
    eprintln!(
        "plain block: {} transactions, {} gas, {} witness preimages, {steps} VM steps",
        executed.results.len(),
        executed.output.gasUsed,
        block.recorded.witness.len()
    );
}

#[test]
fn an_ai_block_on_top_of_it_agrees_natively_with_revm_and_in_the_vm() {
    let mut s = setup();
    let (txs, deployed) = plain_transactions(&mut s);
    let first = s.node.execute(s.node.next_input(txs)).unwrap();
    s.node.apply(&first).unwrap();

    let [digits, llama] = [0, 1].map(|i| models()[i].address());
    let ask = |model, input: Vec<u8>, size: u64| {
        let call = inferenceCall {
            model_address: model,
            input_data: input.into(),
            output_size: U256::from(size),
        };
        call.abi_encode()
    };
    let id = s.node.chain_id();
    let call = |w: &mut Wallet, data| {
        w.sign(id, TxKind::Call(deployed.ai), U256::ZERO, data, 5_000_000).unwrap()
    };
    let txs = vec![
        call(&mut s.alice, ask(digits, digits_image(), 10)),
        call(&mut s.bob, ask(llama, vec![], 4 * 16)),
        // The wrong output size: the transaction reverts with the engine's reason, and is in
        // the block all the same.
        call(&mut s.bob, ask(digits, digits_image(), 11)),
        // Clearing 40 of the 64 slots: deletions from the storage trie.
        s.alice
            .sign(id, TxKind::Call(deployed.churn), U256::ZERO, churn(40, 0), 2_000_000)
            .unwrap(),
    ];
    let second = s.node.execute(s.node.next_input(txs)).unwrap();
    let executed = &second.recorded.executed;
    let outcomes: Vec<bool> = executed.results.iter().map(|r| r.is_success()).collect();
    assert_eq!(outcomes, [true, true, false, true]);
    let mut registry = ModelRegistry::default();
    let mut files = ModelFiles::default();
    for model in models() {
        registry.insert(model.address().0, model.gas);
        files.insert(model.address().0, model.file);
    }
    let blocks = [&first.input, &second.input];
    let (root, results) = reference(&s.genesis, &blocks, Some((registry, files)));
    assert_eq!(executed.output.stateRoot, root, "stock revm's post-state root");
    let ours = [&first.recorded.executed.results[..], &executed.results[..]].concat();
    assert_eq!(results, ours, "stock revm's results");
    let steps = agree_in_vm(&s.node, &second);
    eprintln!(
        "AI block: {} transactions, {} gas, {} witness preimages, {steps} VM steps",
        executed.results.len(),
        executed.output.gasUsed,
        second.recorded.witness.len()
    );
}

#[test]
fn an_invalid_block_is_an_error_natively_and_exits_1_in_the_vm() {
    let mut s = setup();
    let id = s.node.chain_id();
    let transfer = s
        .alice
        .sign(id, TxKind::Call(Address::repeat_byte(1)), U256::from(1), vec![], 21_000)
        .unwrap();
    // The same transaction twice: the second has a used nonce.
    let input = s.node.next_input(vec![transfer.clone(), transfer.clone()]);
    let invalid = s.node.execute(input.clone()).unwrap_err();
    assert!(matches!(invalid.error, BlockError::InvalidTransaction { index: 1, .. }), "{invalid}");
    // The witness of the run up to the error is all the guest needs to reach it too.
    let store = guest_store(&input, &invalid.witness, &invalid.offloaded);
    let run = run_guest(&guest(), store).unwrap();
    assert_eq!(run.halt, Halt::Exited(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.starts_with("ai-evm-block: transaction 1: invalid"), "{stderr}");

    let garbage = s.node.next_input(vec![Bytes::from_static(b"\x02\xc0")]);
    let err = s.node.execute(garbage).unwrap_err().error;
    assert!(matches!(err, BlockError::MalformedTransaction { index: 0, .. }), "{err}");

    // A legacy transaction without a chain id could be replayed from any chain.
    let unprotected = TxLegacy {
        chain_id: None,
        gas_price: 2_000_000_000,
        gas_limit: 21_000,
        to: TxKind::Call(Address::repeat_byte(1)),
        ..Default::default()
    };
    let signer = PrivateKeySigner::from_bytes(&B256::repeat_byte(0xa1)).unwrap();
    let signature = signer.sign_hash_sync(&unprotected.signature_hash()).unwrap();
    let raw = TxEnvelope::from(unprotected.into_signed(signature)).encoded_2718();
    let err = s.node.execute(s.node.next_input(vec![raw.into()])).unwrap_err().error;
    assert_eq!(err, BlockError::UnprotectedTransaction { index: 0 });

    let next = s
        .alice
        .sign(id, TxKind::Call(Address::repeat_byte(1)), U256::from(1), vec![], 21_000)
        .unwrap();
    let mut full = s.node.next_input(vec![transfer, next]);
    full.gasLimit = 30_000;
    assert_eq!(s.node.execute(full).unwrap_err().error, BlockError::BlockGasExceeded { index: 1 });
}

#[test]
fn a_state_without_its_nodes_is_a_missing_preimage() {
    let mut s = setup();
    let id = s.node.chain_id();
    let transfer = s
        .alice
        .sign(id, TxKind::Call(Address::repeat_byte(1)), U256::from(1), vec![], 21_000)
        .unwrap();
    let input = s.node.next_input(vec![transfer]);
    let files = ModelFiles::default();
    let err = execute(&input, NodeStore::default(), Native::new(&files)).unwrap_err();
    assert_eq!(err, BlockError::State(StateError::MissingPreimage(s.node.state_root())));
}

#[test]
fn the_ai_evm_demo_ends_with_the_proposer_of_a_forged_inference_losing() {
    let options = axon_dispute::ai_evm::demo::AiDemoOptions {
        program: guest(),
        inference_program: repo().join("fixtures/programs/inference.elf"),
        models: repo().join("fixtures/models"),
        artifacts: default_artifacts_dir(),
        max_depth: 40,
        checkpoint_interval: 1 << 22,
    };
    let mut out = Vec::new();
    let report = axon_dispute::ai_evm::demo::run(&options, &mut out).expect("the demo runs");
    let text = String::from_utf8(out).unwrap();
    for report in [&report.inference, &report.block] {
        assert_eq!(report.status, axon_dispute::game::GameStatus::ChallengerWins, "{text}");
        assert!(report.challenger_gain > 0 && report.proposer_gain < 0, "{report:?}");
    }
    assert!(text.contains("the claim reverts"), "{text}");
    assert!(text.contains("the true result is final"), "{text}");
    // Each game ends on a step after oracle loads: the real model's chunk in the opML game,
    // the finalized inference result in the block game.
    assert_eq!(text.matches("oracle load(s) first").count(), 2, "{text}");
}
