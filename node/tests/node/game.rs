//! Steps 4 to 9 of the seed's workflow on the embedded L1 (the compiled contracts, the real
//! RISC-V verifier): the sequencer's blocks are posted to the `BatchInbox`, a validator
//! derives them, a proposer claims a wrong output through `Outputs`, the honest validator
//! challenges it with the `rollup-block` split game (output roots per block above the split,
//! one block's VM trace below) and wins; the wrong proposal is discarded and its bond is the
//! challenger's. A right proposal then goes unchallenged, is finalized and becomes the anchor
//! the next proposal starts from.

use std::sync::Arc;
use std::time::Duration;

use alloy::primitives::{Address, TxKind, B256, U256};
use axon_dispute::ai_evm::Wallet;
use axon_dispute::chain::{send, view, Chain, EmbeddedChain};
use axon_dispute::contracts::default_artifacts_dir;
use axon_dispute::deploy::{game_at, root_bond};
use axon_dispute::driver::{play, Seat};
use axon_dispute::game::{self, encode_extra_data, EventKind, GameStatus};
use axon_dispute::guest::load_guest;
use axon_dispute::lying::{Lie, LyingUnits};
use axon_dispute::split::{UnitTrace, VmUnitTrace};
use axon_dispute::{GameTrace, Player, Strategy};
use axon_node::deployment::{
    deploy, DeployOptions, OUTPUT_GAME_TYPE, OUTPUT_MAX_DEPTH, OUTPUT_SPLIT_DEPTH,
};
use axon_node::proof::RollupUnits;
use axon_node::store::BatchRecord;
use axon_node::{Node, Role};
use axon_rollup::batch::{encode, BatchBlock};
use axon_rollup::boot::RollupBoot;
use axon_rollup::output::MESSAGE_PASSER;

use super::support::{output_root, repo, sequencer_in_process, KEYS};

alloy::sol! {
    function postBatch(uint64 firstBlock, uint64 lastBlock, uint64 depositCount) external;
    function batch(uint256 index) external view returns (bytes32 accumulator, uint64 lastBlock, uint64 timestamp, uint64 depositCount);
    function bootFor(uint64 l2Block) external view returns (bytes boot);
    function propose(bytes32 outputRoot, uint64 l2Block) external payable returns (address game);
    function finalize(address game) external;
    function proposals(address game) external view returns (uint64 l2Block, uint8 fate);
    function anchor() external view returns (bytes32 outputRoot, uint64 l2Block);
    function resolveClaim(uint256 claimIndex, uint256 numToResolve) external;
    function resolve() external returns (uint8 status);
}

const GAME_TYPE: u32 = OUTPUT_GAME_TYPE;
/// The production shape: 2^20 blocks above the split, 2^40 steps below.
const MAX_DEPTH: u8 = OUTPUT_MAX_DEPTH;
const SPLIT_DEPTH: u8 = OUTPUT_SPLIT_DEPTH;
/// Seconds on each side's clock.
const CLOCK: u32 = 3_600;
const FUNDS: u128 = 1_000_000_000_000_000_000_000;
const DISCARDED: u8 = 3;
const FINALIZED: u8 = 2;

fn units(node: &Arc<Node>, boot: &RollupBoot) -> VmUnitTrace {
    let program = load_guest(&repo().join("fixtures/programs/rollup-block.elf")).unwrap();
    let units = RollupUnits::new(node.clone(), boot.clone()).unwrap();
    VmUnitTrace::new(Box::new(units), program, MAX_DEPTH, SPLIT_DEPTH, 1 << 14).unwrap()
}

#[test]
fn a_wrong_output_is_challenged_and_discarded_and_a_right_one_becomes_the_anchor() {
    // The L2 chain: a transfer, then a withdrawal, then an empty block.
    let (genesis, dir, sequencer) = sequencer_in_process("game");
    let chain_id = genesis.config.chainId;
    let mut alice = Wallet::new(KEYS[0].parse().unwrap()).unwrap();
    let dead = TxKind::Call(Address::repeat_byte(0xde));
    sequencer.submit(alice.sign(chain_id, dead, U256::from(5), vec![], 21_000).unwrap()).unwrap();
    sequencer.produce(1, &[]).unwrap();
    let withdraw =
        alice.sign(chain_id, TxKind::Call(MESSAGE_PASSER), U256::from(7), vec![], 100_000);
    sequencer.submit(withdraw.unwrap()).unwrap();
    sequencer.produce(2, &[]).unwrap();
    sequencer.produce(3, &[]).unwrap();

    // L1: the dispute contracts, the rollup's game type, the inbox and the outputs registry.
    let mut l1 = EmbeddedChain::new();
    let [deployer, batcher, proposer, challenger] = [0xd0, 0x5e, 0xb0, 0xc0].map(|tag| {
        let who = Address::repeat_byte(tag);
        l1.fund(who, U256::from(FUNDS));
        who
    });
    let options = DeployOptions {
        artifacts: &default_artifacts_dir(),
        genesis: &genesis,
        program: &repo().join("fixtures/programs/rollup-block.elf"),
        inference_program: &repo().join("fixtures/programs/inference.elf"),
        sequencer: batcher,
        dispute_clock: CLOCK,
        withdrawal_delay: 1,
        deposit_bound: 3_600,
    };
    let deployment = deploy(&mut l1, deployer, &options, 1, 0).unwrap();
    let inbox = deployment.batch_inbox;

    // Step 2: the sequencer's blocks go to L1 in two batches; step 3: the validator derives.
    let snapshot = sequencer.snapshot().unwrap();
    let blocks: Vec<BatchBlock> = (1..=3)
        .map(|n| {
            let block = snapshot.block(n).unwrap().unwrap();
            BatchBlock {
                timestamp: block.header.timestamp,
                deposits: 0,
                transactions: block.transactions,
            }
        })
        .collect();
    let validator = Arc::new(
        Node::open(genesis.clone(), Role::Validator, &dir.join("validator.redb")).unwrap(),
    );
    let mut previous = B256::ZERO;
    for (index, (first, last)) in [(1u64, 2u64), (3, 3)].into_iter().enumerate() {
        let data = encode(&blocks[first as usize - 1..last as usize]);
        let blob = axon_rollup::blob::encode(&data).expect("fits a blob");
        let blob_hash = axon_dispute::blob::versioned_hash(&blob).unwrap();
        let call = postBatchCall { firstBlock: first, lastBlock: last, depositCount: 0 };
        l1.carry_blobs(vec![blob_hash]);
        send(&mut l1, batcher, inbox, U256::ZERO, call).unwrap();
        l1.carry_blobs(Vec::new());
        let posted = view(&mut l1, inbox, batchCall { index: U256::from(index) }).unwrap();
        let record = BatchRecord {
            index: index as u64,
            l1_block: index as u64 + 1,
            l1_hash: B256::repeat_byte(index as u8 + 1),
            first_block: first,
            last_block: last,
            blob_hash,
            timestamp: posted.timestamp,
            deposit_count: 0,
            deposit_accumulator: B256::ZERO,
            accumulator: posted.accumulator,
        };
        validator.derive_batch(&record, previous, &blob, &[]).unwrap();
        previous = posted.accumulator;
    }
    for n in 1..=3 {
        assert_eq!(output_root(&validator, n), output_root(&sequencer, n), "block {n}");
    }

    let outputs = deployment.outputs;

    // Step 4, dishonestly: a wrong output of block 3 (a lie from block 2 on), defended by a
    // VM trace that departs from the true one after 200,000 steps.
    let boot_bytes = view(&mut l1, outputs, bootForCall { l2Block: 3 }).unwrap();
    let boot = RollupBoot::decode(&boot_bytes).expect("the contract's boot is canonical");
    assert_eq!(boot.startingOutputRoot, output_root(&validator, 0));
    let honest = units(&validator, &boot);
    let lie = Some((200_000, Lie::State));
    let mut lying = LyingUnits::new(Box::new(units(&validator, &boot)), 2, Lie::State, lie);
    let wrong = lying.commitment_after(1 << SPLIT_DEPTH).unwrap();
    assert_ne!(B256::from(wrong), output_root(&validator, 3));
    let bond = root_bond(&mut l1, deployment.factory, GAME_TYPE).unwrap();
    send(&mut l1, proposer, outputs, bond, proposeCall { outputRoot: wrong.into(), l2Block: 3 })
        .unwrap();
    let extra = encode_extra_data(&[boot.hash().as_slice()]).unwrap();
    let game = game_at(&mut l1, deployment.factory, GAME_TYPE, wrong, &extra).unwrap();

    // Steps 5 to 8: the honest validator disagrees and plays the game to its end.
    let mut seats = [
        Seat::new(
            "proposer",
            Player::new(
                proposer,
                game,
                Strategy::Solver,
                GameTrace::split(Box::new(lying)),
                extra.clone(),
            ),
        ),
        Seat::new(
            "challenger",
            Player::new(
                challenger,
                game,
                Strategy::Solver,
                GameTrace::split(Box::new(honest)),
                extra.clone(),
            ),
        ),
    ];
    let (mut refused_steps, mut max_move) = (0, 0);
    play(&mut l1, &mut seats, Duration::ZERO, |seat, event| match event.kind {
        // The liar, left with the last move at a leaf, finds that L1's VM proves the
        // challenger's step right.
        EventKind::Refused if seat.name == "proposer" => refused_steps += 1,
        EventKind::Move => max_move = max_move.max(event.gas),
        _ => {}
    })
    .expect("the game plays to its end");
    assert!(max_move <= 100_000, "a move used {max_move} gas");
    let state = game::read(&mut l1, game).unwrap();
    assert_eq!(state.status, GameStatus::ChallengerWins);
    let deepest = state.claims.iter().map(|c| c.position.depth()).max();
    assert_eq!(deepest, Some(MAX_DEPTH), "the bisection reached one instruction of a block's run");
    assert!(refused_steps > 0, "the liar's step was refused by the on-chain verifier");

    // Step 9: the wrong output is discarded; the challenger holds the proposer's bond.
    send(&mut l1, deployer, outputs, U256::ZERO, finalizeCall { game }).unwrap();
    assert_eq!(view(&mut l1, outputs, proposalsCall { game }).unwrap().fate, DISCARDED);
    assert!(l1.balance(challenger).unwrap() > U256::from(FUNDS), "the challenger gains");
    assert!(l1.balance(proposer).unwrap() < U256::from(FUNDS), "the proposer loses its bond");
    assert_eq!(view(&mut l1, outputs, anchorCall {}).unwrap().l2Block, 0);

    // A right output goes unchallenged through its clock, is finalized and is the anchor.
    let right = output_root(&validator, 3);
    send(&mut l1, proposer, outputs, bond, proposeCall { outputRoot: right, l2Block: 3 }).unwrap();
    let game = game_at(&mut l1, deployment.factory, GAME_TYPE, right.0, &extra).unwrap();
    l1.advance_time(u64::from(CLOCK) + 1).unwrap();
    send(
        &mut l1,
        deployer,
        game,
        U256::ZERO,
        resolveClaimCall { claimIndex: U256::ZERO, numToResolve: U256::ZERO },
    )
    .unwrap();
    send(&mut l1, deployer, game, U256::ZERO, resolveCall {}).unwrap();
    send(&mut l1, deployer, outputs, U256::ZERO, finalizeCall { game }).unwrap();
    assert_eq!(view(&mut l1, outputs, proposalsCall { game }).unwrap().fate, FINALIZED);
    let anchor = view(&mut l1, outputs, anchorCall {}).unwrap();
    assert_eq!((anchor.outputRoot, anchor.l2Block), (right, 3));
}
