//! The fraud proof of one block: the `rollup-block` guest, run in the VM on the preimages the
//! node gathers (`axon_node::proof`), reaches the node's output root for every block of a
//! chain — deposits, transfers, a contract deployment, an inference on the digits model, a
//! withdrawal, and the empty blocks of a batch that does not decode, the last of which still
//! credits the batch's deposits — pads past the proposal's block, and rejects a wrong output
//! root.

use alloy::primitives::{keccak256, Address, TxKind, B256, U256};
use alloy::signers::local::PrivateKeySigner;
use alloy::sol_types::{SolCall, SolValue};
use axon_ai_evm::block::state::TrieState;
use axon_dispute::ai_evm::Wallet;
use axon_dispute::guest::run_guest;
use axon_node::proof::unit_preimages;
use axon_node::store::BatchRecord;
use axon_node::{Node, Role};
use axon_rollup::batch::{encode, BatchBlock};
use axon_rollup::boot::{AccumulatorEntry, RollupBoot};
use axon_rollup::chain::deposit_count;
use axon_rollup::deposit::DepositEntry;
use axon_rollup::output::MESSAGE_PASSER;
use axon_vm::Halt;
use revm::database_interface::Database;

use super::support::{digits_sample, output_root, repo, sequencer_in_process, KEYS};

alloy::sol! {
    function inference(bytes32 model_address, bytes input_data, uint256 output_size);
}

/// The digits model's address (fixtures/models/addresses.json).
const DIGITS: B256 =
    alloy::primitives::b256!("0x811da4f174aabaf56d9ab117627310813e6774ae301adba59ca8896bba9d298a");
/// The L1 time every batch of the test is posted at.
const L1_TIME: u64 = 100;

/// Batch `index` of `blocks`, chained after `previous`, crediting the first `deposits` of
/// `portal`: its record and data.
fn batch(
    index: u64,
    first: u64,
    blocks: &[BatchBlock],
    portal: &[DepositEntry],
    deposits: u64,
    previous: B256,
) -> (BatchRecord, Vec<u8>) {
    let last = first + blocks.len() as u64 - 1;
    batch_of(index, first, last, encode(blocks), portal, deposits, previous)
}

fn batch_of(
    index: u64,
    first: u64,
    last: u64,
    data: Vec<u8>,
    portal: &[DepositEntry],
    deposits: u64,
    previous: B256,
) -> (BatchRecord, Vec<u8>) {
    let blob = axon_rollup::blob::encode(&data).expect("fits a blob");
    let blob_hash = axon_dispute::blob::versioned_hash(&blob).unwrap();
    in_blob(index, (first, last), (blob_hash, blob), portal, deposits, previous)
}

/// Batch `index` of blocks `first..=last` in `blob`, named `blob_hash` (zero and no blob: a
/// forced batch).
fn in_blob(
    index: u64,
    (first, last): (u64, u64),
    (blob_hash, blob): (B256, Vec<u8>),
    portal: &[DepositEntry],
    deposits: u64,
    previous: B256,
) -> (BatchRecord, Vec<u8>) {
    let deposit_accumulator =
        deposits.checked_sub(1).map_or(B256::ZERO, |i| portal[i as usize].accumulator());
    let entry = AccumulatorEntry {
        previous,
        blob_hash,
        first_block: first,
        last_block: last,
        timestamp: L1_TIME,
        deposit_count: deposits,
        deposit_accumulator,
    };
    let record = BatchRecord {
        index,
        l1_block: index + 1,
        l1_hash: B256::repeat_byte(index as u8 + 1),
        first_block: first,
        last_block: last,
        blob_hash: entry.blob_hash,
        timestamp: L1_TIME,
        deposit_count: deposits,
        deposit_accumulator,
        accumulator: entry.accumulator(),
    };
    assert_eq!(record.entry(previous), entry);
    (record, blob)
}

/// Three deposits chained as the portal chains them: to a fresh account, to a sender, and to
/// another fresh account.
fn portal() -> Vec<DepositEntry> {
    let mut deposits: Vec<DepositEntry> = Vec::new();
    let to = [Address::repeat_byte(0xd1), KEYS[0].parse::<PrivateKeySigner>().unwrap().address()];
    for (i, to) in to.into_iter().chain([Address::repeat_byte(0xd3)]).enumerate() {
        let previous = deposits.last().map_or(B256::ZERO, DepositEntry::accumulator);
        let value = U256::from(1_000_000_000 * (i as u64 + 1));
        deposits.push(DepositEntry { previous, to, value, timestamp: L1_TIME - 10 + i as u64 });
    }
    deposits
}

#[test]
fn the_rollup_block_guest_reaches_the_nodes_output_root_for_every_block() {
    let (genesis, dir, sequencer) = sequencer_in_process("proof");
    let chain_id = genesis.config.chainId;

    // Block 1: a transfer and AIContract's deployment; block 2: an inference and a
    // withdrawal; block 3: empty.
    let mut alice = Wallet::new(KEYS[0].parse().unwrap()).unwrap();
    let mut bob = Wallet::new(KEYS[1].parse().unwrap()).unwrap();
    let dead = TxKind::Call(Address::repeat_byte(0xde));
    let code = axon_dispute::contracts::creation_code(
        &repo().join("contracts/out"),
        "AIContract.sol",
        "AIContract",
    )
    .unwrap();
    let contract = bob.next_contract();
    for raw in [
        alice.sign(chain_id, dead, U256::from(5), vec![], 21_000).unwrap(),
        bob.sign(chain_id, TxKind::Create, U256::ZERO, code, 1_000_000).unwrap(),
    ] {
        sequencer.submit(raw).unwrap();
    }
    let portal = portal();
    sequencer.produce(1, &portal[..2]).unwrap();
    let (pixels, _) = digits_sample();
    let call = inferenceCall {
        model_address: DIGITS,
        input_data: pixels.into(),
        output_size: U256::from(10),
    };
    for raw in [
        alice
            .sign(chain_id, TxKind::Call(contract), U256::ZERO, call.abi_encode(), 500_000)
            .unwrap(),
        bob.sign(chain_id, TxKind::Call(MESSAGE_PASSER), U256::from(7), vec![], 100_000).unwrap(),
    ] {
        sequencer.submit(raw).unwrap();
    }
    sequencer.produce(2, &[]).unwrap();
    sequencer.produce(3, &[]).unwrap();
    assert!(sequencer.pool().is_empty(), "every transaction was included");

    // Two batches of the sequencer's blocks, then one that does not decode (two empty blocks,
    // the last crediting the third deposit).
    let snapshot = sequencer.snapshot().unwrap();
    let blocks: Vec<BatchBlock> = (1..=3)
        .map(|n| {
            let block = snapshot.block(n).unwrap().unwrap();
            BatchBlock {
                timestamp: block.header.timestamp,
                deposits: deposit_count(&block.header),
                transactions: block.transactions,
            }
        })
        .collect();
    assert_eq!(blocks.iter().map(|b| b.deposits).collect::<Vec<_>>(), [2, 2, 2]);
    let first = batch(0, 1, &blocks[..1], &portal, 2, B256::ZERO);
    let second = batch(1, 2, &blocks[1..], &portal, 2, first.0.accumulator);
    let garbage = batch_of(2, 4, 5, vec![0, 0xff, 0xff], &portal, 3, second.0.accumulator);
    // A blob that carries no data (its first element's top byte is set, still a field
    // element: read, its entry would make block 6 at time 10), and a forced batch (no blob):
    // both derive the empty block, one second after its parent.
    let entry = BatchBlock { timestamp: 10, deposits: 3, transactions: vec![] };
    let mut bad = axon_rollup::blob::encode(&encode(&[entry])).unwrap();
    bad[0] = 1;
    let bad_hash = axon_dispute::blob::versioned_hash(&bad).unwrap();
    let malformed = in_blob(3, (6, 6), (bad_hash, bad), &portal, 3, garbage.0.accumulator);
    let forced = in_blob(4, (7, 7), (B256::ZERO, vec![]), &portal, 3, malformed.0.accumulator);
    let validator =
        Node::open(genesis.clone(), Role::Validator, &dir.join("validator.redb")).unwrap();
    let mut previous = B256::ZERO;
    let batches =
        [(&first, 0..2), (&second, 2..2), (&garbage, 2..3), (&malformed, 3..3), (&forced, 3..3)];
    for ((record, data), credits) in batches {
        let credits = &portal[credits];
        validator.derive_batch(record, previous, data, credits).unwrap();
        previous = record.accumulator;
    }
    for n in 1..=3 {
        assert_eq!(output_root(&validator, n), output_root(&sequencer, n), "block {n}");
    }
    assert_eq!(validator.head().header.number, 7);
    let snapshot = validator.snapshot().unwrap();
    for n in [6, 7] {
        let block = snapshot.block(n).unwrap().unwrap();
        assert!(block.transactions.is_empty(), "block {n} is the empty block");
        assert_eq!(block.header.timestamp, n, "block {n} is one second after its parent");
    }
    drop(snapshot);
    let balance = |node: &Node, n: u64, who: Address| {
        let snapshot = node.snapshot().unwrap();
        let root = snapshot.block(n).unwrap().unwrap().header.state_root;
        let mut state = TrieState::new(&snapshot, root, n, vec![]);
        state.basic(who).unwrap().map_or(U256::ZERO, |a| a.balance)
    };
    assert_eq!(balance(&validator, 1, portal[0].to), portal[0].value, "deposit 0 credited");
    assert_eq!(balance(&validator, 4, portal[2].to), U256::ZERO, "deposit 2 not yet");
    assert_eq!(balance(&validator, 5, portal[2].to), portal[2].value, "forced in by the batch");
    assert_eq!(deposit_count(&validator.head().header), 3);
    assert_ne!(
        output_root(&validator, 2),
        output_root(&validator, 1),
        "the withdrawal moved the root"
    );

    let boot = RollupBoot {
        chainConfig: keccak256(genesis.config.abi_encode()),
        startingOutputRoot: output_root(&validator, 0),
        startingBlock: 0,
        inboxAccumulator: forced.0.accumulator,
        proposalBlock: 7,
    };
    let elf = repo().join("fixtures/programs/rollup-block.elf");
    let run = |unit: u64, disputed: B256| {
        let agreed = output_root(&validator, unit);
        let store = unit_preimages(&validator, &boot, unit, agreed, disputed).unwrap();
        let run = run_guest(&elf, store).unwrap();
        (run.halt, run.steps, String::from_utf8_lossy(&run.stderr).into_owned())
    };
    for unit in 0..7 {
        let truth = output_root(&validator, unit + 1);
        let (halt, steps, stderr) = run(unit, truth);
        assert_eq!(halt, Halt::Exited(0), "unit {unit} ({steps} steps): {stderr}");
        eprintln!("unit {unit}: block {} proven in {steps} VM steps", unit + 1);
        let (halt, _, _) = run(unit, B256::repeat_byte(0x11));
        assert_eq!(halt, Halt::Exited(1), "unit {unit} accepted a wrong output root");
    }
    // Past the proposal's block the output stays the proposal's.
    let last = output_root(&validator, 7);
    let store = unit_preimages(&validator, &boot, 7, last, last).unwrap();
    assert_eq!(run_guest(&elf, store).unwrap().halt, Halt::Exited(0));
    let store = unit_preimages(&validator, &boot, 7, last, B256::ZERO).unwrap();
    assert_eq!(run_guest(&elf, store).unwrap().halt, Halt::Exited(1));
}
